"""Hands-free end of an answer: the answer ends after a stretch of silence once the candidate has spoken, a visible
countdown runs during that silence, and any speech cancels it. A pause after "let me think" holds the countdown
until the candidate speaks again, so thinking never submits an answer: the caller checks what was said just before
each pause (``checking`` / ``checked``), and the pause cannot end the answer while that check is under way.

Pure: the detector looks only at the 16 kHz mono float32 samples it is fed and counts time in samples, never on a
clock, so the web app, the notebook room's microphone and the terminal recorder can share it and tests can feed it
synthetic audio. Speech is told from silence by loudness against the room's own noise floor (a low percentile of
the last seconds' levels: speech always has gaps between words), so a fan or a hum does not count as speaking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Literal

import numpy as np
import numpy.typing as npt

from interview_lib.speech.audio import SAMPLE_RATE

Samples = npt.NDArray[np.float32]
SignalKind = Literal["countdown", "cancelled", "held", "ended"]

FRAME_S = 0.03  # loudness is judged per 30 ms frame
NEW_UTTERANCE_GAP_S = 0.5  # a gap this long starts a new utterance (what a thinking check listens to)


class Phase(str, Enum):
    """Where the answer stands."""

    WAITING = "waiting"  # nothing said yet: silence here never ends the answer
    SPEAKING = "speaking"  # speech, or a pause too short to show a countdown
    COUNTING = "counting"  # a countdown runs: the answer ends when it reaches zero
    HOLDING = "holding"  # the candidate is thinking: no countdown until they speak again
    ENDED = "ended"  # the countdown ran out


@dataclass(frozen=True)
class Signal:
    """Something the candidate should see: a countdown started, was cancelled or held, or the answer ended."""

    kind: SignalKind
    seconds_left: float  # until the answer ends (``silence_s`` less the silence so far)
    pause: int  # which pause of the answer this is about (1, 2, ...); a thinking check names it to ``hold``
    reason: str = ""  # for cancelled and held: "speech", "thinking", "asked"


@dataclass(frozen=True)
class Listening:
    """How a hands-free answer ends (``silence_s``) and what counts as speech."""

    silence_s: float = 4.0  # silence after speech that ends the answer: long enough to think
    countdown_after_s: float = 1.0  # silence before the countdown shows: gaps between words never show one
    min_speech_s: float = 0.3  # speech needed before any silence can end the answer
    burst_s: float = 0.12  # speech this long cancels a countdown (a click or a breath does not)
    margin_db: float = 12.0  # a frame this much louder than the noise floor is speech...
    quietest_speech_db: float = -50.0  # ...and never when quieter than this (dBFS)
    floor_window_s: float = 8.0  # the noise floor is a low percentile of the levels heard this long
    floor_percentile: float = 10.0  # speech has gaps between words, so even while talking this finds the room

    def __post_init__(self) -> None:
        if not self.countdown_after_s < self.silence_s:
            raise ValueError("the countdown must show before the silence ends the answer")


def frame_levels(samples: Samples, frame: int) -> npt.NDArray[np.float64]:
    """Loudness in dBFS of each whole ``frame``-sample frame of ``samples``."""
    whole = len(samples) // frame
    if whole == 0:
        return np.zeros(0)
    power = (samples[: whole * frame].astype(np.float64).reshape(whole, frame) ** 2).mean(axis=1)
    return 10.0 * np.log10(power + 1e-12)


class EndOfAnswer:
    """Feed it the answer's audio as it is recorded; it says when to show, cancel or hold a countdown, and when
    the answer has ended.

    >>> detector = EndOfAnswer(Listening(silence_s=4.0))
    >>> signals = detector.feed(block)       # each block as it arrives, any length
    >>> detector.ended                       # True once silence_s of silence followed speech
    """

    def __init__(self, options: Listening | None = None, *, sample_rate: int = SAMPLE_RATE) -> None:
        self.options = options or Listening()
        self.sample_rate = sample_rate
        self.phase = Phase.WAITING
        self.pause = 0  # pauses that showed a countdown so far
        self._frame = round(FRAME_S * sample_rate)
        self._rest = np.zeros(0, dtype=np.float32)
        self._position = 0  # samples judged so far
        self._levels = np.zeros(max(1, round(self.options.floor_window_s / FRAME_S)))
        self._heard = 0  # frames judged (the level window holds the last ones)
        self._run = 0  # consecutive loud frames
        self._spoken = 0  # samples of speech heard
        self._voice_end = 0  # where the last speech ended
        self._utterance_start = 0
        self._checking = 0  # the pause whose thinking check is under way (0: none)

    # -- what the caller asks -------------------------------------------------------------------------
    @property
    def ended(self) -> bool:
        """The countdown ran out: the answer is over."""
        return self.phase is Phase.ENDED

    @property
    def silence_s(self) -> float:
        """Seconds of silence since the last speech (0 before anything was said)."""
        return 0.0 if self.phase is Phase.WAITING else (self._position - self._voice_end) / self.sample_rate

    @property
    def seconds_left(self) -> float:
        """Seconds until the answer ends if the silence goes on."""
        return max(0.0, round(self.options.silence_s - self.silence_s, 3))

    def utterance(self) -> tuple[int, int]:
        """Sample span (start, end) of the last stretch of speech, counted from the first sample fed."""
        return self._utterance_start, self._voice_end

    def hold(self, pause: int | None = None) -> Signal | None:
        """The candidate is thinking ("let me think..."): no countdown until they speak again. ``pause``: only if
        it is still that pause (a thinking check that comes back late finds the candidate talking again)."""
        if pause is not None and pause != self.pause:
            return None
        if self.phase not in (Phase.SPEAKING, Phase.COUNTING):
            return None
        reason = "thinking" if pause is not None else "asked"
        self.phase = Phase.HOLDING
        return Signal("held", self.seconds_left, self.pause, reason)

    def checking(self, pause: int) -> None:
        """A thinking check of ``pause`` (what was said just before it) is under way: until :meth:`checked`, the
        silence of that pause cannot end the answer, so a slow check never lets a thinking pause submit."""
        self._checking = pause

    def checked(self, pause: int, *, thinking: bool) -> Signal | None:
        """The thinking check of ``pause`` came back: held when the candidate is thinking; ended when they are not
        and the silence ran out while the check was under way; None otherwise (or when the check is stale)."""
        if pause != self._checking:
            return None
        self._checking = 0
        if pause != self.pause:
            return None
        if thinking:
            return self.hold(pause)
        return self._silence()

    # -- audio ------------------------------------------------------------------------------------------
    def feed(self, samples: Samples) -> list[Signal]:
        """Judge ``samples`` (any length; a partial frame waits for the next block); what changed, in order."""
        if self.ended:
            return []
        audio = np.concatenate([self._rest, np.asarray(samples, dtype=np.float32)])
        levels = frame_levels(audio, self._frame)
        self._rest = audio[len(levels) * self._frame :]
        signals: list[Signal] = []
        for level in levels:
            signal = self._judge(float(level))
            if signal is not None:
                signals.append(signal)
                if signal.kind == "ended":
                    break
        return signals

    def _judge(self, level: float) -> Signal | None:
        loud = level > self._threshold(level)
        self._position += self._frame
        self._run = self._run + 1 if loud else 0
        if self._run * self._frame >= self.options.burst_s * self.sample_rate:
            return self._speech()
        return self._silence()

    def _threshold(self, level: float) -> float:
        """Louder than the room's noise floor by the margin, and never below the quietest speech."""
        self._levels[self._heard % len(self._levels)] = level
        self._heard += 1
        floor = float(np.percentile(self._levels[: self._heard], self.options.floor_percentile))
        return max(floor + self.options.margin_db, self.options.quietest_speech_db)

    def _speech(self) -> Signal | None:
        if self._position - self._voice_end > (self._run * self._frame) + NEW_UTTERANCE_GAP_S * self.sample_rate:
            self._utterance_start = self._position - self._run * self._frame
        # a burst just qualified: its earlier frames count too
        self._spoken += self._frame if self._position - self._voice_end <= self._frame else self._run * self._frame
        self._voice_end = self._position
        was, self.phase = self.phase, Phase.SPEAKING
        if was is Phase.COUNTING:
            return Signal("cancelled", self.options.silence_s, self.pause, "speech")
        return None

    def _silence(self) -> Signal | None:
        if self.phase in (Phase.WAITING, Phase.HOLDING) or self._spoken < self.options.min_speech_s * self.sample_rate:
            return None
        silent = self.silence_s
        if silent >= self.options.silence_s and self._checking != self.pause:
            self.phase = Phase.ENDED
            return Signal("ended", 0.0, self.pause)
        if self.phase is Phase.SPEAKING and silent >= self.options.countdown_after_s:
            self.phase = Phase.COUNTING
            self.pause += 1
            return Signal("countdown", self.seconds_left, self.pause)
        return None


# "let me think", "give me a second", "hold on", "how do I put this" near the end of what was said, or an answer
# left hanging on a filler or a conjunction ("and the second reason is, um...").
_THINKING = re.compile(
    r"\b(let me (think|see|recall|remember)|give me (a|one) (sec|second|moment|minute)|"
    r"(just|one) (a )?(sec|second|moment)|hold on|how (do|should|can) i (put|say|explain) (this|it)|"
    r"i need to think)\b(\W+\w+){0,3}\W*$"
    r"|\b(um+|uh+|hm+|er+m?|mm+|and|but|because)\W*$",
    re.IGNORECASE,
)


def is_thinking(text: str) -> bool:
    """Whether what the candidate said last sounds like they are thinking, not done ("Hmm, let me think.")."""
    return bool(_THINKING.search(text.strip()))
