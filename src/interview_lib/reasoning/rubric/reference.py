"""What a good answer to a question covers, also for questions that are not in the bank.

A bank question brings its own expected points and red flags. Any other question (LLM-generated,
imported) borrows them from its nearest bank questions by sentence embedding: one near-identical neighbour
lends everything; otherwise the closest few lend their points, and the scorer only asks for the best of
them to be covered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interview_lib.bank import QuestionBank
from interview_lib.domain.models import Question
from interview_lib.reasoning.embeddings import Embedder, Vectors

SAME_QUESTION_AT = 0.82
NEIGHBOUR_AT = 0.45
MAX_NEIGHBOURS = 5
NEEDED_SHARE = 0.8
BORROWED_NEEDED = 3


@dataclass(frozen=True)
class Reference:
    """Points to look for in an answer, how many of them a full answer needs, and known wrong claims."""

    points: tuple[str, ...]
    red_flags: tuple[str, ...]
    needed: int
    source: str
    trust: float  # 0–1: how well these points describe this question


class ReferenceFinder:
    """Looks up a question's reference points; bank question vectors are computed once."""

    def __init__(self, bank: QuestionBank, embedder: Embedder) -> None:
        self._bank = bank
        self._embedder = embedder
        self._texts = [e.item.text for e in bank]
        self._vectors: Vectors | None = None

    def _question_vectors(self) -> Vectors:
        if self._vectors is None:
            self._vectors = self._embedder.embed(self._texts, remember=True)
        return self._vectors

    def for_question(self, question: Question, skill_hint: str | None = None) -> Reference:
        """The reference for ``question``; its own points win when it has them."""
        if question.expected_points:
            return Reference(
                tuple(question.expected_points),
                tuple(question.red_flags),
                needed=needed_for(len(question.expected_points)),
                source="question",
                trust=1.0,
            )
        return self._borrowed(question.text, skill_hint)

    def _borrowed(self, text: str, skill_hint: str | None) -> Reference:
        sims = self._question_vectors() @ self._embedder.embed([text], remember=True)[0]
        if skill_hint:
            sims = sims + np.array([0.05 if e.skill == skill_hint else 0.0 for e in self._bank])
        order = np.argsort(-sims)
        best = self._bank.entries[int(order[0])]
        if sims[order[0]] >= SAME_QUESTION_AT:
            item = best.item
            return Reference(
                tuple(item.expected_points),
                tuple(item.red_flags),
                needed_for(len(item.expected_points)),
                source=f"bank:{item.id}",
                trust=0.9,
            )
        neighbours = [self._bank.entries[int(i)] for i in order[:MAX_NEIGHBOURS] if sims[i] >= NEIGHBOUR_AT]
        if not neighbours:
            neighbours = [best]
        points = tuple(p for e in neighbours for p in e.item.expected_points)
        flags = tuple(f for e in neighbours for f in e.item.red_flags)
        ids = ",".join(e.item.id for e in neighbours)
        trust = min(0.6, max(0.1, (float(sims[order[0]]) - NEIGHBOUR_AT) / 0.35))
        needed = min(BORROWED_NEEDED, len(points))
        return Reference(points, flags, needed=needed, source=f"neighbours:{ids}", trust=trust)


def needed_for(points: int) -> int:
    """How many of a question's own points a full answer states: most of them, rarely every one."""
    return max(1, min(points, round(NEEDED_SHARE * points)))
