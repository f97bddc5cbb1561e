"""Claim by claim: which expected points an answer states, which it contradicts, which wrong claims it makes.

Pure numpy over matrices the reasoner fills in. Rows are statements of the reference (expected points or
known wrong claims), columns are answer sentences. ``similarity`` is a sentence-embedding cosine: it says a
sentence is *about* a statement, never that it is true. ``entail`` and ``contradict`` come from a claim
checker (``checker.py``) and say whether the sentence asserts the statement or its opposite; they are NaN
where the pair was not checked (too far apart to be about the same thing) or the checker cannot tell.

- Coverage: a point is covered when a sentence entails it, or, where no checker judges entailment, when a
  sentence is very close to it; a point only a contradicting sentence is about is ``contradicted``.
- Wrong claims (contrastive): a sentence states a known wrong claim when it is clearly nearer to it than to
  the closest known-true statement (its true twin among the points of the bank and the question), and the
  checker does not find it contradicting that wrong claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Status = Literal["covered", "partly", "missing", "contradicted"]
Method = Literal["checker", "similarity"]

CHECK_AT = 0.35  # similarity below which a sentence is not about a statement (the pair is not checked)
ON_TOPIC_AT = 0.65  # similarity above which a contradiction is taken to be about the same claim
ENTAILED_AT = 0.55  # entailment probability at which a sentence asserts a statement
PARTLY_ENTAILED_AT = 0.2
CONTRADICTED_AT = 0.6
# Where no checker judges entailment: similarity that counts as stating a point (fully / partly).
COVERED_SIMILARITY = 0.65
PARTLY_SIMILARITY = 0.45
FLAG_SIMILARITY = 0.66  # ... and as stating a wrong claim, when it also beats the true twin by TWIN_MARGIN
TWIN_MARGIN = 0.08
PARTLY_CREDIT = 0.5  # what a partly stated point earns (of a covered one)


@dataclass(frozen=True)
class Pairs:
    """What is known about each (statement, sentence) pair."""

    similarity: np.ndarray  # (statements, sentences)
    entail: np.ndarray | None = None  # same shape, NaN where unchecked; None without an inference model
    contradict: np.ndarray | None = None

    @property
    def method(self) -> Method:
        """How statements were decided: with a claim checker, or by similarity alone."""
        return "checker" if self.entail is not None or self.contradict is not None else "similarity"


@dataclass(frozen=True)
class Verdict:
    """One expected point: what the answer did with it, and the sentence that decided it."""

    status: Status
    sentence: int | None


def pairs_to_check(similarity: np.ndarray, per_statement: int = 2) -> list[tuple[int, int]]:
    """The (statement, sentence) pairs worth a checker's time: the closest few sentences per statement."""
    out: list[tuple[int, int]] = []
    for i, row in enumerate(similarity):
        for j in np.argsort(-row)[:per_statement]:
            if row[j] >= CHECK_AT:
                out.append((i, int(j)))
    return out


def point_verdicts(pairs: Pairs) -> list[Verdict]:
    """Each expected point is covered, partly covered, missing or contradicted: never counted twice."""
    if pairs.similarity.shape[1] == 0:
        return [Verdict("missing", None) for _ in range(pairs.similarity.shape[0])]
    out = []
    for i, similarity in enumerate(pairs.similarity):
        entail = None if pairs.entail is None else pairs.entail[i]
        contradict = None if pairs.contradict is None else pairs.contradict[i]
        out.append(_verdict(similarity, entail, contradict))
    return out


def _verdict(similarity: np.ndarray, entail: np.ndarray | None, contradict: np.ndarray | None) -> Verdict:
    stated = _stated(similarity, entail)
    if stated.status == "covered":
        return stated
    if contradict is not None:
        c = np.where(similarity >= ON_TOPIC_AT, np.nan_to_num(contradict, nan=0.0), 0.0)
        j = int(np.argmax(c))
        if c[j] >= CONTRADICTED_AT:
            return Verdict("contradicted", j)
    return stated


def _stated(similarity: np.ndarray, entail: np.ndarray | None) -> Verdict:
    """Covered or partly covered: by entailment when the checker judges it, else by similarity."""
    if entail is not None and not np.isnan(entail).all():
        scores, full, part = np.nan_to_num(entail, nan=0.0), ENTAILED_AT, PARTLY_ENTAILED_AT
    else:
        scores, full, part = similarity, COVERED_SIMILARITY, PARTLY_SIMILARITY
    j = int(np.argmax(scores))
    if scores[j] >= full:
        return Verdict("covered", j)
    if scores[j] >= part:
        return Verdict("partly", j)
    return Verdict("missing", None)


def stated_wrong_claims(flags: Pairs, truth: np.ndarray, excused: list[bool]) -> list[int]:
    """Indexes of the known wrong claims the answer asserts.

    Args:
        flags: the wrong claims (rows) against the answer sentences (columns).
        truth: per sentence, its similarity to the closest known-true statement (the contrastive method's
            true side).
        excused: per sentence, True when it names a misconception in order to reject it.
    """
    if flags.similarity.shape[1] == 0:
        return []
    allowed = ~np.asarray(excused, dtype=bool)
    if flags.entail is not None and not np.isnan(flags.entail).all():
        stated = np.nan_to_num(flags.entail, nan=0.0) >= ENTAILED_AT
    else:
        stated = (flags.similarity >= FLAG_SIMILARITY) & (flags.similarity >= truth[None, :] + TWIN_MARGIN)
    if flags.contradict is not None:  # a sentence that contradicts a wrong claim does not state it
        stated &= np.nan_to_num(flags.contradict, nan=0.0) < CONTRADICTED_AT
    return [i for i, row in enumerate(stated & allowed[None, :]) if row.any()]


def credit(verdicts: list[Verdict], needed: int, partly: float = PARTLY_CREDIT) -> float:
    """0–1: the share of the ``needed`` points the answer states (a partly stated point counts ``partly``)."""
    if needed <= 0:
        return 0.0
    earned = sum(1.0 if v.status == "covered" else partly if v.status == "partly" else 0.0 for v in verdicts)
    return min(1.0, earned / needed)
