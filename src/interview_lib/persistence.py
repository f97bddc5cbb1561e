"""Build what the settings name: store, tracker, recorder (local Delta + MLflow), and the voice backends."""

from __future__ import annotations

from interview_lib.registry import Registry
from interview_lib.settings import Settings
from interview_lib.speech.stt import SpeechToText
from interview_lib.speech.tts import Speaker
from interview_lib.store.base import Store
from interview_lib.store.blobs import BlobStore
from interview_lib.store.local import LocalDeltaStore
from interview_lib.store.recorder import TableRecorder
from interview_lib.tracking.base import Tracker

STORES = Registry(
    "store",
    {"local": "interview_lib.persistence:local_store", "spark": "interview_lib.persistence:spark_store"},
)


def local_store(argument: str | None, *, settings: Settings) -> Store:
    """Delta tables under ``<home>/delta`` (deltalake)."""
    return LocalDeltaStore(settings.home / "delta")


def spark_store(argument: str | None, *, settings: Settings) -> Store:
    """Unity Catalog tables ``<uc_catalog>.<uc_schema>.<table>`` through the active Spark session."""
    from pyspark.sql import SparkSession

    from interview_lib.store.spark import SparkDeltaStore

    return SparkDeltaStore(SparkSession.builder.getOrCreate(), settings.uc_catalog, settings.uc_schema)


def open_store(settings: Settings) -> Store:
    """The store the settings name, migrated to the current schema."""
    store: Store = STORES.create(settings.store, settings=settings)
    store.migrate()
    return store


def open_tracker(settings: Settings) -> Tracker:
    """MLflow at the configured URI, or a sqlite store under the data root."""
    from interview_lib.tracking.mlflow import MlflowTracker, local_tracking_uri

    settings.home.mkdir(parents=True, exist_ok=True)
    uri = settings.mlflow_tracking_uri or local_tracking_uri(settings.home)
    return MlflowTracker(uri, settings.mlflow_experiment, artifact_root=settings.home / "artifacts")


def open_recorder(settings: Settings) -> TableRecorder:
    """Delta rows for every turn, an MLflow run per session."""
    return TableRecorder(open_store(settings), open_tracker(settings), bundle_target=settings.bundle_target)


def open_stt(settings: Settings) -> SpeechToText:
    """The speech-to-text backend (offline faster-whisper by default)."""
    from interview_lib.speech.stt import create_stt

    return create_stt(
        settings.stt, cache_dir=settings.home / "cache", vocabulary_hint=settings.stt_vocabulary_hint, settings=settings
    )


def open_speaker(settings: Settings) -> Speaker:
    """The interviewer's voice, cached under the data root; failures fall back to text."""
    from interview_lib.speech.tts import Speaker, create_silent, create_tts

    try:
        backend = create_tts(settings.tts)
    except Exception as exc:  # a missing or broken voice never stops the interview
        speaker = Speaker(create_silent(None), settings.home / "tts")
        speaker.startup_note = f"voice {settings.tts} unavailable ({exc}): questions shown as text"
        return speaker
    return Speaker(backend, settings.home / "tts")


def open_blobs(settings: Settings) -> BlobStore:
    """Content-addressed audio under the data root."""
    return BlobStore(settings.home / "audio")
