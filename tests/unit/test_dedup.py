"""Question identity: the normalized hash for exact repeats and similarity for rewordings."""

from __future__ import annotations

import pytest

from interview_lib.domain.dedup import is_repeat, normalize, question_hash, similarity


@pytest.mark.parametrize(
    "variant",
    [
        "What does HAVING filter?",
        "what does having filter",
        "WHAT DOES HAVING FILTER?!",
        "  What   does\tHAVING\nfilter ? ",
        "What does HAVING, filter...?",
    ],
)
def test_hash_ignores_case_punctuation_and_whitespace(variant: str) -> None:
    assert question_hash(variant) == question_hash("What does HAVING filter?")


def test_hash_differs_for_different_words() -> None:
    assert question_hash("What does HAVING filter?") != question_hash("What does WHERE filter?")


def test_normalize_keeps_lower_case_words_single_spaced() -> None:
    assert normalize("  Z-ORDER  vs.\tOPTIMIZE? ") == "z order vs optimize"


def test_exact_repeat_is_caught_by_hash_alone() -> None:
    asked = "How does Delta Lake implement time travel?"

    assert is_repeat("how does delta lake implement TIME TRAVEL", [question_hash(asked)], [])


REWORDINGS = [
    ("What is the difference between WHERE and HAVING?", "Explain the difference between HAVING and WHERE clauses."),
    ("What is a slowly changing dimension type 2?", "Explain slowly changing dimensions of type 2."),
    (
        "What causes data skew in Spark joins and how do you fix it?",
        "How would you fix skewed joins in Spark, and what causes them?",
    ),
    ("What does Delta Lake's OPTIMIZE command do?", "Explain what OPTIMIZE does in Delta Lake."),
    ("What is a broadcast join in Spark?", "When would you use a broadcast join in Spark?"),
    ("Explain Z-ordering in Delta Lake.", "What does Z-ORDER do for Delta tables?"),
]


@pytest.mark.parametrize(("asked", "reworded"), REWORDINGS)
def test_reworded_question_is_a_repeat(asked: str, reworded: str) -> None:
    assert is_repeat(reworded, [question_hash(asked)], [asked])


MISSED_REWORDINGS = [
    # "where" is a stopword, so WHERE vanishes and "differs"/"difference" do not stem alike.
    ("What is the difference between WHERE and HAVING?", "How does WHERE differ from HAVING?"),
    # "pipeline" and "pipelines" stem differently ("pipeline" vs "pipelin").
    (
        "How would you handle late-arriving data in a streaming pipeline?",
        "How do you deal with late arriving data in streaming pipelines?",
    ),
    ("How do you partition a Delta table?", "How do you partition Delta tables?"),
]


@pytest.mark.parametrize(("asked", "reworded"), MISSED_REWORDINGS)
def test_obvious_rewording_is_caught(asked: str, reworded: str) -> None:
    assert is_repeat(reworded, [question_hash(asked)], [asked])


DIFFERENT_QUESTIONS_SAME_TOPIC = [
    ("What is a broadcast join in Spark?", "How does Spark decide the number of shuffle partitions?"),
    ("What is a broadcast join in Spark?", "What is a sort-merge join in Spark?"),
    ("What does VACUUM do in Delta Lake?", "How does time travel work in Delta Lake?"),
    ("What is a star schema?", "What is a snowflake schema?"),
    (
        "How do you handle late-arriving data in a streaming pipeline?",
        "How do watermarks bound state in Structured Streaming?",
    ),
    ("What is the difference between WHERE and HAVING?", "How do window functions differ from GROUP BY aggregations?"),
    ("How does Auto Loader discover new files?", "How does Auto Loader handle schema evolution?"),
]


@pytest.mark.parametrize(("asked", "other"), DIFFERENT_QUESTIONS_SAME_TOPIC)
def test_different_question_on_the_same_topic_is_not_a_repeat(asked: str, other: str) -> None:
    assert not is_repeat(other, [question_hash(asked)], [asked])


WRONGLY_FLAGGED = [
    # WHERE is a stopword, so the first question's terms are contained in the second's.
    ("What is the difference between WHERE and HAVING?", "What is the difference between HAVING and QUALIFY?"),
    # Containment: a short question's few terms all appear in a longer, different question.
    ("What is a Delta table?", "How do you partition a Delta table?"),
]


@pytest.mark.parametrize(("asked", "other"), WRONGLY_FLAGGED)
def test_distinct_questions_sharing_words_are_not_repeats(asked: str, other: str) -> None:
    assert not is_repeat(other, [question_hash(asked)], [asked])


def test_repeat_is_found_among_several_asked_questions() -> None:
    asked = ["What is a star schema?", "What does VACUUM do in Delta Lake?", "What is a broadcast join in Spark?"]

    assert is_repeat("When would you use a broadcast join in Spark?", [], asked)


def test_nothing_asked_means_no_repeat() -> None:
    assert not is_repeat("What is a star schema?", [], [])


@pytest.mark.parametrize(("a", "b"), [("", "What is a star schema?"), ("What is it?", "What is a star schema?")])
def test_similarity_is_zero_without_content_words(a: str, b: str) -> None:
    assert similarity(a, b) == 0.0


def test_similarity_is_symmetric() -> None:
    a, b = REWORDINGS[2]

    assert similarity(a, b) == similarity(b, a)
