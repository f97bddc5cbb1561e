"""Answer intake: typed text, a recording or live audio → a transcript with its delivery and stored audio, or the
reason the candidate has to answer again."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from interview_lib.domain import delivery
from interview_lib.domain.models import Transcript
from interview_lib.errors import AudioError, ConfigurationError, InterviewLibError
from interview_lib.speech import language
from interview_lib.speech.audio import DEFAULT_MAX_SECONDS, SAMPLE_RATE, DecodedAudio, decode, read_bytes, to_wav
from interview_lib.speech.streaming import Samples, StreamingTranscriber
from interview_lib.speech.stt import SpeechToText
from interview_lib.speech.vad import has_speech
from interview_lib.store.blobs import BlobStore

Timer = Callable[[], float]
Outcome = TypeVar("Outcome")
NO_SPEECH = "No speech detected: answer again (check the microphone), or skip."


@dataclass(frozen=True)
class Heard:
    """What came of an answer: a transcript to score, or (``transcript`` None) why to answer again."""

    transcript: Transcript | None
    retry: str = ""
    delivery: dict[str, float] | None = None
    turn_notes: tuple[str, ...] = ()  # about this answer (e.g. cut at the length limit)
    session_notes: tuple[str, ...] = ()  # for the report (e.g. an answer in another language)


class LiveAnswer(Generic[Outcome]):
    """An answer transcribed while it is spoken: :meth:`feed` audio as it is recorded, :meth:`finish` when the
    candidate stops. Only the last few seconds are left to transcribe then (see ``speech/streaming.py``)."""

    def __init__(self, stt: SpeechToText, max_seconds: float, submit: Callable[[LiveAnswer[Outcome]], Outcome]) -> None:
        self._stream = StreamingTranscriber(stt)
        self._chunks: list[Samples] = []
        self._room = int(max_seconds * SAMPLE_RATE)
        self._submit = submit
        self.truncated = False

    def feed(self, samples: Samples) -> None:
        """Add 16 kHz mono float32 samples; past the length limit the rest is dropped (and the report says so)."""
        if len(samples) > self._room:
            samples, self.truncated = samples[: self._room], True
        if len(samples):
            self._room -= len(samples)
            self._chunks.append(samples)
            self._stream.feed(samples)

    def cut(self) -> None:
        """The answer may be ending (a hands-free countdown started): transcribe what was fed so far now, so that
        only what follows is left when it ends."""
        self._stream.cut()

    def audio(self) -> DecodedAudio:
        """Everything fed so far."""
        samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.float32)
        return DecodedAudio(samples, "wav", truncated=self.truncated, original_duration_s=None)

    def transcript(self) -> Transcript | None:
        """The joined transcript once the tail is transcribed; None when nothing was said."""
        return self._stream.finish()

    def finish(self) -> Outcome:
        """The candidate stopped: hand the answer to the interview (``Interview.answer_live``), which scores it."""
        return self._submit(self)

    def cancel(self) -> None:
        """Abandon this answer (the question was skipped or the interview ended while recording)."""
        self._stream.cancel()


def _duration(seconds: float) -> str:
    """``90`` → "1.5 min", ``15`` → "15 s"."""
    return f"{seconds:g} s" if seconds < 60 else f"{seconds / 60:g} min"


def _extension(container: str) -> str:
    """A file extension for a PyAV container name ("matroska,webm" → webm, "mov,mp4,m4a,..." → m4a)."""
    names = container.split(",")
    for preferred in ("webm", "m4a", "wav", "ogg", "mp3", "flac"):
        if preferred in names:
            return preferred
    return names[0][:8] or "bin"


class AnswerIntake:
    """Turns what the candidate gave into a :class:`Heard`; keeps spoken answers' audio in the blob store."""

    def __init__(
        self,
        stt: SpeechToText | None = None,
        blobs: BlobStore | None = None,
        *,
        max_audio_seconds: float = DEFAULT_MAX_SECONDS,
        timer: Timer = time.perf_counter,
    ) -> None:
        self.stt = stt
        self.blobs = blobs
        self.max_audio_seconds = max_audio_seconds
        self._timer = timer

    def require_stt(self) -> SpeechToText:
        """The speech-to-text backend.

        Raises:
            ConfigurationError: the interview was started without one.
        """
        if self.stt is None:
            raise ConfigurationError("this interview has no speech-to-text backend: start it with stt=create_stt(...)")
        return self.stt

    @staticmethod
    def typed(transcript: Transcript) -> Heard:
        """A typed answer (or a transcript made elsewhere)."""
        if not transcript.text.strip():
            return Heard(None, "No answer heard: answer again, or skip.")
        return Heard(transcript)

    def recording(self, source: bytes | str | Path, ended: float) -> Heard:
        """A whole recording: decode → check for speech → transcribe. ``ended``: timer value when it ended."""
        stt = self.require_stt()
        try:
            data = read_bytes(source)
            audio = decode(data, max_seconds=self.max_audio_seconds)
        except AudioError as exc:
            return Heard(None, str(exc))
        if not has_speech(audio.samples):
            return Heard(None, NO_SPEECH)
        return self._spoken(lambda: stt.transcribe(audio), audio, (data, _extension(audio.container)), ended)

    def listener(self, submit: Callable[[LiveAnswer[Outcome]], Outcome]) -> LiveAnswer[Outcome]:
        """A live answer that ``submit`` scores when it finishes."""
        return LiveAnswer(self.require_stt(), self.max_audio_seconds, submit)

    def live(self, answer: LiveAnswer[Outcome], ended: float) -> Heard:
        """A live answer whose candidate stopped: only its tail is left to transcribe."""
        audio = answer.audio()
        return self._spoken(answer.transcript, audio, (to_wav(audio), "wav"), ended)

    def _spoken(
        self,
        transcribe: Callable[[], Transcript | None],
        audio: DecodedAudio,
        recording: tuple[bytes, str],
        ended: float,
    ) -> Heard:
        try:
            transcript = transcribe()
        except InterviewLibError as exc:  # a remote recogniser failed: nothing is lost, the candidate tries again
            return Heard(None, f"Speech recognition failed ({exc}): answer again, or type your answer.")
        if transcript is None:
            return Heard(None, NO_SPEECH)
        notes: tuple[str, ...] = ()
        if language.needs_check(transcript):
            foreign, note = self._foreign_language(audio)
            if foreign:
                note = f"an answer in {foreign} was not scored: the candidate was asked to answer in English"
                return Heard(None, language.answer_in_english(foreign), session_notes=(note,))
            notes = (note,) if note else ()
        return self._measured(transcript, recording, ended, audio.truncated, notes)

    def _foreign_language(self, audio: DecodedAudio) -> tuple[str | None, str]:
        """The language of a doubtful answer when it is clearly not English, or a note why it was not checked."""
        try:
            return language.foreign_language(self.require_stt().spoken_language(audio)), ""
        except InterviewLibError as exc:  # no detector here: score what was heard, as before
            return None, f"the answer's language could not be checked ({exc})"

    def _measured(
        self,
        transcript: Transcript,
        recording: tuple[bytes, str],
        ended: float,
        truncated: bool,
        session_notes: tuple[str, ...],
    ) -> Heard:
        if not transcript.text.strip():
            retry = "No words could be recognised: answer again, or type your answer."
            return Heard(None, retry, session_notes=session_notes)
        if self.blobs is not None:
            ref = self.blobs.put(*recording)
            transcript = transcript.model_copy(update={"audio_ref": str(ref.path), "audio_sha256": ref.sha256})
        measured = delivery.measure(transcript)
        measured["processing_s"] = round(self._timer() - ended, 3)
        limit = _duration(self.max_audio_seconds)
        cut = (f"the recording was longer than {limit}: only the first {limit} were scored",) if truncated else ()
        return Heard(transcript, delivery=measured, turn_notes=cut, session_notes=session_notes)
