"""Known misconceptions recognised in an answer's sentences by the words a claim cannot be stated without (pure).

Sentence similarity tells what a sentence is about, not whether it is true: "a broadcast join sends the large
table to every executor" sits as close to the right claim as to the wrong one. A misconception of the bank
(``bank/data/misconceptions/``) names the terms that make the claim wrong ("broadcast" with "large table") and
the terms that would make the sentence right again ("small table"); a sentence states it when all of the first
and none of the second occur in it. Narrow by design: a rule fires on the claim it was written for, and the
bank's own test holds every rule against its correct sentences and every expected point of the bank.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from interview_lib.bank import Misconception


def _pattern(expression: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + expression + r")", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """One misconception, compiled."""

    item: Misconception
    required: tuple[re.Pattern[str], ...]
    excluded: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, item: Misconception) -> Rule:
        return cls(item, tuple(_pattern(p) for p in item.all), tuple(_pattern(p) for p in item.none))

    def states(self, sentence: str) -> bool:
        """True when ``sentence`` states this misconception."""
        text = _normal(sentence)
        return all(p.search(text) for p in self.required) and not any(p.search(text) for p in self.excluded)


def _normal(sentence: str) -> str:
    """Hyphens and underscores as spaces, curly apostrophes straight: "auto-suspend" reads as "auto suspend"."""
    return re.sub(r"[-_]", " ", sentence.replace("\u2019", "'"))


class Misconceptions:
    """Every known misconception, ready to check sentences against."""

    def __init__(self, items: Sequence[Misconception]) -> None:
        self.rules = [Rule.of(m) for m in items]

    def stated(self, sentences: Sequence[str], excused: Sequence[bool] = ()) -> list[tuple[Misconception, int]]:
        """The misconceptions the sentences state, each once, with the first sentence that states it.

        Args:
            sentences: the answer's sentences.
            excused: per sentence, True when it names a misconception in order to reject it (never counted).
        """
        found: list[tuple[Misconception, int]] = []
        for rule in self.rules:
            for j, sentence in enumerate(sentences):
                if j < len(excused) and excused[j]:
                    continue
                if rule.states(sentence):
                    found.append((rule.item, j))
                    break
        return found
