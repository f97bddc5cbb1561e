"""MLflow tracking of recorded interviews: one run per session, and a back-fill when MLflow was unreachable.

MLflow runs against a real sqlite store under ``tmp_path``; "unreachable" is a real MlflowTracker pointed at a
loopback port nothing listens on, so the failure is the one the HTTP client really raises.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from mlflow.entities import Run, ViewType
from mlflow.tracking import MlflowClient

from interview_lib import Interview, InterviewSetup
from interview_lib.bank import load_bank
from interview_lib.domain.models import Evaluation, InterviewSession, Question, Transcript, Turn
from interview_lib.domain.report import SessionReport
from interview_lib.domain.scoring import DIMENSIONS
from interview_lib.errors import ProviderError
from interview_lib.reasoning.posting import extract_posting
from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score
from interview_lib.session.recorder import TableRecorder
from interview_lib.store.local import LocalDeltaStore
from interview_lib.store.resume import load_session
from interview_lib.tracking.base import Tracker
from interview_lib.tracking.mlflow import PROBE_TIMEOUT_S, MlflowTracker, local_tracking_uri, probe
from interview_lib.tracking.sync import sync_mlflow

from .endpoints import closed_port
from .loopback import FakeServer, Reply

METRICS = (*DIMENSIONS, "overall")
ARTIFACTS = {"transcript.jsonl", "report.html", "report.md", "questions.json"}
SCORES = (5.0, 6.5, 8.0)


def unreachable_tracker() -> MlflowTracker:
    return MlflowTracker(f"http://127.0.0.1:{closed_port()}", "dataready")


class Link:
    """A tracker that forwards to ``target``; a test re-points it to cut MLflow off mid-interview."""

    def __init__(self, target: Tracker) -> None:
        self.target = target

    def start_run(self, session: InterviewSession, bundle_target: str | None, owner: str | None = None) -> str:
        return self.target.start_run(session, bundle_target, owner)

    def log_turn(self, run_id: str, turn: Turn) -> None:
        self.target.log_turn(run_id, turn)

    def finish_run(self, run_id: str, session: InterviewSession, report: SessionReport) -> None:
        self.target.finish_run(run_id, session, report)

    def discard_run(self, run_id: str) -> None:
        self.target.discard_run(run_id)


def scripted() -> ScriptedReasoner:
    """Three bank questions, scored 5, 6.5 and 8 in turn (so each step's metric is recognisable)."""
    questions = [entry.question() for entry in load_bank().entries[:3]]
    scores = iter(SCORES)

    def judge(question: Question, transcript: Transcript) -> Evaluation:
        return fixed_score(next(scores))(question, transcript)

    return ScriptedReasoner(questions, judge)


def start(recorder: TableRecorder) -> Interview:
    setup = InterviewSetup(candidate_id="cand-7", cohort="spring", core_questions=3, max_follow_ups=0, seed=1)
    return Interview.start(setup, scripted(), recorder=recorder, backends={"stt": "typed"})


def open_store(tmp_path: Path) -> LocalDeltaStore:
    store = LocalDeltaStore(tmp_path / "delta")
    store.migrate()
    return store


def working_tracker(tmp_path: Path) -> MlflowTracker:
    return MlflowTracker(local_tracking_uri(tmp_path), "dataready", artifact_root=tmp_path / "artifacts")


def runs_of(client: MlflowClient, session_id: str, view: int = ViewType.ACTIVE_ONLY) -> list[Run]:
    experiment = client.get_experiment_by_name("dataready")
    assert experiment is not None
    where = f"tags.`dataready.session_id` = '{session_id}'"
    return list(client.search_runs([experiment.experiment_id], where, run_view_type=view))


def steps(client: MlflowClient, run_id: str, metric: str) -> list[tuple[int, float]]:
    return sorted((m.step, m.value) for m in client.get_metric_history(run_id, metric))


def session_row(store: LocalDeltaStore, session_id: str) -> dict[str, object]:
    [row] = store.read("sessions", session_id).to_pylist()
    return row


def assert_complete_run(client: MlflowClient, run: Run, turns: int) -> None:
    assert run.info.status == "FINISHED"
    for metric in METRICS:
        assert [step for step, _ in steps(client, run.info.run_id, metric)] == list(range(1, turns + 1)), metric
    assert {a.path for a in client.list_artifacts(run.info.run_id)} == ARTIFACTS


def test_a_recorded_interview_is_one_mlflow_run_with_params_tags_step_metrics_and_artifacts(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    interview = start(TableRecorder(store, working_tracker(tmp_path), bundle_target="dev"))
    while interview.current_question is not None:
        interview.answer("Broadcast the small side so the large table is not shuffled.")
    interview.end()
    session_id = interview.session.session_id

    client = MlflowClient(local_tracking_uri(tmp_path))
    [run] = runs_of(client, session_id, ViewType.ALL)
    params, tags = run.data.params, run.data.tags
    assert params["candidate_id"] == "cand-7" and params["cohort"] == "spring"
    assert params["role"] == "data-engineer" and params["level"] == "mid" and params["core_questions"] == "3"
    assert params["backend.reasoner"] == "scripted:1" and params["backend.stt"] == "typed"
    assert tags["dataready.candidate"] == "cand-7"
    assert tags["dataready.cohort"] == "spring"
    assert tags["dataready.session_id"] == session_id
    assert tags["dataready.bundle_target"] == "dev"
    for metric in METRICS:
        assert steps(client, run.info.run_id, metric) == [(1, 5.0), (2, 6.5), (3, 8.0)], metric
    assert_complete_run(client, run, turns=3)
    assert {p.name for p in (tmp_path / "artifacts").rglob("*") if p.is_file()} == ARTIFACTS

    row = session_row(store, session_id)
    assert row["mlflow_synced"] is True
    assert row["mlflow_run_id"] == run.info.run_id
    assert row["bundle_target"] == "dev" and row["final_state"] == "FINISHED"


STREAMING_POSTING = """Senior Data Engineer, Streaming
You will build Kafka pipelines with Spark Structured Streaming on AWS: watermarks, exactly-once delivery
and late events are your daily work. 6+ years of experience."""


def test_the_job_posting_an_interview_follows_is_a_run_param_tag_and_artifact(tmp_path: Path) -> None:
    posting = extract_posting(STREAMING_POSTING)
    setup = InterviewSetup(candidate_id="cand-8", core_questions=1, max_follow_ups=0, posting=posting)
    recorder = TableRecorder(open_store(tmp_path), working_tracker(tmp_path))
    interview = Interview.start(setup, scripted(), recorder=recorder)
    interview.answer("Watermarks bound the state kept for late events.")
    interview.end()

    client = MlflowClient(local_tracking_uri(tmp_path))
    [run] = runs_of(client, interview.session.session_id, ViewType.ALL)
    params, tags = run.data.params, run.data.tags
    assert tags["dataready.posting_sha256"] == params["posting.sha256"] == posting.sha256
    assert params["posting.title"] == "Senior Data Engineer, Streaming" == tags["dataready.posting_title"]
    assert "streaming" in json.loads(params["posting.skills"]) and "posting" not in params
    [artifact] = [p for p in (tmp_path / "artifacts").rglob("posting.json")]
    stored = json.loads(artifact.read_text())
    assert stored["sha256"] == posting.sha256 and stored["skills"] == posting.skills and "text" not in stored


def test_an_unreachable_mlflow_loses_nothing_and_sync_back_fills_exactly_one_run(tmp_path: Path) -> None:
    store, working = open_store(tmp_path), working_tracker(tmp_path)
    link = Link(working)
    interview = start(TableRecorder(store, link, bundle_target="dev"))
    interview.answer("Partition pruning skips files whose min/max statistics rule them out.")
    link.target = unreachable_tracker()  # MLflow goes away after turn 1
    cut = time.perf_counter()
    while interview.current_question is not None:
        interview.answer("Z-ordering clusters related values into the same files.")
    report = interview.end()
    assert time.perf_counter() - cut < 30, "the interview waited on MLflow retries"
    session, session_id = interview.session, interview.session.session_id

    assert report.answered == 3
    assert any("experiment tracking unavailable" in note for note in report.notes)
    assert sorted(r["turn_no"] for r in store.read("turns", session_id).to_pylist()) == [1, 2, 3]
    assert sorted((r["turn_no"], r["overall"]) for r in store.read("scores", session_id).to_pylist()) == [
        (1, 5.0),
        (2, 6.5),
        (3, 8.0),
    ]
    events = sorted(store.read("events", session_id).to_pylist(), key=lambda r: r["seq"])
    assert [(e["seq"], e["to_state"]) for e in events] == [
        (seq, t.to_state.value) for seq, t in enumerate(session.transitions)
    ]
    stored = load_session(store, session_id)
    assert [t.model_dump() for t in stored.session.turns] == [t.model_dump() for t in session.turns]
    row = session_row(store, session_id)
    partial = str(row["mlflow_run_id"])
    assert row["mlflow_synced"] is False and row["final_state"] == "FINISHED"

    client = MlflowClient(local_tracking_uri(tmp_path))
    assert client.get_run(partial).info.status == "RUNNING"
    assert steps(client, partial, "overall") == [(1, 5.0)]

    assert sync_mlflow(store, working) == [session_id]

    [run] = runs_of(client, session_id)
    assert run.info.run_id != partial
    assert client.get_run(partial).info.lifecycle_stage == "deleted"
    assert_complete_run(client, run, turns=3)
    assert steps(client, run.info.run_id, "overall") == [(1, 5.0), (2, 6.5), (3, 8.0)]
    row = session_row(store, session_id)
    assert row["mlflow_synced"] is True and row["mlflow_run_id"] == run.info.run_id

    assert sync_mlflow(store, working) == []
    every_run = runs_of(client, session_id, ViewType.ALL)
    assert sorted(r.info.run_id for r in every_run) == sorted([run.info.run_id, partial])  # nothing new
    assert session_row(store, session_id) == row


def recorded_while_mlflow_is_down(recorder: TableRecorder) -> str:
    """A whole interview recorded through ``recorder`` (whose tracker cannot be reached); its session id."""
    interview = start(recorder)
    while interview.current_question is not None:
        interview.answer("Auto Loader tracks ingested files in a checkpoint.")
    interview.end()
    return interview.session.session_id


def test_a_back_filled_run_keeps_the_bundle_target_the_session_was_recorded_under(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    session_id = recorded_while_mlflow_is_down(TableRecorder(store, unreachable_tracker(), bundle_target="prod"))

    assert sync_mlflow(store, working_tracker(tmp_path)) == [session_id]

    [run] = runs_of(MlflowClient(local_tracking_uri(tmp_path)), session_id)
    assert session_row(store, session_id)["bundle_target"] == "prod"
    assert run.data.tags.get("dataready.bundle_target") == "prod"


def test_a_back_filled_run_keeps_the_owner_of_a_web_app_session(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    tracker = MlflowTracker(f"http://127.0.0.1:{closed_port()}", "dataready")  # unreachable
    session_id = recorded_while_mlflow_is_down(TableRecorder(store, tracker, owner="ana@x.io"))  # as the web app

    assert sync_mlflow(store, working_tracker(tmp_path)) == [session_id]

    [run] = runs_of(MlflowClient(local_tracking_uri(tmp_path)), session_id)
    assert run.data.tags.get("dataready.owner") == "ana@x.io"
    assert session_row(store, session_id)["owner"] == "ana@x.io"


def a_session() -> InterviewSession:
    setup = InterviewSetup(candidate_id="c")
    return InterviewSession(session_id="s-1", setup=setup, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))


def test_an_unreachable_mlflow_fails_in_seconds_not_minutes_of_retries() -> None:
    before = dict(os.environ)
    started = time.perf_counter()
    with pytest.raises(ProviderError, match=r"does not answer.*Connection refused"):
        unreachable_tracker().start_run(a_session(), "dev")
    assert time.perf_counter() - started < 10
    assert dict(os.environ) == before  # MLflow's own retry settings are the user's, not changed for the process


def test_a_tracking_server_that_accepts_but_never_answers_fails_after_the_probe_timeout() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # the kernel accepts connections; nobody replies
        tracker = MlflowTracker(f"http://127.0.0.1:{silent.getsockname()[1]}", "dataready")
        started = time.perf_counter()
        with pytest.raises(ProviderError, match="does not answer"):
            tracker.start_run(a_session(), "dev")
        assert PROBE_TIMEOUT_S <= time.perf_counter() - started < PROBE_TIMEOUT_S + 5


def test_any_http_reply_counts_as_an_answer(server: FakeServer) -> None:
    # an auth proxy's 401 in front of the server answers the probe; the real call then says what is wrong
    server.routes["GET", "/health"] = Reply(401, {"error": "sign in"})
    probe(server.root + "/")
    assert [seen.path for seen in server.requests] == ["/health"]


@pytest.fixture(scope="module")
def bank_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bank's embedding cache, built here so the timed demo does not spend half a minute embedding it."""
    folder = tmp_path_factory.mktemp("bank-cache")
    _ = RubricReasoner(cache_dir=folder).embedder
    return folder


@pytest.mark.slow
def test_the_demo_finishes_without_mlflow_and_sync_mlflow_back_fills_it(tmp_path: Path, bank_cache: Path) -> None:
    shutil.copytree(bank_cache, tmp_path / "cache")
    session_id = "00000000-0000-4000-8000-000000000001"
    env = {"DATAREADY_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    demo = [sys.executable, "-m", "interview_lib.cli", "demo", "--seed", "1", "--questions", "2"]
    started = time.perf_counter()
    result = subprocess.run(
        [*demo, "--session-id", session_id],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "DATAREADY_MLFLOW_TRACKING_URI": f"http://127.0.0.1:{closed_port()}"},
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert elapsed < 60, f"demo took {elapsed:.0f} s: is it retrying MLflow?"
    assert "experiment tracking unavailable" in result.stdout
    store = LocalDeltaStore(tmp_path / "delta")
    row = session_row(store, session_id)
    assert row["mlflow_synced"] is False and row["mlflow_run_id"] is None
    assert not (tmp_path / "mlruns.db").exists()

    synced = subprocess.run(
        [sys.executable, "-m", "interview_lib.cli", "sync-mlflow"], capture_output=True, text=True, timeout=120, env=env
    )
    assert synced.returncode == 0, synced.stderr
    assert "back-filled 1 session(s)" in synced.stdout and session_id in synced.stdout

    client = MlflowClient(local_tracking_uri(tmp_path))
    [run] = runs_of(client, session_id)
    scored = sorted(r["turn_no"] for r in store.read("scores", session_id).to_pylist() if r["status"] == "scored")
    assert scored
    for metric in METRICS:
        assert [step for step, _ in steps(client, run.info.run_id, metric)] == scored, metric
    assert {a.path for a in client.list_artifacts(run.info.run_id)} == ARTIFACTS
    assert session_row(store, session_id)["mlflow_synced"] is True
