"""Question identity: a normalized hash for exact repeats, a lexical similarity for rewordings."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Final

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS: Final = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "at",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "you",
        "your",
        "would",
        "could",
        "should",
        "can",
        "will",
        "what",
        "which",
        "when",
        "where",
        "why",
        "how",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "there",
        "their",
        "they",
        "them",
        "we",
        "our",
        "us",
        "me",
        "my",
        "i",
        "if",
        "then",
        "than",
        "so",
        "such",
        "about",
        "into",
        "from",
        "up",
        "out",
        "over",
        "under",
        "please",
        "tell",
        "explain",
        "describe",
        "walk",
        "through",
        "give",
        "some",
        "any",
        "let",
        "s",
    ]
)
#: Similarity at or above which two questions count as the same question reworded.
NEAR_DUPLICATE_AT: Final = 0.6


def normalize(text: str) -> str:
    """Lower-case words joined by single spaces, punctuation dropped."""
    return " ".join(_WORD.findall(text.lower()))


def question_hash(text: str) -> str:
    """A stable hash of the normalized text: equal for questions that differ only in case/punctuation."""
    return hashlib.sha256(normalize(text).encode()).hexdigest()[:16]


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
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
    containment = shared / min(len(terms_a), len(terms_b))
    return max(jaccard, 0.8 * containment)


def is_repeat(text: str, asked_hashes: Iterable[str], asked_texts: Iterable[str]) -> bool:
    """True when ``text`` was asked before, exactly (by hash) or reworded (by similarity)."""
    if question_hash(text) in set(asked_hashes):
        return True
    return any(similarity(text, previous) >= NEAR_DUPLICATE_AT for previous in asked_texts)
