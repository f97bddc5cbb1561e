"""Simulated candidates through full interviews: the rubric ranks them in the right order."""

from __future__ import annotations

import itertools
from statistics import fmean

import pytest

from interview_lib import Interview, InterviewSetup
from interview_lib.domain import dedup
from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.simulate.candidates import parse_candidate, run_simulated_interview

pytestmark = pytest.mark.slow


def run(profile: str, seed: int, rubric: RubricReasoner) -> tuple[float, list[str]]:
    setup = InterviewSetup(candidate_id=f"sim-{profile}-{seed}", core_questions=4, max_follow_ups=1, seed=seed)
    interview = Interview.start(setup, rubric)
    report = run_simulated_interview(interview, parse_candidate(f"simulated:{profile}", seed))
    return report.overall or 0.0, [t.question.text for t in interview.session.turns]


def test_strong_beats_average_beats_weak_over_twenty_seeded_interviews(rubric: RubricReasoner) -> None:
    means = {}
    for profile in ("strong", "average", "weak"):
        results = [run(profile, seed, rubric) for seed in range(20)]
        means[profile] = fmean(score for score, _ in results)
        for _, texts in results:
            assert len({dedup.question_hash(t) for t in texts}) == len(texts)
            assert all(dedup.similarity(a, b) < dedup.NEAR_DUPLICATE_AT for a, b in itertools.combinations(texts, 2))
    assert means["strong"] > means["average"] > means["weak"]


@pytest.mark.parametrize("profile", ["keyword_stuffer", "injector", "off_topic"])
def test_adversarial_candidates_stay_at_or_below_2_5(profile: str, rubric: RubricReasoner) -> None:
    for seed in range(3):
        score, _ = run(profile, seed, rubric)
        assert score <= 2.5, (profile, seed, score)
