"""Synthetic answers for the hands-free tests: voiced syllables that both the end-of-answer detector and the
voice-activity check take for speech, a quiet room, and a recogniser that says what the test scripts."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from interview_lib.domain.models import Transcript, Word
from interview_lib.speech.audio import SAMPLE_RATE, DecodedAudio

ANSWER = "Delta Lake keeps a transaction log so readers see a consistent snapshot."


def syllables(seconds: float, seed: int = 0) -> np.ndarray:
    """Voiced syllables (a 110-140 Hz voice through vowel formants, 0.22 s each with short gaps): loud enough for
    the end-of-answer detector and voice-like enough for the voice-activity check before transcription."""
    rng = np.random.default_rng(seed)
    vowels = [(700, 1200, 2500), (300, 2300, 3000), (500, 900, 2400)]
    parts = []
    for i in range(round(seconds / 0.3)):
        t = np.arange(int(0.22 * SAMPLE_RATE)) / SAMPLE_RATE
        f0 = 110 + 10 * (i % 4)
        gains = [sum(np.exp(-((((h * f0) - f) / 120.0) ** 2)) for f in vowels[i % 3]) + 0.02 for h in range(1, 30)]
        voiced = sum(g * np.sin(2 * np.pi * h * f0 * t) for h, g in zip(range(1, 30), gains))
        parts += [voiced * np.hanning(len(t)), rng.standard_normal(int(0.08 * SAMPLE_RATE)) * 0.002]
    audio = np.concatenate(parts)
    return (0.1 * audio / np.abs(audio).max()).astype(np.float32)


def quiet(seconds: float, seed: int = 1) -> np.ndarray:
    """A quiet room (about -70 dBFS)."""
    return (np.random.default_rng(seed).standard_normal(int(seconds * SAMPLE_RATE)) * 3e-4).astype(np.float32)


class Recogniser:
    """Says ``saying`` whatever it hears (the test changes it as the candidate goes on), and keeps each clip's
    length: the thinking check's clips and the answer's pieces (these arrive from the background thread that
    transcribes an answer while it is recorded: :meth:`hears` waits for one)."""

    name = "scripted"

    def __init__(self, saying: str) -> None:
        self.saying = saying
        self.heard: list[float] = []
        self._changed = threading.Condition()

    def hears(self, clip: Callable[[float], bool], timeout_s: float = 60.0) -> bool:
        """Whether a clip whose length in seconds satisfies ``clip`` was heard, waiting up to ``timeout_s`` for it."""
        with self._changed:
            return self._changed.wait_for(lambda: any(clip(seconds) for seconds in self.heard), timeout_s)

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        with self._changed:
            self.heard.append(len(audio.samples) / SAMPLE_RATE)
            self._changed.notify_all()
        words = [
            Word(text=t, start=i * 0.4, end=i * 0.4 + 0.3, probability=0.95) for i, t in enumerate(self.saying.split())
        ]
        return Transcript(text=self.saying, source="audio", words=words, stt_backend=self.name)

    def spoken_language(self, audio: DecodedAudio) -> None:
        return None
