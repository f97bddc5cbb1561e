"""Edge-TTS (Microsoft's online voices), as in the reference design. Needs network; offline it fails fast."""

from __future__ import annotations

import asyncio
from typing import Any


class EdgeSpeech:
    """MP3 audio from the Edge read-aloud service."""

    extension = "mp3"

    def __init__(self, voice: str = "en-US-GuyNeural") -> None:
        self.name = f"edge-tts:{voice}"
        self.voice = voice

    def synthesize(self, text: str) -> bytes:
        """Stream the audio into memory (never a file that could be left empty)."""
        return asyncio.run(self._collect(text))

    async def _collect(self, text: str) -> bytes:
        import edge_tts

        chunks = []
        async for message in edge_tts.Communicate(text, self.voice).stream():
            if message["type"] == "audio":
                chunks.append(message["data"])
        return b"".join(chunks)


def create(argument: str | None, **options: Any) -> EdgeSpeech:
    """Registry factory: ``edge-tts`` or ``edge-tts:<voice name>``."""
    return EdgeSpeech(argument or "en-US-GuyNeural")
