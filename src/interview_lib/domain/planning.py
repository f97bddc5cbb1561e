"""Which skill the next core question covers, and the wording of generic follow-ups (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from interview_lib.domain.models import FollowUpType, InterviewSetup, Question, QuestionSource
from interview_lib.domain.skills import LEVEL_DIFFICULTY, ROLE_SKILL_WEIGHTS

FOCUS_BOOST = 4.0


def starting_difficulty(setup: InterviewSetup) -> int:
    """The difficulty of the first question for the candidate's level."""
    return LEVEL_DIFFICULTY[setup.level]


def skill_weights(setup: InterviewSetup, available: Iterable[str], asked: Sequence[str]) -> dict[str, float]:
    """Weight per skill: the role's mix, focus skills boosted, already-covered skills damped."""
    base = ROLE_SKILL_WEIGHTS[setup.role]
    counts = Counter(asked)
    weights: dict[str, float] = {}
    for skill in available:
        weight = float(base.get(skill, 0))
        if skill in setup.focus_skills:
            weight = max(weight, 1.0) * FOCUS_BOOST
        if weight > 0:
            weights[skill] = weight / (1 + 3 * counts[skill])
    return weights


def choose_skill(setup: InterviewSetup, available: Iterable[str], asked: Sequence[str], roll: float) -> str:
    """Pick a skill by weight; ``roll`` is a uniform number in [0, 1) supplied by the caller."""
    weights = skill_weights(setup, available, asked)
    if not weights:
        raise ValueError(f"no skill available for role {setup.role}")
    total = sum(weights.values())
    threshold = roll * total
    running = 0.0
    for skill, weight in sorted(weights.items()):
        running += weight
        if threshold < running:
            return skill
    return max(weights, key=lambda s: weights[s])


_GENERIC: dict[FollowUpType, str] = {
    "probe": "Let's go one level deeper on that: what are the trade-offs or failure modes you would watch for?",
    "clarify": "Let me ask it more simply: in your own words, what is the core idea behind it?",
    "example": "Can you give me a concrete example from a project where this mattered, and what you did?",
    "challenge": "Suppose a teammate argued the opposite of your answer. What would you say to convince them?",
}


def follow_up_of(
    parent: Question,
    kind: FollowUpType,
    text: str,
    missing_points: list[str],
    *,
    source: QuestionSource,
    id_suffix: str = "",
) -> Question:
    """A follow-up of ``kind`` asking ``text``, on ``parent``'s skill and difficulty; it is judged on the points
    the answer missed (all of ``parent``'s when none are known)."""
    root = parent.parent_id or parent.id
    return Question(
        id=f"{root}:{kind}{id_suffix}",
        text=text,
        skill=parent.skill,
        difficulty=parent.difficulty,
        kind="follow_up",
        follow_up_type=kind,
        parent_id=root,
        source=source,
        expected_points=missing_points or list(parent.expected_points),
        red_flags=list(parent.red_flags),
    )


def generic_follow_up(parent: Question, kind: FollowUpType, missing_points: list[str]) -> Question:
    """A follow-up that fits any question, for parents that have no curated follow-ups."""
    return follow_up_of(parent, kind, _GENERIC[kind], missing_points, source="fallback")
