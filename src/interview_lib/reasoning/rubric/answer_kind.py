"""What kind of answer this is before its claims are judged: an attempt, or a list, salad or instruction (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from interview_lib.reasoning import features as fx


@dataclass(frozen=True)
class AnswerKind:
    """Flags that cap the score whatever the claims say, and whether the claims are worth checking."""

    flags: tuple[str, ...]
    judged: bool
    relevance: float  # best similarity of any sentence to any statement of the reference


def classify(feats: fx.TextFeatures, sentences: list[str], relevance: float) -> AnswerKind:
    """Recognise answers that are not an attempt to answer (they are capped, not judged on content)."""
    flags: list[str] = []
    if feats.injection_sentences:
        flags.append("instruction_to_scorer")
    if feats.keyword_stuffed:
        flags.append("keyword_stuffing")
    elif feats.word_salad:
        flags.append("word_salad")
    if not sentences:
        flags.append("off_topic")
    return AnswerKind(tuple(flags), judged=bool(sentences), relevance=relevance)
