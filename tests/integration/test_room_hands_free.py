"""The notebook room's hands-free answer, driven by the messages the browser's microphone sends: speech-like
syllables, then the room's quiet, in half-second blocks as the widget streams them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from interview_lib.domain.models import InterviewSetup
from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score
from interview_lib.session.intake import AnswerIntake
from interview_lib.session.interview import Interview
from interview_lib.speech.audio import SAMPLE_RATE
from interview_lib.speech.tts import Silent, Speaker
from interview_lib.ui.browser_microphone import StreamingMicrophone
from interview_lib.ui.views import RoomView

from .speech_like import ANSWER, Recogniser, quiet, syllables

BLOCK = SAMPLE_RATE // 2  # the widget sends half a second per message


class Browser(StreamingMicrophone):
    """The microphone widget as its browser side drives it: the messages it sends, and what the kernel told it."""

    def __init__(self) -> None:
        super().__init__()
        self.told: list[dict[str, Any]] = []

    def send(self, content: dict[str, Any], buffers: Any = None) -> None:  # type: ignore[override]
        self.told.append(content)

    def says(self, kind: str, samples: np.ndarray | None = None) -> None:
        buffers = [] if samples is None else [samples.astype(np.float32).tobytes()]
        self._message(self, {"kind": kind}, buffers)

    def streams(self, audio: np.ndarray, until: Any = None) -> float | None:
        """Send ``audio`` block by block; the seconds sent when ``until()`` first held (None: it never did)."""
        for start in range(0, len(audio), BLOCK):
            self.says("audio", audio[start : start + BLOCK])
            if until is not None and until():
                return (start + BLOCK) / SAMPLE_RATE
        return None


class Room:
    """A room with the browser's microphone, and every line its countdown showed."""

    def __init__(self, tmp_path: Path, recogniser: Recogniser) -> None:
        setup = InterviewSetup(candidate_id="mic", core_questions=2, max_follow_ups=0, seed=1)
        reasoner = ScriptedReasoner(judge=fixed_score(6.0))
        interview = Interview.start(setup, reasoner, intake=AnswerIntake(recogniser))  # type: ignore[arg-type]
        self.mic = Browser()
        self.view = RoomView(interview, Speaker(Silent(), tmp_path), self.mic, None, lambda _r: None)
        self.shown: list[str] = []
        self.view.hands_free.countdown.observe(lambda change: self.shown.append(change["new"]), names="value")

    def submitted(self) -> bool:
        return self.view.interview.session.turns[0].evaluation is not None

    def told_to_stop(self) -> bool:
        return {"kind": "stop"} in self.mic.told


def test_hands_free_is_on_by_default_with_the_web_apps_silence(tmp_path: Path) -> None:
    room = Room(tmp_path, Recogniser(ANSWER))
    assert room.view.hands_free.enabled.value is True and room.view.hands_free.silence.value == 4.0
    assert room.view.hands_free.widget in room.view.widget.children


@pytest.mark.parametrize("silence_s", [4.0, 2.0])
def test_a_silence_after_speech_shows_a_countdown_then_submits_the_answer_and_stops_the_browser(
    tmp_path: Path, silence_s: float
) -> None:
    room = Room(tmp_path, Recogniser(ANSWER))
    room.view.hands_free.silence.value = silence_s
    first = room.view.question.value
    room.mic.says("start")
    assert room.mic.streams(syllables(3.0), until=room.submitted) is None
    assert room.shown == [] and not room.told_to_stop()
    after = room.mic.streams(quiet(silence_s + 3), until=room.submitted)
    assert after is not None and silence_s <= after <= silence_s + 0.5  # one block after the silence ran out
    countdown = [line for line in room.shown if "Answer ends in" in line]
    assert countdown and "keep talking to continue" in countdown[0]
    assert f"Answer ends in {int(silence_s) - 1} s" in " ".join(countdown)
    assert room.told_to_stop()
    assert "Score <b>6.0</b>" in room.view.feedback.value and "transaction log" in room.view.feedback.value
    assert room.view.question.value != first and "Question 2 of 2" in room.view.progress.value
    assert room.view.hands_free.countdown.value == ""
    # the browser stops as told: its last block and its "stop" answer nothing
    room.mic.says("audio", quiet(0.2))
    room.mic.says("stop")
    assert len(room.view.interview.session.turns) == 2 and room.view.interview.session.turns[1].evaluation is None


def test_speaking_again_cancels_the_countdown_and_the_silence_counts_from_the_new_speech(tmp_path: Path) -> None:
    room = Room(tmp_path, Recogniser(ANSWER))
    room.mic.says("start")
    room.mic.streams(np.concatenate([syllables(2.0), quiet(2.5)]))
    assert "Answer ends in" in room.view.hands_free.countdown.value
    room.mic.streams(syllables(1.0))
    assert room.view.hands_free.countdown.value == "" and not room.submitted()
    after = room.mic.streams(quiet(6.0), until=room.submitted)
    assert after is not None and 4.0 <= after <= 4.5
    assert room.told_to_stop()


def test_a_pause_after_let_me_think_holds_until_the_candidate_speaks_again(tmp_path: Path) -> None:
    recogniser = Recogniser("Hmm, let me think.")
    room = Room(tmp_path, recogniser)
    room.mic.says("start")
    room.mic.streams(np.concatenate([syllables(2.0), quiet(10.0)]))
    assert not room.submitted() and not room.told_to_stop()
    assert "Take your time" in room.view.hands_free.countdown.value
    # the countdown cut what was said until then (speech and a pause) for the background thread to transcribe
    assert recogniser.hears(lambda seconds: 2.9 < seconds < 6.0)
    # and its one thinking check heard the end of what was said (at most 2.5 s and its padding); the answer's own
    # pieces are longer
    checks = [seconds for seconds in recogniser.heard if seconds <= 2.5 + 0.4]
    assert len(checks) == 1
    recogniser.saying = ANSWER
    room.mic.streams(syllables(2.0))
    assert room.view.hands_free.countdown.value == ""
    after = room.mic.streams(quiet(6.0), until=room.submitted)
    assert after is not None and 4.0 <= after <= 4.5 and room.told_to_stop()
    assert "Score <b>6.0</b>" in room.view.feedback.value


def test_stop_during_the_countdown_submits_at_once(tmp_path: Path) -> None:
    room = Room(tmp_path, Recogniser(ANSWER))
    room.mic.says("start")
    room.mic.streams(np.concatenate([syllables(2.0), quiet(2.0)]))
    assert "Answer ends in" in room.view.hands_free.countdown.value
    room.mic.says("stop")
    assert room.submitted() and "Score <b>6.0</b>" in room.view.feedback.value
    assert room.view.hands_free.countdown.value == "" and not room.told_to_stop()


def test_with_hands_free_off_only_stop_submits(tmp_path: Path) -> None:
    room = Room(tmp_path, Recogniser(ANSWER))
    room.view.hands_free.enabled.value = False
    assert room.view.hands_free.silence.disabled
    room.mic.says("start")
    assert room.mic.streams(np.concatenate([syllables(2.0), quiet(10.0)]), until=room.submitted) is None
    assert room.shown == [] and not room.told_to_stop()
    room.mic.says("stop")
    assert room.submitted() and "Score <b>6.0</b>" in room.view.feedback.value


def test_skipping_during_the_countdown_drops_the_answer_and_the_countdown(tmp_path: Path) -> None:
    room = Room(tmp_path, Recogniser(ANSWER))
    room.mic.says("start")
    room.mic.streams(np.concatenate([syllables(2.0), quiet(2.0)]))
    room.view.skip.click()
    assert room.view.hands_free.countdown.value == ""
    room.mic.streams(quiet(5.0))
    assert not room.told_to_stop() and room.view.interview.session.turns[0].transcript is None
