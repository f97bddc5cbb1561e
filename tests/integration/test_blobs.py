"""Content-addressed storage of audio: same bytes, one file; tables keep only the reference."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from interview_lib.errors import InterviewLibError
from interview_lib.store.blobs import BlobStore


def test_same_bytes_are_stored_once_under_their_hash(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    first = blobs.put(b"RIFF....WAVE", "wav")
    second = blobs.put(b"RIFF....WAVE", ".WAV")
    assert first == second
    assert first.sha256 == hashlib.sha256(b"RIFF....WAVE").hexdigest()
    assert first.path.name == f"{first.sha256}.wav"
    assert [p.name for p in tmp_path.iterdir()] == [first.path.name]
    assert blobs.get(first.path, first.sha256) == b"RIFF....WAVE"


def test_a_damaged_blob_is_detected(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    ref = blobs.put(b"original", "webm")
    ref.path.write_bytes(b"tampered")
    with pytest.raises(InterviewLibError, match="does not match"):
        blobs.get(ref.path, ref.sha256)


def test_odd_extensions_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InterviewLibError):
        BlobStore(tmp_path).put(b"x", "../../etc")
