"""Claim-by-claim verdicts: honest coverage counts, contradictions and wrong claims (pure numpy)."""

from __future__ import annotations

import numpy as np
import pytest

from interview_lib.reasoning.rubric import claims

NAN = np.nan


def test_without_sentences_every_point_is_missing() -> None:
    verdicts = claims.point_verdicts(claims.Pairs(np.zeros((3, 0))))
    assert [v.status for v in verdicts] == ["missing"] * 3


def test_one_sentence_about_every_point_covers_each_at_most_once() -> None:
    # five sentences all near the same two points: still two points, never "5 of 2"
    similarity = np.array([[0.8, 0.8, 0.8, 0.8, 0.8], [0.75, 0.75, 0.75, 0.75, 0.75]])
    verdicts = claims.point_verdicts(claims.Pairs(similarity))
    assert [v.status for v in verdicts] == ["covered", "covered"]
    assert claims.credit(verdicts, needed=2) == 1.0
    assert claims.credit(verdicts, needed=4) == 0.5


@pytest.mark.parametrize(
    ("similarity", "status"),
    [(0.72, "covered"), (0.6, "partly"), (0.4, "missing")],
)
def test_by_similarity_alone_a_point_is_covered_partly_or_missing(similarity: float, status: str) -> None:
    verdicts = claims.point_verdicts(claims.Pairs(np.array([[similarity, 0.1]])))
    assert verdicts[0].status == status
    assert (verdicts[0].sentence is None) == (status == "missing")


def test_inference_decides_a_sentence_that_is_about_the_point() -> None:
    similarity = np.array([[0.8, 0.5], [0.8, 0.2], [0.8, 0.2]])
    entail = np.array([[0.9, NAN], [0.05, NAN], [0.3, NAN]])
    contradict = np.array([[0.02, NAN], [0.9, NAN], [0.1, NAN]])
    verdicts = claims.point_verdicts(claims.Pairs(similarity, entail, contradict))
    assert [v.status for v in verdicts] == ["covered", "contradicted", "partly"]
    assert [v.sentence for v in verdicts] == [0, 0, 0]


def test_a_contradiction_from_an_unrelated_sentence_does_not_count() -> None:
    similarity = np.array([[0.3]])  # not about the point: a "contradiction" there is noise
    verdicts = claims.point_verdicts(claims.Pairs(similarity, np.array([[0.0]]), np.array([[0.95]])))
    assert verdicts[0].status == "missing"


def test_entailment_wins_over_a_contradiction_elsewhere() -> None:
    similarity = np.array([[0.8, 0.7]])
    verdicts = claims.point_verdicts(claims.Pairs(similarity, np.array([[0.9, 0.0]]), np.array([[0.0, 0.9]])))
    assert verdicts[0].status == "covered"


def test_a_wrong_claim_needs_to_be_stated_not_just_mentioned() -> None:
    similarity = np.array([[0.8, 0.8]])
    flags = claims.Pairs(similarity, np.array([[0.9, 0.1]]), np.array([[0.0, 0.0]]))
    assert claims.stated_wrong_claims(flags, np.zeros(2), excused=[False, False]) == [0]
    rejected = claims.Pairs(similarity, np.array([[0.1, 0.1]]), np.array([[0.8, 0.8]]))
    assert claims.stated_wrong_claims(rejected, np.zeros(2), excused=[False, False]) == []


def test_a_sentence_that_names_a_myth_to_reject_it_is_excused() -> None:
    flags = claims.Pairs(np.array([[0.8]]), np.array([[0.9]]), np.array([[0.0]]))
    assert claims.stated_wrong_claims(flags, np.zeros(1), excused=[True]) == []


def test_contrastive_wrong_claim_must_beat_the_true_side() -> None:
    flags = claims.Pairs(np.array([[0.7, 0.7]]))
    truth = np.array([0.6, 0.69])  # first sentence clearly nearer the wrong claim, second one not
    assert claims.stated_wrong_claims(flags, truth, excused=[False, True]) == [0]
    assert claims.stated_wrong_claims(flags, np.array([0.69, 0.69]), excused=[False, False]) == []


def test_only_close_pairs_are_sent_to_the_checker() -> None:
    similarity = np.array([[0.9, 0.5, 0.2], [0.1, 0.2, 0.3]])
    assert claims.pairs_to_check(similarity, per_statement=2) == [(0, 0), (0, 1)]


def test_partly_stated_points_count_half() -> None:
    verdicts = [claims.Verdict("covered", 0), claims.Verdict("partly", 1), claims.Verdict("contradicted", 2)]
    assert claims.credit(verdicts, needed=3) == pytest.approx(0.5)
    assert claims.credit(verdicts, needed=0) == 0.0
