"""Delivery analytics from a transcript (pure): pace, fillers, pauses, talk time, hedging.

How it feeds the rubric: the scorer never takes content points for delivery. Communication loses at most
about one point for a filler rate above 5 % and for a pace far outside 100–190 words per minute; confidence
loses a little for hedging phrases and many long pauses.
"""

from __future__ import annotations

import itertools
import re

from interview_lib.domain.models import Transcript

LONG_PAUSE_S = 2.0
_FILLER = re.compile(r"^(u+m+|u+h+|e+r+m*|h+m+|mm+|ah+)$", re.IGNORECASE)
_HEDGES = ("i think", "i guess", "maybe", "probably", "perhaps", "not sure", "kind of", "sort of", "i believe")


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def measure(transcript: Transcript) -> dict[str, float]:
    """Delivery metrics of one answer; timing metrics only when word timings exist."""
    tokens = _tokens(transcript.text)
    lowered = " ".join(tokens)
    fillers = sum(1 for t in tokens if _FILLER.match(t)) + lowered.count("you know") + lowered.count("i mean")
    fillers += len(re.findall(r"\blike,", transcript.text.lower()))
    metrics: dict[str, float] = {
        "words": float(len(tokens)),
        "fillers": float(fillers),
        "filler_rate": round(fillers / len(tokens), 4) if tokens else 0.0,
        "hedges": float(sum(lowered.count(h) for h in _HEDGES)),
    }
    words = transcript.words
    if words:
        talk = max(0.0, words[-1].end - words[0].start)
        gaps = [b.start - a.end for a, b in itertools.pairwise(words)]
        metrics.update(
            talk_time_s=round(talk, 2),
            words_per_minute=round(len(words) / talk * 60, 1) if talk > 0 else 0.0,
            long_pauses=float(sum(1 for g in gaps if g >= LONG_PAUSE_S)),
            longest_pause_s=round(max(gaps, default=0.0), 2),
        )
    return metrics


def guidance(metrics: dict[str, float]) -> list[str]:
    """Plain-language advice for the report."""
    tips = []
    wpm = metrics.get("words_per_minute")
    if wpm is not None and wpm > 190:
        tips.append(f"You spoke fast ({wpm:.0f} words/min): slow down so each point lands.")
    elif wpm is not None and 0 < wpm < 100:
        tips.append(f"You spoke slowly ({wpm:.0f} words/min): outline your answer first, then speak.")
    if metrics.get("filler_rate", 0.0) > 0.05:
        tips.append(f"{metrics['fillers']:.0f} fillers (um, uh, like): pause silently instead.")
    if metrics.get("long_pauses", 0.0) >= 2:
        tips.append("Several long pauses: it is fine to say 'let me structure this' and then list your points.")
    if metrics.get("hedges", 0.0) >= 3:
        tips.append("Many hedges ('I think', 'maybe'): state what you know plainly, and flag only real doubts.")
    return tips
