"""The ``TextToSpeech`` port, its backends by name, and a speaker that caches and never fails the interview."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from interview_lib.registry import Registry

log = logging.getLogger(__name__)


class TextToSpeech(Protocol):
    """Speaks text: returns audio bytes in the format ``extension`` names."""

    name: str
    extension: str

    def synthesize(self, text: str) -> bytes:
        """The spoken ``text``."""
        ...


class Silent:
    """No voice: questions are shown as text only."""

    name = "silent"
    extension = "wav"

    def synthesize(self, text: str) -> bytes:
        """Nothing to say."""
        return b""


TTS = Registry(
    "tts",
    {
        "piper": "interview_lib.speech.tts_piper:create",
        "edge-tts": "interview_lib.speech.tts_edge:create",
        "silent": "interview_lib.speech.tts:create_silent",
    },
)


def create_silent(argument: str | None, **options: Any) -> Silent:
    """Registry factory for ``silent``."""
    return Silent()


def create_tts(spec: str, **options: Any) -> TextToSpeech:
    """The text-to-speech backend named by ``spec``."""
    backend: TextToSpeech = TTS.create(spec, **options)
    return backend


@dataclass(frozen=True)
class Spoken:
    """A spoken question: the audio file (None when there is no voice) and a note when a fallback was used."""

    path: Path | None
    backend: str
    note: str | None = None


class Speaker:
    """Speaks questions through a backend, caching audio by text hash; a failure falls back to text."""

    def __init__(self, backend: TextToSpeech, cache_dir: Path) -> None:
        self.backend = backend
        self.cache_dir = Path(cache_dir)
        self.startup_note: str | None = None  # why the configured voice is not the one in use

    def speak(self, text: str) -> Spoken:
        """Audio for ``text`` from the cache or the backend; never raises."""
        if isinstance(self.backend, Silent):
            return Spoken(None, self.backend.name, self.startup_note)
        digest = hashlib.sha256(f"{self.backend.name}\n{text}".encode()).hexdigest()
        path = self.cache_dir / f"{digest}.{self.backend.extension}"
        if path.exists() and path.stat().st_size > 0:
            return Spoken(path, self.backend.name)
        try:
            audio = self.backend.synthesize(text)
            if not audio:
                raise ValueError("the voice returned no audio")
        except Exception as exc:  # any voice failure: show the question as text instead
            log.warning("text to speech failed with %s: %s", self.backend.name, exc)
            return Spoken(
                None, self.backend.name, f"voice {self.backend.name} unavailable ({exc}): question shown as text"
            )
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(audio)
        partial.replace(path)
        return Spoken(path, self.backend.name)
