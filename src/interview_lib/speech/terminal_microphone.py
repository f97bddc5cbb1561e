"""Record an answer from the microphone in a terminal (``dataready interview --voice``): until Enter is pressed,
or, hands-free, until a silence ends it (``speech/hands_free.py``), with the countdown on one line.

The keyboard and the microphone write into one queue (a thread reads the lines typed, PortAudio's thread hands
over the blocks recorded) and the caller's thread takes from it in order, so Enter and the end of a silence both
stop a recording at once, and the answer is fed on the caller's thread, never on PortAudio's.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Literal, TextIO

import numpy as np

from interview_lib.errors import ConfigurationError
from interview_lib.speech.audio import SAMPLE_RATE
from interview_lib.speech.end_of_answer import Samples
from interview_lib.speech.hands_free import HandsFree

BLOCK_S = 0.1  # the microphone hands over a block this long at a time

AudioSource = Callable[[Callable[[Samples], None]], AbstractContextManager[object]]
"""Opens the input: while the context is open, each block recorded goes to the callback (from any thread)."""

Stopped = Literal["enter", "silence"]


def microphone(on_block: Callable[[Samples], None]) -> AbstractContextManager[object]:
    """The default input device at 16 kHz mono: each block of float32 samples goes to ``on_block``.

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

    def block(data: np.ndarray, *_: object) -> None:
        on_block(data[:, 0].copy())

    stream: AbstractContextManager[object] = sd.InputStream(
        samplerate=SAMPLE_RATE, channels=1, dtype="float32", blocksize=round(BLOCK_S * SAMPLE_RATE), callback=block
    )
    return stream


class TerminalInput:
    """What the candidate types and what the microphone records, in the order they came."""

    def __init__(self, stdin: TextIO) -> None:
        self._queue: queue.Queue[str | Samples | None] = queue.Queue()  # a line, a block, or None: no more input
        self._closed = False
        threading.Thread(target=self._read, args=(stdin,), name="terminal-keys", daemon=True).start()

    def _read(self, stdin: TextIO) -> None:
        for line in iter(stdin.readline, ""):
            self._queue.put(line)
        self._queue.put(None)

    def audio(self, block: Samples) -> None:
        """A block the microphone recorded (from the audio thread)."""
        self._queue.put(block)

    def line(self) -> str | None:
        """The next line typed (without its newline); None once the input has ended. Blocks recorded after a
        recording stopped are dropped."""
        while not self._closed:
            item = self._queue.get()
            if item is None:
                self._closed = True
            elif isinstance(item, str):
                return item.rstrip("\n")
        return None

    def record(
        self,
        on_samples: Callable[[Samples], None],
        source: AudioSource = microphone,
        hands_free: HandsFree | None = None,
        out: TextIO | None = None,
    ) -> Stopped:
        """Record from ``source`` until Enter (or the end of the input), or until ``hands_free`` says a silence
        ended the answer; each block goes to ``on_samples`` first. Which of the two stopped it. ``out``: where the
        countdown shows (standard error)."""
        how = "press Enter or stay silent to stop" if hands_free is not None else "press Enter to stop"
        out = out or sys.stderr  # looked up now: whatever stderr is at the time
        with source(self.audio):
            print(f"● recording — {how}", file=out, flush=True)
            stopped = self._until_stopped(on_samples, hands_free, out)
        return stopped

    def _until_stopped(
        self, on_samples: Callable[[Samples], None], hands_free: HandsFree | None, out: TextIO
    ) -> Stopped:
        shown = Countdown(out)
        if hands_free is not None:
            hands_free.observe(lambda _signal: shown.show(hands_free.status()))  # before a thinking check runs
        while not self._closed:
            item = self._queue.get()
            if item is None:
                self._closed = True
            elif isinstance(item, str):
                break
            else:
                on_samples(item)
                if hands_free is not None:
                    ended = hands_free.feed(item)
                    shown.show(hands_free.status())
                    if ended:
                        shown.done()
                        return "silence"
        shown.done()
        return "enter"


class Countdown:
    """One line that rewrites itself (carriage return) as the countdown runs."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._line = ""

    def show(self, line: str) -> None:
        """Show ``line`` in place of the last one (nothing when it has not changed)."""
        if line != self._line:
            back = "" if line else "\r"  # an empty line leaves the cursor at its start, for whatever comes next
            print("\r" + line.ljust(len(self._line)) + back, end="", file=self._out, flush=True)
            self._line = line

    def done(self) -> None:
        """End the line, if one was shown."""
        if self._line:
            print(file=self._out, flush=True)
        self._line = ""
