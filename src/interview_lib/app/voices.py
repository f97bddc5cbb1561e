"""The recogniser and the interviewer's voice, loaded once per server and shared by every session, and the
per-session view of the recogniser that reports each piece of a live answer as it is transcribed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from interview_lib.domain.models import Transcript
from interview_lib.settings import Settings
from interview_lib.speech.audio import DecodedAudio
from interview_lib.speech.language import SpokenLanguage
from interview_lib.speech.stt import SpeechToText
from interview_lib.speech.tts import Speaker
from interview_lib.wiring import open_speaker, open_stt


class Voices:
    """Loads the settings' recogniser and voice on first use; synthesis is one at a time (cached by text)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stt: SpeechToText | None = None
        self._speaker: Speaker | None = None
        self._loading = threading.Lock()
        self._speaking = threading.Lock()

    def recogniser(self) -> SpeechToText:
        """The shared speech-to-text backend (a faster-whisper model serves concurrent calls)."""
        with self._loading:
            if self._stt is None:
                self._stt = open_stt(self.settings)
            return self._stt

    def speak(self, text: str) -> tuple[Path | None, str | None]:
        """The question spoken: a WAV path (None without a voice) and a note when the voice failed."""
        with self._speaking:
            if self._speaker is None:
                self._speaker = open_speaker(self.settings)
            spoken = self._speaker.speak(text)
        return spoken.path, spoken.note


class ObservedSpeech:
    """The shared recogniser as one session sees it: while an answer is live, every piece it transcribes is
    reported (joined so far) to ``on_text``, so the candidate sees what was heard while still speaking."""

    def __init__(self, backend: SpeechToText, on_text: Callable[[str], None]) -> None:
        self.name = backend.name
        self._backend = backend
        self._on_text = on_text
        self._pieces: list[str] | None = None
        self._lock = threading.Lock()

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """Transcribe with the shared backend; report the text so far when an answer is live."""
        transcript = self._backend.transcribe(audio)
        with self._lock:
            pieces = self._pieces
            if pieces is not None and transcript.text.strip():
                pieces.append(transcript.text.strip())
                self._on_text(" ".join(pieces))
        return transcript

    def spoken_language(self, audio: DecodedAudio) -> SpokenLanguage | None:
        """The shared backend's language detection."""
        return self._backend.spoken_language(audio)

    def collect(self) -> None:
        """A live answer starts: report its pieces from now on."""
        with self._lock:
            self._pieces = []

    def stop(self) -> None:
        """The live answer is over."""
        with self._lock:
            self._pieces = None
