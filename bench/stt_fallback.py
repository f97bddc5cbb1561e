"""Whisper's temperature fallback on and off, on the same audio: what it costs and what it buys.

faster-whisper re-decodes a segment at rising temperatures (0.2 … 1.0, five samples each) when its first decode
looks unsure. On a live answer that is mostly the trailing silence of a piece, whose words are then dropped as
invented anyway. This bench synthesizes the speech bench's clips once (33 sentences in two voices, and ``--runs``
renderings of the three ~60 s answers), then transcribes every clip with the fallback (faster-whisper's default)
and without it (temperature 0 only, what the backend uses): WER and real-time factor for the short clips, the
whole answers, and the answers cut into live pieces as ``speech/streaming.py`` cuts them (about 8 s, at a pause),
with the slowest piece.

Run: `python bench/stt_fallback.py [--runs 3]` (about 5 minutes).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).parent))

import stt as speech_bench  # the speech bench's clips and tallies

from interview_lib.speech.audio import SAMPLE_RATE, DecodedAudio, decode
from interview_lib.speech.streaming import last_pause
from interview_lib.speech.stt import create_stt

PIECE_S = 8.0  # what the live path buffers before it cuts a piece (StreamingTranscriber's min_chunk_s)


def live_pieces(samples: npt.NDArray[np.float32]) -> Iterator[npt.NDArray[np.float32]]:
    """The answer cut as the live path cuts it: about every ``PIECE_S``, at the quietest moment before."""
    start, size = 0, int(PIECE_S * SAMPLE_RATE)
    while len(samples) - start > size:
        cut = start + last_pause(samples[start : start + size])
        yield samples[start:cut]
        start = cut
    yield samples[start:]


def with_fallback(model: Any, on: bool) -> None:
    """Make ``model.transcribe`` use faster-whisper's default temperatures (``on``) or temperature 0 only."""
    transcribe = type(model).transcribe

    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        if on:
            kwargs.pop("temperature", None)
        else:
            kwargs["temperature"] = 0.0
        return transcribe(self, *args, **kwargs)

    model.transcribe = call.__get__(model)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="renderings of the three ~60 s answers")
    parser.add_argument("--cache", type=Path, default=Path("dataready-data/cache"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="stt-fallback-"))
    voices = speech_bench.Voices()
    scorer = speech_bench.warm_scorer(args.cache)
    short = speech_bench.sentence_clips(voices, folder)
    answers = []
    for run in range(args.runs):
        (folder / f"run-{run}").mkdir()
        answers += speech_bench.long_answers(voices, scorer, folder / f"run-{run}", 3)
    recogniser = create_stt("faster-whisper:tiny.en", cache_dir=args.cache)
    model = recogniser._model  # type: ignore[attr-defined]
    print(f"{len(short)} short clips, {len(answers)} answers of about a minute; faster-whisper:tiny.en, hint on\n")
    print("| Fallback | WER short | RTF | WER whole answer | RTF | WER live pieces | RTF | slowest piece |")
    print("|---|---|---|---|---|---|---|---|")
    for on in (True, False):
        with_fallback(model, on)
        short_tally = speech_bench.transcribe_all(recogniser, short)["all"]
        whole_tally = speech_bench.transcribe_all(recogniser, answers)["all"]
        live_tally, slowest = speech_bench.Tally(), 0.0
        for clip in answers:
            texts, started = [], time.perf_counter()
            for piece in live_pieces(decode(clip.path.read_bytes()).samples):
                began = time.perf_counter()
                audio = DecodedAudio(piece, "stream", truncated=False, original_duration_s=None)
                texts.append(recogniser.transcribe(audio).text)
                slowest = max(slowest, time.perf_counter() - began)
            live_tally.add(clip, " ".join(texts), time.perf_counter() - started)
        cells = [t.row()[:2] for t in (short_tally, whole_tally, live_tally)]
        print(f"| {'on' if on else 'off'} | " + " | ".join(f"{w} | {r}" for w, r in cells) + f" | {slowest:.2f} s |")


if __name__ == "__main__":
    main()
