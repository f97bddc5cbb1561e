"""Is anyone speaking? Silero voice-activity detection (the ONNX model ships inside faster-whisper)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from interview_lib.speech.audio import SAMPLE_RATE

MIN_SPEECH_SECONDS = 0.4
_SILENT_RMS = 1e-4


def speech_seconds(samples: npt.NDArray[np.float32]) -> float:
    """Seconds of detected speech in 16 kHz mono samples."""
    if samples.size == 0 or float(np.sqrt(np.mean(samples**2))) < _SILENT_RMS:
        return 0.0
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    spans = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=500, speech_pad_ms=100))
    return sum(s["end"] - s["start"] for s in spans) / SAMPLE_RATE


def has_speech(samples: npt.NDArray[np.float32]) -> bool:
    """True when there is enough speech to transcribe."""
    return speech_seconds(samples) >= MIN_SPEECH_SECONDS
