"""Scorer quality on a graded answer set: the figures the scoring issue is judged by.

    python bench/quality.py tests/data/dev/dev_answers.jsonl tests/data/labelled_answers.jsonl
    python bench/quality.py --blind            # the frozen blind set (report it, never tune on it)
    python bench/quality.py --per-answer ...   # also print every answer's score next to its grade

Each set is JSONL with ``question``, ``answer``, ``grade`` and ``category`` (see
``interview_lib.analytics.grading``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from interview_lib.analytics.grading import figures, load
from interview_lib.ingest.lines import AnswerLine
from interview_lib.ingest.scoring import score_items
from interview_lib.reasoning.rubric import RubricReasoner

DATA = Path(__file__).parents[1] / "tests" / "data"
BLIND = DATA / "blind" / "blind_answers.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--blind", action="store_true", help="score the frozen blind set")
    parser.add_argument("--per-answer", action="store_true", help="print every answer's score and grade")
    parser.add_argument(
        "--checker", choices=["contrast", "none"], default="contrast", help="claim checker (none: similarity only)"
    )
    parser.add_argument("--cache", type=Path, default=Path("dataready-data/cache"), help="bank embedding cache")
    args = parser.parse_args(argv)
    paths = [*args.sets, *([BLIND] if args.blind else [])]
    if not paths:
        parser.error("name a set, or --blind")
    rows = load(paths)
    rubric = RubricReasoner(cache_dir=args.cache, use_checker=args.checker != "none")
    started = time.perf_counter()
    outputs = list(score_items(rubric, [AnswerLine.model_validate(r) for r in rows]))
    elapsed = time.perf_counter() - started
    if args.per_answer:
        for row, out in zip(rows, outputs):
            print(
                f"{row['id']:>8} {row['category']:<20} grade {float(row['grade']):4.1f}  "  # type: ignore[arg-type]
                f"score {out['overall'] if out['overall'] is not None else '-':>5}  {out['rationale']}"
            )
    print(f"sets: {', '.join(str(p) for p in paths)}  ({elapsed:.1f} s to score)")
    for name, value in figures(rows, outputs).items():
        print(f"{name:>24}: {value:.2f}" if isinstance(value, float) else f"{name:>24}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
