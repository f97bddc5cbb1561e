"""The ``Recorder`` port: the interview reports every transition and finished turn to it."""

from __future__ import annotations

from typing import Protocol

from interview_lib.domain.models import InterviewSession, Turn
from interview_lib.domain.report import SessionReport
from interview_lib.domain.states import TransitionRecord


class Recorder(Protocol):
    """Receives the interview's progress as it happens (Delta + MLflow in production)."""

    def transitioned(self, session: InterviewSession, record: TransitionRecord) -> None:
        """A state transition happened."""
        ...

    def turn_finished(self, session: InterviewSession, turn: Turn) -> None:
        """A turn was answered and decided on (or skipped); called before the next question is asked."""
        ...

    def session_finished(self, session: InterviewSession, report: SessionReport) -> None:
        """The report was built."""
        ...


class NullRecorder:
    """Records nothing: for tests and throw-away interviews."""

    def transitioned(self, session: InterviewSession, record: TransitionRecord) -> None:
        """Ignore the transition."""

    def turn_finished(self, session: InterviewSession, turn: Turn) -> None:
        """Ignore the turn."""

    def session_finished(self, session: InterviewSession, report: SessionReport) -> None:
        """Ignore the report."""
