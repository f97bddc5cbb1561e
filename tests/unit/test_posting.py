"""The posting's model, the checks on its text, the candidate's corrections and the fit to the posting."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from pydantic import ValidationError

from interview_lib.domain.models import Level
from interview_lib.domain.posting import (
    EXCERPT_CHARS,
    MAX_POSTING_CHARS,
    TITLE_CHARS,
    PostingFields,
    PostingLevel,
    PostingProfile,
    corrected,
    posting_excerpt,
    posting_fit,
    posting_problem,
    posting_sha256,
    posting_text,
    posting_title,
)
from interview_lib.domain.skills import SKILLS
from interview_lib.errors import ConfigurationError

SHA = "a" * 64


def _profile(**fields: Any) -> PostingProfile:
    values: dict[str, Any] = {
        "is_data_engineering": True,
        "title": "Senior Streaming Data Engineer",
        "skills": {"streaming": 1.0, "spark": 0.5, "sql": 0.25},
        "level": "senior",
        "cloud": "aws",
        "technologies": ["Kafka", "Spark"],
        "evidence": {"streaming": ["Kafka", "watermarks"], "spark": ["Structured Streaming"]},
        "sha256": SHA,
    }
    return PostingProfile(**{**values, **fields})


# -- the text ------------------------------------------------------------------------------------------------
REFUSED = [
    ("empty", "", "is empty"),
    ("blank", " \n\t\n ", "is empty"),
    ("empty_bytes", b"", "is empty"),
    ("huge", "data " * (MAX_POSTING_CHARS // 5 + 1), "more than 50,000"),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    ("docx", b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "Word document"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image"),
    ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
    ("binary_bytes", bytes(range(256)) * 4, "binary data"),
    ("binary_text", "Data Engineer\x00\x01\x02\x03" * 10, "binary data"),
    ("replacement_characters", "Data \ufffd\ufffd Engineer \ufffd" * 20, "binary data"),
]


@pytest.mark.parametrize(("data", "words"), [(d, w) for _, d, w in REFUSED], ids=[i for i, _, _ in REFUSED])
def test_bad_postings_get_one_clear_line(data: str | bytes, words: str) -> None:
    problem = posting_problem(data)

    assert problem is not None and words in problem
    assert problem.startswith("the job posting ") and "\n" not in problem
    with pytest.raises(ConfigurationError, match=words):
        posting_text(data)


ACCEPTED = [
    ("plain", "Data Engineer\nWe need SQL.", "Data Engineer\nWe need SQL."),
    ("utf8_bytes", "Ingénieur données — Kafka".encode(), "Ingénieur données — Kafka"),
    ("utf8_bom", b"\xef\xbb\xbfData Engineer", "Data Engineer"),
    ("utf16_bom", "Data Engineer\nSpark".encode("utf-16"), "Data Engineer\nSpark"),
    ("windows_1252", b"Caf\xe9 chain hiring a data engineer", "Café chain hiring a data engineer"),
    ("crlf", "Data Engineer\r\nSQL\r\n", "Data Engineer\nSQL"),
    ("at_the_limit", "x" * MAX_POSTING_CHARS, "x" * MAX_POSTING_CHARS),
]


@pytest.mark.parametrize(("data", "text"), [(d, t) for _, d, t in ACCEPTED], ids=[i for i, _, _ in ACCEPTED])
def test_text_postings_are_accepted_and_normalised(data: str | bytes, text: str) -> None:
    assert posting_problem(data) is None
    assert posting_text(data) == text


def test_the_hash_does_not_depend_on_line_ends() -> None:
    windows, unix = posting_text("Data Engineer\r\nKafka\r\n"), posting_text("Data Engineer\nKafka")

    assert posting_sha256(windows) == posting_sha256(unix)
    assert posting_sha256("a") != posting_sha256("b")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Senior Data Engineer\nAbout us", "Senior Data Engineer"),
        ("\n\nJob title: Staff Data Engineer\n", "Staff Data Engineer"),
        ("# **Analytics Engineer**\n", "Analytics Engineer"),
        ("- Position – Data Engineer II\n", "Data Engineer II"),
        ("---\n\nLead Data Engineer", "Lead Data Engineer"),
    ],
)
def test_the_title_is_the_first_line_without_labels_or_markup(text: str, title: str) -> None:
    assert posting_title(text) == title


def test_a_long_title_and_excerpt_are_cut() -> None:
    text = "Data Engineer " * 100

    assert len(posting_title(text)) <= TITLE_CHARS
    excerpt = posting_excerpt(text)
    assert excerpt.endswith("…") and len(excerpt) <= EXCERPT_CHARS + 1
    assert posting_excerpt("Short   posting\n\ntext") == "Short posting text"


# -- the model -----------------------------------------------------------------------------------------------
def test_the_posting_level_is_the_setup_level() -> None:
    assert get_args(PostingLevel) == get_args(Level)


def test_a_profile_round_trips_through_json() -> None:
    profile = _profile(notes=["a note"], corrected=True, source="model")

    assert PostingProfile.model_validate_json(profile.model_dump_json()) == profile


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"skills": {"basket_weaving": 1.0}}, "unknown skills"),
        ({"skills": {"sql": 0.0}}, r"\(0, 1\]"),
        ({"skills": {"sql": 1.5}}, r"\(0, 1\]"),
        ({"skills": {}}, "at least one skill"),
        ({"level": "principal"}, "level"),
        ({"cloud": "oracle"}, "cloud"),
        ({"sha256": "not-a-hash"}, "sha256"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_invalid_fields_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _profile(**fields)


def test_unknown_skill_error_lists_the_catalog() -> None:
    with pytest.raises(ValidationError) as raised:
        PostingFields(is_data_engineering=True, skills={"kafka": 1.0})

    assert all(skill in str(raised.value) for skill in SKILLS)


def test_a_posting_outside_data_engineering_names_no_skills() -> None:
    fields = PostingFields(is_data_engineering=False, skills={"sql": 1.0}, evidence={"sql": ["SQL"]})

    assert fields.skills == {} and fields.evidence == {}


def test_evidence_only_for_the_posting_skills_and_technologies_tidied() -> None:
    fields = PostingFields(
        is_data_engineering=True,
        skills={"sql": 1.0},
        evidence={"sql": ["SQL"], "spark": ["Spark"]},
        technologies=["  Kafka ", "Kafka", "", "Apache   Spark"],
    )

    assert fields.evidence == {"sql": ["SQL"]}
    assert fields.technologies == ["Kafka", "Apache Spark"]


# -- the candidate's corrections -----------------------------------------------------------------------------
def test_a_correction_changes_only_what_was_asked() -> None:
    profile = _profile()

    fixed = corrected(profile, {"level": "staff", "cloud": None})

    assert (fixed.level, fixed.cloud, fixed.corrected) == ("staff", None, True)
    assert (fixed.skills, fixed.sha256, fixed.title) == (profile.skills, profile.sha256, profile.title)


def test_corrected_skills_decide_whether_it_is_data_engineering() -> None:
    not_de = _profile(is_data_engineering=False, skills={})

    assert corrected(not_de, {"skills": {"sql": 1.0}}).is_data_engineering
    assert not corrected(_profile(), {"skills": {}}).is_data_engineering


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sha256": "b" * 64}, "cannot change"),
        ({"skills": {"kafka": 1.0}}, "unknown skills"),
        ({"level": "guru"}, "level"),
    ],
)
def test_a_bad_correction_names_what_is_wrong(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        corrected(_profile(), changes)


# -- fit to the posting --------------------------------------------------------------------------------------
def _fit(scores: dict[str, float], **profile: Any) -> Any:
    return posting_fit(_profile(**profile), scores, strong_at=7.0, weak_below=5.0)


def test_no_fit_for_a_posting_outside_data_engineering() -> None:
    assert _fit({"sql": 8.0}, is_data_engineering=False, skills={}) is None


def test_fit_lists_every_posting_skill_heaviest_first_with_its_score() -> None:
    fit = _fit({"streaming": 8.0, "sql": 3.0, "delta_lake": 9.0})

    assert [(s.skill, s.score, s.status) for s in fit.skills] == [
        ("streaming", 8.0, "strong"),
        ("spark", None, "not_covered"),
        ("sql", 3.0, "weak"),
    ]
    assert fit.covered == ["streaming", "sql"] and fit.not_covered == ["spark"]
    assert fit.skills[0].title == SKILLS["streaming"]
    assert (fit.title, fit.sha256) == ("Senior Streaming Data Engineer", SHA)


def test_coverage_and_fit_score_are_weighted_by_the_posting() -> None:
    fit = _fit({"streaming": 8.0, "sql": 4.0})

    assert fit.coverage == pytest.approx(1.25 / 1.75, abs=0.001)
    assert fit.fit_score == pytest.approx((1.0 * 8 + 0.25 * 4) / 1.25, abs=0.01)


def test_nothing_covered_has_no_fit_score() -> None:
    fit = _fit({})

    assert fit.fit_score is None and fit.coverage == 0 and fit.covered == []


def test_practice_next_puts_the_largest_weighted_gap_first_in_the_posting_words() -> None:
    fit = _fit({"streaming": 3.0, "sql": 6.0})

    streaming, spark, sql = fit.practice_next
    assert streaming.startswith(SKILLS["streaming"]) and "3.0/10" in streaming
    assert "(Kafka, watermarks)" in streaming and "practise it next" in streaming
    assert spark.startswith(SKILLS["spark"]) and "has not covered it yet" in spark
    assert "(Structured Streaming)" in spark
    assert sql.startswith(SKILLS["sql"]) and "6.0/10" in sql and "deeper" in sql


def test_strong_skills_need_no_practice_and_the_list_is_capped() -> None:
    all_strong = _fit({"streaming": 9.0, "spark": 8.0, "sql": 7.5})
    assert all_strong.practice_next == []

    many = {s: 1.0 for s in list(SKILLS)[:6]}
    capped = posting_fit(_profile(skills=many), {}, strong_at=7.0, weak_below=5.0, practice_limit=2)
    assert capped is not None and len(capped.practice_next) == 2
