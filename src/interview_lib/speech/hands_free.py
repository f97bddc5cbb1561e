"""Hands-free answering for a microphone that hands the kernel or the terminal blocks of audio: the end-of-answer
detector (``speech/end_of_answer.py``) together with its thinking check, and the one line the candidate sees.

The thinking check listens again to the end of what was said before a pause and holds the countdown when it
sounds like "let me think": :func:`thinking_clip` picks that stretch of the answer's audio and :func:`said_thinking`
asks a recogniser about it. :class:`HandsFree` runs both for the notebook room and ``dataready interview --voice``;
the check runs as soon as its countdown shows, before any later audio is judged, so a slow recogniser only delays
the verdict (the detector counts samples, not seconds on a clock) and a thinking pause never ends the answer.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

import numpy as np

from interview_lib.speech.audio import DecodedAudio
from interview_lib.speech.end_of_answer import EndOfAnswer, Listening, Phase, Samples, Signal, is_thinking
from interview_lib.speech.stt import SpeechToText

log = logging.getLogger(__name__)

THINK_CHECK_S = 2.5  # how much of the end of the last utterance a thinking check listens to ("let me think")
CLIP_PAD_S = 0.2  # and a little either side, so the first and last words are whole
STEP_S = 0.1  # a block is judged in pieces this long: a countdown's check starts before later audio is judged
SILENCE_S = Listening().silence_s  # the default silence that ends an answer, the same as the web app's
MIN_SILENCE_S, MAX_SILENCE_S = 1.5, 30.0  # the silence a candidate may choose (the countdown shows after 1 s)

ThinkingCheck = Callable[[Samples], bool]  # the end of the last utterance → whether the candidate is thinking


def thinking_clip(detector: EndOfAnswer, samples: Samples) -> Samples:
    """The end of the last utterance the detector heard (at most ``THINK_CHECK_S``, padded), cut from ``samples``:
    everything fed to the detector so far, from its first sample."""
    start, end = detector.utterance()
    pad = round(CLIP_PAD_S * detector.sample_rate)
    first = max(start, end - round(THINK_CHECK_S * detector.sample_rate)) - pad
    return samples[max(0, first) : end + pad]


def said_thinking(recogniser: SpeechToText, clip: Samples) -> bool:
    """Whether ``clip`` (16 kHz) sounds like the candidate is thinking, not done ("Hmm, let me think.")."""
    audio = DecodedAudio(np.asarray(clip, dtype=np.float32), "stream", truncated=False, original_duration_s=None)
    return is_thinking(recogniser.transcribe(audio).text)


def thinking_check(recogniser: SpeechToText) -> ThinkingCheck:
    """The thinking check that asks ``recogniser``."""
    return lambda clip: said_thinking(recogniser, clip)


def check_silence(silence_s: float) -> float:
    """``silence_s`` when a candidate may choose it.

    Raises:
        ValueError: outside ``MIN_SILENCE_S``..``MAX_SILENCE_S`` (the message names the range).
    """
    if not MIN_SILENCE_S <= silence_s <= MAX_SILENCE_S:
        raise ValueError(f"the silence that ends an answer is {MIN_SILENCE_S:g} to {MAX_SILENCE_S:g} s")
    return silence_s


class HandsFree:
    """One answer, hands-free: :meth:`feed` each block after the answer itself got it; ``on_signal`` (optional)
    hears the countdown start, cancel, hold and end as they happen, and :attr:`ended` says the answer is over.

    ``audio`` returns everything recorded for the answer so far (the thinking check cuts its clip from it);
    ``check`` is the thinking check (None: a pause is never held).
    """

    def __init__(
        self,
        options: Listening,
        audio: Callable[[], Samples],
        check: ThinkingCheck | None,
        on_signal: Callable[[Signal], None] | None = None,
    ) -> None:
        self.detector = EndOfAnswer(options)
        self._audio = audio
        self._check = check
        self._listeners = [on_signal] if on_signal is not None else []
        self._step = round(STEP_S * self.detector.sample_rate)

    @property
    def ended(self) -> bool:
        """The silence ran out: the answer is over."""
        return self.detector.ended

    def feed(self, samples: Samples) -> bool:
        """Judge ``samples`` (16 kHz mono float32, any length); whether the answer has ended."""
        for start in range(0, len(samples), self._step):
            if self.ended:
                break
            for signal in self.detector.feed(samples[start : start + self._step]):
                self._signal(signal)
        return self.ended

    def status(self) -> str:
        """What the candidate should see now: the countdown, that the answer waits while they think, or nothing."""
        return status_line(self.detector.phase, self.detector.seconds_left)

    def observe(self, on_signal: Callable[[Signal], None]) -> None:
        """Call ``on_signal`` too with each signal as it happens (before its thinking check runs)."""
        self._listeners.append(on_signal)

    def _signal(self, signal: Signal) -> None:
        for listener in self._listeners:
            listener(signal)
        if signal.kind == "countdown" and self._check is not None:
            self.detector.checking(signal.pause)  # this pause cannot end the answer before the check says
            verdict = self.detector.checked(signal.pause, thinking=self._thinking())
            if verdict is not None:
                self._signal(verdict)

    def _thinking(self) -> bool:
        clip = thinking_clip(self.detector, self._audio())
        try:
            return self._check(clip) if self._check is not None else False
        except Exception:  # no verdict: the pause counts as a pause, and may end the answer
            log.exception("the thinking check failed")
            return False


def status_line(phase: Phase, seconds_left: float) -> str:
    """The line a hands-free answer shows in ``phase`` with ``seconds_left`` of silence to go."""
    if phase is Phase.COUNTING:
        return f"Answer ends in {max(1, math.ceil(seconds_left))} s — keep talking to continue."
    if phase is Phase.HOLDING:
        return "Take your time: the answer ends after you speak again and stop."
    if phase is Phase.ENDED:
        return "The silence ended the answer."
    return ""
