"""Transcribe while the candidate is still speaking, so the answer is ready moments after they stop.

Audio arrives in chunks (from a microphone stream). Whenever about 25 s have been buffered (Whisper works on 30 s
windows, so shorter pieces cost as much as a full one), the part up to the last pause is handed to a background
thread for transcription; when the answer ends only the tail is left to transcribe.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from interview_lib.domain.models import Transcript, Word
from interview_lib.speech.audio import SAMPLE_RATE, DecodedAudio
from interview_lib.speech.stt import SpeechToText

_WINDOW = int(0.05 * SAMPLE_RATE)  # 50 ms frames for finding a pause


def last_pause(samples: npt.NDArray[np.float32], search_s: float = 3.0) -> int:
    """Index of the quietest 50 ms frame in the last ``search_s`` seconds (where to cut without splitting a word)."""
    start = max(0, len(samples) - int(search_s * SAMPLE_RATE))
    tail = samples[start:]
    frames = len(tail) // _WINDOW
    if frames == 0:
        return len(samples)
    energy = (tail[: frames * _WINDOW].reshape(frames, _WINDOW) ** 2).mean(axis=1)
    return start + int(np.argmin(energy)) * _WINDOW + _WINDOW // 2


class StreamingTranscriber:
    """Feed chunks while recording, then ``finish()`` for the whole transcript."""

    def __init__(self, stt: SpeechToText, *, chunk_s: float = 25.0) -> None:
        self._stt = stt
        self._chunk = int(chunk_s * SAMPLE_RATE)
        self._buffer: list[npt.NDArray[np.float32]] = []
        self._buffered = 0
        self._offset = 0  # samples already handed off
        self._parts: list[tuple[int, Future[Transcript]]] = []
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stt-stream")

    def feed(self, samples: npt.NDArray[np.float32]) -> None:
        """Add 16 kHz mono samples; transcription of completed stretches starts in the background."""
        self._buffer.append(samples.astype(np.float32, copy=False))
        self._buffered += len(samples)
        if self._buffered >= self._chunk:
            audio = np.concatenate(self._buffer)
            cut = last_pause(audio)
            self._submit(audio[:cut])
            rest = audio[cut:]
            self._buffer, self._buffered = [rest], len(rest)

    def _submit(self, samples: npt.NDArray[np.float32]) -> None:
        if len(samples) == 0:
            return
        audio = DecodedAudio(samples, "stream", truncated=False, original_duration_s=None)
        self._parts.append((self._offset, self._pool.submit(self._stt.transcribe, audio)))
        self._offset += len(samples)

    def finish(self) -> Transcript:
        """Transcribe the tail and join every part (word times shifted to the start of the answer)."""
        if self._buffer:
            self._submit(np.concatenate(self._buffer))
            self._buffer, self._buffered = [], 0
        words: list[Word] = []
        texts: list[str] = []
        backend = None
        for offset, future in self._parts:
            part = future.result()
            backend = part.stt_backend
            shift = offset / SAMPLE_RATE
            words += [
                w.model_copy(update={"start": round(w.start + shift, 3), "end": round(w.end + shift, 3)})
                for w in part.words
            ]
            if part.text:
                texts.append(part.text)
        self._pool.shutdown(wait=False)
        return Transcript(
            text=" ".join(texts),
            source="audio",
            words=words,
            duration_s=round(self._offset / SAMPLE_RATE, 3),
            language="en",
            stt_backend=backend,
        )
