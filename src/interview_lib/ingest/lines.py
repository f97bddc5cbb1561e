"""The one reader of answer files: JSONL lines ``{"id", "question", "answer" | "audio", "skill"?,
"candidate_id"?}``, each parsed or reported with its line number and why it cannot be used."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from interview_lib.domain.models import Question
from interview_lib.domain.skills import SKILLS


class AnswerLine(BaseModel):
    """One recorded answer: its transcript (``answer``) or a recording (``audio``, a path relative to the file)."""

    model_config = ConfigDict(extra="ignore")

    id: str | int
    question: str = Field(min_length=1)
    answer: str | None = None
    audio: str | None = None
    skill: str | None = None
    candidate_id: str = "imported"

    @model_validator(mode="after")
    def _answer_or_audio(self) -> AnswerLine:
        if (self.answer is None) == (self.audio is None):
            raise ValueError("give exactly one of 'answer' (a transcript) or 'audio' (a file path)")
        return self

    def as_question(self) -> Question:
        """The question this line answers (skill "unknown" when the line names none the bank knows)."""
        skill = self.skill if self.skill in SKILLS else "unknown"
        return Question(id=str(self.id), text=self.question, skill=skill, difficulty=3, source="imported")


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
