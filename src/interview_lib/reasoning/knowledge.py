"""What the whole bank knows, for judging answers to any question.

Every expected point in the bank is a true statement a good candidate makes; every red flag is a wrong
one a weak candidate makes. Matched per answer sentence, they give two signals that work even when the
question itself is new: how much of the answer resembles known-good statements, and which sentences state
known misconceptions. The bank's technical vocabulary counts the distinct terms an answer uses correctly
in context (keyword lists are caught separately).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from interview_lib.bank import QuestionBank
from interview_lib.reasoning import features as fx
from interview_lib.reasoning.embeddings import Embedder, Vectors

WRONG_CLAIM_AT = 0.64  # similarity to a known misconception that marks a sentence as wrong
WRONG_MARGIN = 0.04  # ...and by how much it must beat the closest known-true statement
_TERM = re.compile(r"[a-z][a-z0-9_\-]{2,}")
_COMMON = frozenset(
    [
        "data",
        "table",
        "tables",
        "use",
        "uses",
        "using",
        "used",
        "would",
        "when",
        "what",
        "which",
        "more",
        "than",
        "into",
        "also",
        "each",
        "with",
        "make",
        "makes",
        "made",
        "need",
        "needs",
        "like",
        "just",
        "only",
        "then",
        "them",
        "they",
        "their",
        "there",
        "these",
        "those",
        "other",
        "some",
        "such",
        "same",
        "your",
        "you",
        "one",
        "two",
        "three",
        "first",
        "second",
        "time",
        "times",
        "way",
        "ways",
        "thing",
        "things",
        "work",
        "works",
        "working",
        "good",
        "better",
        "best",
        "new",
        "old",
        "all",
        "any",
        "can",
        "could",
        "should",
        "will",
        "does",
        "did",
        "done",
        "not",
        "but",
        "how",
        "why",
        "get",
        "gets",
        "set",
        "sets",
        "run",
        "runs",
        "keep",
        "keeps",
        "without",
        "within",
        "because",
        "before",
        "after",
        "while",
        "where",
        "about",
        "over",
        "under",
        "most",
        "many",
        "much",
        "every",
        "both",
        "either",
    ]
)


@dataclass(frozen=True)
class SentenceJudgement:
    """For each answer sentence: closeness to known-true statements and any misconception it states."""

    support: np.ndarray
    wrong_claims: list[tuple[str, str]]  # (answer sentence, misconception it matches)


class Knowledge:
    """The bank's points, red flags and vocabulary, embedded once."""

    def __init__(self, bank: QuestionBank, embedder: Embedder) -> None:
        self._embedder = embedder
        self.points = [p for e in bank for p in e.item.expected_points]
        self.flags = [f for e in bank for f in e.item.red_flags]
        self._point_vectors: Vectors | None = None
        self._flag_vectors: Vectors | None = None
        counts: Counter[str] = Counter()
        for text in self.points + [e.item.text for e in bank]:
            counts.update(set(_TERM.findall(text.lower())))
        self.vocabulary = frozenset(
            t for t, n in counts.items() if n >= 2 and t not in _COMMON and t not in fx.FUNCTION_WORDS
        )

    def _vectors(self) -> tuple[Vectors, Vectors]:
        if self._point_vectors is None or self._flag_vectors is None:
            self._point_vectors = self._embedder.embed(self.points, remember=True)
            self._flag_vectors = self._embedder.embed(self.flags, remember=True)
        return self._point_vectors, self._flag_vectors

    def judge(self, sentences: list[str], vectors: Vectors) -> SentenceJudgement:
        """Support per sentence and the misconceptions stated (same polarity, not a correction)."""
        if not sentences:
            return SentenceJudgement(np.zeros(0), [])
        points, flags = self._vectors()
        support = (vectors @ points.T).max(axis=1)
        flag_sims = vectors @ flags.T
        best = flag_sims.argmax(axis=1)
        best_sim = flag_sims[np.arange(len(sentences)), best]
        candidates = np.flatnonzero((best_sim >= WRONG_CLAIM_AT) & (best_sim >= support + WRONG_MARGIN))
        wrong = [
            (sentences[j], self.flags[best[j]])
            for j in candidates
            if fx.has_negation(sentences[j]) == fx.has_negation(self.flags[best[j]])
            and not fx.is_correction(sentences[j])
        ]
        return SentenceJudgement(support, wrong)

    def terms(self, text: str) -> set[str]:
        """Distinct bank terms used in ``text``."""
        return {t for t in _TERM.findall(text.lower()) if t in self.vocabulary}
