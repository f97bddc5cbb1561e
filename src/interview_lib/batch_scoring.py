"""Batch scoring of ``{"id", "question", "answer"}`` JSONL lines (the ``dataready score`` command)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from interview_lib.domain.models import Evaluation, Question, Transcript
from interview_lib.domain.skills import SKILLS
from interview_lib.reasoning.base import Reasoner

CHUNK = 256


class AnswerLine(BaseModel):
    """One input line."""

    model_config = ConfigDict(extra="ignore")

    id: str | int
    question: str = Field(min_length=1)
    answer: str
    skill: str | None = None


@dataclass(frozen=True)
class BadLine:
    """An input line that could not be used, and why."""

    line_no: int
    error: str


def read_lines(lines: Iterable[str]) -> Iterator[tuple[int, AnswerLine | BadLine]]:
    """Parse JSONL input; bad lines come back as ``BadLine`` with their 1-based line number."""
    for line_no, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            yield line_no, AnswerLine.model_validate(json.loads(raw))
        except json.JSONDecodeError as exc:
            yield line_no, BadLine(line_no, f"not valid JSON ({exc.msg} at column {exc.colno})")
        except ValidationError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) + f": {e['msg']}" for e in exc.errors())
            yield line_no, BadLine(line_no, f"missing or wrong fields ({fields})")


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


def _question(item: AnswerLine) -> Question:
    skill = item.skill if item.skill in SKILLS else "unknown"
    return Question(id=str(item.id), text=item.question, skill=skill, difficulty=3, source="imported")


def score_items(reasoner: Reasoner, items: list[AnswerLine]) -> Iterator[dict[str, object]]:
    """Score answers in chunks (the rubric embeds each chunk in one batch)."""
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        pairs = [(_question(i), Transcript(text=i.answer)) for i in chunk]
        for item, evaluation in zip(chunk, reasoner.evaluate_many(pairs)):
            yield to_output(item, evaluation)
