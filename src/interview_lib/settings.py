"""All configuration in one typed object; environment variables use the prefix ``DATAREADY_``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where data lives and which backends run. Every default works offline on one machine."""

    model_config = SettingsConfigDict(env_prefix="DATAREADY_", extra="forbid", frozen=True)

    # Data root: MLflow store (mlruns.db, artifacts/), Delta tables (delta/) and audio (audio/) live under it.
    home: Path = Field(default=Path("dataready-data"))
    # Who asks and scores: "rubric" (offline), later "databricks:<endpoint>" or "openai:<model>".
    reasoner: str = "rubric"
    # MLflow tracking URI; empty means a sqlite store under `home` ("databricks" inside a workspace).
    mlflow_tracking_uri: str = ""
    # MLflow experiment that holds one run per session.
    mlflow_experiment: str = "dataready"
    # The Databricks bundle target (dev/prod) when running as a bundle job; logged as an MLflow tag.
    bundle_target: str | None = None
    # Speech to text: "faster-whisper:tiny.en" (offline, shipped model), "faster-whisper:base", or a model folder.
    stt: str = "faster-whisper:tiny.en"
    # Prime the recogniser with data-engineering terms (Delta, Z-order, Kafka...); fillers are primed always.
    stt_vocabulary_hint: bool = True
    # Text to speech for the interviewer's voice: "piper" (offline), "edge-tts" (needs network) or "silent".
    tts: str = "piper"
    # Longest answer recording that is transcribed; the rest is cut off and the report says so.
    max_audio_seconds: float = 600.0
