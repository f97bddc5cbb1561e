"""Record an answer from the microphone in a terminal (``dataready interview --voice``)."""

from __future__ import annotations

import io
import sys
import wave

from interview_lib.errors import ConfigurationError

RATE = 16_000


def record_until_enter() -> bytes:
    """Record mono 16 kHz audio until Enter is pressed; return it as WAV bytes.

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
        sd.check_input_settings(channels=1, samplerate=RATE)
    except Exception as exc:
        raise ConfigurationError(f"no usable microphone ({exc}): use --answers-dir or type your answers") from exc
    frames: list[bytes] = []
    with sd.RawInputStream(samplerate=RATE, channels=1, dtype="int16", callback=lambda d, *_: frames.append(bytes(d))):
        print("● recording — press Enter to stop", file=sys.stderr)
        sys.stdin.readline()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(frames))
    return buffer.getvalue()
