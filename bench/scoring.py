"""Rubric scoring speed on distinct, realistic answers: batch throughput and one answer at a time.

Answers come from the simulated candidates over every bank question (no two texts alike, so nothing
is served from a cache), plus the hand-graded set. Batch throughput is what rescoring and `dataready score`
get; one answer at a time (a bank question, as in an interview) is what a candidate waits for.
Run: `python bench/scoring.py [--answers N] [--single N]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from interview_lib.domain.models import Transcript
from interview_lib.ingest.lines import AnswerLine
from interview_lib.ingest.scoring import score_items
from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.simulate.candidates import PROFILES, SimulatedCandidate

LABELLED = Path(__file__).parents[1] / "tests" / "data" / "labelled_answers.jsonl"


def corpus(rubric: RubricReasoner, size: int) -> list[AnswerLine]:
    lines = [AnswerLine.model_validate(json.loads(line)) for line in LABELLED.read_text().splitlines()]
    seed = 0
    while len(lines) < size:
        for entry in rubric.bank:
            candidate = SimulatedCandidate(PROFILES[seed % len(PROFILES)], seed=seed)
            question = entry.question()
            lines.append(AnswerLine(id=f"sim-{seed}", question=question.text, answer=candidate.answer(question)))
            seed += 1
    return lines[:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=600)
    parser.add_argument("--single", type=int, default=150, help="answers scored one at a time, as in an interview")
    args = parser.parse_args()
    started = time.perf_counter()
    rubric = RubricReasoner()
    rubric.evaluate_many([(rubric.bank.entries[0].question(), Transcript(text="warm up the bank vectors"))])
    load = time.perf_counter() - started
    items = corpus(rubric, args.answers)
    words = statistics.mean(len(i.answer.split()) for i in items)
    started = time.perf_counter()
    rows = list(score_items(rubric, items))
    elapsed = time.perf_counter() - started
    print(f"answers: {len(rows)} (mean {words:.0f} words)")
    print(f"load + bank vectors: {load:.1f} s")
    print(f"batch scoring: {elapsed:.1f} s → {len(rows) / elapsed:.1f} answers/s = {60 * len(rows) / elapsed:.0f}/min")
    waits = []
    for n, entry in enumerate(list(rubric.bank)[: args.single]):
        question = entry.question()
        answer = SimulatedCandidate(PROFILES[n % len(PROFILES)], seed=10_000 + n).answer(question)
        started = time.perf_counter()
        rubric.evaluate(question, Transcript(text=answer))
        waits.append(time.perf_counter() - started)
    cuts = statistics.quantiles(waits, n=20)
    print(f"one answer at a time ({len(waits)}): p50 {cuts[9] * 1000:.0f} ms, p95 {cuts[18] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
