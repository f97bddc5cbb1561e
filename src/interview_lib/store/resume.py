"""Read one session back from the tables (after a crash, or to re-render its report)."""

from __future__ import annotations

from dataclasses import dataclass

from interview_lib.domain.models import InterviewSession, Question
from interview_lib.errors import StoreError
from interview_lib.store.base import Store
from interview_lib.store.rows import session_from_rows


@dataclass(frozen=True)
class StoredSession:
    """A session as the tables hold it, plus what was in flight when it stopped."""

    session: InterviewSession
    pending_question: Question | None
    mlflow_run_id: str | None
    mlflow_synced: bool
    recorded_final: bool  # the sessions row already holds the session's final state


def load_session(store: Store, session_id: str) -> StoredSession:
    """The stored session ``session_id``.

    Raises:
        StoreError: no such session.
    """
    found = store.read("sessions", session_id).to_pylist()
    if not found:
        raise StoreError(f"no session {session_id!r} in the tables: `dataready sessions` lists them")
    row = found[0]
    session, pending = session_from_rows(
        row, store.read("turns", session_id).to_pylist(), store.read("events", session_id).to_pylist()
    )
    return StoredSession(
        session,
        pending,
        row.get("mlflow_run_id") or None,
        bool(row.get("mlflow_synced")),
        recorded_final=row.get("final_state") == session.state.value,
    )
