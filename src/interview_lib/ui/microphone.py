"""The microphone widget (ipywebrtc, audio only) — or the reason it is not offered in this front end."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Microphone:
    """A recorder widget and how to read what it recorded (bytes of a webm/opus file)."""

    widget: Any
    recorded: Callable[[], bytes]
    on_recorded: Callable[[Callable[[], None]], None]
    clear: Callable[[], None]  # forget the last recording once it was submitted
    on_recording: Callable[[Callable[[bool], None]], None]  # called with True when recording starts, False at stop


def microphone() -> tuple[Microphone | None, str | None]:
    """The mic widget, or None and why (Databricks notebooks do not render third-party widgets)."""
    if os.environ.get("DATABRICKS_RUNTIME_VERSION"):
        return None, "Databricks notebooks do not render the microphone widget: upload a recording or type."
    try:
        from ipywebrtc import AudioRecorder, CameraStream
    except ImportError:
        return None, "the microphone widget (ipywebrtc) is not installed: upload a recording or type."
    stream = CameraStream(constraints={"audio": True, "video": False})
    recorder = AudioRecorder(stream=stream, format="webm", codecs="opus")

    def on_recorded(callback: Callable[[], None]) -> None:
        recorder.audio.observe(lambda _change: callback(), names="value")

    def clear() -> None:
        recorder.audio.value = b""

    def on_recording(callback: Callable[[bool], None]) -> None:
        recorder.observe(lambda change: callback(bool(change["new"])), names="recording")

    recorded = Microphone(recorder, lambda: bytes(recorder.audio.value or b""), on_recorded, clear, on_recording)
    return recorded, None
