"""Transcripts from a local Whisper's words: phantom words at the very end of a clip are dropped, real ones kept."""

from __future__ import annotations

import numpy as np

from interview_lib.speech.audio import SAMPLE_RATE, DecodedAudio
from interview_lib.speech.stt import whisper_transcript


def _audio(seconds: float) -> DecodedAudio:
    return DecodedAudio(np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32), "wav", False, None)


def test_zero_length_words_at_the_end_of_a_clip_are_dropped() -> None:
    raw = [(" Delta", 0.0, 0.3, 0.9), (" is", 0.3, 0.5, 0.9), (" atomic.", 5.46, 5.78, 0.95)]
    raw += [(" Thank", 5.78, 5.78, 0.03), (" you.", 5.78, 5.82, 0.98)]
    transcript = whisper_transcript(raw, _audio(5.88), "en", "faster-whisper:tiny.en")
    assert [w.text for w in transcript.words] == ["Delta", "is", "atomic."]
    assert transcript.text == "Delta is atomic." and transcript.stt_backend == "faster-whisper:tiny.en"


def test_a_real_last_word_and_short_words_earlier_stay() -> None:
    raw = [(" a", 1.0, 1.02, 0.9), (" snapshot.", 5.2, 5.8, 0.9)]
    assert whisper_transcript(raw, _audio(5.88), "en", "x").text == "a snapshot."


def test_times_and_probabilities_are_rounded_floats() -> None:
    (word,) = whisper_transcript([(" Kafka", 0.12345, 0.5, 0.98765)], _audio(2.0), "en", "x").words
    assert (word.text, word.start, word.end, word.probability) == ("Kafka", 0.123, 0.5, 0.988)
