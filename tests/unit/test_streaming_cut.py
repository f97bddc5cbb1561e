"""Cutting a live answer into a piece on request (``StreamingTranscriber.cut``): the piece ends where the caller
asked, it is transcribed before the answer ends, and the joined transcript has every word once, in order, at its
place in the answer."""

from __future__ import annotations

import threading

import numpy as np

from interview_lib.domain.models import Transcript, Word
from interview_lib.speech.audio import SAMPLE_RATE, DecodedAudio
from interview_lib.speech.streaming import Samples, StreamingTranscriber

WORD_S = 0.3
GAP_S = 0.2


def words(first: int, count: int) -> Samples:
    """``count`` words numbered from ``first``: word k is a 0.3 s burst at level (k + 1) / 100, then 0.2 s of
    silence (what the test recogniser reads back)."""
    parts = []
    for k in range(first, first + count):
        parts += [np.full(int(WORD_S * SAMPLE_RATE), (k + 1) / 100, np.float32), silence(GAP_S)]
    return np.concatenate(parts)


def silence(seconds: float) -> Samples:
    return np.zeros(int(seconds * SAMPLE_RATE), np.float32)


def loud(samples: Samples) -> bool:
    return bool(np.abs(samples).max(initial=0.0) > 0)


class BurstReader:
    """A recogniser for the bursts above: one word per burst, timed from the start of the piece it is given."""

    name = "bursts"

    def __init__(self) -> None:
        self.pieces: list[int] = []  # samples in each piece transcribed, in the order they came
        self.transcribed = threading.Event()

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        samples = audio.samples
        edges = np.flatnonzero(np.diff(np.concatenate([[0], (samples != 0).astype(np.int8), [0]])))
        found = [
            Word(text=f"w{round(float(samples[start]) * 100) - 1}", start=start / SAMPLE_RATE, end=end / SAMPLE_RATE)
            for start, end in zip(edges[::2], edges[1::2], strict=True)
        ]
        self.pieces.append(len(samples))
        self.transcribed.set()
        text = " ".join(w.text for w in found)
        return Transcript(text=text, source="audio", words=found, stt_backend=self.name)

    def spoken_language(self, audio: DecodedAudio) -> None:
        return None


def fed(stream: StreamingTranscriber, samples: Samples, block_s: float = 0.1) -> int:
    """Feed ``samples`` in blocks as a microphone would; how many samples that was."""
    block = int(block_s * SAMPLE_RATE)
    for at in range(0, len(samples), block):
        stream.feed(samples[at : at + block])
    return len(samples)


def test_a_cut_hands_over_what_was_fed_as_a_piece_and_transcribes_it_before_the_answer_ends() -> None:
    reader = BurstReader()
    stream = StreamingTranscriber(reader, min_chunk_s=60.0, speech=loud)  # no piece of its own accord
    before = fed(stream, np.concatenate([words(0, 6), silence(1.0)]))
    assert reader.pieces == []
    stream.cut()
    assert reader.transcribed.wait(timeout=10)  # transcribed now, not when the answer ends
    after = fed(stream, np.concatenate([words(6, 4), silence(0.5)]))
    transcript = stream.finish()
    assert reader.pieces == [before, after]
    assert transcript is not None
    assert transcript.text == " ".join(f"w{k}" for k in range(10))
    word_s = WORD_S + GAP_S
    assert [w.start for w in transcript.words] == [round(k * word_s + (1.0 if k >= 6 else 0.0), 3) for k in range(10)]
    assert transcript.duration_s == round((before + after) / SAMPLE_RATE, 3)


def test_cutting_with_nothing_new_buffered_makes_no_piece() -> None:
    reader = BurstReader()
    stream = StreamingTranscriber(reader, min_chunk_s=60.0, speech=loud)
    stream.cut()  # nothing fed yet
    fed(stream, words(0, 3))
    stream.cut()
    stream.cut()  # twice at the same place: the second has nothing to hand over
    transcript = stream.finish()
    assert len(reader.pieces) == 1
    assert transcript is not None and transcript.text == "w0 w1 w2"


def test_pieces_cut_by_size_and_on_request_join_every_word_once_in_order() -> None:
    reader = BurstReader()
    stream = StreamingTranscriber(reader, min_chunk_s=2.0, max_chunk_s=4.0, speech=loud)
    fed(stream, words(0, 20))  # ten seconds: pieces cut at pauses as they fill
    stream.cut()
    fed(stream, np.concatenate([silence(1.0), words(20, 5)]))
    stream.cut()
    fed(stream, silence(3.0))  # the rest is silent: never transcribed
    transcript = stream.finish()
    assert transcript is not None
    assert transcript.text.split() == [f"w{k}" for k in range(25)]
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts) and len(reader.pieces) >= 4
    assert all(size <= 4 * SAMPLE_RATE for size in reader.pieces[:-1])


def test_an_answer_in_which_nothing_was_said_has_no_transcript_even_when_cut() -> None:
    reader = BurstReader()
    stream = StreamingTranscriber(reader, min_chunk_s=60.0, speech=loud)
    fed(stream, silence(2.0))
    stream.cut()
    fed(stream, silence(2.0))
    assert stream.finish() is None and reader.pieces == []
