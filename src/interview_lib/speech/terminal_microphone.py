"""Record an answer from the microphone in a terminal (``dataready interview --voice``)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from interview_lib.errors import ConfigurationError
from interview_lib.speech.audio import SAMPLE_RATE


def record_until_enter(on_samples: Callable[[npt.NDArray[np.float32]], None]) -> None:
    """Record 16 kHz mono audio until Enter is pressed, handing each block to ``on_samples`` as it arrives
    (so the answer is transcribed while it is spoken).

    Raises:
        ConfigurationError: no audio library or no input device (use --answers-dir or type answers instead).
    """
    try:
        import sounddevice as sd
    except (ImportError, OSError) as exc:
        raise ConfigurationError(
            "recording needs the sounddevice package and PortAudio (pip install sounddevice; apt-get install "
            "libportaudio2), or answer with audio files: dataready interview --answers-dir DIR"
        ) from exc
    try:
        sd.check_input_settings(channels=1, samplerate=SAMPLE_RATE)
    except Exception as exc:
        raise ConfigurationError(f"no usable microphone ({exc}): use --answers-dir or type your answers") from exc

    def block(data: npt.NDArray[np.float32], *_: object) -> None:
        on_samples(data[:, 0].copy())

    with sd.InputStream(samplerate=SAMPLE_RATE, channels=1, dtype="float32", callback=block):
        print("● recording — press Enter to stop", file=sys.stderr)
        sys.stdin.readline()
