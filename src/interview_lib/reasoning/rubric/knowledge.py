"""What the whole bank knows, for judging answers to any question.

Every expected point in the bank is a true statement a good candidate makes; every red flag is a wrong one
a weak candidate makes. A wrong claim that belongs to another question can still turn up in an answer (a
generated question, a wandering answer), so the nearest ones are checked too; and the closest known-true
statement to a sentence is the "true side" the contrastive method weighs a wrong claim against.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from interview_lib.bank import QuestionBank
from interview_lib.reasoning.embeddings import Embedder, Vectors
from interview_lib.reasoning.rubric.reference import Reference

NEAR_FLAG_AT = 0.6  # similarity at which another question's wrong claim is worth checking against a sentence
SAME_TOPIC_AT = 0.5  # question similarity above which another bank question is about the same thing


class Knowledge:
    """The bank's points and wrong claims, embedded once, for answers to any question."""

    def __init__(self, bank: QuestionBank, embedder: Embedder) -> None:
        self._embedder = embedder
        self.points = [p for e in bank for p in e.item.expected_points]
        self.flags = [f for e in bank for f in e.item.red_flags]
        self._questions = [e.item.text for e in bank]
        ends = np.cumsum([len(e.item.expected_points) for e in bank])
        self._spans = list(zip(ends - np.diff(ends, prepend=0), ends))  # each question's points in ``points``
        self._point_vectors: Vectors | None = None
        self._flag_vectors: Vectors | None = None

    def _vectors(self) -> tuple[Vectors, Vectors]:
        if self._point_vectors is None or self._flag_vectors is None:
            self._point_vectors = self._embedder.embed(self.points, remember=True)
            self._flag_vectors = self._embedder.embed(self.flags, remember=True)
        return self._point_vectors, self._flag_vectors

    def widen(self, reference: Reference, sentences: Vectors) -> Reference:
        """The reference plus any other bank question's wrong claim that an answer sentence is close to."""
        if not len(sentences):
            return reference
        _, flags = self._vectors()
        sims = sentences @ flags.T
        near = [self.flags[int(k)] for k in np.unique(sims.argmax(axis=1)) if sims[:, k].max() >= NEAR_FLAG_AT]
        extra = [f for f in near if f not in reference.red_flags]
        return replace(reference, red_flags=(*reference.red_flags, *extra)) if extra else reference

    def better_fit_elsewhere(self, question: str, own_points: np.ndarray, sentences: Vectors) -> float:
        """How much better the answer fits some *other* bank question than this one (it answers another question).

        A question's fit is the mean of its three best-stated points (best sentence similarity per point);
        ``own_points`` is that similarity for this question's reference points. Bank questions close to this
        one (similarity ≥ SAME_TOPIC_AT) are not "other" questions.
        """
        if not len(sentences):
            return 0.0
        points, _ = self._vectors()
        best = (points @ sentences.T).max(axis=1)
        texts = self._embedder.embed([question, *self._questions], remember=True)
        other = texts[1:] @ texts[0] < SAME_TOPIC_AT
        fits = [_fit(best[slice(*self._spans[i])]) for i in np.flatnonzero(other)]
        return max(fits, default=0.0) - _fit(own_points)

    def support(self, sentences: Vectors) -> np.ndarray:
        """Per sentence: the similarity of the closest known-true statement in the whole bank."""
        points, _ = self._vectors()
        return (sentences @ points.T).max(axis=1) if len(sentences) else np.zeros(0)


def _fit(similarities: np.ndarray) -> float:
    """The mean of the three best similarities (how well an answer states a question's best points)."""
    return float(np.sort(similarities)[::-1][:3].mean()) if len(similarities) else 0.0
