"""Hands-free answering over any microphone: the thinking check's clip, its verdict, and the line shown."""

from __future__ import annotations

import numpy as np
import pytest

from interview_lib.domain.models import Transcript
from interview_lib.speech.audio import DecodedAudio
from interview_lib.speech.end_of_answer import EndOfAnswer, Listening, Phase, Signal
from interview_lib.speech.hands_free import HandsFree, check_silence, said_thinking, status_line, thinking_clip

from .test_end_of_answer import RATE, room, speech


class Says:
    """A recogniser that hears ``text`` in anything."""

    name = "says"

    def __init__(self, text: str) -> None:
        self.text = text

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        return Transcript(text=self.text, source="audio")

    def spoken_language(self, audio: DecodedAudio) -> None:
        return None


def test_the_thinking_clip_is_the_end_of_the_last_utterance_padded() -> None:
    audio = np.concatenate([speech(4.0), room(1.0), speech(1.0), room(1.5)])
    detector = EndOfAnswer()
    detector.feed(audio)
    start, end = detector.utterance()
    assert 4.9 <= start / RATE <= 5.1 and 5.9 <= end / RATE <= 6.1  # the second utterance
    clip = thinking_clip(detector, audio)
    assert np.array_equal(clip, audio[start - RATE // 5 : end + RATE // 5])
    long = np.concatenate([speech(6.0), room(1.5)])
    detector = EndOfAnswer()
    detector.feed(long)
    assert len(thinking_clip(detector, long)) == pytest.approx(2.9 * RATE, abs=0.05 * RATE)  # 2.5 s + padding


@pytest.mark.parametrize(
    ("said", "thinking"), [("Hmm, let me think.", True), ("so the answer is a broadcast join.", False)]
)
def test_the_recogniser_says_whether_the_candidate_is_thinking(said: str, thinking: bool) -> None:
    assert said_thinking(Says(said), room(1.0)) is thinking  # type: ignore[arg-type]


def test_a_thinking_pause_is_held_before_any_later_audio_is_judged() -> None:
    seen: list[Signal] = []
    audio = np.concatenate([speech(2.0), room(10.0)])
    answer = HandsFree(Listening(), lambda: audio, lambda _clip: True, seen.append)
    assert answer.feed(audio) is False  # one block holding the whole pause: the check still comes first
    assert [s.kind for s in seen] == ["countdown", "held"] and answer.detector.phase is Phase.HOLDING
    assert "Take your time" in answer.status()


def test_a_failing_thinking_check_lets_the_pause_end_the_answer() -> None:
    def broken(_clip: np.ndarray) -> bool:
        raise RuntimeError("the recogniser fell over")

    audio = np.concatenate([speech(2.0), room(6.0)])
    answer = HandsFree(Listening(), lambda: audio, broken)
    assert answer.feed(audio) is True and answer.status() == "The silence ended the answer."


def test_the_countdown_line_counts_whole_seconds_down_to_one() -> None:
    assert status_line(Phase.COUNTING, 2.99) == "Answer ends in 3 s — keep talking to continue."
    assert status_line(Phase.COUNTING, 0.01).startswith("Answer ends in 1 s")
    assert status_line(Phase.SPEAKING, 4.0) == status_line(Phase.WAITING, 4.0) == ""


def test_the_silence_a_candidate_chooses_is_bounded() -> None:
    assert check_silence(4.0) == 4.0
    with pytest.raises(ValueError, match=r"1\.5 to 30 s"):
        check_silence(1.0)
