"""``dataready interview --voice`` in a terminal: the microphone is a scripted source of blocks and the keyboard a
pipe, so a recording ends when its silence runs out (the countdown on one line) or when Enter is pressed."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import pytest

from interview_lib.cli import _answer_aloud, build_parser
from interview_lib.domain.models import InterviewSetup
from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score
from interview_lib.session.intake import AnswerIntake
from interview_lib.session.interview import Interview
from interview_lib.settings import Settings
from interview_lib.speech.audio import SAMPLE_RATE
from interview_lib.speech.end_of_answer import Listening, Samples
from interview_lib.speech.hands_free import HandsFree
from interview_lib.speech.terminal_microphone import BLOCK_S, TerminalInput

from .speech_like import ANSWER, Recogniser, quiet, syllables

BLOCK = round(BLOCK_S * SAMPLE_RATE)


class Keyboard:
    """The terminal's keyboard: a pipe the candidate types into, read by :class:`TerminalInput`."""

    def __init__(self) -> None:
        reading, writing = os.pipe()
        self.stdin: TextIO = os.fdopen(reading, "r")
        self._keys = os.fdopen(writing, "w")

    def types(self, line: str) -> None:
        self._keys.write(line + "\n")
        self._keys.flush()

    def close(self) -> None:
        self._keys.close()


@pytest.fixture
def keyboard() -> Iterator[Keyboard]:
    keys = Keyboard()
    yield keys
    if not keys._keys.closed:
        keys.close()  # the reading thread sees the end of the input and stops


@dataclass
class Take:
    """What the microphone records while one recording is open, and what the candidate types around it."""

    audio: Samples
    then_types: str | None = None  # typed after the audio (while recording: "" presses Enter)
    on_close_types: str | None = None  # typed once the recording has stopped (the next prompt's answer)


class Microphone:
    """A source of blocks, as the sounddevice stream would hand them over from its own thread."""

    def __init__(self, keyboard: Keyboard, takes: list[Take]) -> None:
        self.keyboard = keyboard
        self.takes = takes
        self.opened = 0

    @contextmanager
    def __call__(self, on_block: Callable[[Samples], None]) -> Iterator[None]:
        take = self.takes[self.opened]
        self.opened += 1
        closed = threading.Event()

        def record() -> None:
            for start in range(0, len(take.audio), BLOCK):
                if closed.is_set():
                    return
                on_block(take.audio[start : start + BLOCK])
            if take.then_types is not None:
                self.keyboard.types(take.then_types)

        thread = threading.Thread(target=record)
        thread.start()
        try:
            yield
        finally:
            closed.set()
            thread.join()
            if take.on_close_types is not None:
                self.keyboard.types(take.on_close_types)


def _hands_free(
    fed: list[Samples], silence_s: float = 4.0, check: Callable[[Samples], bool] | None = None
) -> HandsFree:
    return HandsFree(Listening(silence_s=silence_s), lambda: np.concatenate(fed), check)


def test_a_recording_ends_when_its_silence_runs_out_with_the_countdown_on_one_line(keyboard: Keyboard) -> None:
    terminal = TerminalInput(keyboard.stdin)
    speech = syllables(2.0)
    microphone = Microphone(keyboard, [Take(np.concatenate([speech, quiet(20.0)]))])
    fed: list[Samples] = []
    out = io.StringIO()
    stopped = terminal.record(fed.append, microphone, _hands_free(fed), out)
    assert stopped == "silence"
    heard_s = sum(len(block) for block in fed) / SAMPLE_RATE
    spoken_s = len(speech) / SAMPLE_RATE
    assert spoken_s + 4.0 - 0.1 <= heard_s <= spoken_s + 4.0 + 0.2  # it stopped as the silence ran out
    shown = out.getvalue()
    assert "press Enter or stay silent to stop" in shown
    assert "\rAnswer ends in 3 s — keep talking to continue." in shown
    assert "\rAnswer ends in 1 s" in shown and shown.rstrip(" \n").endswith("\rThe silence ended the answer.")
    assert shown.count("\n") == 2  # the recording line, then the countdown rewritten in place on one line


def test_enter_ends_a_recording_during_speech_and_while_hands_free_is_off(keyboard: Keyboard) -> None:
    terminal = TerminalInput(keyboard.stdin)
    talk = syllables(3.0)
    long_silence = np.concatenate([syllables(2.0), quiet(10.0)])
    microphone = Microphone(keyboard, [Take(talk, then_types=""), Take(long_silence, then_types="")])
    fed: list[Samples] = []
    out = io.StringIO()
    assert terminal.record(fed.append, microphone, _hands_free(fed), out) == "enter"
    assert sum(len(block) for block in fed) == len(talk)  # every block recorded before Enter, none after
    fed.clear()
    assert terminal.record(fed.append, microphone, None, out) == "enter"  # --no-hands-free: silence ends nothing
    assert sum(len(block) for block in fed) == len(long_silence)
    assert "Answer ends in" not in out.getvalue() and "press Enter to stop" in out.getvalue()


def test_speech_cancels_the_countdown_and_a_thinking_pause_is_held(keyboard: Keyboard) -> None:
    terminal = TerminalInput(keyboard.stdin)
    audio = np.concatenate([syllables(2.0), quiet(2.5), syllables(1.0), quiet(10.0)])
    microphone = Microphone(keyboard, [Take(audio, then_types="")])
    fed: list[Samples] = []
    out = io.StringIO()
    verdicts = iter([False, True])  # what the thinking check hears: an answer, then "let me think"
    checks: list[int] = []

    def thinking(clip: Samples) -> bool:
        checks.append(len(clip))
        return next(verdicts)

    assert terminal.record(fed.append, microphone, _hands_free(fed, check=thinking), out) == "enter"
    shown = out.getvalue()
    assert len(checks) == 2 and all(length <= (2.5 + 0.4) * SAMPLE_RATE for length in checks)
    assert shown.count("\rAnswer ends in 3 s") == 2  # shown, cancelled by speech, shown again...
    assert "\rAnswer ends in 2 s" in shown  # ...the first ran on: that pause was not thinking
    assert shown.rstrip().endswith("Take your time: the answer ends after you speak again and stop.")
    assert sum(len(block) for block in fed) == len(audio)  # ...and the second was held: only Enter ended it


def test_the_end_of_the_input_ends_a_recording(keyboard: Keyboard) -> None:
    terminal = TerminalInput(keyboard.stdin)
    microphone = Microphone(keyboard, [Take(syllables(1.0))])
    keyboard.close()
    assert terminal.record(lambda _b: None, microphone, None, io.StringIO()) == "enter"
    assert terminal.line() is None


def test_an_interview_answered_aloud_ends_one_answer_on_silence_and_the_next_on_enter(
    keyboard: Keyboard, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = InterviewSetup(candidate_id="voice", core_questions=2, max_follow_ups=0, seed=1)
    reasoner = ScriptedReasoner(judge=fixed_score(6.0))
    recogniser = Recogniser(ANSWER)
    interview = Interview.start(setup, reasoner, intake=AnswerIntake(recogniser))  # type: ignore[arg-type]
    speech = syllables(2.0)
    first = Take(np.concatenate([speech, quiet(20.0)]), on_close_types="")  # ends on silence; Enter: next
    second = Take(syllables(2.0), then_types="", on_close_types=":end")  # Enter ends it, then :end
    microphone = Microphone(keyboard, [first, second])
    keyboard.types("")  # Enter: start recording the first answer
    settings = Settings(home=tmp_path, tts="silent")
    assert _answer_aloud(interview, settings, TerminalInput(keyboard.stdin), microphone, Listening(silence_s=4.0)) == 0
    assert microphone.opened == 2
    turns = interview.session.turns
    first_s = turns[0].transcript.duration_s if turns[0].transcript else None
    assert first_s == pytest.approx(len(speech) / SAMPLE_RATE + 4.0, abs=0.2)  # ended by its silence, not at 22 s
    assert turns[1].transcript is not None and turns[1].transcript.duration_s == pytest.approx(
        len(second.audio) / 16000
    )
    assert [turn.evaluation.overall for turn in turns if turn.evaluation] == [6.0, 6.0]
    # the first answer's countdown handed what was said until then (2 s of speech, 1 s of pause) to the recogniser
    assert any(abs(seconds - (len(speech) / SAMPLE_RATE + 1.0)) <= 0.2 for seconds in recogniser.heard)
    printed = capsys.readouterr()
    assert printed.out.count(f"A: {ANSWER}") == 2 and "Enter again or 4 s of silence to stop" in printed.out
    assert "The silence ended the answer." in printed.err


def test_the_voice_options_default_to_hands_free_after_four_seconds() -> None:
    parser = build_parser()
    assert (parser.parse_args(["interview", "--voice"]).silence, parser.parse_args(["interview"]).hands_free) == (
        4.0,
        True,
    )
    chosen = parser.parse_args(["interview", "--voice", "--silence", "6.5", "--no-hands-free"])
    assert chosen.silence == 6.5 and chosen.hands_free is False
    with pytest.raises(SystemExit):
        parser.parse_args(["interview", "--voice", "--silence", "0.5"])
