"""The interview state machine: every edge in the table, and the PAUSED/ERROR return rules."""

from __future__ import annotations

from datetime import datetime, timezone
from itertools import pairwise

import pytest

from interview_lib.domain.states import (
    PAUSABLE,
    RETRYABLE,
    TERMINAL,
    VALID_TRANSITIONS,
    InterviewState,
    transition,
)
from interview_lib.errors import InvalidTransition

S = InterviewState
AT = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
# The state diagram written out by hand, independently of the table in the code: a wrong table fails below.
DIAGRAM = """
SETUP             -> READY CANCELLED
READY             -> ASKING CANCELLED PAUSED ERROR
ASKING            -> LISTENING COMPLETE CANCELLED PAUSED ERROR
LISTENING         -> PROCESSING DECIDING COMPLETE CANCELLED PAUSED ERROR
PROCESSING        -> EVALUATING LISTENING CANCELLED ERROR
EVALUATING        -> DECIDING CANCELLED ERROR
DECIDING          -> ASKING COMPLETE CANCELLED PAUSED ERROR
COMPLETE          -> GENERATING_REPORT CANCELLED
GENERATING_REPORT -> FINISHED CANCELLED ERROR
FINISHED          ->
CANCELLED         ->
PAUSED            -> READY ASKING LISTENING DECIDING CANCELLED
ERROR             -> READY ASKING LISTENING PROCESSING EVALUATING DECIDING GENERATING_REPORT CANCELLED
"""
EXPECTED = {
    S(source.strip()): {S(target) for target in targets.split()}
    for source, targets in (line.split("->") for line in DIAGRAM.strip().splitlines())
}
ALL_PAIRS = [(source, target) for source in S for target in S]
LEGAL = [(source, target) for source, target in ALL_PAIRS if target in EXPECTED[source]]
ILLEGAL = [(source, target) for source, target in ALL_PAIRS if target not in EXPECTED[source]]
NON_TERMINAL = [state for state in S if state not in TERMINAL]


def _edge_id(pair: tuple[InterviewState, InterviewState]) -> str:
    return f"{pair[0].value}->{pair[1].value}"


def _return_to_for(source: InterviewState, target: InterviewState) -> InterviewState | None:
    """For PAUSED/ERROR pretend they were entered from ``target``, so only the table is under test."""
    return target if source in (S.PAUSED, S.ERROR) else None


def test_the_table_in_the_code_is_the_diagram() -> None:
    assert {state: set(targets) for state, targets in VALID_TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(("source", "target"), LEGAL, ids=[_edge_id(p) for p in LEGAL])
def test_legal_edge_is_taken(source: InterviewState, target: InterviewState) -> None:
    _, record = transition(source, target, return_to=_return_to_for(source, target), at=AT)

    assert (record.from_state, record.to_state) == (source, target)


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=[_edge_id(p) for p in ILLEGAL])
def test_illegal_edge_raises_naming_both_states(source: InterviewState, target: InterviewState) -> None:
    # return_to is the target itself, so a refusal cannot come from the PAUSED/ERROR return rule.
    with pytest.raises(InvalidTransition) as raised:
        transition(source, target, return_to=target, at=AT)

    assert str(raised.value).startswith(f"cannot go from {source.value} to {target.value}")
    assert (raised.value.current, raised.value.target) == (source.value, target.value)


def test_happy_path_walks_forward_edges_to_finished() -> None:
    path = [
        S.SETUP, S.READY, S.ASKING, S.LISTENING, S.PROCESSING, S.EVALUATING,
        S.DECIDING, S.COMPLETE, S.GENERATING_REPORT, S.FINISHED,
    ]  # fmt: skip
    records = [transition(a, b, return_to=None, at=AT)[1] for a, b in pairwise(path)]

    assert [r.to_state for r in records] == path[1:]


@pytest.mark.parametrize("paused_from", sorted(PAUSABLE))
def test_paused_resumes_to_the_state_it_paused_from(paused_from: InterviewState) -> None:
    return_to, _ = transition(paused_from, S.PAUSED, return_to=None, at=AT)
    assert return_to is paused_from

    return_to, record = transition(S.PAUSED, paused_from, return_to=return_to, at=AT)

    assert record.to_state is paused_from
    assert return_to is None


@pytest.mark.parametrize(
    ("paused_from", "other"),
    [(a, b) for a in sorted(PAUSABLE) for b in sorted(PAUSABLE) if a is not b],
    ids=lambda s: s.value,
)
def test_paused_does_not_resume_to_another_pausable_state(paused_from: InterviewState, other: InterviewState) -> None:
    with pytest.raises(InvalidTransition, match=f"PAUSED may only return to {paused_from.value}"):
        transition(S.PAUSED, other, return_to=paused_from, at=AT)


def test_paused_without_a_return_state_cannot_resume() -> None:
    with pytest.raises(InvalidTransition, match="may only return to"):
        transition(S.PAUSED, S.ASKING, return_to=None, at=AT)


@pytest.mark.parametrize("failed", sorted(RETRYABLE))
def test_error_retries_the_failed_step(failed: InterviewState) -> None:
    return_to, _ = transition(failed, S.ERROR, return_to=None, at=AT)
    assert return_to is failed

    _, record = transition(S.ERROR, failed, return_to=return_to, at=AT)

    assert record.to_state is failed


@pytest.mark.parametrize(
    ("failed", "other"),
    [(a, b) for a in sorted(RETRYABLE) for b in sorted(RETRYABLE) if a is not b],
    ids=lambda s: s.value,
)
def test_error_does_not_retry_a_different_step(failed: InterviewState, other: InterviewState) -> None:
    with pytest.raises(InvalidTransition, match=f"ERROR may only return to {failed.value}"):
        transition(S.ERROR, other, return_to=failed, at=AT)


@pytest.mark.parametrize("source", NON_TERMINAL, ids=lambda s: s.value)
def test_cancelled_is_reachable_from_every_non_terminal_state(source: InterviewState) -> None:
    # PAUSED/ERROR may cancel whatever they were entered from.
    return_to, record = transition(source, S.CANCELLED, return_to=S.READY, at=AT)

    assert record.to_state is S.CANCELLED
    assert return_to is None


def test_finished_and_cancelled_are_the_terminal_states() -> None:
    assert frozenset({S.FINISHED, S.CANCELLED}) == TERMINAL


@pytest.mark.parametrize("terminal", sorted(TERMINAL), ids=lambda s: s.value)
def test_terminal_state_has_no_way_out(terminal: InterviewState) -> None:
    assert VALID_TRANSITIONS[terminal] == frozenset()
    for target in S:
        with pytest.raises(InvalidTransition, match="terminal"):
            transition(terminal, target, return_to=target, at=AT)


def test_record_carries_the_time_passed_in() -> None:
    _, record = transition(S.SETUP, S.READY, return_to=None, at=AT)

    assert record.at == AT


@pytest.mark.parametrize(
    ("source", "target", "return_to_in", "return_to_out"),
    [
        (S.READY, S.PAUSED, None, S.READY),
        (S.DECIDING, S.PAUSED, None, S.DECIDING),
        (S.EVALUATING, S.ERROR, None, S.EVALUATING),
        (S.GENERATING_REPORT, S.ERROR, None, S.GENERATING_REPORT),
        (S.PAUSED, S.LISTENING, S.LISTENING, None),
        (S.ERROR, S.PROCESSING, S.PROCESSING, None),
        (S.ERROR, S.CANCELLED, S.PROCESSING, None),
        (S.SETUP, S.READY, S.ASKING, None),
    ],
    ids=lambda v: v.value if isinstance(v, S) else str(v),
)
def test_return_to_is_set_entering_paused_or_error_and_cleared_otherwise(
    source: InterviewState,
    target: InterviewState,
    return_to_in: InterviewState | None,
    return_to_out: InterviewState | None,
) -> None:
    return_to, _ = transition(source, target, return_to=return_to_in, at=AT)

    assert return_to is return_to_out
