"""Hands-free end of an answer, fed synthetic audio: syllables of a tone for speech, faint noise for the room."""

from __future__ import annotations

import numpy as np
import pytest

from interview_lib.speech.end_of_answer import EndOfAnswer, Listening, Phase, Signal, is_thinking

RATE = 16_000


def tone(seconds: float, level: float = 0.1) -> np.ndarray:
    """A 220 Hz tone, about -23 dBFS at the default level."""
    t = np.arange(int(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def room(seconds: float, level: float = 3e-4, seed: int = 0) -> np.ndarray:
    """Faint noise (about -70 dBFS): a quiet room."""
    return (np.random.default_rng(seed).standard_normal(int(seconds * RATE)) * level).astype(np.float32)


def speech(seconds: float) -> np.ndarray:
    """Syllables: 0.25 s of tone, 0.1 s of quiet, for ``seconds``, ending on a syllable."""
    syllable = np.concatenate([room(0.1, seed=2), tone(0.25)])
    audio = np.tile(syllable, int(seconds / 0.35) + 1)
    return audio[-int(seconds * RATE) :]


def feed(detector: EndOfAnswer, audio: np.ndarray, block_s: float = 0.1) -> list[tuple[float, Signal]]:
    """Feed ``audio`` in blocks as a microphone would; each signal with the time (s) its block ended."""
    block = int(block_s * RATE)
    seen = []
    for start in range(0, len(audio), block):
        part = audio[start : start + block]
        seen += [(round((start + len(part)) / RATE, 2), s) for s in detector.feed(part)]
    return seen


def kinds(seen: list[tuple[float, Signal]]) -> list[str]:
    return [s.kind for _, s in seen]


def test_silence_before_anything_is_said_never_ends_the_answer() -> None:
    detector = EndOfAnswer()
    assert feed(detector, room(20)) == []
    assert detector.phase is Phase.WAITING and not detector.ended


def test_silence_after_speech_shows_a_countdown_then_ends_the_answer_after_the_set_silence() -> None:
    detector = EndOfAnswer(Listening(silence_s=4.0))
    seen = feed(detector, np.concatenate([room(1), speech(3), room(6)]))
    assert kinds(seen) == ["countdown", "ended"]
    (shown_at, shown), (ended_at, _) = seen
    assert 4.9 <= shown_at <= 5.2 and 2.8 <= shown.seconds_left <= 3.1  # speech ended at 4.0 s
    assert 7.9 <= ended_at <= 8.2
    assert detector.ended and feed(detector, speech(2)) == []  # once ended, nothing more


def test_speech_cancels_the_countdown_and_the_next_silence_counts_from_zero() -> None:
    detector = EndOfAnswer(Listening(silence_s=4.0))
    audio = np.concatenate([speech(2), room(2.5), speech(1), room(3.5), speech(1), room(5)])
    seen = feed(detector, audio)
    assert kinds(seen) == ["countdown", "cancelled", "countdown", "cancelled", "countdown", "ended"]
    assert [s.pause for _, s in seen] == [1, 1, 2, 2, 3, 3]
    assert seen[1][1].reason == "speech"
    assert 13.9 <= seen[-1][0] <= 14.2  # 4 s after the last speech ended at 10 s


def test_gaps_between_words_show_no_countdown() -> None:
    detector = EndOfAnswer()
    words = [part for _ in range(12) for part in (speech(0.4), room(0.6))]
    assert feed(detector, np.concatenate(words)) == []
    assert detector.phase is Phase.SPEAKING


def test_a_click_or_a_breath_does_not_cancel_the_countdown() -> None:
    detector = EndOfAnswer(Listening(silence_s=4.0))
    seen = feed(detector, np.concatenate([speech(2), room(2), tone(0.06), room(3)]))
    assert kinds(seen) == ["countdown", "ended"]
    assert 5.9 <= seen[-1][0] <= 6.2


def test_a_steady_hum_is_taken_for_the_room_not_for_speech() -> None:
    hum = lambda seconds: room(seconds, level=0.01, seed=1)  # about -40 dBFS, above the absolute floor  # noqa: E731
    detector = EndOfAnswer(Listening(silence_s=3.0))
    seen = feed(detector, np.concatenate([hum(2), hum(2) + speech(2), hum(5)]))
    assert kinds(seen) == ["countdown", "ended"]
    assert 6.8 <= seen[-1][0] <= 7.2


def test_too_little_speech_cannot_end_the_answer() -> None:
    detector = EndOfAnswer(Listening(min_speech_s=0.3))
    assert feed(detector, np.concatenate([room(1), speech(0.2), room(8)])) == []


def test_a_held_pause_never_ends_the_answer_until_the_candidate_speaks_again() -> None:
    detector = EndOfAnswer(Listening(silence_s=4.0))
    (_, countdown), *_ = feed(detector, np.concatenate([speech(2), room(1.5)]))
    held = detector.hold(countdown.pause)
    assert held is not None and held.kind == "held" and held.reason == "thinking"
    assert feed(detector, room(30)) == []
    assert detector.phase is Phase.HOLDING
    assert feed(detector, np.concatenate([speech(1), room(5)]))[-1][1].kind == "ended"


def test_a_late_thinking_check_does_not_hold_a_later_pause() -> None:
    detector = EndOfAnswer(Listening(silence_s=4.0))
    feed(detector, np.concatenate([speech(2), room(1.5), speech(1), room(1.5)]))  # pauses 1 and 2 showed a countdown
    assert detector.pause == 2
    assert detector.hold(1) is None and detector.phase is Phase.COUNTING
    assert detector.hold(2) is not None


def test_a_pause_being_checked_cannot_end_the_answer_until_the_check_comes_back() -> None:
    detector = EndOfAnswer(Listening(silence_s=4.0))
    (_, countdown), *_ = feed(detector, np.concatenate([speech(2), room(1.5)]))
    detector.checking(countdown.pause)
    assert feed(detector, room(10)) == []  # the silence ran out while the check was under way
    ended = detector.checked(countdown.pause, thinking=False)
    assert ended is not None and ended.kind == "ended" and detector.ended


def test_a_check_that_finds_thinking_holds_the_pause_and_a_stale_one_changes_nothing() -> None:
    detector = EndOfAnswer(Listening(silence_s=4.0))
    (_, first), *_ = feed(detector, np.concatenate([speech(2), room(1.5)]))
    detector.checking(first.pause)
    feed(detector, np.concatenate([speech(1), room(1.5)]))  # spoke again: the second pause has its own check
    assert detector.checked(first.pause, thinking=True) is None and detector.phase is Phase.COUNTING
    detector.checking(detector.pause)
    held = detector.checked(detector.pause, thinking=True)
    assert held is not None and held.kind == "held" and feed(detector, room(20)) == []
    assert detector.checked(detector.pause, thinking=False) is None  # no check under way any more


def test_the_same_audio_gives_the_same_signals_whatever_the_block_size() -> None:
    audio = np.concatenate([room(0.5), speech(1.5), room(2), speech(0.7), room(5)])
    whole, odd = EndOfAnswer(), EndOfAnswer()
    by_whole = [s for _, s in feed(whole, audio, block_s=len(audio) / RATE)]
    by_odd = [s for _, s in feed(odd, audio, block_s=37 / RATE)]
    assert by_whole == by_odd and [s.kind for s in by_whole] == ["countdown", "cancelled", "countdown", "ended"]


def test_the_last_utterance_spans_the_speech_after_the_last_long_gap() -> None:
    detector = EndOfAnswer()
    feed(detector, np.concatenate([speech(2), room(1.2), speech(1.5), room(0.3), speech(0.5), room(0.9)]))
    start, end = detector.utterance()
    assert 3.1 <= start / RATE <= 3.25 and 5.45 <= end / RATE <= 5.55


def test_the_countdown_shows_before_the_silence_ends_the_answer() -> None:
    with pytest.raises(ValueError):
        Listening(silence_s=1.0, countdown_after_s=1.0)


@pytest.mark.parametrize(
    ("said", "thinking"),
    [
        ("Hmm, let me think.", True),
        ("Let me think about that.", True),
        ("Okay, give me a second...", True),
        ("That's a good one. Hold on.", True),
        ("How do I put this?", True),
        ("And the second reason is, um...", True),
        ("Partitioning by date, and", True),
        ("A broadcast join sends the small table to every executor.", False),
        ("That is all I know about it.", False),
        ("I think so.", False),
        ("Let me think about the trade-offs: Z-order helps when queries filter on many columns.", False),
        ("", False),
    ],
)
def test_thinking_is_told_from_what_was_said_last(said: str, thinking: bool) -> None:
    assert is_thinking(said) is thinking
