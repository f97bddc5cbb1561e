"""Rubric arithmetic and the interviewer's decision policy (pure)."""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Final

from interview_lib.domain.models import Decision, Evaluation, FollowUpType, InterviewSession, ScoreBreakdown

#: The five rubric dimensions and their weights (they sum to 1).
WEIGHTS: Final = MappingProxyType(
    {
        "technical_correctness": 0.30,
        "depth": 0.25,
        "practical_experience": 0.20,
        "communication": 0.15,
        "confidence": 0.10,
    }
)
DIMENSIONS: Final = tuple(WEIGHTS)

FOLLOW_UP_BELOW: Final = 5.0
RAISE_DIFFICULTY_AT: Final = 7.5
WEAK_STREAK_TO_LOWER: Final = 2


def overall(scores: ScoreBreakdown) -> float:
    """The weighted sum of the five dimensions, rounded to two decimals."""
    return round(sum(getattr(scores, name) * weight for name, weight in WEIGHTS.items()), 2)


def capped(scores: ScoreBreakdown, cap: float) -> ScoreBreakdown:
    """Scale every dimension down so the overall is at most ``cap`` (keeps overall == weighted sum)."""
    total = overall(scores)
    if total <= cap or total == 0:
        return scores
    factor = cap / total
    # Round down, so rounding can never lift the overall above the cap.
    return ScoreBreakdown(**{name: math.floor(getattr(scores, name) * factor * 100) / 100 for name in DIMENSIONS})


def _follow_up_type(evaluation: Evaluation) -> FollowUpType:
    """Pick the follow-up that addresses what the answer lacked most."""
    scores = evaluation.scores
    if evaluation.red_flags_hit:
        return "challenge"
    if scores is None or scores.communication < 4 or not evaluation.covered_points:
        return "clarify"
    if scores.practical_experience < 4 <= scores.technical_correctness:
        return "example"
    return "probe"


def decide(session: InterviewSession, evaluation: Evaluation | None) -> Decision:
    """Choose what happens after the current turn.

    Args:
        session: the session, whose last turn is the one just answered (or skipped).
        evaluation: that turn's evaluation, or ``None`` when it was skipped.

    Returns:
        A follow-up when the answer was weak and the core question still has follow-ups left, the next core
        question, or the end once the configured number of core questions has been asked.
    """
    setup = session.setup
    difficulty = _next_difficulty(session, evaluation)
    weak = evaluation is not None and evaluation.overall is not None and evaluation.overall < FOLLOW_UP_BELOW
    if weak and evaluation is not None and _follow_ups_left(session):
        kind = _follow_up_type(evaluation)
        return Decision(
            action="follow_up",
            follow_up_type=kind,
            next_difficulty=difficulty,
            reason=f"overall {evaluation.overall:.1f} < {FOLLOW_UP_BELOW}: {kind} follow-up",
        )
    if len(session.core_turns) >= setup.core_questions:
        return Decision(action="end", next_difficulty=difficulty, reason="all core questions asked")
    return Decision(action="next", next_difficulty=difficulty, reason=_difficulty_reason(session, difficulty))


def _follow_ups_left(session: InterviewSession) -> bool:
    since_core = 0
    for turn in reversed(session.turns):
        if turn.question.kind == "core":
            break
        since_core += 1
    return since_core < session.setup.max_follow_ups


def _scored_overalls(session: InterviewSession) -> list[float]:
    return [
        t.evaluation.overall for t in session.turns if t.evaluation is not None and t.evaluation.overall is not None
    ]


def _next_difficulty(session: InterviewSession, evaluation: Evaluation | None) -> int:
    current = session.difficulty
    if evaluation is not None and evaluation.overall is not None and evaluation.overall >= RAISE_DIFFICULTY_AT:
        return min(5, current + 1)
    if evaluation is None or evaluation.overall is None:  # a skip or an unscored answer is no new evidence
        return current
    recent = _scored_overalls(session)[-WEAK_STREAK_TO_LOWER:]
    if len(recent) == WEAK_STREAK_TO_LOWER and all(score < FOLLOW_UP_BELOW for score in recent):
        return max(1, current - 1)
    return current


def _difficulty_reason(session: InterviewSession, difficulty: int) -> str:
    if difficulty > session.difficulty:
        return f"strong answer: difficulty raised to {difficulty}"
    if difficulty < session.difficulty:
        return f"repeated weak answers: difficulty lowered to {difficulty}"
    return f"next core question at difficulty {difficulty}"
