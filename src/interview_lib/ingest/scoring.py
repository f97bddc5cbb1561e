"""Batch scoring of answer lines with their transcripts (the ``dataready score`` command)."""

from __future__ import annotations

from collections.abc import Iterator

from interview_lib.domain.models import Evaluation, Transcript
from interview_lib.ingest.lines import AnswerLine
from interview_lib.reasoning.base import Scorer

CHUNK = 256


def to_output(item: AnswerLine, evaluation: Evaluation) -> dict[str, object]:
    """The output line for one scored (or unscored) answer."""
    return {
        "id": item.id,
        "overall": evaluation.overall,
        "scores": evaluation.scores.model_dump() if evaluation.scores else None,
        "status": evaluation.status,
        "reason": evaluation.reason,
        "rationale": evaluation.rationale,
        "evidence": evaluation.evidence,
        "covered_points": evaluation.covered_points,
        "missing_points": evaluation.missing_points,
        "points_expected": evaluation.points_expected,
        "flags": evaluation.flags,
        "certainty": evaluation.certainty,
        "certainty_reason": evaluation.certainty_reason,
        "scorer": f"{evaluation.scorer}:{evaluation.scorer_version}",
    }


def score_items(reasoner: Scorer, items: list[AnswerLine]) -> Iterator[dict[str, object]]:
    """Score answers in chunks (the rubric embeds each chunk in one batch)."""
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        pairs = [(i.as_question(), Transcript(text=i.answer or "")) for i in chunk]
        for item, evaluation in zip(chunk, reasoner.evaluate_many(pairs)):
            yield to_output(item, evaluation)
