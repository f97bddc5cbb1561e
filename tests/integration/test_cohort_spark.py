"""The cohort analytics as Spark DataFrame code give the same figures as the pandas path on the same tables.

The tables are written by the normal local path (delta-rs) and read through Spark Connect (a local Sail server).
"""

from __future__ import annotations

import functools

import pandas as pd
import pytest

from interview_lib.analytics import cohort
from interview_lib.reasoning import create_reasoner
from interview_lib.wiring import open_store

from .conftest import SimulatedCohort

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


def test_spark_and_pandas_cohort_figures_agree(
    spark: object, tmp_path_factory: pytest.TempPathFactory, simulated_cohort: SimulatedCohort
) -> None:
    home = tmp_path_factory.mktemp("spark-cohort")
    settings = simulated_cohort(home, cohort="sc", candidates=3, sessions=2, seed=5)
    store = open_store(settings)
    local = cohort.build(cohort.load(store, cohort="sc"), "sc")
    remote = cohort.build(
        cohort.load_spark(lambda t: spark.read.format("delta").load(store.path(t)), cohort="sc"),
        "sc",  # type: ignore[attr-defined]
    )
    assert (remote.candidates, remote.sessions, remote.turns) == (local.candidates, local.sessions, local.turns)
    assert remote.overall == pytest.approx(local.overall)
    pd.testing.assert_frame_equal(remote.heatmap, local.heatmap, check_dtype=False)
    pd.testing.assert_frame_equal(
        remote.weakest_skills.reset_index(drop=True), local.weakest_skills.reset_index(drop=True), check_dtype=False
    )
    assert remote.progress["overall"].round(6).tolist() == local.progress["overall"].round(6).tolist()


def test_the_scorer_runs_on_spark_executors_with_map_in_pandas(
    spark: object, tmp_path_factory: pytest.TempPathFactory, simulated_cohort: SimulatedCohort
) -> None:
    from datetime import datetime, timezone

    from interview_lib.analytics.rescore import score_turns_spark

    settings = simulated_cohort(tmp_path_factory.mktemp("spark-rescore"), cohort="sr", candidates=2, sessions=1, seed=2)
    store = open_store(settings)
    turns = spark.read.format("delta").load(store.path("turns"))  # type: ignore[attr-defined]
    scorer = functools.partial(create_reasoner, "scripted:6")
    scored = score_turns_spark(turns, scorer, datetime(2026, 5, 1, tzinfo=timezone.utc)).toPandas()
    answered = store.read("turns").to_pandas()
    answered = answered[answered["transcript"].notna()]
    assert sorted(zip(scored["session_id"], scored["turn_no"])) == sorted(
        zip(answered["session_id"], answered["turn_no"])
    )
    assert set(scored["scorer"]) == {"scripted"} and set(scored["overall"]) == {6.0}


def test_the_cohort_job_takes_the_spark_path_for_a_spark_store(spark: object, tmp_path: object) -> None:
    import uuid
    from datetime import datetime, timezone
    from pathlib import Path

    from interview_lib.batch import run_cohort_report
    from interview_lib.store.spark import SparkDeltaStore

    from .conftest import SPARK_CATALOG

    store = SparkDeltaStore(spark, SPARK_CATALOG, f"c_{uuid.uuid4().hex[:10]}", describe_history=False)  # type: ignore[arg-type]
    store.migrate()
    when = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
    store.append(
        "sessions",
        [{"session_id": "s1", "candidate_id": "c1", "cohort": "k", "created_at": when}],
        app_id="s1",
        version=1,
    )
    store.append(
        "turns",
        [
            {
                "session_id": "s1",
                "turn_no": 1,
                "question_id": "q1",
                "question_text": "Q?",
                "skill": "sql",
                "difficulty": 2,
                "kind": "core",
                "delivery_json": "{}",
            }
        ],
        app_id="s1",
        version=1,
    )
    store.append(
        "scores",
        [
            {
                "session_id": "s1",
                "turn_no": 1,
                "scorer": "rubric",
                "scorer_version": "1.0",
                "status": "scored",
                "technical_correctness": 6.0,
                "depth": 6.0,
                "practical_experience": 6.0,
                "communication": 6.0,
                "confidence": 6.0,
                "overall": 6.0,
                "scored_at": when,
            }
        ],
        app_id="s1",
        version=1,
    )
    outputs = run_cohort_report(store, Path(str(tmp_path)) / "out", cohort="k")
    assert outputs.report.turns == 1 and outputs.report.overall == 6.0
