"""Which skill the next core question covers (from the role's mix, or mostly from a job posting's skills), and
the wording of generic follow-ups (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from interview_lib.domain.models import FollowUpType, InterviewSetup, Question, QuestionSource
from interview_lib.domain.posting import PostingProfile
from interview_lib.domain.skills import LEVEL_DIFFICULTY, ROLE_SKILL_WEIGHTS

FOCUS_BOOST = 4.0
POSTING_SHARE = 0.9  # of the questions' weight goes to the posting's skills; the role's mix keeps the rest
POSTING_SHARPNESS = 2.0  # posting weights are raised to this power: the skills it stresses get most questions


def starting_difficulty(setup: InterviewSetup) -> int:
    """The difficulty of the first question for the candidate's level."""
    return LEVEL_DIFFICULTY[setup.level]


def with_posting(setup: InterviewSetup, posting: PostingProfile | None) -> InterviewSetup:
    """``setup`` following ``posting``: the posting's level and cloud replace the chosen ones where it names
    them (a posting outside data engineering changes neither); None removes the posting."""
    changes: dict[str, object] = {"posting": posting}
    if posting is not None and posting.is_data_engineering:
        if posting.level is not None:
            changes["level"] = posting.level
        if posting.cloud is not None:
            changes["cloud"] = posting.cloud
    return InterviewSetup.model_validate({**setup.model_dump(), **changes})


def follows_posting(setup: InterviewSetup) -> bool:
    """True when the setup carries a posting with data-engineering skills (else the role's mix applies)."""
    return setup.posting is not None and setup.posting.is_data_engineering


def _base_weights(setup: InterviewSetup) -> dict[str, float]:
    """The role's mix; with a posting, the posting's sharpened weights take ``POSTING_SHARE`` of its total."""
    role = {skill: float(weight) for skill, weight in ROLE_SKILL_WEIGHTS[setup.role].items()}
    if setup.posting is None or not follows_posting(setup):
        return role
    sharp = {skill: weight**POSTING_SHARPNESS for skill, weight in setup.posting.skills.items()}
    scale = sum(role.values()) / sum(sharp.values())
    blended = {skill: (1 - POSTING_SHARE) * weight for skill, weight in role.items()}
    for skill, weight in sharp.items():
        blended[skill] = blended.get(skill, 0.0) + POSTING_SHARE * scale * weight
    return blended


DUE = 0.5  # a skill owed at least half a question is due: the next question goes to a due skill when there is one


def _owed(weights: dict[str, float], asked: Sequence[str]) -> dict[str, float]:
    """What each skill is owed: its share of the questions asked so far and the next, less what it already had.

    Only the skills that are due keep a weight (all skills still owed something when none is due), so the
    interview follows the shares closely: a skill with 85 % of the weight gets 3 or 4 of 4 questions, and a small
    share adds up to a question before it is asked. The owed amounts always sum to 1, so one is positive.
    """
    counts = Counter(skill for skill in asked if skill in weights)
    upcoming = sum(counts.values()) + 1
    total = sum(weights.values())
    owed = {skill: weight / total * upcoming - counts[skill] for skill, weight in weights.items()}
    due = {skill: debt for skill, debt in owed.items() if debt >= DUE}
    return due or {skill: debt for skill, debt in owed.items() if debt > 1e-9}


def skill_weights(setup: InterviewSetup, available: Iterable[str], asked: Sequence[str]) -> dict[str, float]:
    """Weight per skill: the role's mix (or mostly the posting's skills), focus skills boosted; without a
    posting already-covered skills are damped, with one each skill gets what its share still owes it."""
    base = _base_weights(setup)
    weights: dict[str, float] = {}
    for skill in available:
        weight = base.get(skill, 0.0)
        if skill in setup.focus_skills:
            weight = max(weight, 1.0) * FOCUS_BOOST
        if weight > 0:
            weights[skill] = weight
    if follows_posting(setup):
        return _owed(weights, asked)
    counts = Counter(asked)
    return {skill: weight / (1 + 3 * counts[skill]) for skill, weight in weights.items()}


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
