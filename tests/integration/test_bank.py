"""The packaged question bank: valid, big enough, broad enough, and free of duplicates."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np

from interview_lib.bank import load_bank
from interview_lib.domain import dedup
from interview_lib.domain.models import LEVELS
from interview_lib.domain.skills import ROLE_SKILL_WEIGHTS, SKILLS
from interview_lib.reasoning.rubric import RubricReasoner


def test_bank_loads_and_validates_against_the_schema() -> None:
    bank = load_bank()
    assert len(bank) >= 200


def test_every_skill_has_questions_for_every_level() -> None:
    bank = load_bank()
    for skill in SKILLS:
        levels = Counter(level for e in bank if e.skill == skill for level in e.item.levels)
        assert set(levels) == set(LEVELS), f"{skill} lacks levels {set(LEVELS) - set(levels)}"


def test_every_role_can_fill_a_long_interview_from_its_skills() -> None:
    bank = load_bank()
    for role, weights in ROLE_SKILL_WEIGHTS.items():
        assert sum(1 for e in bank if weights.get(e.skill, 0) > 0) >= 30, role


def test_questions_carry_points_red_flags_and_all_follow_up_types() -> None:
    for entry in load_bank():
        item = entry.item
        assert 3 <= len(item.expected_points) <= 6
        assert len(item.red_flags) >= 2, item.id  # the wrong side the scorer checks answers against
        assert not set(item.red_flags) & set(item.expected_points), item.id
        assert set(item.follow_ups) == {"probe", "clarify", "example", "challenge"}
        assert len(set(item.follow_ups.values())) == 4, item.id


def test_no_two_questions_are_the_same_text_or_a_rewording() -> None:
    texts = [e.item.text for e in load_bank()]
    assert len({dedup.question_hash(t) for t in texts}) == len(texts)
    close = [(a, b) for a, b in itertools.combinations(texts, 2) if dedup.similarity(a, b) >= dedup.NEAR_DUPLICATE_AT]
    assert close == []


def test_no_two_questions_mean_the_same_by_embedding(rubric: RubricReasoner) -> None:
    texts = [e.item.text for e in rubric.bank]
    vectors = rubric.embedder.embed(texts)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, 0)
    i, j = np.unravel_index(np.argmax(sims), sims.shape)
    assert sims[i, j] < 0.92, (texts[i], texts[j])
