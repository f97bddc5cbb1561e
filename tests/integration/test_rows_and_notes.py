"""Rows are checked against the declared schema, and what a session notes survives every way it is read back.

Real Delta tables under ``tmp_path``, a real MLflow sqlite store, and for "MLflow is down" a real tracker
pointed at a loopback port nothing listens on.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from interview_lib import Interview, InterviewSetup
from interview_lib.analytics.rescore import review_row
from interview_lib.bank import load_bank
from interview_lib.cli import main
from interview_lib.domain.models import Evaluation
from interview_lib.domain.report import build_report
from interview_lib.reasoning.scripted import ScriptedReasoner
from interview_lib.session.recorder import NullRecorder, TableRecorder
from interview_lib.session.restore import restore_interview
from interview_lib.store import rows
from interview_lib.store.local import LocalDeltaStore
from interview_lib.store.resume import load_session
from interview_lib.store.tables import TABLES, UndeclaredColumn, rows_to_arrow, schema
from interview_lib.tracking.mlflow import MlflowTracker, local_tracking_uri
from interview_lib.tracking.sync import sync_mlflow

from .endpoints import closed_port

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
NOTE = "the recording was longer than 10 min: only the first 10 min were scored"


def scripted(count: int = 3) -> ScriptedReasoner:
    return ScriptedReasoner([entry.question() for entry in load_bank().entries[:count]])


def setup(questions: int = 3) -> InterviewSetup:
    return InterviewSetup(candidate_id="cand-9", core_questions=questions, max_follow_ups=0, seed=3)


def open_store(home: Path) -> LocalDeltaStore:
    store = LocalDeltaStore(home / "delta")
    store.migrate()
    return store


def round_trip(table: str, row: dict[str, object]) -> dict[str, object]:
    [back] = rows_to_arrow(table, [row]).to_pylist()
    return {key: back[key] for key in row}


def test_every_row_builder_writes_exactly_the_declared_columns_and_every_value_round_trips() -> None:
    interview = Interview.start(setup(), scripted(), recorder=NullRecorder())
    interview.answer("Partition pruning skips files whose statistics rule them out.")
    interview.add_note(NOTE)
    session = interview.session
    turn = session.turns[0]
    assert turn.evaluation is not None
    unscored = Evaluation(status="unscored", reason="empty answer", scorer="rubric", scorer_version="2")
    built = {
        "sessions": [rows.session_row(session, NOW, build_report(session), mlflow_run_id="r1", bundle_target="dev")],
        "turns": [rows.turn_row(session.session_id, turn, NOW)],
        "scores": [
            rows.score_row(session.session_id, 1, turn.evaluation, NOW),
            rows.score_row(session.session_id, 1, unscored, NOW),
            review_row(session.session_id, 1, "alice", 7.0, "fair", NOW),
        ],
        "events": [rows.event_row(session.session_id, 0, session.transitions[0], {"turn_no": 1})],
    }
    assert set(built) == set(TABLES)
    for table, table_rows in built.items():
        declared = set(schema(table).names)
        full = table_rows[0]
        assert set(full) == declared, f"{table}: {set(full) ^ declared}"
        for row in table_rows:
            assert set(row) <= declared
            assert round_trip(table, row) == row, table
    assert built["sessions"][0]["notes_json"] == f'["{NOTE}"]'


def test_a_key_that_no_migration_declares_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    row = {"session_id": "s1", "turn_no": 1, "question_text": "q", "mood": "tense"}
    with pytest.raises(UndeclaredColumn, match="turns rows carry mood, which no migration declares"):
        rows_to_arrow("turns", [row])
    with pytest.raises(UndeclaredColumn):
        store.append("turns", [row], app_id="s1", version=1)
    with pytest.raises(UndeclaredColumn):
        store.upsert_session({"session_id": "s1", "notes": "[]"})
    assert store.read("turns").num_rows == 0 and store.read("sessions").num_rows == 0


def test_notes_survive_a_reload_a_resume_sync_mlflow_and_the_report_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(tmp_path)
    down = MlflowTracker(f"http://127.0.0.1:{closed_port()}", "dataready")
    interview = Interview.start(setup(), scripted(), recorder=TableRecorder(store, down))
    interview.answer("Partition pruning skips files whose statistics rule them out.")
    interview.add_note(NOTE)
    interview.answer("Z-ordering clusters related values into the same files.")
    session_id = interview.session.session_id
    live_notes = list(interview.session.notes)
    assert any("experiment tracking unavailable" in n for n in live_notes) and NOTE in live_notes
    del interview  # the process dies with question 3 asked

    assert load_session(store, session_id).session.notes == live_notes

    working = MlflowTracker(local_tracking_uri(tmp_path), "dataready", artifact_root=tmp_path / "artifacts")
    resumed = restore_interview(load_session(store, session_id), scripted(), TableRecorder(store, working))
    resumed.answer("OPTIMIZE compacts small files into larger ones.")
    report = resumed.end()
    assert report.notes == [*live_notes, "resumed after an interruption"]
    assert load_session(store, session_id).session.notes == report.notes

    assert sync_mlflow(store, working) == [session_id]
    client = MlflowClient(local_tracking_uri(tmp_path))
    run_id = str(store.read("sessions", session_id).to_pylist()[0]["mlflow_run_id"])
    page = Path(client.download_artifacts(run_id, "report.html", str(tmp_path / "download"))).read_text()
    markdown = Path(client.download_artifacts(run_id, "report.md", str(tmp_path / "download"))).read_text()
    assert "## Notes" in markdown
    for note in report.notes:
        assert f"<li>{note}</li>" in page

    monkeypatch.setenv("DATAREADY_HOME", str(tmp_path))
    assert main(["report", session_id]) == 0
    printed = capsys.readouterr().out
    assert "Notes:" in printed
    for note in report.notes:
        assert f"* {note}" in printed


def test_the_sessions_table_shows_a_session_in_progress_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(tmp_path)
    interview = Interview.start(setup(), scripted(), recorder=TableRecorder(store))
    session_id = interview.session.session_id

    def state() -> str:
        return str(store.read("sessions", session_id).to_pylist()[0]["final_state"])

    assert state() == "LISTENING"
    interview.answer("Partition pruning skips files whose statistics rule them out.")
    assert state() == "LISTENING"
    interview.pause()
    assert state() == "PAUSED"
    monkeypatch.setenv("DATAREADY_HOME", str(tmp_path))
    assert main(["sessions"]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith(session_id)]
    assert "PAUSED" in line
    interview.resume()
    assert state() == "LISTENING"
    interview.end()
    assert state() == "FINISHED"
