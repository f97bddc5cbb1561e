"""Eight interviews at the same time against one data root: every process's turns land once, none are lost."""

from __future__ import annotations

import re
import subprocess
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from interview_lib.store.local import LocalDeltaStore

from .processes import CLI_TIMEOUT_S, WARM_UP_SESSION, cli_env, demo_command

PROCESSES = 8
PROFILES = ("strong", "average", "weak", "off_topic")  # weaker ones get follow-ups: turn counts differ
_SESSION = re.compile(r"^Session ([0-9a-f-]{36})$", re.MULTILINE)
_QUESTION = re.compile(r"^Q(\d+)(?: \[[a-z_]+\])?: ", re.MULTILINE)
_EVALUATED = re.compile(r"^ {3}→ (?:score|unscored)", re.MULTILINE)


@dataclass(frozen=True)
class Printed:
    """What one demo process said it did."""

    session_id: str
    turn_numbers: list[int]
    evaluations: int


def parse_demo_output(stdout: str) -> Printed:
    (session_id,) = _SESSION.findall(stdout)
    return Printed(session_id, [int(n) for n in _QUESTION.findall(stdout)], len(_EVALUATED.findall(stdout)))


@dataclass(frozen=True)
class Finished:
    """One demo process as it ended."""

    code: int
    stdout: str
    stderr: str


def run_demos_at_once(home: Path, logs: Path, count: int) -> list[Finished]:
    """Start ``count`` demos (seeds 1..count) together and wait for all of them."""
    children = []
    for seed in range(1, count + 1):
        out, err = logs / f"demo-{seed}.out", logs / f"demo-{seed}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            profile = PROFILES[seed % len(PROFILES)]
            command = demo_command(str(uuid.UUID(int=seed, version=4)), seed, candidate=profile)
            children.append((subprocess.Popen(command, env=cli_env(home), stdout=stdout, stderr=stderr), out, err))
    finished = []
    for child, out, err in children:
        try:
            code = child.wait(timeout=CLI_TIMEOUT_S * 2)
        finally:
            child.kill()  # only matters after a time-out
        finished.append(Finished(code, out.read_text(), err.read_text()))
    return finished


def duplicates(rows: list[dict[str, object]], *keys: str) -> list[tuple[object, ...]]:
    counts = Counter(tuple(row[k] for k in keys) for row in rows)
    return [key for key, n in counts.items() if n > 1]


@pytest.mark.slow
def test_eight_concurrent_interviews_lose_and_duplicate_nothing(data_home: Path, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    finished = run_demos_at_once(data_home, logs, PROCESSES)
    assert [f.code for f in finished] == [0] * PROCESSES, "\n".join(f.stderr for f in finished if f.code)
    printed = [parse_demo_output(f.stdout) for f in finished]

    store = LocalDeltaStore(data_home / "delta")
    sessions = store.read("sessions").to_pylist()
    turns, scores, events = (store.read(t).to_pylist() for t in ("turns", "scores", "events"))
    ours = {p.session_id for p in printed}
    assert len(ours) == PROCESSES
    assert sorted(s["session_id"] for s in sessions) == sorted([*ours, WARM_UP_SESSION])
    assert {s["final_state"] for s in sessions} == {"FINISHED"}
    for table, rows, key in (("turns", turns, "turn_no"), ("scores", scores, "turn_no"), ("events", events, "seq")):
        repeated = duplicates(rows, "session_id", key)
        assert not repeated, f"{len(repeated)} (session_id, {key}) keys appear twice in {table}, e.g. {repeated[:3]}"
    for p in printed:
        assert p.turn_numbers == list(range(1, len(p.turn_numbers) + 1)), p
        recorded = sorted(t["turn_no"] for t in turns if t["session_id"] == p.session_id)
        assert recorded == p.turn_numbers, f"{p.session_id}: printed turns {p.turn_numbers}, recorded {recorded}"
        assert sum(s["session_id"] == p.session_id for s in scores) == p.evaluations, p.session_id
