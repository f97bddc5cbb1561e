"""A demo interview killed with SIGKILL at a random point, then resumed: the tables end up whole.

Each trial starts ``dataready demo`` as its own process, kills it once the tables show a chosen point (the
session row, k finished turns) or after a random delay, then finishes the session with ``dataready resume``
or ``restore_interview``. Whatever the kill cut, the session's tables must read like an uninterrupted one.
"""

from __future__ import annotations

import dataclasses
import os
import random
import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest

from interview_lib import Interview, InterviewSession, InterviewSetup, SessionReport
from interview_lib.errors import InterviewLibError
from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.session.recorder import TableRecorder
from interview_lib.session.restore import restore_interview
from interview_lib.simulate.candidates import SimulatedCandidate, run_simulated_interview
from interview_lib.store.local import LocalDeltaStore
from interview_lib.store.resume import load_session
from interview_lib.tracking.base import NullTracker

from .processes import cli_command, cli_env, demo_command, run_cli

TRIALS = 20
CORE_QUESTIONS = 3
WORKERS = 2  # two children at a time: the machine has two cores, and most of a child's life is its start-up
WAIT_S = 180.0
POLL_S = 0.02
CLI_RESUME_EVERY = 10  # every tenth trial resumes through the command, the others in this process (cheaper)

KillPoint = Literal["at_once", "session_row", "turns", "delay"]


@dataclass(frozen=True)
class KillPlan:
    """When a trial's child is killed."""

    point: KillPoint
    turns: int = 0  # point "turns": once this many turns rows exist
    delay_s: float = 0.0  # point "delay": this long after the child printed its session id


@dataclass(frozen=True)
class Trial:
    """One trial's plan and what happened to its child."""

    number: int
    plan: KillPlan
    session_id: str
    exited_before_kill: bool = False
    nothing_to_resume: str | None = None  # the resume error when the session row never got written


def kill_plans(trials: int, seed: int) -> list[KillPlan]:
    """The first trial dies at once, before it writes anything; the rest at seeded random points of each kind."""
    rng = random.Random(seed)
    kinds: tuple[KillPoint, ...] = ("session_row", "turns", "delay")
    points = [kinds[i % len(kinds)] for i in range(trials - 1)]
    rng.shuffle(points)
    plans = [KillPlan("at_once")]
    for point in points:
        if point == "turns":
            plans.append(KillPlan(point, turns=rng.randint(1, CORE_QUESTIONS)))
        elif point == "delay":  # up to about the length of an interview after its first question
            plans.append(KillPlan(point, delay_s=round(rng.uniform(0.0, 1.5), 3)))
        else:
            plans.append(KillPlan(point))
    return plans


class TableWatch:
    """Row counts of one session in one table, re-read only when the table's log changes (cheap to poll)."""

    def __init__(self, store: LocalDeltaStore, table: str, session_id: str) -> None:
        self._store, self._table, self._session_id = store, table, session_id
        self._log = Path(store.path(table)) / "_delta_log"
        self._listing: list[str] = []
        self._rows = 0

    def rows(self) -> int:
        listing = sorted(os.listdir(self._log))
        if listing != self._listing:
            self._listing = listing
            self._rows = self._store.read(self._table, self._session_id).num_rows
        return self._rows


def wait_until(condition: Callable[[], bool], child: subprocess.Popen[bytes], what: str) -> None:
    """Poll ``condition`` until it holds or the child exits by itself."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if child.poll() is not None:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {WAIT_S:.0f} s waiting for {what}")
        time.sleep(POLL_S)


def wait_for_kill_point(
    plan: KillPlan, store: LocalDeltaStore, session_id: str, stdout: Path, child: subprocess.Popen[bytes]
) -> None:
    if plan.point == "session_row":
        sessions = TableWatch(store, "sessions", session_id)
        wait_until(lambda: sessions.rows() > 0, child, "the session row")
    elif plan.point == "turns":
        turns = TableWatch(store, "turns", session_id)
        wait_until(lambda: turns.rows() >= plan.turns, child, f"{plan.turns} turns rows")
    elif plan.point == "delay":
        wait_until(lambda: f"Session {session_id}" in stdout.read_text(), child, "the session line")
        time.sleep(plan.delay_s)  # the random kill point itself, not a synchronisation


def kill_child(home: Path, logs: Path, number: int, plan: KillPlan) -> Trial:
    """Start the demo, kill it at the plan's point; report whether it had already finished."""
    session_id = str(uuid.UUID(int=random.Random(number).getrandbits(128), version=4))
    stdout = logs / f"trial-{number}.out"
    with stdout.open("wb") as out, (logs / f"trial-{number}.err").open("wb") as err:
        child = subprocess.Popen(demo_command(session_id, number), env=cli_env(home), stdout=out, stderr=err)
    try:
        wait_for_kill_point(plan, LocalDeltaStore(home / "delta"), session_id, stdout, child)
        exited = child.poll() is not None
        child.send_signal(signal.SIGKILL)  # does nothing when the child has exited
    finally:
        child.kill()
        code = child.wait(timeout=30)
    assert code in (0, -signal.SIGKILL), f"trial {number}: the demo failed by itself (exit {code}), see {stdout}"
    return Trial(number, plan, session_id, exited_before_kill=exited)


def resume_with_the_command(home: Path, trial: Trial) -> Trial:
    result = run_cli(home, cli_command("resume", trial.session_id, "--candidate", "simulated:strong"))
    if result.returncode == 2 and "no session" in result.stderr:
        return dataclasses.replace(trial, nothing_to_resume=result.stderr.strip())
    assert result.returncode == 0, f"trial {trial.number} ({trial.plan}): resume failed\n{result.stderr}"
    return trial


def resume_in_process(home: Path, trial: Trial) -> Trial:
    reasoner = RubricReasoner(seed=trial.number, cache_dir=home / "cache")
    try:
        store = LocalDeltaStore(home / "delta")
        interview = restore_interview(load_session(store, trial.session_id), reasoner, TableRecorder(store))
    except InterviewLibError as exc:
        return dataclasses.replace(trial, nothing_to_resume=str(exc))
    if interview.state.value != "FINISHED":  # what `dataready resume` does with a session that had finished
        run_simulated_interview(interview, SimulatedCandidate("strong", seed=trial.number))
    return trial


def run_trial(home: Path, logs: Path, number: int, plan: KillPlan) -> Trial:
    trial = kill_child(home, logs, number, plan)
    if number % CLI_RESUME_EVERY == CLI_RESUME_EVERY - 1:
        return resume_with_the_command(home, trial)
    return resume_in_process(home, trial)


def assert_nothing_was_recorded(store: LocalDeltaStore, trial: Trial) -> None:
    assert trial.nothing_to_resume is not None
    assert f"no session {trial.session_id!r} in the tables" in trial.nothing_to_resume
    assert store.read("sessions", trial.session_id).num_rows == 0
    assert store.read("turns", trial.session_id).num_rows == 0


def assert_session_is_whole(store: LocalDeltaStore, trial: Trial) -> None:
    """The tables read as if the session had never been interrupted."""
    sid, where = trial.session_id, f"trial {trial.number} ({trial.plan}), session {trial.session_id}"
    sessions = store.read("sessions", sid).to_pylist()
    assert [s["final_state"] for s in sessions] == ["FINISHED"], where
    turns = store.read("turns", sid).to_pylist()
    numbers = Counter(t["turn_no"] for t in turns)
    assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"{where}: turn numbers {sorted(numbers)}"
    assert set(numbers.values()) == {1}, f"{where}: turns written twice: {numbers}"
    assert sum(t["kind"] == "core" for t in turns) == CORE_QUESTIONS, where
    hashes = Counter(t["question_hash"] for t in turns)
    assert max(hashes.values()) == 1, f"{where}: a question was asked twice: {[t['question_text'] for t in turns]}"
    scores = [
        s
        for s in store.read("scores", sid).to_pylist()
        if (s["scorer"], s["scorer_version"]) == (RubricReasoner.name, RubricReasoner.version)
    ]
    scored = Counter(s["turn_no"] for s in scores)
    assert scored == numbers, f"{where}: scores per turn {scored}, turns {numbers}"
    seqs = Counter(e["seq"] for e in store.read("events", sid).to_pylist())
    assert max(seqs.values()) == 1, f"{where}: events seq written twice: {sorted(seqs.elements())}"


@pytest.mark.slow
def test_a_demo_killed_anywhere_resumes_to_whole_tables(data_home: Path, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    plans = kill_plans(TRIALS, seed=20260101)
    with ThreadPoolExecutor(WORKERS) as pool:
        trials = list(pool.map(lambda n: run_trial(data_home, logs, n, plans[n]), range(TRIALS)))

    store = LocalDeltaStore(data_home / "delta")
    for trial in trials:
        if trial.nothing_to_resume is not None:
            assert_nothing_was_recorded(store, trial)
        else:
            assert_session_is_whole(store, trial)
    empty = [t.number for t in trials if t.nothing_to_resume is not None]
    done_before_kill = [t.number for t in trials if t.exited_before_kill]
    assert 0 in empty, "the trial killed at once should leave nothing to resume"
    assert len(empty) + len(done_before_kill) < TRIALS // 2, f"too few mid-interview kills: {empty}, {done_before_kill}"


class _Killed(BaseException):
    """Stands in for SIGKILL: no ``except Exception`` in the library catches it."""


class _DiesWhileLoggingArtifacts(NullTracker):
    def start_run(self, session: InterviewSession, bundle_target: str | None, owner: str | None = None) -> str:
        return "run-1"

    def finish_run(self, run_id: str, session: InterviewSession, report: SessionReport) -> None:
        raise _Killed


@pytest.mark.slow
def test_a_process_killed_while_finishing_is_finished_by_resume(tmp_path: Path, bank_vectors: Path) -> None:
    store = LocalDeltaStore(tmp_path / "delta")
    store.migrate()
    reasoner = RubricReasoner(seed=0, cache_dir=bank_vectors)
    setup = InterviewSetup(candidate_id="c1", core_questions=2, max_follow_ups=0, seed=1)
    interview = Interview.start(setup, reasoner, recorder=TableRecorder(store, _DiesWhileLoggingArtifacts()))
    sid = interview.session.session_id
    with pytest.raises(_Killed):
        run_simulated_interview(interview, SimulatedCandidate("strong"))
    assert store.read("events", sid).sort_by("seq").column("to_state").to_pylist()[-1] == "FINISHED"

    resumed = restore_interview(load_session(store, sid), reasoner, TableRecorder(store))

    assert resumed.state.value == "FINISHED"
    (row,) = store.read("sessions", sid).to_pylist()
    assert row["final_state"] == "FINISHED"
    assert row["finished_at"] is not None and row["answered"] == 2
