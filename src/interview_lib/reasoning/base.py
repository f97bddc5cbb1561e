"""The ``Reasoner`` port: what the interview needs from whoever asks and judges questions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from interview_lib.domain.models import Evaluation, FollowUpType, InterviewSetup, Question, Transcript
from interview_lib.domain.posting import PostingProfile


@dataclass(frozen=True)
class QuestionRequest:
    """Everything a question generator is told (asked questions are dedup layer 1)."""

    setup: InterviewSetup
    skill: str
    difficulty: int
    asked: tuple[str, ...] = field(default_factory=tuple)
    attempt: int = 1


class Scorer(Protocol):
    """Scores answers: all that batch scoring, importing and re-scoring need."""

    name: str
    version: str

    def evaluate(self, question: Question, transcript: Transcript) -> Evaluation:
        """Score one answer, or say ``unscored`` with a reason. Never raises for bad answers."""
        ...

    def evaluate_many(self, items: Sequence[tuple[Question, Transcript]]) -> list[Evaluation]:
        """Score many answers in order (batch scoring and re-scoring); a backend may batch the work."""
        ...


@runtime_checkable
class Reasoner(Scorer, Protocol):
    """Asks questions, follows up and scores answers."""

    notes: list[str]  # what the report should say about this reasoner (e.g. a switch to offline)

    def next_question(self, request: QuestionRequest) -> Question | None:
        """A new core question for ``request``; ``None`` when it has nothing to offer."""
        ...

    def follow_up(
        self, question: Question, transcript: Transcript, evaluation: Evaluation, kind: FollowUpType
    ) -> Question | None:
        """A follow-up of ``kind`` to a weak answer; ``None`` when it has none."""
        ...

    def read_posting(self, data: str | bytes) -> PostingProfile:
        """What a job posting asks for (skills, level, cloud, technologies), for the interview to follow.

        Raises:
            ConfigurationError: the posting is empty, too long or not text.
        """
        ...

    def drain_usage(self) -> dict[str, float]:
        """Model calls, tokens and latency since the last drain (empty for offline reasoners)."""
        ...
