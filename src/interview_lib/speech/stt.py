"""The ``SpeechToText`` port and its backends, chosen by name (``"faster-whisper:tiny.en"``)."""

from __future__ import annotations

from typing import Any, Protocol

from interview_lib.domain.models import Transcript
from interview_lib.registry import Registry
from interview_lib.speech.audio import DecodedAudio

# Whisper drops spoken fillers unless its context already contains some; the terms steer spelling.
FILLER_PROMPT = "Um, uh, like, you know, I mean."
VOCABULARY = (
    "Delta Lake, Z-order, liquid clustering, Kafka, Parquet, Avro, idempotent, Spark, shuffle, Databricks, "
    "Unity Catalog, Auto Loader, Lakeflow, watermark, upsert, MERGE, SCD type 2, Airflow, DAG, PySpark, OPTIMIZE, "
    "VACUUM, Photon, dbt, schema evolution, CDC."
)


def initial_prompt(vocabulary_hint: bool) -> str:
    """What the recogniser is primed with: fillers always, the data-engineering vocabulary when asked."""
    return f"{FILLER_PROMPT} {VOCABULARY}" if vocabulary_hint else FILLER_PROMPT


class SpeechToText(Protocol):
    """Turns decoded audio into a transcript (with word timings where the backend has them)."""

    name: str

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """The transcript of ``audio``."""
        ...


STT = Registry(
    "stt",
    {
        "faster-whisper": "interview_lib.speech.stt_faster_whisper:create",
        "openai": "interview_lib.speech.stt_http:create_openai",
        "databricks": "interview_lib.speech.stt_http:create_databricks",
    },
)


def create_stt(spec: str, **options: Any) -> SpeechToText:
    """The speech-to-text backend named by ``spec``."""
    backend: SpeechToText = STT.create(spec, **options)
    return backend
