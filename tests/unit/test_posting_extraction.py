"""The offline posting extractor: each field on hand-made postings, and each field on the development postings.

The development postings (``tests/data/postings_dev``) were written and labelled by the extractor's author to
develop against; the thresholds below are what the frozen extractor reaches there. The blind postings'
figures are in docs/benchmarks.md and in ``test_posting_blind.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from interview_lib.domain.posting import PostingProfile
from interview_lib.errors import ConfigurationError
from interview_lib.reasoning.posting import (
    NO_SKILLS_NOTE,
    extract_posting,
    sentences,
    technologies_in,
    technology_name,
)

DEV = Path(__file__).parents[1] / "data" / "postings_dev"

STREAMING = """Senior Streaming Data Engineer

What you will do
- Build Spark Structured Streaming jobs that read from Kafka and write to Delta Lake.
- Handle late-arriving events with watermarks and keep stateful aggregations under control.
- Deliver exactly-once results end to end.

Requirements
- 5+ years of data engineering, with Kafka in production.
- Good SQL.
"""


def _extract(text: str) -> PostingProfile:
    return extract_posting(text)


# -- skills ----------------------------------------------------------------------------------------------------
def test_a_streaming_posting_weighs_streaming_most() -> None:
    profile = _extract(STREAMING)

    assert profile.is_data_engineering and profile.source == "offline"
    assert max(profile.skills, key=lambda s: profile.skills[s]) == "streaming"
    assert profile.skills["streaming"] == 1.0
    assert {"spark", "delta_lake", "sql"} <= set(profile.skills)
    assert all(profile.skills[s] < 0.6 for s in profile.skills if s != "streaming")


def test_evidence_quotes_the_posting() -> None:
    profile = _extract(STREAMING)

    assert "watermarks" in [q.lower() for q in profile.evidence["streaming"]]
    for quotes in profile.evidence.values():
        assert all(q in STREAMING for q in quotes)


def test_a_nice_to_have_counts_less_than_a_requirement() -> None:
    posting = "Data Engineer\n\nRequirements\n- Strong SQL.\n\nNice to have\n- Airflow.\n"

    skills = _extract(posting).skills

    assert skills["sql"] == 1.0 and skills["orchestration"] == 0.5


def test_a_plus_inside_a_sentence_counts_as_nice_to_have() -> None:
    posting = "Data Engineer\n\nYou know SQL well. Experience with Airflow is a plus.\n"

    assert _extract(posting).skills == {"sql": 1.0, "orchestration": 0.5}


def test_benefits_are_not_requirements() -> None:
    posting = (
        "Data Engineer\n\nRequirements\n- Strong SQL.\n\nWhat we offer\n- A budget for Kafka and Databricks courses.\n"
    )

    assert set(_extract(posting).skills) == {"sql"}


def test_sentences_carry_their_section_weight() -> None:
    found = sentences("Data Engineer\nAbout us\nWe use Spark.\nBenefits\n- Gym.\nBonus\n- dbt. Python too.")

    assert [(s.text, s.weight) for s in found] == [
        ("Data Engineer", 1.0),
        ("About us", 0.6),
        ("We use Spark.", 0.6),
        ("Benefits", 0.0),
        ("Gym.", 0.0),
        ("Bonus", 0.5),
        ("dbt.", 0.5),
        ("Python too.", 0.5),
    ]


def test_a_hint_alone_is_not_a_skill() -> None:
    posting = "Data Engineer\n\nRequirements\n- SQL every day.\n- Scalable thinking.\n"

    assert "system_design" not in _extract(posting).skills


# -- whether it is a data-engineering posting at all -----------------------------------------------------------
NOT_DATA_ENGINEERING = [
    "Senior Frontend Engineer\n\nBuild React and TypeScript interfaces. Write Jest tests. Mentor juniors.",
    "Marketing Manager\n\nRun campaigns, own the budget, report results to stakeholders with Excel.",
    "Data Scientist\n\nBuild forecasting models in Python and query the warehouse with SQL. Run A/B tests.",
    "Backend Engineer\n\nBuild Java services, publish events to Kafka, model data in PostgreSQL.",
    "Registered Nurse\n\nCare for patients on the cardiology ward; 3+ years of experience.",
]


@pytest.mark.parametrize("posting", NOT_DATA_ENGINEERING, ids=lambda p: p.split("\n")[0])
def test_postings_outside_data_engineering_say_so_and_name_no_skills(posting: str) -> None:
    profile = _extract(posting)

    assert not profile.is_data_engineering and profile.skills == {}
    assert profile.notes == [NO_SKILLS_NOTE]


def test_another_title_with_a_data_engineering_body_is_data_engineering() -> None:
    posting = (
        "Software Engineer\n\nYou will build data pipelines and our data platform: Spark jobs, Kafka streams, "
        "Airflow DAGs, Delta Lake tables and data quality checks, in SQL and Python."
    )

    assert _extract(posting).is_data_engineering


# -- level -----------------------------------------------------------------------------------------------------
LEVELS = [
    ("Senior Data Engineer\nSQL and Spark.", "senior"),
    ("Sr. Data Engineer\nSQL and Spark.", "senior"),
    ("Lead Data Engineer\nSQL and Spark.", "senior"),
    ("Staff Data Engineer\nSQL and Spark.", "staff"),
    ("Principal Data Engineer\nSQL and Spark.", "staff"),
    ("Senior Staff Engineer, Data Platform\nSQL and Spark.", "staff"),
    ("Junior Data Engineer\nSQL and Spark.", "junior"),
    ("Graduate Data Engineer\nSQL and Spark.", "junior"),
    ("Associate Data Engineer\nSQL and Spark.", "junior"),
    ("Data Engineer II\nSQL and Spark.", "mid"),
    ("Data Engineer III\nSQL and Spark.", "senior"),
    ("Mid-level Data Engineer\nSQL and Spark.", "mid"),
    ("Data Engineer\nYou have 0-2 years of experience with SQL.", "junior"),
    ("Data Engineer\nYou have 3–5 years of experience with SQL.", "mid"),
    ("Data Engineer\nYou have 5+ years of experience with SQL.", "senior"),
    ("Data Engineer\n10+ years in data engineering, 2 years leading teams.", "staff"),
    ("Data Engineer\nWe are looking for a senior engineer who knows SQL.", "senior"),
    ("Data Engineer\nRecent graduates welcome. SQL.", "junior"),
    ("Junior Data Engineer\nYou have 3+ years of experience with SQL.", "junior"),
    ("Data Engineer\nWe have been in business for 25 years. SQL and Spark.", None),
    ("Data Engineer\nSQL and Spark.", None),
]


@pytest.mark.parametrize(("posting", "level"), LEVELS, ids=[p.replace("\n", " | ") for p, _ in LEVELS])
def test_level_comes_from_the_title_then_the_body_then_the_years(posting: str, level: str | None) -> None:
    assert _extract(posting).level == level


def test_a_benefits_section_years_are_not_experience() -> None:
    posting = "Data Engineer\nSQL and Spark.\nBenefits\n- A sabbatical after 5 years with us."

    assert _extract(posting).level is None


# -- cloud -----------------------------------------------------------------------------------------------------
CLOUDS = [
    ("Data Engineer\nWe run on AWS: S3, Glue and Redshift.", "aws"),
    ("Data Engineer\nOur stack: BigQuery, Pub/Sub and Dataflow.", "gcp"),
    ("Data Engineer\nYou build pipelines in Azure Data Factory into ADLS Gen2.", "azure"),
    ("Data Engineer\nWe use Databricks and Snowflake with SQL.", None),
    ("Data Engineer\nSQL. We report campaign results from Google Analytics.", None),
    ("Data Engineer\nSQL and Spark.\nNice to have\n- Some AWS.", None),
    ("Data Engineer\nMostly Azure and Synapse, with one legacy AWS account.", "azure"),
    ("Data Engineer\nWe run on GCP, with some workloads on AWS.", "gcp"),
]


@pytest.mark.parametrize(("posting", "cloud"), CLOUDS, ids=[p.split("\n")[1] for p, _ in CLOUDS])
def test_cloud_is_the_one_named_most_by_its_services(posting: str, cloud: str | None) -> None:
    assert _extract(posting).cloud == cloud


# -- technologies ----------------------------------------------------------------------------------------------
def test_technologies_in_the_order_named_with_one_name_each() -> None:
    text = "We use Apache Kafka, PySpark, Delta Live Tables and dbt; a snowflake schema in BigQuery."

    assert technologies_in(text) == ["Kafka", "PySpark", "Lakeflow Declarative Pipelines", "dbt", "BigQuery"]


@pytest.mark.parametrize(
    ("name", "known"),
    [("delta live tables", "Lakeflow Declarative Pipelines"), ("Go", "Go"), ("apache kafka", "Kafka"), ("Foo", None)],
)
def test_technology_name_gives_the_vocabulary_name(name: str, known: str | None) -> None:
    assert technology_name(name) == known


# -- input -----------------------------------------------------------------------------------------------------
def test_bytes_are_read_as_text_and_bad_input_is_refused() -> None:
    assert extract_posting(STREAMING.encode("utf-8")).skills == _extract(STREAMING).skills
    with pytest.raises(ConfigurationError, match="PDF"):
        extract_posting(b"%PDF-1.4 ...")
    with pytest.raises(ConfigurationError, match="empty"):
        extract_posting("   ")


# -- each field on the development postings --------------------------------------------------------------------
@dataclass(frozen=True)
class Labelled:
    file: str
    label: dict[str, object]
    profile: PostingProfile


@cache
def _dev() -> tuple[Labelled, ...]:
    labels = json.loads((DEV / "labels.json").read_text(encoding="utf-8"))["postings"]
    return tuple(Labelled(x["file"], x, extract_posting((DEV / x["file"]).read_text(encoding="utf-8"))) for x in labels)


def _truth(label: dict[str, object], *fields: str) -> set[str]:
    return {str(v) for f in fields for v in label[f]}  # type: ignore[attr-defined]


def test_the_development_set_covers_clouds_levels_and_other_jobs() -> None:
    labels = [x.label for x in _dev()]

    assert len(labels) >= 12
    assert {x["cloud"] for x in labels} == {"aws", "azure", "gcp", None}
    assert {x["level"] for x in labels} == {"junior", "mid", "senior", "staff", None}
    assert sum(not x["is_data_engineering"] for x in labels) >= 4


def test_skills_on_the_development_postings() -> None:
    tp = fp = fn = 0
    for item in (x for x in _dev() if x.label["is_data_engineering"]):
        found, truth = set(item.profile.skills), _truth(item.label, "required", "mentioned")
        tp, fp, fn = tp + len(found & truth), fp + len(found - truth), fn + len(truth - found)
    assert tp / (tp + fp) >= 0.95 and tp / (tp + fn) >= 0.95


def test_required_skills_are_weighted_above_the_mentioned_ones_on_average() -> None:
    required, mentioned = [], []
    for item in (x for x in _dev() if x.label["is_data_engineering"]):
        skills = item.profile.skills
        required += [skills.get(s, 0.0) for s in _truth(item.label, "required")]
        mentioned += [skills.get(s, 0.0) for s in _truth(item.label, "mentioned")]
    assert sum(required) / len(required) > sum(mentioned) / len(mentioned) + 0.2


def test_level_on_the_development_postings() -> None:
    assert sum(x.profile.level == x.label["level"] for x in _dev()) >= 0.9 * len(_dev())


def test_cloud_on_the_development_postings() -> None:
    assert sum(x.profile.cloud == x.label["cloud"] for x in _dev()) >= 0.9 * len(_dev())


def test_technologies_on_the_development_postings() -> None:
    tp = fp = fn = 0
    for item in (x for x in _dev() if x.label["is_data_engineering"]):
        found = set(item.profile.technologies)
        truth = {technology_name(t) or t for t in _truth(item.label, "technologies")}
        tp, fp, fn = tp + len(found & truth), fp + len(found - truth), fn + len(truth - found)
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9


def test_data_engineering_or_not_on_the_development_postings() -> None:
    assert [x.file for x in _dev() if x.profile.is_data_engineering != x.label["is_data_engineering"]] == []
