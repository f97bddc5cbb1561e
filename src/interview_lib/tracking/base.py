"""The ``Tracker`` port: one run per session, step metrics per turn, artifacts at the end."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from interview_lib.domain.models import InterviewSession, Turn
from interview_lib.domain.report import SessionReport


class Tracker(Protocol):
    """Logs sessions somewhere people can browse them. Every method may raise; callers carry on."""

    def start_run(self, session: InterviewSession, bundle_target: str | None, owner: str | None = None) -> str:
        """Open a run for ``session`` and return its id (``owner``: the signed-in user it belongs to, if any)."""
        ...

    def log_turn(self, run_id: str, turn: Turn) -> None:
        """Log one finished turn's scores with ``step`` = turn number."""
        ...

    def finish_run(self, run_id: str, session: InterviewSession, report: SessionReport) -> None:
        """Log the transcript, report and questions as artifacts and close the run."""
        ...

    def discard_run(self, run_id: str) -> None:
        """Remove a run that was left incomplete (before a back-fill replaces it)."""
        ...

    def log_job(
        self, name: str, params: dict[str, str], metrics: dict[str, float], files: list[Path], tags: dict[str, str]
    ) -> str:
        """One run for a batch job (cohort report, rescore) with its outputs as artifacts; returns its id."""
        ...


class NullTracker:
    """Tracks nothing."""

    def start_run(self, session: InterviewSession, bundle_target: str | None, owner: str | None = None) -> str:
        """No run: an empty id."""
        return ""

    def log_turn(self, run_id: str, turn: Turn) -> None:
        """Ignore the turn."""

    def finish_run(self, run_id: str, session: InterviewSession, report: SessionReport) -> None:
        """Ignore the report."""

    def discard_run(self, run_id: str) -> None:
        """Nothing to discard."""

    def log_job(
        self, name: str, params: dict[str, str], metrics: dict[str, float], files: list[Path], tags: dict[str, str]
    ) -> str:
        """No run."""
        return ""
