"""The composition root: settings (and explicit overrides) → a ready :class:`Interview` with all its ports, or the
ports a batch job needs. Entry points (CLI, notebook room, web app, jobs) call this; nothing else turns settings
into backends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from interview_lib.domain.models import InterviewSetup, session_id_problem
from interview_lib.errors import ConfigurationError
from interview_lib.reasoning import Reasoner, create_reasoner
from interview_lib.registry import Registry
from interview_lib.session.intake import AnswerIntake
from interview_lib.session.interview import Interview, utc_now
from interview_lib.session.questions import Similarity
from interview_lib.session.recorder import Recorder, TableRecorder
from interview_lib.session.restore import restore_interview
from interview_lib.settings import Settings
from interview_lib.speech.stt import SpeechToText
from interview_lib.speech.tts import Speaker
from interview_lib.store.base import Store
from interview_lib.store.blobs import BlobStore
from interview_lib.store.local import LocalDeltaStore
from interview_lib.store.resume import load_session
from interview_lib.tracking.base import Tracker

STORES = Registry(
    "store",
    {"local": "interview_lib.wiring:local_store", "spark": "interview_lib.wiring:spark_store"},
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


def open_recorder(settings: Settings, store: Store | None = None, *, owner: str | None = None) -> TableRecorder:
    """Delta rows for every turn, an MLflow run per session (``store``: one already open). ``owner``: the signed-in
    user (the web app's), stamped on the ``sessions`` row and tagged on the run."""
    return TableRecorder(
        store or open_store(settings), open_tracker(settings), bundle_target=settings.bundle_target, owner=owner
    )


def open_reasoner(
    settings: Settings, *, spec: str | None = None, seed: int | None = None, batch: bool = False
) -> Reasoner:
    """The reasoner the settings name (or ``spec``); ``batch``: nobody waits, so remote calls get no turn deadline."""
    if batch:
        settings = settings.model_copy(update={"llm_turn_deadline_s": 0.0})
    return create_reasoner(
        spec or settings.reasoner, seed=seed or 0, cache_dir=settings.home / "cache", settings=settings
    )


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


def open_intake(settings: Settings, *, spoken: bool, stt: SpeechToText | None = None) -> AnswerIntake:
    """Answer intake: typed only, or (``spoken``) with the settings' recogniser unless ``stt`` is given."""
    recogniser = stt or (open_stt(settings) if spoken else None)
    return AnswerIntake(recogniser, open_blobs(settings), max_audio_seconds=settings.max_audio_seconds)


def _similarity() -> Similarity:
    from interview_lib.reasoning.embeddings import max_similarity

    return max_similarity


def _owned(owner: str | None, recorder: Recorder | None) -> None:
    if owner is not None and recorder is not None:
        raise ConfigurationError("owner is recorded by the recorder built here: pass owner to open_recorder instead")


def open_interview(
    setup: InterviewSetup,
    settings: Settings | None = None,
    *,
    spoken: bool = False,
    session_id: str | None = None,
    reasoner: Reasoner | None = None,
    recorder: Recorder | None = None,
    stt: SpeechToText | None = None,
    owner: str | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Interview:
    """A new interview, its first question asked. Everything not given comes from ``settings`` (default: the
    environment): the reasoner, Delta + MLflow recording, and for ``spoken`` interviews the recogniser.
    ``owner``: the signed-in user, on the session row and as the run's ``dataready.owner`` tag.

    Raises:
        ConfigurationError: ``session_id`` cannot name a session, a backend cannot be built, or both ``owner`` and
            ``recorder`` are given.
    """
    if session_id is not None and (problem := session_id_problem(session_id)):
        raise ConfigurationError(problem)  # before any store or MLflow database is opened
    _owned(owner, recorder)
    settings = settings or Settings()
    return Interview.start(
        setup,
        reasoner or open_reasoner(settings, seed=setup.seed),
        session_id=session_id,
        recorder=recorder or open_recorder(settings, owner=owner),
        intake=open_intake(settings, spoken=spoken or stt is not None, stt=stt),
        clock=clock,
        similarity=_similarity(),
    )


def resume_interview(
    session_id: str,
    settings: Settings | None = None,
    *,
    spoken: bool = False,
    reasoner: Reasoner | None = None,
    recorder: TableRecorder | None = None,
    stt: SpeechToText | None = None,
    owner: str | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Interview:
    """The stored session ``session_id`` carried on after its process died, built like :func:`open_interview`
    (the recorder must write tables: the session is read back through its store).

    Raises:
        StoreError: no such session in the tables.
        ConfigurationError: both ``owner`` and ``recorder`` are given.
    """
    _owned(owner, recorder)
    settings = settings or Settings()
    recorder = recorder or open_recorder(settings, owner=owner)
    return restore_interview(
        load_session(recorder.store, session_id),
        reasoner or open_reasoner(settings),
        recorder,
        intake=open_intake(settings, spoken=spoken or stt is not None, stt=stt),
        clock=clock,
        similarity=_similarity(),
    )
