"""Question identity: a normalized hash for exact repeats, similarity for rewordings.

The lexical check here is pure; the interview adds a sentence-embedding check on top
(``SEMANTIC_DUPLICATE_AT``) to catch rewordings that share few words.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Final

_WORD = re.compile(r"[a-z0-9]+")
# SQL keywords such as WHERE and FROM are content here, so they are not stopwords.
_STOPWORDS: Final = frozenset(
    """a an the and or of to for with at is are was were be been being do does did you your would could
    should can will what which when why how who whom this that these those it its there their they them
    we our us me my i if then than so such about into up out over under please tell explain describe
    walk through give some any let s between in on as by""".split()
)
#: Lexical similarity at or above which two questions count as the same question reworded.
NEAR_DUPLICATE_AT: Final = 0.6
#: Sentence-embedding cosine at or above which two questions mean the same thing.
SEMANTIC_DUPLICATE_AT: Final = 0.85
#: Together, a partial word overlap and a close meaning also make a repeat.
PARTLY_SIMILAR_AT: Final = 0.45
SEMANTICALLY_CLOSE_AT: Final = 0.75


def normalize(text: str) -> str:
    """Lower-case words joined by single spaces, punctuation dropped."""
    return " ".join(_WORD.findall(text.lower()))


def question_hash(text: str) -> str:
    """A stable hash of the normalized text: equal for questions that differ only in case/punctuation."""
    return hashlib.sha256(normalize(text).encode()).hexdigest()[:16]


_SUFFIXES: Final = ("ences", "ence", "ings", "ing", "ies", "ed", "s")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            return stem + "y" if suffix == "ies" else stem
    return word


def content_terms(text: str) -> frozenset[str]:
    """The stemmed content words of a question."""
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS)


def similarity(a: str, b: str) -> float:
    """Overlap of content terms, 0–1: the smaller set's share found in the other (catches rewordings)."""
    terms_a, terms_b = content_terms(a), content_terms(b)
    if not terms_a or not terms_b:
        return 0.0
    shared = len(terms_a & terms_b)
    jaccard = shared / len(terms_a | terms_b)
    if min(len(terms_a), len(terms_b)) < 4:  # short questions must match more closely; no containment
        return jaccard - 0.1
    return max(jaccard, 0.8 * shared / min(len(terms_a), len(terms_b)))


def is_repeat(text: str, asked_hashes: Iterable[str], asked_texts: Iterable[str], semantic: float = 0.0) -> bool:
    """True when ``text`` was asked before, exactly (by hash) or reworded.

    Args:
        text: the candidate question.
        asked_hashes: hashes of every question asked so far.
        asked_texts: their texts.
        semantic: the caller's highest sentence-embedding cosine between ``text`` and an asked question.
    """
    if question_hash(text) in set(asked_hashes):
        return True
    lexical = max((similarity(text, previous) for previous in asked_texts), default=0.0)
    return (
        lexical >= NEAR_DUPLICATE_AT
        or semantic >= SEMANTIC_DUPLICATE_AT
        or (lexical >= PARTLY_SIMILAR_AT and semantic >= SEMANTICALLY_CLOSE_AT)
    )
