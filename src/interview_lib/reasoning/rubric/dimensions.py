"""The five rubric dimensions of one answer, from what its claims earned and how it was said (pure)."""

from __future__ import annotations

import math

from interview_lib.domain.models import ScoreBreakdown
from interview_lib.reasoning import features as fx

WRONG_CLAIM_COST = 0.3  # share of the correct content one wrong claim takes away
# Sweeping absolutes ("always", "guaranteed", "completely safe") in more than a few sentences are how a
# confidently wrong answer sounds: beyond OVERCLAIM_FREE of the sentences, each further share costs this much.
OVERCLAIM_FREE = 0.05
OVERCLAIM_COST = 1.5


def score(
    feats: fx.TextFeatures, coverage: float, wrong: int, trust: float, spoken: dict[str, float]
) -> ScoreBreakdown:
    """Scores 0–10 per dimension.

    Args:
        feats: the answer's text features.
        coverage: 0–1, the share of the expected points the answer states (claim-checked).
        wrong: how many wrong claims it makes.
        trust: 0–1, how well the reference describes this question (borrowed points are held less strictly).
        spoken: delivery metrics of a spoken answer (empty for typed ones).
    """
    content = min(1.0, coverage * (1.0 + 0.5 * (1.0 - trust)))
    overclaim = max(0.0, feats.absolute_sentences / max(1, feats.sentences) - OVERCLAIM_FREE)
    correct = content * max(0.0, 1.0 - WRONG_CLAIM_COST * wrong - OVERCLAIM_COST * overclaim)
    gate = _saturate(correct, 0.5)  # how much real content there is to build the other dimensions on
    length = min(1.0, math.log1p(feats.words) / math.log1p(160))
    technical = 10 * min(1.0, correct * 1.15)
    depth = 10 * gate * (0.6 * _saturate(correct, 0.8) + 0.25 * _saturate(feats.reasoning_markers, 3) + 0.15 * length)
    experience = (
        0.5 * _saturate(feats.experience_markers, 2)
        + 0.25 * _saturate(feats.examples, 1)
        + 0.25 * _saturate(feats.numbers_with_units, 2)
    )
    practical = 10 * max(gate * (0.3 + 0.7 * experience), 0.5 * correct)
    filler_rate = feats.fillers / max(1, feats.words + feats.fillers)
    sentence_len = feats.words / max(1, feats.sentences)
    readable = 1.0 if 6 <= sentence_len <= 32 else 0.6
    communication = 10 * gate * (
        0.55 + 0.15 * readable + 0.15 * _saturate(feats.structure_markers, 2) + 0.15 * length
    ) - min(1.5, 10 * max(0.0, filler_rate - 0.05))
    hedging = min(1.0, 0.15 * feats.hedges + (0.4 if feats.dont_know else 0.0))
    confidence = 10 * gate * (0.9 - 0.6 * hedging) + (1.0 if gate > 0.5 and not wrong else 0.0)
    scores = ScoreBreakdown(
        technical_correctness=_clamp(technical),
        depth=_clamp(depth),
        practical_experience=_clamp(practical),
        communication=_clamp(communication),
        confidence=_clamp(confidence),
    )
    return _with_delivery(scores, spoken)


def _with_delivery(scores: ScoreBreakdown, spoken: dict[str, float]) -> ScoreBreakdown:
    """Pace and long pauses (only known for spoken answers) nudge communication and confidence, never content."""
    wpm = spoken.get("words_per_minute")
    if wpm is None or wpm <= 0:
        return scores
    off_pace = max(0.0, 100 - wpm, wpm - 190) / 60  # 1 point lost 60 words/min outside the comfortable range
    pauses = 0.3 * spoken.get("long_pauses", 0.0)
    return scores.model_copy(
        update={
            "communication": _clamp(scores.communication - min(1.0, off_pace)),
            "confidence": _clamp(scores.confidence - min(1.0, pauses)),
        }
    )


def _saturate(value: float, full: float) -> float:
    return min(1.0, value / full) if full > 0 else 0.0


def _clamp(value: float) -> float:
    return round(min(10.0, max(0.0, value)), 2)
