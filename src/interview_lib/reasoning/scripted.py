"""A scripted reasoner: canned questions and evaluations, queued by tests and demos."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence

from interview_lib.domain.models import Evaluation, FollowUpType, Question, ScoreBreakdown, Transcript
from interview_lib.domain.posting import PostingProfile
from interview_lib.domain.scoring import overall
from interview_lib.reasoning.base import QuestionRequest

Judge = Callable[[Question, Transcript], Evaluation]


def fixed_score(value: float) -> Judge:
    """A judge that gives every dimension ``value``."""

    def judge(question: Question, transcript: Transcript) -> Evaluation:
        scores = ScoreBreakdown(
            **dict.fromkeys(
                ("technical_correctness", "depth", "practical_experience", "communication", "confidence"),
                value,
            )
        )
        return Evaluation(
            status="scored",
            scores=scores,
            overall=overall(scores),
            rationale="scripted",
            missing_points=list(question.expected_points[:1]),
            scorer="scripted",
            scorer_version="1",
        )

    return judge


class ScriptedReasoner:
    """Returns queued questions (then ``None``) and judges answers with a function."""

    name = "scripted"
    version = "1"

    def __init__(
        self,
        questions: Iterable[Question] = (),
        judge: Judge | None = None,
        follow_ups: Iterable[Question] = (),
    ) -> None:
        self.questions: deque[Question] = deque(questions)
        self.follow_ups: deque[Question] = deque(follow_ups)
        self.judge = judge or fixed_score(6.0)
        self.requests: list[QuestionRequest] = []
        self.notes: list[str] = []

    def next_question(self, request: QuestionRequest) -> Question | None:
        """The next queued question, or ``None`` when the queue is empty."""
        self.requests.append(request)
        return self.questions.popleft() if self.questions else None

    def follow_up(
        self, question: Question, transcript: Transcript, evaluation: Evaluation, kind: FollowUpType
    ) -> Question | None:
        """The next queued follow-up, or ``None``."""
        return self.follow_ups.popleft() if self.follow_ups else None

    def evaluate(self, question: Question, transcript: Transcript) -> Evaluation:
        """Whatever the judge says."""
        return self.judge(question, transcript)

    def evaluate_many(self, items: Sequence[tuple[Question, Transcript]]) -> list[Evaluation]:
        """The judge on each answer in turn."""
        return [self.judge(question, transcript) for question, transcript in items]

    def read_posting(self, data: str | bytes) -> PostingProfile:
        """The offline reading of a job posting (the bank's vocabulary, no network)."""
        from interview_lib.reasoning.posting import extract_posting

        return extract_posting(data)

    def drain_usage(self) -> dict[str, float]:
        """No remote calls."""
        return {}
