"""The ``Recorder`` port and the recorder that writes Delta rows and MLflow runs as the interview goes.

Write order per finished turn: ``turns`` (the commit that makes a turn finished), then ``scores``; the turn's
transitions are written with the next ask (``events``). Every write is idempotent on its key, so a resume after a
crash simply replays the last finished turn's writes. MLflow failures never stop the interview: the session row keeps
``mlflow_synced = false`` and ``dataready sync-mlflow`` back-fills it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Protocol

from interview_lib.domain.models import InterviewSession, Turn
from interview_lib.domain.report import SessionReport
from interview_lib.domain.states import TERMINAL, InterviewState, TransitionRecord
from interview_lib.store import keys, rows
from interview_lib.store.base import Store
from interview_lib.tracking.base import NullTracker, Tracker

log = logging.getLogger(__name__)


class Recorder(Protocol):
    """Receives the interview's progress as it happens."""

    def session_started(self, session: InterviewSession) -> None:
        """A session was created."""
        ...

    def transitioned(self, session: InterviewSession, record: TransitionRecord) -> None:
        """A state transition happened."""
        ...

    def turn_asked(self, session: InterviewSession, turn: Turn) -> None:
        """A question was asked and the interview now waits for the answer."""
        ...

    def turn_finished(self, session: InterviewSession, turn: Turn) -> None:
        """A turn was answered and decided on (or skipped); called before the next question is asked."""
        ...

    def session_finished(self, session: InterviewSession, report: SessionReport) -> None:
        """The report was built."""
        ...


class NullRecorder:
    """Records nothing: for tests and throw-away interviews."""

    def session_started(self, session: InterviewSession) -> None:
        """Ignore the session."""

    def transitioned(self, session: InterviewSession, record: TransitionRecord) -> None:
        """Ignore the transition."""

    def turn_asked(self, session: InterviewSession, turn: Turn) -> None:
        """Ignore the question."""

    def turn_finished(self, session: InterviewSession, turn: Turn) -> None:
        """Ignore the turn."""

    def session_finished(self, session: InterviewSession, report: SessionReport) -> None:
        """Ignore the report."""


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class TableRecorder:
    """Writes every session to the Delta tables and, best effort, to a tracker; ``owner``: the signed-in user whose
    sessions these are (the web app's), on each ``sessions`` row and on each run."""

    def __init__(
        self,
        store: Store,
        tracker: Tracker | None = None,
        *,
        bundle_target: str | None = None,
        owner: str | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.store = store
        self.tracker: Tracker = tracker or NullTracker()
        self.bundle_target = bundle_target
        self.owner = owner
        self._clock = clock
        self._run_ids: dict[str, str] = {}
        self._tracking_failed: set[str] = set()
        self._written_seq: dict[str, int] = {}
        self._written_live: dict[str, tuple[str, tuple[str, ...]]] = {}  # (state, notes) of the last session row

    # -- tracker, best effort ---------------------------------------------------------------------------
    def _track(self, session: InterviewSession, action: Callable[[], object]) -> None:
        if session.session_id in self._tracking_failed:
            return
        try:
            action()
        except Exception as exc:  # any tracker failure: carry on, back-fill later
            self._tracking_failed.add(session.session_id)
            session.notes.append(f"experiment tracking unavailable ({type(exc).__name__}): run sync-mlflow later")
            log.warning("tracking failed for %s: %s", session.session_id, exc)

    def _start_run(self, session: InterviewSession) -> None:
        def start() -> None:
            self._run_ids[session.session_id] = self.tracker.start_run(session, self.bundle_target, self.owner)

        self._track(session, start)

    def _synced(self, session: InterviewSession) -> bool:
        return session.session_id in self._run_ids and session.session_id not in self._tracking_failed

    # -- Recorder ------------------------------------------------------------------------------------
    def session_started(self, session: InterviewSession) -> None:
        """Write the session row and open its run."""
        self._start_run(session)
        self._write_session(session, None)

    def adopt(self, session: InterviewSession, run_id: str | None) -> None:
        """Continue recording a session rebuilt from the tables (after a crash)."""
        self._written_seq[session.session_id] = len(session.transitions) - 1
        if run_id:
            self._run_ids[session.session_id] = run_id
        else:
            self._tracking_failed.add(session.session_id)

    def transitioned(self, session: InterviewSession, record: TransitionRecord) -> None:
        """Transitions are written in batches; terminal ones at once; a pause shows in the session row."""
        if record.to_state in TERMINAL or record.to_state is InterviewState.CANCELLED:
            self._flush_events(session)
            if record.to_state is InterviewState.CANCELLED:
                self._write_session(session, None)
        elif record.to_state is InterviewState.PAUSED or record.from_state is InterviewState.PAUSED:
            self._flush_events(session)
            self._write_live(session)

    def turn_asked(self, session: InterviewSession, turn: Turn) -> None:
        """Record the ask (with the question, so a resumed session asks the same one); the session row follows
        when its state or notes changed, so `dataready sessions` shows a session in progress as it is."""
        payload = {"turn_no": turn.turn_no, "question": turn.question.model_dump(mode="json")}
        self._flush_events(session, payload)
        self._write_live(session)

    def turn_finished(self, session: InterviewSession, turn: Turn) -> None:
        """turns → scores → events, each idempotent; then the turn's metrics to the tracker."""
        self.write_turn(session, turn)
        run_id = self._run_ids.get(session.session_id)
        if run_id is not None:
            self._track(session, lambda: self.tracker.log_turn(run_id, turn))

    def write_turn(self, session: InterviewSession, turn: Turn) -> None:
        """The finished turn's rows (safe to repeat). Its transitions go out with the next ask or the end: one
        events commit per turn instead of two, and resume needs only the turn row and the last ask."""
        now = self._clock()
        sid = session.session_id
        key = keys.turn_rows(sid, turn.turn_no)
        self.store.append("turns", [rows.turn_row(sid, turn, now)], app_id=key.app_id, version=key.version)
        if turn.evaluation is not None:
            row = rows.score_row(sid, turn.turn_no, turn.evaluation, now)
            self.store.append("scores", [row], app_id=key.app_id, version=key.version)

    def session_finished(self, session: InterviewSession, report: SessionReport) -> None:
        """Final events and session row first (the record), then the run's artifacts, then compaction."""
        self._flush_events(session)
        self._write_session(session, report, synced=False)
        run_id = self._run_ids.get(session.session_id)
        if run_id is not None:
            notes = len(session.notes)
            self._track(session, lambda: self.tracker.finish_run(run_id, session, report))
            if self._synced(session) or len(session.notes) != notes:  # synced, or a tracking note to keep
                self._write_session(session, report)
        for table in ("sessions", "turns", "scores", "events"):
            self.store.compact(table)

    # -- writes --------------------------------------------------------------------------------------
    def _flush_events(self, session: InterviewSession, payload: dict[str, object] | None = None) -> None:
        sid = session.session_id
        first = self._written_seq.get(sid, -1) + 1
        last = len(session.transitions) - 1
        if last < first:
            return
        batch = [
            rows.event_row(sid, seq, session.transitions[seq], payload if seq == last else None)
            for seq in range(first, last + 1)
        ]
        key = keys.session_events(sid, last)
        self.store.append("events", batch, app_id=key.app_id, version=key.version)
        self._written_seq[sid] = last

    def _write_live(self, session: InterviewSession) -> None:
        live = (session.state.value, tuple(session.notes))
        if self._written_live.get(session.session_id) != live:
            self._write_session(session, None)

    def _write_session(self, session: InterviewSession, report: SessionReport | None, *, synced: bool = True) -> None:
        self._written_live[session.session_id] = (session.state.value, tuple(session.notes))
        self.store.upsert_session(
            rows.session_row(
                session,
                self._clock(),
                report,
                mlflow_run_id=self._run_ids.get(session.session_id),
                mlflow_synced=synced and self._synced(session) and report is not None,
                bundle_target=self.bundle_target,
                owner=self.owner,
            )
        )
