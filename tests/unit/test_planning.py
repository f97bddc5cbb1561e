"""Skill choice for the next core question, and generic follow-ups."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

import pytest

from interview_lib.domain.models import FOLLOW_UP_TYPES, LEVELS, FollowUpType, InterviewSetup, Question, Role
from interview_lib.domain.planning import (
    FOCUS_BOOST,
    choose_skill,
    generic_follow_up,
    skill_weights,
    starting_difficulty,
)
from interview_lib.domain.skills import LEVEL_DIFFICULTY, ROLE_SKILL_WEIGHTS, SKILLS

ALL_SKILLS = list(SKILLS)
GRID = 1000


def _setup(role: Role = "data-engineer", focus: Sequence[str] = ()) -> InterviewSetup:
    return InterviewSetup(candidate_id="c", role=role, focus_skills=list(focus))


def _shares(setup: InterviewSetup, asked: Sequence[str] = ()) -> dict[str, float]:
    """Each skill's share of rolls spread evenly over [0, 1): the probability of choosing it."""
    picks = Counter(choose_skill(setup, ALL_SKILLS, asked, (i + 0.5) / GRID) for i in range(GRID))
    return {skill: count / GRID for skill, count in picks.items()}


OFF_ROLE = [(role, skill) for role, weights in ROLE_SKILL_WEIGHTS.items() for skill in SKILLS if skill not in weights]


@pytest.mark.parametrize(("role", "skill"), OFF_ROLE)
def test_skill_outside_the_role_mix_is_never_chosen(role: Role, skill: str) -> None:
    assert skill not in _shares(_setup(role))


def test_skill_unknown_to_every_role_is_never_chosen() -> None:
    setup = _setup()

    assert {choose_skill(setup, ["sql", "basket_weaving"], [], i / 100) for i in range(100)} == {"sql"}


def test_shares_follow_the_role_weights() -> None:
    weights = ROLE_SKILL_WEIGHTS["streaming-engineer"]
    total = sum(weights.values())

    shares = _shares(_setup("streaming-engineer"))

    for skill, weight in weights.items():
        assert shares[skill] == pytest.approx(weight / total, abs=0.002)


def test_focus_skill_is_boosted() -> None:
    base = ROLE_SKILL_WEIGHTS["data-engineer"]["sql"]
    plain, focused = _shares(_setup()), _shares(_setup(focus=["sql"]))

    assert skill_weights(_setup(focus=["sql"]), ALL_SKILLS, [])["sql"] == base * FOCUS_BOOST
    assert focused["sql"] > 2.5 * plain["sql"]


def test_focus_skill_outside_the_role_mix_becomes_eligible() -> None:
    # Explicit focus wins over the role mix: an analytics engineer who asks for streaming gets it.
    weights = skill_weights(_setup("analytics-engineer", focus=["streaming"]), ALL_SKILLS, [])

    assert weights["streaming"] == FOCUS_BOOST


@pytest.mark.parametrize(("times_asked", "expected"), [(0, 3.0), (1, 3.0 / 4), (2, 3.0 / 7)])
def test_already_asked_skill_is_damped(times_asked: int, expected: float) -> None:
    weights = skill_weights(_setup(), ALL_SKILLS, ["spark"] * times_asked)

    assert weights["spark"] == pytest.approx(expected)


def test_already_asked_skill_is_chosen_less_often() -> None:
    assert _shares(_setup(), asked=["spark"])["spark"] < _shares(_setup())["spark"] / 3


def _interview_skills(rolls: Sequence[float], *, remember: bool) -> list[str]:
    asked: list[str] = []
    for roll in rolls:
        asked.append(choose_skill(_setup(), ALL_SKILLS, asked if remember else [], roll))
    return asked


def test_damping_spreads_coverage_over_many_interviews() -> None:
    seeded_rolls = [[random.Random(seed).random() for _ in range(10)] for seed in range(50)]

    damped = sum(len(set(_interview_skills(rolls, remember=True))) for rolls in seeded_rolls) / 50
    undamped = sum(len(set(_interview_skills(rolls, remember=False))) for rolls in seeded_rolls) / 50

    assert damped > undamped + 1


@pytest.mark.parametrize("roll", [0.0, 0.123, 0.5, 0.87, 0.999999])
def test_choice_is_deterministic_for_a_given_roll(roll: float) -> None:
    first = choose_skill(_setup(), ALL_SKILLS, ["sql"], roll)

    assert choose_skill(_setup(), ALL_SKILLS, ["sql"], roll) == first
    assert choose_skill(_setup(), list(reversed(ALL_SKILLS)), ["sql"], roll) == first


def test_no_eligible_skill_raises_naming_the_role() -> None:
    with pytest.raises(ValueError, match="analytics-engineer"):
        choose_skill(_setup("analytics-engineer"), ["streaming"], [], 0.5)


@pytest.mark.parametrize("level", LEVELS)
def test_starting_difficulty_follows_the_level(level: str) -> None:
    setup = InterviewSetup(candidate_id="c", level=level)

    assert starting_difficulty(setup) == LEVEL_DIFFICULTY[level]


PARENT = Question(
    id="sql-007",
    text="What does HAVING filter?",
    skill="sql",
    difficulty=3,
    expected_points=["groups", "after aggregation"],
    red_flags=["same as WHERE"],
)


@pytest.mark.parametrize("kind", FOLLOW_UP_TYPES)
def test_generic_follow_up_is_a_valid_follow_up_of_its_parent(kind: FollowUpType) -> None:
    follow_up = generic_follow_up(PARENT, kind, ["after aggregation"])

    assert Question.model_validate_json(follow_up.model_dump_json()) == follow_up
    assert (follow_up.kind, follow_up.follow_up_type, follow_up.parent_id) == ("follow_up", kind, "sql-007")
    assert (follow_up.skill, follow_up.difficulty, follow_up.source) == ("sql", 3, "fallback")
    assert follow_up.expected_points == ["after aggregation"]
    assert follow_up.red_flags == ["same as WHERE"]
    assert follow_up.text


def test_generic_follow_ups_word_each_kind_differently() -> None:
    assert len({generic_follow_up(PARENT, kind, []).text for kind in FOLLOW_UP_TYPES}) == len(FOLLOW_UP_TYPES)


def test_generic_follow_up_without_missing_points_expects_the_parent_points() -> None:
    assert generic_follow_up(PARENT, "probe", []).expected_points == ["groups", "after aggregation"]


def test_follow_up_of_a_follow_up_points_at_the_core_question() -> None:
    first = generic_follow_up(PARENT, "probe", [])

    second = generic_follow_up(first, "example", [])

    assert (second.parent_id, second.id) == ("sql-007", "sql-007:example")
