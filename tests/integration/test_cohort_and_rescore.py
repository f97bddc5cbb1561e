"""Cohort analytics, re-scoring and instructor reviews over real Delta tables."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import papermill
import pytest

from interview_lib.analytics.rescore import record_review, rescore
from interview_lib.batch import publish_cohort_report, publish_rescore
from interview_lib.cli import main
from interview_lib.domain.models import Evaluation, Question, Transcript
from interview_lib.reasoning.rubric import VERSION as RUBRIC_VERSION
from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score
from interview_lib.settings import Settings
from interview_lib.wiring import open_recorder, open_store

from .conftest import SimulatedCohort

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def cohort_home(tmp_path_factory: pytest.TempPathFactory, simulated_cohort: SimulatedCohort) -> Settings:
    return simulated_cohort(tmp_path_factory.mktemp("cohort"), cohort="c1", candidates=4, sessions=3, seed=3)


def test_simulated_cohort_is_written_through_the_normal_path(cohort_home: Settings) -> None:
    store = open_store(cohort_home)
    sessions = store.read("sessions").to_pandas()
    assert len(sessions) == 12 and set(sessions["final_state"]) == {"FINISHED"}
    assert sessions["candidate_id"].nunique() == 4
    turns = store.read("turns").to_pandas()
    assert not turns.duplicated(["session_id", "turn_no"]).any()


def test_cohort_report_numbers_match_a_direct_query_of_the_tables(cohort_home: Settings, tmp_path: Path) -> None:
    outputs, run_id = publish_cohort_report(cohort_home, tmp_path, cohort="c1")
    assert run_id
    report = outputs.report
    store = open_store(cohort_home)
    turns = store.read("turns").to_pandas()
    scores = store.read("scores").to_pandas()
    sessions = store.read("sessions").to_pandas()
    live = scores.sort_values("scored_at").drop_duplicates(["session_id", "turn_no"])
    joined = (
        turns[["session_id", "turn_no", "skill"]]
        .merge(live[live["status"] == "scored"][["session_id", "turn_no", "overall"]], on=["session_id", "turn_no"])
        .merge(sessions[["session_id", "candidate_id"]], on="session_id")
    )
    assert report.turns == len(joined)
    assert report.overall == pytest.approx(joined["overall"].mean(), abs=0.01)
    by_skill = joined.groupby(["candidate_id", "skill"])["overall"].mean()
    for (candidate, skill), value in by_skill.items():
        assert report.heatmap.loc[candidate, skill] == pytest.approx(value, abs=0.01)
    html = outputs.html.read_text()
    assert "<script" not in html and "http://" not in html and "https://" not in html
    images = re.findall(r'alt="([^"]+)" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert {"progress over sessions", "candidate by skill heatmap"} <= {alt for alt, _ in images}
    assert all(base64.b64decode(data).startswith(b"\x89PNG") for _, data in images)
    assert outputs.csv.exists() and outputs.parquet.exists()


def test_rescoring_appends_is_incremental_and_leaves_old_rows_untouched(cohort_home: Settings) -> None:
    store = open_store(cohort_home)
    before = store.read("scores").to_pandas()
    first = rescore(store, ScriptedReasoner(judge=fixed_score(6)))
    assert first.appended == before["turn_no"].size and first.agreement is not None
    again = rescore(store, ScriptedReasoner(judge=fixed_score(6)))
    assert again.appended == 0 and again.already_scored == first.appended
    after = store.read("scores").to_pandas()
    old_rows = after.merge(before, how="inner")
    assert len(old_rows) == len(before), "earlier score rows are unchanged"
    assert len(after) == len(before) + first.appended


def test_a_new_scorer_version_logs_its_agreement_as_a_run(cohort_home: Settings) -> None:
    result, run_id = publish_rescore(cohort_home, "rubric")
    assert result.appended == 0, f"the live rubric scores already are rubric@{RUBRIC_VERSION}"
    result, run_id = publish_rescore(cohort_home, "scripted:4", baseline=f"rubric@{RUBRIC_VERSION}")
    assert run_id and result.agreement is not None and result.agreement.baseline == f"rubric@{RUBRIC_VERSION}"
    assert result.agreement.drift["overall"] != 0


def test_low_certainty_scores_are_listed_and_can_be_re_scored_alone(
    tmp_path: Path, rubric: RubricReasoner, simulated_cohort: SimulatedCohort
) -> None:
    judged: list[str] = []

    def alternating(question: Question, transcript: Transcript) -> Evaluation:
        judged.append(question.id)
        doubtful = len(judged) % 2 == 0
        evaluation = fixed_score(6)(question, transcript)
        return evaluation.model_copy(
            update={"certainty": "low" if doubtful else "high", "certainty_reason": "no reference" if doubtful else ""}
        )

    judge = ScriptedReasoner(judge=alternating)
    settings = simulated_cohort(tmp_path, cohort="c2", candidates=2, sessions=1, seed=5, reasoner=judge)
    store = open_store(settings)
    live = store.read("scores").to_pandas()
    low = live[live["certainty"] == "low"]
    assert 0 < len(low) < len(live) and set(low["certainty_reason"]) == {"no reference"}

    outputs, _ = publish_cohort_report(settings, tmp_path / "out", cohort="c2")
    listed = set(zip(outputs.report.uncertain["session_id"], outputs.report.uncertain["turn_no"]))
    assert listed == set(zip(low["session_id"], low["turn_no"]))
    assert "Scores to check" in outputs.html.read_text(encoding="utf-8")

    result = rescore(store, rubric, certainty="low")
    assert result.appended == len(low)
    again = store.read("scores").to_pandas()
    rescored = again[again["scorer"] == rubric.name]
    assert set(zip(rescored["session_id"], rescored["turn_no"])) == listed
    assert len(again) == len(live) + len(low), "the live rows are kept: re-scoring appends"


def test_instructor_reviews_feed_the_calibration_section(cohort_home: Settings, tmp_path: Path) -> None:
    store = open_store(cohort_home)
    turns = store.read("turns").to_pandas().head(4)
    for i, row in enumerate(turns.itertuples()):
        record_review(store, row.session_id, row.turn_no, "alice", float(2 + 2 * i), "ok", datetime.now(timezone.utc))
    outputs, _ = publish_cohort_report(cohort_home, tmp_path, cohort="c1")
    calibration = outputs.report.calibration
    assert f"rubric@{RUBRIC_VERSION}" in set(calibration["scorer"])
    assert "Calibration against instructor reviews" in outputs.html.read_text()


def test_the_review_command_appends_a_human_score_and_refuses_a_turn_that_does_not_exist(
    cohort_home: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(cohort_home)
    session_id = store.read("turns").to_pylist()[0]["session_id"]
    command = ["--set", f"home={cohort_home.home}", "review", session_id]
    assert main([*command, "1", "--overall", "7.5", "--reviewer", "bob", "--note", "clear"]) == 0
    assert main([*command, "99", "--overall", "7.5", "--reviewer", "bob"]) == 2
    assert f"session {session_id} has no turn 99" in capsys.readouterr().err
    reviews = [r for r in store.read("scores", session_id).to_pylist() if r["scorer"] == "human:bob"]
    assert [(r["turn_no"], r["overall"], r["rationale"]) for r in reviews] == [(1, 7.5, "clear")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("notebook", "parameters"),
    [("cohort_report", {"cohort": "c1", "output": "OUT"}), ("rescore", {"scorer": "scripted:5"})],
)
def test_batch_notebooks_run_under_papermill(
    cohort_home: Settings, tmp_path: Path, notebook: str, parameters: dict[str, str]
) -> None:
    values = {k: (str(tmp_path / "out") if v == "OUT" else v) for k, v in parameters.items()}
    output = tmp_path / f"{notebook}.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / f"{notebook}.ipynb"),
        str(output),
        parameters={**values, "data_root": str(cohort_home.home)},
        kernel_name="python3",
        cwd=str(tmp_path),
    )
    executed = nbformat.read(output, as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_imported_answers_become_scored_sessions_once(tmp_path: Path, rubric: RubricReasoner) -> None:
    from interview_lib.ingest.importer import import_answers

    settings = Settings(home=tmp_path / "home")
    source = tmp_path / "answers.jsonl"
    source.write_text(
        '{"id": 1, "question": "What does VACUUM do in Delta Lake?", "candidate_id": "ext-1", "answer": '
        '"VACUUM deletes files the table no longer references once they are older than the retention period."}\n'
        "not json\n"
        '{"id": 2, "question": "Why is Parquet good for analytics?", "candidate_id": "ext-1", "answer": '
        '"It is columnar, so a query reads only the columns it needs and skips row groups using statistics."}\n'
        '{"id": 3, "question": "No answer here"}\n'
    )
    first = import_answers(source, reasoner=rubric, recorder=open_recorder(settings))
    assert first.answers == 2 and len(first.sessions) == 1
    assert [s.split(":")[0] for s in first.skipped] == ["line 2", "line 4"]
    again = import_answers(source, reasoner=rubric, recorder=open_recorder(settings))
    assert again.answers == 0 and again.already_imported == 1
    store = open_store(settings)
    assert store.read("turns").num_rows == 2 and store.read("scores").num_rows == 2
    assert rescore(store, ScriptedReasoner(judge=fixed_score(5))).appended == 2
