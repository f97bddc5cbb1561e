"""Core questions follow a job posting: mostly its skills, by weight; the role's mix without one."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest

from interview_lib.domain.models import ROLES, InterviewSetup, Role
from interview_lib.domain.planning import (
    FOCUS_BOOST,
    POSTING_SHARE,
    choose_skill,
    follows_posting,
    skill_weights,
    with_posting,
)
from interview_lib.domain.posting import PostingProfile
from interview_lib.domain.skills import ROLE_SKILL_WEIGHTS, SKILLS
from interview_lib.reasoning.posting import extract_posting

ALL_SKILLS = list(SKILLS)
SEEDS = range(300)

# What the offline extractor reads in a streaming-heavy posting (see STREAMING_POSTING below).
STREAMING = {"streaming": 1.0, "spark": 0.3, "delta_lake": 0.2, "sql": 0.15, "databricks": 0.1}
STREAMING_POSTING = """Senior Streaming Data Engineer

What you will do
- Build Spark Structured Streaming jobs that read from Kafka topics and write to Delta Lake.
- Handle late-arriving events with watermarks and keep stateful aggregations under control.
- Guarantee exactly-once results, from idempotent producers to checkpoints and transactional sinks.

Requirements
- 5+ years of data engineering, two of them running Kafka in production.
- Good SQL and Python.
"""


def _posting(skills: dict[str, float] | None = None, **fields: Any) -> PostingProfile:
    values: dict[str, Any] = {
        "is_data_engineering": bool(skills if skills is not None else STREAMING),
        "skills": STREAMING if skills is None else skills,
        "sha256": "0" * 64,
        **fields,
    }
    return PostingProfile(**values)


def _setup(posting: PostingProfile | None = None, role: Role = "data-engineer", **fields: Any) -> InterviewSetup:
    return with_posting(InterviewSetup(candidate_id="c", role=role, **fields), posting)


def _interview(setup: InterviewSetup, seed: int, questions: int) -> list[str]:
    rng, asked = random.Random(seed), list[str]()
    for _ in range(questions):
        asked.append(choose_skill(setup, ALL_SKILLS, asked, rng.random()))
    return asked


def _shares(setup: InterviewSetup, asked: Sequence[str] = ()) -> dict[str, float]:
    weights = skill_weights(setup, ALL_SKILLS, asked)
    total = sum(weights.values())
    return {skill: weight / total for skill, weight in weights.items()}


# -- the judged case -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_a_streaming_posting_gets_at_least_three_streaming_questions_of_four(role: Role) -> None:
    setup = _setup(_posting(), role)

    streaming_counts = Counter(_interview(setup, seed, 4).count("streaming") for seed in SEEDS)

    assert min(streaming_counts) >= 3, streaming_counts


def test_the_extracted_streaming_posting_gets_at_least_three_streaming_questions_of_four() -> None:
    posting = extract_posting(STREAMING_POSTING)
    setup = _setup(posting)

    assert posting.skills["streaming"] == 1.0
    assert all(_interview(setup, seed, 4).count("streaming") >= 3 for seed in SEEDS)


# -- mostly the posting's skills, weighted ---------------------------------------------------------------------
def test_the_first_question_follows_the_posting_shares_with_the_role_as_background() -> None:
    posting = _posting({"sql": 1.0, "data_modeling": 1.0})

    shares = _shares(_setup(posting))

    assert shares["sql"] + shares["data_modeling"] == pytest.approx(POSTING_SHARE, abs=0.02)
    assert shares["sql"] == pytest.approx(shares["data_modeling"], abs=0.01)
    assert 0 < shares["spark"] < 0.03  # the role's mix stays a small background


def test_a_skill_the_posting_stresses_gets_more_questions_than_one_it_mentions() -> None:
    setup = _setup(_posting({"sql": 1.0, "orchestration": 0.5, "data_quality": 0.5}))

    counts = Counter(skill for seed in SEEDS for skill in _interview(setup, seed, 6))

    assert counts["sql"] > 1.5 * counts["orchestration"]
    assert counts["sql"] + counts["orchestration"] + counts["data_quality"] > 0.85 * 6 * len(SEEDS)


def test_skills_still_spread_over_a_balanced_posting() -> None:
    posting = _posting({"sql": 1.0, "data_modeling": 0.9, "data_quality": 0.9, "orchestration": 0.8})
    setup = _setup(posting)

    for seed in SEEDS:
        asked = _interview(setup, seed, 4)
        assert sum(skill in posting.skills for skill in asked) >= 3 and len(set(asked)) >= 3


def test_interviews_with_a_posting_still_differ_by_seed() -> None:
    setup = _setup(_posting({"sql": 1.0, "data_modeling": 0.9, "data_quality": 0.9, "orchestration": 0.8}))

    assert len({tuple(_interview(setup, seed, 4)) for seed in SEEDS}) > 10


def test_a_skill_already_given_its_share_waits() -> None:
    setup = _setup(_posting({"sql": 1.0, "data_modeling": 1.0}))

    weights = skill_weights(setup, ALL_SKILLS, ["sql"])

    assert "sql" not in weights and max(weights, key=lambda s: weights[s]) == "data_modeling"


def test_a_focus_skill_is_still_boosted_with_a_posting() -> None:
    plain, focused = _setup(_posting()), _setup(_posting(), focus_skills=["orchestration"])

    def orchestration(setup: InterviewSetup) -> int:
        return sum(_interview(setup, seed, 6).count("orchestration") for seed in SEEDS)

    assert orchestration(focused) > FOCUS_BOOST * orchestration(plain) > 0


def test_only_available_skills_are_chosen() -> None:
    setup = _setup(_posting())
    asked: list[str] = []

    for roll in (0.1, 0.5, 0.9, 0.3):
        asked.append(choose_skill(setup, ["sql", "spark"], asked, roll))

    assert set(asked) == {"sql", "spark"}


# -- no posting, or one outside data engineering: the role's mix -----------------------------------------------
NOT_DATA_ENGINEERING = _posting({}, is_data_engineering=False, level="senior", cloud="gcp")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("asked", [(), ("spark",), ("sql", "sql", "streaming")])
def test_without_a_data_engineering_posting_the_role_mix_is_unchanged(role: Role, asked: tuple[str, ...]) -> None:
    plain = skill_weights(_setup(None, role), ALL_SKILLS, asked)

    assert skill_weights(_setup(NOT_DATA_ENGINEERING, role), ALL_SKILLS, asked) == plain
    assert set(plain) == set(ROLE_SKILL_WEIGHTS[role])
    assert not follows_posting(_setup(NOT_DATA_ENGINEERING, role))


# -- the setup -------------------------------------------------------------------------------------------------
def test_with_posting_takes_the_posting_level_and_cloud() -> None:
    setup = _setup(_posting(level="staff", cloud="azure"), level="junior", cloud="aws")

    assert (setup.level, setup.cloud, follows_posting(setup)) == ("staff", "azure", True)
    assert setup.posting is not None and setup.posting.skills == STREAMING


def test_with_posting_keeps_what_the_posting_does_not_name() -> None:
    setup = _setup(_posting(), level="junior", cloud="gcp")

    assert (setup.level, setup.cloud) == ("junior", "gcp")


def test_a_posting_outside_data_engineering_changes_neither_level_nor_cloud() -> None:
    setup = _setup(NOT_DATA_ENGINEERING, level="mid", cloud="aws")

    assert (setup.level, setup.cloud) == ("mid", "aws")
    assert setup.posting == NOT_DATA_ENGINEERING


def test_with_posting_none_removes_it_and_the_setup_round_trips() -> None:
    setup = _setup(_posting())

    assert InterviewSetup.model_validate_json(setup.model_dump_json()) == setup
    assert with_posting(setup, None).posting is None
    assert InterviewSetup(candidate_id="c").posting is None
