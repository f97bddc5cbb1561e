"""Question sourcing: generate → retry → the bank's pool for core questions, and follow-up chains, never asking
a question twice (three dedup layers: the reasoner sees what was asked; hash and similarity; the bank excludes)."""

from __future__ import annotations

import hashlib
import itertools
import random
import uuid
from collections.abc import Callable, Sequence

from interview_lib.bank import QuestionBank
from interview_lib.domain import dedup, planning
from interview_lib.domain.models import (
    FOLLOW_UP_TYPES,
    Evaluation,
    FollowUpType,
    InterviewSession,
    Question,
    Transcript,
    Turn,
)
from interview_lib.reasoning.base import QuestionRequest, Reasoner

Similarity = Callable[[str, Sequence[str]], float]
GENERATION_ATTEMPTS = 3


def _id_seed(session_id: str) -> int:
    """A random seed from the session id: a UUID's own number, any other id's hash."""
    try:
        return uuid.UUID(session_id).int
    except ValueError:
        return int.from_bytes(hashlib.sha256(session_id.encode()).digest()[:16], "big")


class QuestionSource:
    """Chooses the next question of one session (it reads the session; the interview records what is asked)."""

    def __init__(
        self, session: InterviewSession, reasoner: Reasoner, bank: QuestionBank, similarity: Similarity | None
    ) -> None:
        self._session = session
        self._reasoner = reasoner
        self._bank = bank
        self._similarity = similarity
        seed = session.setup.seed if session.setup.seed is not None else _id_seed(session.session_id)
        self._rng = random.Random(seed + len(session.turns))

    def is_repeat(self, text: str) -> bool:
        """Whether ``text`` was asked already, word for word or in other words."""
        asked = [t.question.text for t in self._session.turns]
        semantic = self._similarity(text, asked) if self._similarity is not None else 0.0
        return dedup.is_repeat(text, self._session.asked_question_hashes, asked, semantic)

    def next_core(self) -> Question | None:
        """A new core question: generated (retried on repeats), else from the bank; None when nothing is left."""
        return self._generated() or self._from_bank()

    def follow_up(self, turn: Turn, evaluation: Evaluation, kind: FollowUpType) -> Question | None:
        """A follow-up of ``kind`` on ``turn`` (another kind when that one was asked already), or None."""
        missing = evaluation.missing_points
        transcript = turn.transcript or Transcript(text="")
        kinds = [kind, *(k for k in FOLLOW_UP_TYPES if k != kind)]
        candidates = itertools.chain(
            [self._reasoner.follow_up(turn.question, transcript, evaluation, kind)],
            (self._bank.follow_up(turn.question, k, missing) for k in kinds),
            (planning.generic_follow_up(turn.question, k, missing) for k in kinds),
        )
        return next((q for q in candidates if q is not None and not self.is_repeat(q.text)), None)

    def _next_skill(self) -> str:
        asked = [t.question.skill for t in self._session.core_turns]
        return planning.choose_skill(self._session.setup, self._bank.skills, asked, self._rng.random())

    def _generated(self) -> Question | None:
        session = self._session
        skill = self._next_skill()
        asked = tuple(t.question.text for t in session.turns)
        for attempt in range(1, GENERATION_ATTEMPTS + 1):  # layers 1 and 2: context, then hash/similarity
            request = QuestionRequest(session.setup, skill, session.difficulty, asked, attempt)
            question = self._reasoner.next_question(request)
            if question is not None and not self.is_repeat(question.text):
                return question
        return None

    def _from_bank(self) -> Question | None:
        setup = self._session.setup
        preferred = self._next_skill()
        for skill in [preferred, *(s for s in self._bank.skills if s != preferred)]:  # layer 3: the bank's pool
            question = self._bank.pick(
                skill=skill,
                difficulty=self._session.difficulty,
                level=setup.level,
                cloud=setup.cloud,
                is_excluded=self.is_repeat,
                rng=self._rng,
            )
            if question is not None:
                return question.model_copy(update={"source": "fallback"})
        return None
