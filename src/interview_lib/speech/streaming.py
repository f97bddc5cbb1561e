"""Transcribe while the candidate is still speaking, so the answer is ready moments after they stop.

Audio arrives in chunks (from a microphone stream). A background thread transcribes the answer piece by piece:
a piece is handed over, cut at the last pause so no word is split, as soon as ``min_chunk_s`` are buffered and
the thread is idle (or ``max_chunk_s`` are buffered, if it is not keeping up), or at once when the caller says the
answer may be ending (:meth:`StreamingTranscriber.cut`, e.g. when a hands-free countdown starts). When the answer
ends only the tail is left to transcribe. Whisper pads every piece to a 30 s window, so one piece costs about a
second on 2 cores however short it is: a short ``min_chunk_s`` keeps the tail short, a long one spends less on
padding.

Each piece is checked for speech (Silero VAD) before it is transcribed: silent stretches cost nothing, and an
answer in which no piece holds speech has no transcript at all.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from interview_lib.domain.models import Transcript, Word
from interview_lib.speech.audio import SAMPLE_RATE, DecodedAudio
from interview_lib.speech.stt import SpeechToText
from interview_lib.speech.vad import has_speech

Samples = npt.NDArray[np.float32]
_WINDOW = int(0.05 * SAMPLE_RATE)  # 50 ms frames for finding a pause


def last_pause(samples: Samples, search_s: float = 1.5) -> int:
    """Index of the quietest 50 ms frame in the last ``search_s`` seconds (where to cut without splitting a word)."""
    start = max(0, len(samples) - int(search_s * SAMPLE_RATE))
    tail = samples[start:]
    frames = len(tail) // _WINDOW
    if frames == 0:
        return len(samples)
    energy = (tail[: frames * _WINDOW].reshape(frames, _WINDOW) ** 2).mean(axis=1)
    return start + int(np.argmin(energy)) * _WINDOW + _WINDOW // 2


class StreamingTranscriber:
    """Feed 16 kHz mono samples while recording, then ``finish()`` for the whole transcript."""

    def __init__(
        self,
        stt: SpeechToText,
        *,
        min_chunk_s: float = 8.0,
        max_chunk_s: float = 25.0,
        speech: Callable[[Samples], bool] = has_speech,
    ) -> None:
        self._stt = stt
        self._speech = speech  # whether a piece holds speech at all (silent pieces are never transcribed)
        self._min = int(min_chunk_s * SAMPLE_RATE)
        self._max = int(max_chunk_s * SAMPLE_RATE)
        self._buffer: list[Samples] = []
        self._buffered = 0
        self._offset = 0  # samples already handed off
        self._parts: list[tuple[int, Future[Transcript | None]]] = []
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stt-stream")

    def feed(self, samples: Samples) -> None:
        """Add samples; a completed stretch starts transcribing in the background."""
        self._buffer.append(samples.astype(np.float32, copy=False))
        self._buffered += len(samples)
        idle = all(future.done() for _, future in self._parts)
        if self._buffered >= self._max or (self._buffered >= self._min and idle):
            audio = np.concatenate(self._buffer)
            cut = last_pause(audio[: self._max])  # never a piece longer than the maximum, however blocks fall
            self._submit(audio[:cut])
            rest = audio[cut:]
            self._buffer, self._buffered = [rest], len(rest)

    def cut(self) -> None:
        """Hand everything buffered to the recogniser now, as one piece: the answer may be ending (a pause long
        enough to start a countdown), so its last words are transcribed before it does. What is fed afterwards
        starts the next piece; nothing is lost or transcribed twice."""
        if self._buffered:
            self._submit(np.concatenate(self._buffer))
        self._buffer, self._buffered = [], 0

    def _submit(self, samples: Samples) -> None:
        if len(samples) == 0:
            return
        self._parts.append((self._offset, self._pool.submit(self._transcribe, samples)))
        self._offset += len(samples)

    def _transcribe(self, samples: Samples) -> Transcript | None:
        if not self._speech(samples):
            return None
        return self._stt.transcribe(DecodedAudio(samples, "stream", truncated=False, original_duration_s=None))

    def cancel(self) -> None:
        """Drop the answer: pieces not yet started are never transcribed."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._buffer, self._buffered = [], 0

    def finish(self) -> Transcript | None:
        """Transcribe the tail and join every part (word times shifted to the start of the answer); None when no
        part held speech. A recogniser error is raised here, after every part has stopped."""
        self.cut()
        self._pool.shutdown(wait=True)
        words: list[Word] = []
        texts: list[str] = []
        backend = None
        for offset, future in self._parts:
            part = future.result()
            if part is None:
                continue
            backend = part.stt_backend
            shift = offset / SAMPLE_RATE
            words += [
                w.model_copy(update={"start": round(w.start + shift, 3), "end": round(w.end + shift, 3)})
                for w in part.words
            ]
            if part.text:
                texts.append(part.text)
        if backend is None:
            return None
        return Transcript(
            text=" ".join(texts),
            source="audio",
            words=words,
            duration_s=round(self._offset / SAMPLE_RATE, 3),
            language="en",
            stt_backend=backend,
        )
