"""The interview state machine: states, the table of legal edges, and a pure ``transition``.

PAUSED and ERROR are not dead ends: PAUSED resumes to the state it paused from, ERROR retries the
step that failed; both may also be cancelled. CANCELLED is reachable from every non-terminal state.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict

from interview_lib.errors import InvalidTransition


class InterviewState(str, Enum):
    """Where one interview session is."""

    SETUP = "SETUP"
    READY = "READY"
    ASKING = "ASKING"
    LISTENING = "LISTENING"
    PROCESSING = "PROCESSING"
    EVALUATING = "EVALUATING"
    DECIDING = "DECIDING"
    COMPLETE = "COMPLETE"
    GENERATING_REPORT = "GENERATING_REPORT"
    FINISHED = "FINISHED"
    PAUSED = "PAUSED"
    ERROR = "ERROR"
    CANCELLED = "CANCELLED"


S = InterviewState

TERMINAL: frozenset[InterviewState] = frozenset({S.FINISHED, S.CANCELLED})
#: States a candidate may pause in (waiting on a person, not in the middle of work).
PAUSABLE: frozenset[InterviewState] = frozenset({S.READY, S.ASKING, S.LISTENING, S.DECIDING})
#: States whose work can fail and be retried from ERROR.
RETRYABLE: frozenset[InterviewState] = frozenset(
    {S.READY, S.ASKING, S.LISTENING, S.PROCESSING, S.EVALUATING, S.DECIDING, S.GENERATING_REPORT}
)

_FORWARD: dict[InterviewState, frozenset[InterviewState]] = {
    S.SETUP: frozenset({S.READY}),
    S.READY: frozenset({S.ASKING}),
    S.ASKING: frozenset({S.LISTENING, S.COMPLETE}),
    # PROCESSING: an answer arrived; DECIDING: skipped; COMPLETE: ended early.
    S.LISTENING: frozenset({S.PROCESSING, S.DECIDING, S.COMPLETE}),
    # LISTENING again when no speech was found: the candidate answers again, nothing is scored.
    S.PROCESSING: frozenset({S.EVALUATING, S.LISTENING}),
    S.EVALUATING: frozenset({S.DECIDING}),
    S.DECIDING: frozenset({S.ASKING, S.COMPLETE}),
    S.COMPLETE: frozenset({S.GENERATING_REPORT}),
    S.GENERATING_REPORT: frozenset({S.FINISHED}),
    S.FINISHED: frozenset(),
    S.CANCELLED: frozenset(),
    S.PAUSED: PAUSABLE,
    S.ERROR: RETRYABLE,
}


def _build_table() -> dict[InterviewState, frozenset[InterviewState]]:
    table: dict[InterviewState, frozenset[InterviewState]] = {}
    for state, forward in _FORWARD.items():
        edges = set(forward)
        if state not in TERMINAL:
            edges.add(S.CANCELLED)
        if state in PAUSABLE:
            edges.add(S.PAUSED)
        if state in RETRYABLE:
            edges.add(S.ERROR)
        table[state] = frozenset(edges)
    return table


#: Every legal edge. PAUSED and ERROR edges are further narrowed by ``transition``: they may only
#: return to the state they were entered from.
VALID_TRANSITIONS: dict[InterviewState, frozenset[InterviewState]] = _build_table()


class TransitionRecord(BaseModel):
    """One edge taken, with the time the caller passed in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_state: InterviewState
    to_state: InterviewState
    at: datetime


def transition(
    current: InterviewState,
    target: InterviewState,
    *,
    return_to: InterviewState | None,
    at: datetime,
) -> tuple[InterviewState | None, TransitionRecord]:
    """Check one edge and describe it.

    Args:
        current: the state now.
        target: the state asked for.
        return_to: for PAUSED/ERROR, the state they were entered from; otherwise ignored.
        at: when the transition happens (the core reads no clock).

    Returns:
        The new ``return_to`` value (set when entering PAUSED/ERROR, cleared otherwise) and the record.

    Raises:
        InvalidTransition: the edge is not in ``VALID_TRANSITIONS`` or leaves PAUSED/ERROR for a state
            other than the one they were entered from.
    """
    if target not in VALID_TRANSITIONS[current]:
        raise InvalidTransition(current.value, target.value, _hint(current))
    if current in (S.PAUSED, S.ERROR) and target is not S.CANCELLED and target is not return_to:
        expected = return_to.value if return_to else "?"
        raise InvalidTransition(current.value, target.value, f"{current.value} may only return to {expected}")
    new_return = current if target in (S.PAUSED, S.ERROR) else None
    return new_return, TransitionRecord(from_state=current, to_state=target, at=at)


def _hint(current: InterviewState) -> str:
    allowed = sorted(s.value for s in VALID_TRANSITIONS[current])
    return f"allowed from {current.value}: {', '.join(allowed) or 'nothing (terminal)'}"
