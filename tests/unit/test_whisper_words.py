"""Whisper's words: phantom words at the very end of a clip are dropped, real ones kept."""

from __future__ import annotations

from interview_lib.speech.stt import whisper_words


def test_zero_length_words_at_the_end_of_a_clip_are_dropped() -> None:
    raw = [(" Delta", 0.0, 0.3, 0.9), (" is", 0.3, 0.5, 0.9), (" atomic.", 5.46, 5.78, 0.95)]
    raw += [(" Thank", 5.78, 5.78, 0.03), (" you.", 5.78, 5.82, 0.98)]
    assert [w.text for w in whisper_words(raw, 5.88)] == ["Delta", "is", "atomic."]


def test_a_real_last_word_and_short_words_earlier_stay() -> None:
    raw = [(" a", 1.0, 1.02, 0.9), (" snapshot.", 5.2, 5.8, 0.9)]
    assert [w.text for w in whisper_words(raw, 5.88)] == ["a", "snapshot."]


def test_times_and_probabilities_are_rounded_floats() -> None:
    (word,) = whisper_words([(" Kafka", 0.12345, 0.5, 0.98765)], 2.0)
    assert (word.text, word.start, word.end, word.probability) == ("Kafka", 0.123, 0.5, 0.988)
