"""Persistence overhead per turn: what the recorder adds to each question and answer.

Runs N scripted sessions (3 or 4 turns each; a ScriptedReasoner, so no scoring is timed) against local Delta
tables and a sqlite MLflow store in a temporary folder. Thin wrappers around the recorder, the store and the
tracker time every call, split into Delta and MLflow work. A turn's cost is its ``turn_asked`` plus its
``turn_finished`` (Delta turns + scores + events, MLflow ``log_turn``). Each figure comes as wall time and as
CPU time of all the process's threads; the CPU figure hardly moves when other processes share the machine.
One warm-up session on separate tables (imports, experiment creation) is not counted.

Run: `python bench/persistence.py [--sessions 100]`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from interview_lib import Interview, InterviewSetup
from interview_lib.bank import QuestionBank, load_bank
from interview_lib.domain.models import InterviewSession, Turn
from interview_lib.domain.report import SessionReport
from interview_lib.domain.states import TransitionRecord
from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score
from interview_lib.session.recorder import TableRecorder
from interview_lib.store.local import LocalDeltaStore
from interview_lib.store.tables import TABLES
from interview_lib.tracking.mlflow import MlflowTracker, local_tracking_uri

GOAL_P95_MS = 150.0
ANSWER = "Broadcast the small side of the join so the large table is not shuffled across the cluster."
Sample = tuple[float, float]  # (wall s, CPU s)


class Timings:
    """(wall, CPU) samples by label; ``phase`` names the recorder call that nested calls belong to."""

    def __init__(self) -> None:
        self.samples: dict[str, list[Sample]] = defaultdict(list)
        self.per_turn: dict[tuple[str, int], Sample] = defaultdict(lambda: (0.0, 0.0))
        self.phase = ""

    @contextmanager
    def measure(self, label: str, turn: tuple[str, int] | None = None) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            sample = (time.perf_counter() - wall, time.process_time() - cpu)
            self.samples[label].append(sample)
            if turn is not None:
                total = self.per_turn[turn]
                self.per_turn[turn] = (total[0] + sample[0], total[1] + sample[1])


class Timed:
    """Forwards every method call to ``inner``, timed as ``<phase> › <prefix>.<method> [<table>]``."""

    def __init__(self, inner: Any, prefix: str, timings: Timings) -> None:
        self._inner, self._prefix, self._timings = inner, prefix, timings

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._inner, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            table = f" {args[0]}" if args and isinstance(args[0], str) and args[0] in TABLES else ""
            with self._timings.measure(f"{self._timings.phase} › {self._prefix}.{name}{table}"):
                return method(*args, **kwargs)

        return call


class TimedRecorder:
    """The recorder with each of its calls timed (and the two per-turn calls added up per turn)."""

    def __init__(self, inner: TableRecorder, timings: Timings) -> None:
        self._inner, self._timings = inner, timings

    @contextmanager
    def _phase(self, name: str, turn: tuple[str, int] | None = None) -> Iterator[None]:
        self._timings.phase = name
        try:
            with self._timings.measure(name, turn):
                yield
        finally:
            self._timings.phase = ""

    def session_started(self, session: InterviewSession) -> None:
        with self._phase("session_started"):
            self._inner.session_started(session)

    def transitioned(self, session: InterviewSession, record: TransitionRecord) -> None:
        with self._phase("transitioned"):
            self._inner.transitioned(session, record)

    def turn_asked(self, session: InterviewSession, turn: Turn) -> None:
        with self._phase("turn_asked", (session.session_id, turn.turn_no)):
            self._inner.turn_asked(session, turn)

    def turn_finished(self, session: InterviewSession, turn: Turn) -> None:
        with self._phase("turn_finished", (session.session_id, turn.turn_no)):
            self._inner.turn_finished(session, turn)

    def session_finished(self, session: InterviewSession, report: SessionReport) -> None:
        with self._phase("session_finished"):
            self._inner.session_finished(session, report)


def open_recorder(home: Path, timings: Timings) -> tuple[TimedRecorder, LocalDeltaStore]:
    store = LocalDeltaStore(home / "delta")
    store.migrate()
    tracker = MlflowTracker(local_tracking_uri(home), "bench", artifact_root=home / "artifacts")
    inner = TableRecorder(Timed(store, "delta", timings), Timed(tracker, "mlflow", timings), bundle_target="bench")
    return TimedRecorder(inner, timings), store


def run_session(recorder: TimedRecorder, bank: QuestionBank, index: int) -> None:
    turns = 3 + index % 2
    start = index * 4 % (len(bank.entries) - 4)
    questions = [entry.question() for entry in bank.entries[start : start + turns]]
    setup = InterviewSetup(candidate_id=f"bench-{index}", core_questions=turns, max_follow_ups=0, seed=index)
    reasoner = ScriptedReasoner(questions, fixed_score(4.0 + index % 5))
    interview = Interview.start(setup, reasoner, bank=bank, recorder=recorder)
    while interview.current_question is not None:
        interview.answer(ANSWER)
    interview.end()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def row(label: str, samples: list[Sample]) -> str:
    wall, cpu = [s[0] for s in samples], [s[1] for s in samples]
    figures = f"{pct(wall, 0.5):>7.1f} {pct(wall, 0.95):>7.1f} {max(wall) * 1000:>7.1f} {pct(cpu, 0.5):>7.1f}"
    return f"{label:56} {len(samples):>6} {figures} {pct(cpu, 0.95):>7.1f}"


def report(timings: Timings, store: LocalDeltaStore, sessions: int, elapsed: float) -> None:
    per_turn = list(timings.per_turn.values())
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"{sessions} sessions, {len(per_turn)} turns in {elapsed:.1f} s (local Delta + sqlite MLflow, temp dir)")
    print(f"{os.cpu_count()} CPUs, 1-min load average at the end: {load}\n")
    print(f"{'':56} {'':>6} {'wall ms':>23} {'CPU ms':>15}")
    print(f"{'what':56} {'calls':>6} {'p50':>7} {'p95':>7} {'max':>7} {'p50':>7} {'p95':>7}")
    print(row("per turn: turn_asked + turn_finished", per_turn))
    tenth = len(per_turn) // 10
    print(row("  per turn, first 10% of turns", per_turn[:tenth]))
    print(row("  per turn, last 10% of turns", per_turn[-tenth:]))
    for label in sorted(timings.samples, key=lambda k: (k.split(" › ")[0], " › " in k, k)):
        print(row(("    " if " › " in label else "  ") + label, timings.samples[label]))
    p95 = pct([s[0] for s in per_turn], 0.95)
    verdict = "met" if p95 <= GOAL_P95_MS else "MISSED"
    print(f"\ngoal p95 ≤ {GOAL_P95_MS:.0f} ms per turn (wall): {verdict} ({p95:.0f} ms)")
    counts = ", ".join(f"{t} {store.file_count(t)}" for t in TABLES)
    print(f"active files after {sessions} sessions (turns/scores/events compacted per session): {counts}")
    print(f"commits (checkpoints) per table: {', '.join(f'{t} {log_summary(store, t)}' for t in TABLES)}")


def log_summary(store: LocalDeltaStore, table: str) -> str:
    log = Path(store.path(table)) / "_delta_log"
    return f"{len(list(log.glob('*.json')))} ({len(list(log.glob('*.checkpoint.parquet')))})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=100)
    args = parser.parse_args()
    bank = load_bank()
    with tempfile.TemporaryDirectory() as folder:
        warm, _ = open_recorder(Path(folder) / "warm-up", Timings())
        run_session(warm, bank, 0)
        timings = Timings()
        recorder, store = open_recorder(Path(folder) / "measured", timings)
        started = time.perf_counter()
        for index in range(args.sessions):
            run_session(recorder, bank, index)
        report(timings, store, args.sessions, time.perf_counter() - started)


if __name__ == "__main__":
    main()
