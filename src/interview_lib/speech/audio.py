"""Decode any recording (wav, webm/opus, ogg, mp3, m4a/aac, flac) to 16 kHz mono float32, with checks.

Decoding uses PyAV (it ships its own FFmpeg libraries, so no system ffmpeg is needed). A recording longer
than the limit is truncated explicitly: the result says so, and the report mentions it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from interview_lib.errors import AudioError

SAMPLE_RATE = 16_000
DEFAULT_MAX_SECONDS = 600.0
SUPPORTED = "wav, webm/opus, ogg, mp3, m4a/aac or flac"


@dataclass(frozen=True)
class DecodedAudio:
    """Mono float32 samples at 16 kHz and what is known about where they came from."""

    samples: npt.NDArray[np.float32]
    container: str
    truncated: bool
    original_duration_s: float | None

    @property
    def duration_s(self) -> float:
        """Length of the decoded (possibly truncated) audio in seconds."""
        return len(self.samples) / SAMPLE_RATE


def read_bytes(source: bytes | str | Path) -> bytes:
    """The bytes of a recording given as bytes or a path."""
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    path = Path(source)
    if not path.is_file():
        raise AudioError(f"no audio file at {path}: check the path")
    return path.read_bytes()


def decode(data: bytes, *, max_seconds: float = DEFAULT_MAX_SECONDS) -> DecodedAudio:
    """Decode ``data`` to 16 kHz mono float32, stopping at ``max_seconds``.

    Raises:
        AudioError: the input is empty, not audio, or damaged beyond decoding.
    """
    if not data:
        raise AudioError(f"the recording is empty (0 bytes): record your answer again or upload a {SUPPORTED} file")
    import av

    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            name = container.format.name
            streams = container.streams.audio
            if not streams:
                raise AudioError(f"the file ({name}) has no audio track: upload a {SUPPORTED} recording")
            stream = streams[0]
            original = float(container.duration / av.time_base) if container.duration else None
            samples, truncated = _read(container, stream, max_seconds)
    except AudioError:
        raise
    except (av.error.FFmpegError, ValueError, EOFError) as exc:
        raise AudioError(
            f"could not decode the audio ({_guess(data)}): {exc}. Record again or upload a {SUPPORTED} file"
        ) from exc
    if samples.size == 0:
        raise AudioError(f"the recording ({name}) holds no audio samples: record again or upload another file")
    return DecodedAudio(samples, name, truncated, original)


def _read(container: object, stream: object, max_seconds: float) -> tuple[npt.NDArray[np.float32], bool]:
    import av

    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    limit = int(max_seconds * SAMPLE_RATE)
    chunks: list[npt.NDArray[np.float32]] = []
    total = 0
    try:
        for frame in container.decode(stream):  # type: ignore[attr-defined]
            for out in resampler.resample(frame):
                chunk = out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                chunks.append(chunk)
                total += len(chunk)
            if total >= limit:
                return np.concatenate(chunks)[:limit], True
    except (av.error.FFmpegError, ValueError, EOFError):
        if not chunks:  # nothing decodable at all: the caller reports it
            raise
        return np.concatenate(chunks), True  # damaged further in: keep what was recorded, marked as cut
    for out in resampler.resample(None):
        chunks.append(out.to_ndarray().reshape(-1).astype(np.float32, copy=False))
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    return samples[:limit], len(samples) > limit


def _guess(data: bytes) -> str:
    magic = {b"RIFF": "wav", b"OggS": "ogg", b"fLaC": "flac", b"\x1aE\xdf\xa3": "webm/matroska", b"ID3": "mp3"}
    for prefix, name in magic.items():
        if data.startswith(prefix):
            return f"looks like {name}"
    if data[4:8] == b"ftyp":
        return "looks like m4a/mp4"
    return "unknown format"


def to_wav(audio: DecodedAudio) -> bytes:
    """The decoded audio as a 16 kHz mono 16-bit WAV (what transcription servers accept)."""
    import wave

    pcm = (np.clip(audio.samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm)
    return buffer.getvalue()
