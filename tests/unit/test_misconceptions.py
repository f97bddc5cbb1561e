"""The bank's misconceptions: each rule states its claim and its other wrong wordings, never its correction,
its correct sentences or any expected point of the bank; and answers are checked against them sentence by
sentence."""

from __future__ import annotations

import pytest

from interview_lib.bank import load_bank, load_misconceptions
from interview_lib.reasoning.rubric.misconceptions import Misconceptions, Rule

ITEMS = load_misconceptions()


@pytest.mark.parametrize("item", ITEMS, ids=lambda m: m.id)
def test_a_rule_states_its_claim_and_wrong_wordings(item):
    rule = Rule.of(item)
    for sentence in (item.claim, *item.wrong):
        assert rule.states(sentence), f"{item.id} misses: {sentence}"


@pytest.mark.parametrize("item", ITEMS, ids=lambda m: m.id)
def test_a_rule_never_fires_on_its_truth_or_right_sentences(item):
    rule = Rule.of(item)
    for sentence in (item.truth, *item.right):
        assert not rule.states(sentence), f"{item.id} fires on a correct sentence: {sentence}"


def test_no_rule_fires_on_an_expected_point_of_the_bank():
    rules = [Rule.of(m) for m in ITEMS]
    points = [p for e in load_bank() for p in e.item.expected_points]
    fired = [(r.item.id, p) for r in rules for p in points if r.states(p)]
    assert not fired, "\n".join(f"{i}: {p}" for i, p in fired[:20])


def test_an_answer_states_each_misconception_once_and_a_correction_is_excused():
    item = next(m for m in ITEMS if m.id == "spark-broadcast-large-side")
    checker = Misconceptions([item])
    sentences = [
        "Spark broadcasts the large table to all executors.",
        "It broadcasts the big table to every node again.",
    ]
    assert checker.stated(sentences) == [(item, 0)]
    assert checker.stated(sentences, excused=[True, False]) == [(item, 1)]
    assert checker.stated(["We broadcast the small table."]) == []


def test_hyphens_read_as_spaces():
    item = next(m for m in ITEMS if m.id == "spark-broadcast-large-side")
    assert Rule.of(item).states("A broadcast-join ships the large-table to every executor.")
