"""Build the store, tracker and recorder that the settings name (local Delta + MLflow by default)."""

from __future__ import annotations

from interview_lib.settings import Settings
from interview_lib.store.local import LocalDeltaStore
from interview_lib.store.recorder import TableRecorder
from interview_lib.tracking.base import Tracker


def open_store(settings: Settings) -> LocalDeltaStore:
    """The Delta tables under ``<home>/delta``, migrated to the current schema."""
    store = LocalDeltaStore(settings.home / "delta")
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
