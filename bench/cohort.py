"""Cohort report on synthetic tables of 100 k and 1 M turn rows (time and peak memory), and offline rescoring
throughput. Run: `python bench/cohort.py [--rows 100000 1000000] [--rescore 300]`.

The synthetic tables are written straight to Delta with the production schemas (5 turns per session, 8 sessions
per candidate, bank questions and skills, delivery metrics on half the turns), so the report reads exactly what
it reads in production. Each size runs in a fresh process so peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from interview_lib.bank import load_bank
from interview_lib.store.local import LocalDeltaStore
from interview_lib.store.tables import rows_to_arrow, schema

TURNS_PER_SESSION = 5
SESSIONS_PER_CANDIDATE = 8


def write_synthetic(root: Path, rows: int, seed: int = 0) -> None:
    """``rows`` scored turns across sessions and candidates, written in a few large appends."""
    import pyarrow as pa
    from deltalake import write_deltalake

    rng = np.random.default_rng(seed)
    bank = load_bank().entries
    sessions = rows // TURNS_PER_SESSION
    session_ids = np.array([f"s{i:08d}" for i in range(sessions)])
    candidates = np.array([f"c{i // SESSIONS_PER_CANDIDATE:06d}" for i in range(sessions)])
    start = datetime(2026, 1, 5, tzinfo=timezone.utc)
    created = [start + timedelta(days=7 * (i % SESSIONS_PER_CANDIDATE), minutes=i % 600) for i in range(sessions)]
    store = LocalDeltaStore(root)
    store.migrate()
    write_deltalake(
        store.path("sessions"),
        rows_to_arrow(
            "sessions",
            [
                {"session_id": s, "candidate_id": c, "cohort": "bench", "created_at": t, "final_state": "FINISHED"}
                for s, c, t in zip(session_ids, candidates, created)
            ],
        ),
        mode="append",
    )
    picks = rng.integers(0, len(bank), rows)
    ability = rng.normal(5.5, 1.5, sessions).repeat(TURNS_PER_SESSION)
    overall = np.clip(ability + rng.normal(0, 1.5, rows), 0, 10).round(2)
    delivery = [
        json.dumps({"words_per_minute": float(w), "filler_rate": float(f)}) if i % 2 else "{}"
        for i, (w, f) in enumerate(zip(rng.normal(150, 25, rows), rng.uniform(0, 0.08, rows)))
    ]
    turn_sessions = session_ids.repeat(TURNS_PER_SESSION)
    turn_nos = np.tile(np.arange(1, TURNS_PER_SESSION + 1, dtype=np.int32), sessions)
    turns = {
        "session_id": turn_sessions,
        "turn_no": turn_nos,
        "question_id": [bank[p].item.id for p in picks],
        "question_text": [bank[p].item.text for p in picks],
        "skill": [bank[p].skill for p in picks],
        "difficulty": [bank[p].item.difficulty for p in picks],
        "kind": ["core"] * rows,
        "delivery_json": delivery,
    }
    target = schema("turns")
    write_deltalake(
        store.path("turns"),
        pa.table({n: turns.get(n, pa.nulls(rows)) for n in target.names}, schema=target),
        mode="append",
    )
    scores = {
        "session_id": turn_sessions,
        "turn_no": turn_nos,
        "scorer": ["rubric"] * rows,
        "scorer_version": ["1.0"] * rows,
        "status": ["scored"] * rows,
        "overall": overall,
        "scored_at": [start] * rows,
    }
    for i, dimension in enumerate(
        ("technical_correctness", "depth", "practical_experience", "communication", "confidence")
    ):
        scores[dimension] = np.clip(overall + rng.normal(0, 0.8 + 0.1 * i, rows), 0, 10).round(2)
    target = schema("scores")
    write_deltalake(
        store.path("scores"),
        pa.table({n: scores.get(n, pa.nulls(rows)) for n in target.names}, schema=target),
        mode="append",
    )


def report_once(root: Path) -> None:
    """Time the cohort report on ``root`` (run in its own process)."""
    from interview_lib.batch import run_cohort_report

    started = time.perf_counter()
    outputs = run_cohort_report(LocalDeltaStore(root), root.parent / "out", cohort="bench")
    elapsed = time.perf_counter() - started
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(
        json.dumps(
            {
                "seconds": round(elapsed, 1),
                "peak_gib": round(peak_gib, 2),
                "turns": outputs.report.turns,
                "candidates": outputs.report.candidates,
            }
        )
    )


def rescore_throughput(answers: int) -> float:
    """Answers per minute the offline rubric re-scores (distinct simulated answers, bank questions)."""
    from interview_lib.domain.models import Transcript
    from interview_lib.reasoning.rubric import RubricReasoner
    from interview_lib.simulate.candidates import PROFILES, SimulatedCandidate

    rubric = RubricReasoner()
    rubric.evaluate_many([(rubric.bank.entries[0].question(), Transcript(text="warm up"))])
    pairs = []
    for i in range(answers):
        question = rubric.bank.entries[i % len(rubric.bank)].question()
        text = SimulatedCandidate(PROFILES[i % 3], seed=i).answer(question)
        pairs.append((question, Transcript(text=text)))
    started = time.perf_counter()
    for chunk in range(0, len(pairs), 128):
        rubric.evaluate_many(pairs[chunk : chunk + 128])
    return answers / (time.perf_counter() - started) * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--rescore", type=int, default=300, help="answers for the rescoring throughput")
    parser.add_argument("--report-only", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.report_only:
        report_once(args.report_only)
        return
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "delta"
            started = time.perf_counter()
            write_synthetic(root, rows)
            print(f"{rows:>9} rows written in {time.perf_counter() - started:.0f} s", flush=True)
            result = subprocess.run(
                [sys.executable, __file__, "--report-only", str(root)], check=True, capture_output=True, text=True
            )
            print(f"{rows:>9} rows: cohort report {result.stdout.strip().splitlines()[-1]}", flush=True)
    if args.rescore:
        print(f"rescoring (offline rubric): {rescore_throughput(args.rescore):.0f} answers/min")


if __name__ == "__main__":
    main()
