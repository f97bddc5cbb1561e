"""A claim checker without a model: a sentence about a statement that swaps one of its key terms contradicts it.

Wrong answers on the right topic are mostly a true statement with one term flipped: the *large* table is
broadcast, order holds *across* partitions, VACUUM removes the *log*. This checker reads a (sentence,
statement) pair that the embedder already found to be about the same thing, and calls it a contradiction
when the sentence uses one side of a contrast pair and the statement the other side (and not the first), or
when exactly one of them is negated. It never says "entails": coverage stays with similarity. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from interview_lib.reasoning import features as fx

# Each group lists words that exclude each other in a data-engineering claim.
_CONTRASTS: tuple[tuple[frozenset[str], ...], ...] = tuple(
    tuple(frozenset(side.split("|")) for side in group.split(" / "))
    for group in (
        "small|smaller|smallest|tiny / large|larger|largest|big|bigger|biggest|huge",
        "within|per-partition / across|global|globally",
        "before / after",
        "more / less|fewer",
        "increase|increases|increased|raises|grows / decrease|decreases|decreased|reduce|reduces|reduced|lowers",
        "faster|quicker / slower",
        "cheaper / pricier",
        "narrow / wide",
        "columnar|column-oriented|column-wise|columns / row-oriented|row-based|row-wise",
        "immutable / mutable",
        "append|appends|appended / overwrite|overwrites|overwritten|replaces",
        "always / never|rarely",
        "keeps|retains|preserves|kept / drops|deletes|removes|discards|loses|lost|dropped|deleted|removed",
        "ordered|sorted / unordered|unsorted|random",
        "driver / executor|executors|workers",
        "lazy|lazily / eager|eagerly|immediately",
        "sequential|sequentially|serial / parallel",
        "earliest|oldest|first / latest|newest|last",
        "minimum|min|lowest / maximum|max|highest",
        "deterministic / non-deterministic|nondeterministic",
        "exactly-once / at-least-once|at-most-once",
        "synchronous|synchronously / asynchronous|asynchronously",
        "inner / outer",
        "shuffle|shuffles|shuffled / broadcast|broadcasts|broadcasted",
        "cheap / expensive|costly",
        "static / dynamic",
        "physical / logical",
        "schema-on-read / schema-on-write",
        "event-time / processing-time",
    )
)
_TOKEN = re.compile(r"[a-z][a-z\-]*")


def _terms(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def contradicts(sentence: str, statement: str) -> bool:
    """True when ``sentence`` flips a contrast term of ``statement`` or negates it where the other does not."""
    said, claimed = _terms(sentence), _terms(statement)
    for group in _CONTRASTS:
        used = [i for i, side in enumerate(group) if side & said]
        meant = [i for i, side in enumerate(group) if side & claimed]
        if len(used) == 1 and len(meant) == 1 and used != meant:
            return True
    return fx.has_negation(sentence) != fx.has_negation(statement)


class ContrastChecker:
    """The claim-checker port over ``contradicts``: no entailment, contradiction 0 or 1."""

    def check(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Per pair: NaN (cannot tell entailment) and 1.0 when the premise contradicts the hypothesis."""
        out = np.full((len(pairs), 2), np.nan)
        out[:, 1] = [1.0 if contradicts(premise, hypothesis) else 0.0 for premise, hypothesis in pairs]
        return out
