"""How far a scorer agrees with human grades on a graded answer set, in the figures the scoring goals use.

A graded set is JSONL with ``question``, ``answer``, ``grade`` (0–10) and ``category`` (the kind of answer:
expert, confidently_wrong, word_salad, ...); the older labelled set's category names are mapped onto these.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from pathlib import Path

import numpy as np

ALIASES = {
    "strong": "expert",
    "good": "solid",
    "average": "partial",
    "weak": "shallow",
    "wrong": "confidently_wrong",
    "keyword_stuffed": "keyword_list",
    "injection": "instruction",
    "non_native": "non_native_correct",
    "filler_heavy": "rambling_correct",
    "dont_know": "non_answer",
}
CORRECT = {"expert", "solid", "non_native_correct", "rambling_correct"}
ADVERSARIAL = {"word_salad", "non_answer", "keyword_list", "instruction", "off_topic"}


def spearman(a: Iterable[float], b: Iterable[float]) -> float:
    """Spearman's rank correlation with average ranks for ties."""

    def ranks(values: Iterable[float]) -> np.ndarray:
        array = np.asarray(list(values), dtype=float)
        order = array.argsort(kind="mergesort")
        ranked = np.empty(len(array))
        ranked[order] = np.arange(len(array))
        for value in np.unique(array):
            ranked[array == value] = ranked[array == value].mean()
        return ranked

    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


def load(paths: list[Path]) -> list[dict[str, object]]:
    """Rows of every set, categories mapped to one vocabulary."""
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                row["category"] = ALIASES.get(str(row["category"]), str(row["category"]))
                rows.append(row)
    return rows


def figures(rows: list[dict[str, object]], outputs: list[dict[str, object]]) -> dict[str, float]:
    """The issue's figures: rank agreement, category means and maxima, how far low certainty marks the scorer's
    mistakes (errors over 3 points), over-counted coverage."""
    score = [float(o["overall"]) if o["overall"] is not None else 0.0 for o in outputs]  # type: ignore[arg-type]
    grade = [float(r["grade"]) for r in rows]  # type: ignore[arg-type]
    length = [len(str(r["answer"]).split()) / 20 for r in rows]
    error = [abs(s - g) for s, g in zip(score, grade)]
    low = [o.get("certainty") == "low" for o in outputs]

    def pick(categories: set[str]) -> list[float]:
        return [s for s, r in zip(score, rows) if r["category"] in categories] or [float("nan")]

    def overcounted(output: dict[str, object]) -> bool:
        covered, expected = output.get("covered_points") or [], output.get("points_expected")
        return expected is not None and len(covered) > expected  # type: ignore[arg-type,operator]

    return {
        "answers": len(rows),
        "questions": len({r["question"] for r in rows}),
        "spearman": spearman(grade, score),
        "spearman_length_only": spearman(grade, length),
        "wrong_mean": statistics.fmean(pick({"confidently_wrong"})),
        "wrong_max": max(pick({"confidently_wrong"})),
        "salad_nonanswer_max": max(pick({"word_salad", "non_answer"})),
        "keyword_instruction_max": max(pick({"keyword_list", "instruction"})),
        "off_topic_max": max(pick({"off_topic"})),
        "correct_mean": statistics.fmean(pick(CORRECT)),
        "terse_mean": statistics.fmean(pick({"terse_correct"})),
        "adversarial_above_3": sum(1 for s, r in zip(score, rows) if r["category"] in ADVERSARIAL and s > 3.0),
        "unscored": sum(1 for o in outputs if o["status"] != "scored"),
        "low_certainty": sum(low),
        "error_low_certainty": statistics.fmean([e for e, flagged in zip(error, low) if flagged] or [float("nan")]),
        "error_other": statistics.fmean([e for e, flagged in zip(error, low) if not flagged] or [float("nan")]),
        "errors_above_3": sum(1 for e in error if e > 3.0),
        "errors_above_3_low_certainty": sum(1 for e, flagged in zip(error, low) if e > 3.0 and flagged),
        "more_covered_than_expected": sum(1 for o in outputs if overcounted(o)),
    }
