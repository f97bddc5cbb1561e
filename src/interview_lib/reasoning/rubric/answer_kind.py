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


ANOTHER_QUESTION_BY = 0.25  # how much better an answer must fit another bank question to be off topic


def classify(feats: fx.TextFeatures, sentences: list[str], relevance: float, elsewhere: float) -> AnswerKind:
    """Recognise answers that are not an attempt to answer this question (they are capped, not judged).

    Args:
        feats: the answer's text features.
        sentences: its sentences without fillers.
        relevance: best similarity of a sentence to a statement of the reference.
        elsewhere: how much better the answer fits another bank question's points than this question's.
    """
    flags: list[str] = []
    if feats.injection_sentences:
        flags.append("instruction_to_scorer")
    if feats.keyword_stuffed:
        flags.append("keyword_stuffing")
    elif feats.word_salad:
        flags.append("word_salad")
    if not sentences or elsewhere >= ANOTHER_QUESTION_BY:
        flags.append("off_topic")
    return AnswerKind(tuple(flags), judged=bool(sentences), relevance=relevance)
