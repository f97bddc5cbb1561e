"""All configuration in one typed object; environment variables use the prefix ``DATAREADY_``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where data lives and which backends run. Every default works offline on one machine."""

    model_config = SettingsConfigDict(env_prefix="DATAREADY_", extra="forbid", frozen=True)

    # Data root: MLflow store, Delta tables and audio all live under it.
    home: Path = Field(default=Path("dataready-data"))
    # Who asks and scores: "rubric" (offline), later "databricks:<endpoint>" or "openai:<model>".
    reasoner: str = "rubric"
