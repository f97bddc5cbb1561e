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


class Knowledge:
    """The bank's points and wrong claims, embedded once, for answers to any question."""

    def __init__(self, bank: QuestionBank, embedder: Embedder) -> None:
        self._embedder = embedder
        self.points = [p for e in bank for p in e.item.expected_points]
        self.flags = [f for e in bank for f in e.item.red_flags]
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

    def support(self, sentences: Vectors) -> np.ndarray:
        """Per sentence: the similarity of the closest known-true statement in the whole bank."""
        points, _ = self._vectors()
        return (sentences @ points.T).max(axis=1) if len(sentences) else np.zeros(0)
