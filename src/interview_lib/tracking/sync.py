"""Back-fill MLflow runs for sessions the tables hold but MLflow missed (it was unreachable)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone

from interview_lib.domain.report import build_report
from interview_lib.domain.states import TERMINAL
from interview_lib.store.base import Store
from interview_lib.store.resume import load_session
from interview_lib.store.rows import session_row
from interview_lib.tracking.base import Tracker

log = logging.getLogger(__name__)


def unsynced_sessions(store: Store) -> list[str]:
    """Ended sessions whose MLflow run is missing or incomplete."""
    rows = store.read("sessions").to_pylist()
    return sorted(
        str(r["session_id"])
        for r in rows
        if not r.get("mlflow_synced") and r.get("final_state") in {s.value for s in TERMINAL}
    )


def sync_mlflow(
    store: Store,
    tracker: Tracker,
    *,
    bundle_target: str | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> list[str]:
    """Log a complete run for every unsynced ended session; return their ids.

    An incomplete run left by the failed attempt is deleted first, so each session ends with exactly one run.
    """
    done = []
    stored_rows = {str(r["session_id"]): r for r in store.read("sessions").to_pylist()}
    for session_id in unsynced_sessions(store):
        stored = load_session(store, session_id)
        session = stored.session
        target = bundle_target or stored_rows[session_id].get("bundle_target")
        stored_owner = stored_rows[session_id].get("owner")
        owner = str(stored_owner) if stored_owner else None  # on the new run and the rewritten row alike
        if stored.mlflow_run_id:
            try:
                tracker.discard_run(stored.mlflow_run_id)
            except Exception as exc:  # the partial run may not exist on this server
                log.info("could not discard run %s: %s", stored.mlflow_run_id, exc)
        run_id = tracker.start_run(session, target, owner)
        for turn in session.turns:
            tracker.log_turn(run_id, turn)
        report = build_report(session)
        tracker.finish_run(run_id, session, report)
        store.upsert_session(
            session_row(
                session,
                clock(),
                report,
                mlflow_run_id=run_id,
                mlflow_synced=True,
                bundle_target=target,
                owner=owner,
            )
        )
        done.append(session_id)
    return done
