"""Rubric arithmetic and the interviewer's decision policy."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from interview_lib.domain.models import (
    Decision,
    Evaluation,
    FollowUpType,
    InterviewSession,
    InterviewSetup,
    Question,
    ScoreBreakdown,
    Turn,
)
from interview_lib.domain.scoring import DIMENSIONS, WEIGHTS, capped, decide, overall

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)


def _scores(tech: float, depth: float, practical: float, comm: float, conf: float) -> ScoreBreakdown:
    return ScoreBreakdown(
        technical_correctness=tech, depth=depth, practical_experience=practical, communication=comm, confidence=conf
    )


def _weighted_sum(scores: ScoreBreakdown) -> float:
    return sum(getattr(scores, name) * weight for name, weight in WEIGHTS.items())


def _scored(
    score: float,
    *,
    technical: float = 6,
    practical: float = 6,
    communication: float = 6,
    covered: tuple[str, ...] = ("a covered point",),
    red_flags: tuple[str, ...] = (),
) -> Evaluation:
    return Evaluation(
        status="scored",
        scores=_scores(technical, 6, practical, communication, 6),
        overall=score,
        covered_points=list(covered),
        red_flags_hit=list(red_flags),
        scorer="test",
        scorer_version="1",
    )


def _unscored() -> Evaluation:
    return Evaluation(status="unscored", reason="no speech found", scorer="test", scorer_version="1")


def _core(evaluation: Evaluation | None, *, skipped: bool = False) -> Turn:
    question = Question(id="q", text="What does HAVING filter?", skill="sql", difficulty=3)
    return Turn(turn_no=1, question=question, asked_at=T0, evaluation=evaluation, skipped=skipped)


def _follow_up(evaluation: Evaluation | None, kind: FollowUpType = "probe") -> Turn:
    question = Question(
        id=f"q:{kind}", text="Go deeper?", skill="sql", difficulty=3, kind="follow_up", follow_up_type=kind
    )
    return Turn(turn_no=1, question=question, asked_at=T0, evaluation=evaluation)


def _session(*turns: Turn, core_questions: int = 5, max_follow_ups: int = 1, difficulty: int = 3) -> InterviewSession:
    return InterviewSession(
        session_id="s",
        setup=InterviewSetup(candidate_id="c", core_questions=core_questions, max_follow_ups=max_follow_ups),
        turns=[turn.model_copy(update={"turn_no": n}) for n, turn in enumerate(turns, start=1)],
        difficulty=difficulty,
        created_at=T0,
    )


def _decide_last(session: InterviewSession) -> Decision:
    """Decide on the last turn, as the interview does once that turn's evaluation is attached."""
    return decide(session, session.turns[-1].evaluation)


# --- rubric arithmetic -------------------------------------------------------------------------------


def test_weights_are_the_documented_rubric() -> None:
    assert dict(WEIGHTS) == {
        "technical_correctness": 0.30,
        "depth": 0.25,
        "practical_experience": 0.20,
        "communication": 0.15,
        "confidence": 0.10,
    }


def test_weights_sum_to_one() -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_dimensions_are_the_score_breakdown_fields() -> None:
    assert set(DIMENSIONS) == set(ScoreBreakdown.model_fields)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        (_scores(0, 0, 0, 0, 0), 0.0),
        (_scores(10, 10, 10, 10, 10), 10.0),
        (_scores(10, 0, 0, 0, 0), 3.0),
        (_scores(0, 10, 0, 0, 0), 2.5),
        (_scores(0, 0, 10, 0, 0), 2.0),
        (_scores(0, 0, 0, 10, 0), 1.5),
        (_scores(0, 0, 0, 0, 10), 1.0),
        (_scores(8, 6, 4, 2, 0), 5.0),
        (_scores(7, 7, 7, 7, 7), 7.0),
        (_scores(9.2, 3.4, 6.6, 5.0, 8.0), 6.48),
    ],
)
def test_overall_is_the_weighted_sum(scores: ScoreBreakdown, expected: float) -> None:
    assert overall(scores) == pytest.approx(expected)
    assert overall(scores) == pytest.approx(_weighted_sum(scores), abs=0.005)


@pytest.mark.parametrize(
    ("scores", "cap"),
    [
        (_scores(10, 10, 10, 10, 10), 2.0),
        (_scores(9, 8, 7, 6, 5), 1.0),
        (_scores(6, 9, 2, 8, 4), 4.9),
        (_scores(3, 3, 3, 3, 3), 2.0),
    ],
)
def test_capped_brings_overall_down_to_the_cap(scores: ScoreBreakdown, cap: float) -> None:
    result = capped(scores, cap)

    assert overall(result) <= cap
    assert overall(result) == pytest.approx(cap, abs=0.02)
    assert overall(result) == pytest.approx(_weighted_sum(result), abs=0.005)


@pytest.mark.parametrize(
    ("scores", "cap"),
    [(_scores(3.3, 1.3, 1.4, 2.6, 0.9), 2.0), (_scores(1.7, 2.3, 0.7, 3.2, 0.6), 1.0)],
)
def test_capped_never_overshoots_the_cap_after_rounding(scores: ScoreBreakdown, cap: float) -> None:
    assert overall(capped(scores, cap)) <= cap


def test_capped_scales_every_dimension_by_the_same_factor() -> None:
    scores = _scores(10, 8, 6, 4, 2)
    factor = 3.0 / overall(scores)

    result = capped(scores, 3.0)

    for name in DIMENSIONS:
        assert getattr(result, name) == pytest.approx(getattr(scores, name) * factor, abs=0.01)


@pytest.mark.parametrize(("scores", "cap"), [(_scores(4, 4, 4, 4, 4), 4.0), (_scores(0, 0, 0, 0, 0), 0.0)])
def test_capped_leaves_scores_at_or_below_the_cap_alone(scores: ScoreBreakdown, cap: float) -> None:
    assert capped(scores, cap) == scores


# --- follow-up or next --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "action"),
    [(0.0, "follow_up"), (4.99, "follow_up"), (5.0, "next"), (6.5, "next"), (10.0, "next")],
)
def test_follow_up_only_below_five(score: float, action: str) -> None:
    assert _decide_last(_session(_core(_scored(score)))).action == action


@pytest.mark.parametrize(
    ("evaluation", "expected"),
    [
        (_scored(3, red_flags=("same as WHERE",)), "challenge"),
        (_scored(3, red_flags=("same as WHERE",), covered=()), "challenge"),
        (_scored(3, covered=()), "clarify"),
        (_scored(3, communication=3), "clarify"),
        (_scored(3, practical=3, technical=4), "example"),
        (_scored(3, practical=3, technical=8), "example"),
        (_scored(3, practical=3, technical=3), "probe"),
        (_scored(3, practical=6, technical=6), "probe"),
    ],
    ids=[
        "red-flag",
        "red-flag-beats-nothing-covered",
        "nothing-covered",
        "poor-communication",
        "low-practical-ok-technical",
        "low-practical-strong-technical",
        "low-practical-low-technical",
        "just-weak",
    ],
)
def test_follow_up_type_addresses_what_was_missing(evaluation: Evaluation, expected: str) -> None:
    decision = _decide_last(_session(_core(evaluation)))

    assert (decision.action, decision.follow_up_type) == ("follow_up", expected)


@pytest.mark.parametrize(
    ("max_follow_ups", "follow_ups_so_far", "action"),
    [(0, 0, "next"), (1, 0, "follow_up"), (1, 1, "next"), (2, 1, "follow_up"), (2, 2, "next"), (3, 3, "next")],
)
def test_at_most_max_follow_ups_per_core_question(max_follow_ups: int, follow_ups_so_far: int, action: str) -> None:
    turns = [_core(_scored(3)), *(_follow_up(_scored(3)) for _ in range(follow_ups_so_far))]

    assert _decide_last(_session(*turns, max_follow_ups=max_follow_ups)).action == action


def test_follow_up_budget_starts_again_at_each_core_question() -> None:
    session = _session(_core(_scored(3)), _follow_up(_scored(3)), _core(_scored(3)))

    assert _decide_last(session).action == "follow_up"


def test_next_decision_carries_no_follow_up_type() -> None:
    assert _decide_last(_session(_core(_scored(6)))).follow_up_type is None


def test_skipped_turn_moves_to_the_next_question() -> None:
    decision = _decide_last(_session(_core(None, skipped=True)))

    assert (decision.action, decision.next_difficulty) == ("next", 3)


def test_unscored_answer_gets_no_follow_up() -> None:
    assert _decide_last(_session(_core(_unscored()))).action == "next"


# --- the end ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("core_questions", "asked", "action"), [(2, 1, "next"), (2, 2, "end"), (1, 1, "end")])
def test_ends_after_the_configured_number_of_core_questions(core_questions: int, asked: int, action: str) -> None:
    turns = [_core(_scored(6)) for _ in range(asked)]

    assert _decide_last(_session(*turns, core_questions=core_questions)).action == action


def test_skipping_the_last_core_question_ends_the_interview() -> None:
    session = _session(_core(_scored(6)), _core(None, skipped=True), core_questions=2)

    assert _decide_last(session).action == "end"


def test_weak_last_answer_still_gets_its_follow_up_before_the_end() -> None:
    session = _session(_core(_scored(3)), core_questions=1)

    assert _decide_last(session).action == "follow_up"


def test_ends_after_the_last_follow_up_is_used() -> None:
    session = _session(_core(_scored(3)), _follow_up(_scored(3)), core_questions=1)

    assert _decide_last(session).action == "end"


# --- difficulty ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "start", "expected"),
    [(7.5, 3, 4), (9.0, 1, 2), (10.0, 5, 5), (7.49, 3, 3), (5.0, 3, 3)],
)
def test_strong_answer_raises_difficulty_up_to_five(score: float, start: int, expected: int) -> None:
    assert _decide_last(_session(_core(_scored(score)), difficulty=start)).next_difficulty == expected


@pytest.mark.parametrize(("start", "expected"), [(3, 2), (2, 1), (1, 1)])
def test_two_weak_answers_in_a_row_lower_difficulty_down_to_one(start: int, expected: int) -> None:
    session = _session(_core(_scored(4)), _core(_scored(3)), difficulty=start, max_follow_ups=0)

    assert _decide_last(session).next_difficulty == expected


@pytest.mark.parametrize(
    "previous",
    [[], [_core(_scored(6))], [_core(_scored(4)), _core(_scored(6))]],
    ids=["first-answer", "after-an-ok-answer", "after-weak-then-ok"],
)
def test_a_single_weak_answer_keeps_difficulty(previous: list[Turn]) -> None:
    session = _session(*previous, _core(_scored(4)), difficulty=3, max_follow_ups=0)

    assert _decide_last(session).next_difficulty == 3


def test_weak_follow_up_after_weak_core_answer_lowers_difficulty() -> None:
    session = _session(_core(_scored(4)), _follow_up(_scored(3)), difficulty=3)

    decision = _decide_last(session)

    assert (decision.action, decision.next_difficulty) == ("next", 2)
