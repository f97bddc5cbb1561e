"""The ``SpeechToText`` port and its backends, chosen by name (``"faster-whisper:tiny.en"``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from interview_lib.domain.models import Transcript, Word
from interview_lib.registry import Registry
from interview_lib.speech.audio import DecodedAudio
from interview_lib.speech.language import SpokenLanguage

# Whisper drops spoken fillers unless its context already contains some; the terms steer spelling.
FILLER_PROMPT = "Um, uh, like, you know, I mean."
VOCABULARY = (
    "Delta Lake, Z-order, liquid clustering, Kafka, Parquet, Avro, idempotent, Spark, shuffle, Databricks, "
    "Unity Catalog, Auto Loader, Lakeflow, watermark, upsert, MERGE, SCD type 2, Airflow, DAG, PySpark, OPTIMIZE, "
    "VACUUM, Photon, dbt, schema evolution, CDC."
)


# Speech runs at 2–3 words per second; far fewer recognised words means the decoder skipped some.
MIN_WORDS_PER_SECOND = 1.0


def initial_prompt(vocabulary_hint: bool) -> str:
    """What the recogniser is primed with: fillers always, the data-engineering vocabulary when asked."""
    return f"{FILLER_PROMPT} {VOCABULARY}" if vocabulary_hint else FILLER_PROMPT


def transcribe_primed(run: Callable[[str], Transcript], audio: DecodedAudio, prompt: str) -> Transcript:
    """Run a Whisper decoder primed with ``prompt``, falling back to the filler prompt alone when words go missing.

    The vocabulary prompt improves terms on short answers but can make Whisper skip whole stretches of a long
    one; when far fewer words come back than the speech could hold, the audio is transcribed again without it.
    """
    transcript = run(prompt)
    if prompt != FILLER_PROMPT and len(transcript.words) / max(1.0, audio.duration_s) < MIN_WORDS_PER_SECOND:
        retry = run(FILLER_PROMPT)
        if len(retry.words) > len(transcript.words):
            return retry
    return transcript


def whisper_transcript(
    raw: Iterable[tuple[str, float, float, float]], audio: DecodedAudio, language: str, backend: str
) -> Transcript:
    """A transcript from a local Whisper's words, given as (text, start, end, probability).

    Words Whisper adds at the very end of a clip without hearing them ("Thank you.", "you very much.") are left
    out: they start in its last 0.3 s and take (almost) no time.
    """
    words = [
        Word(text=text.strip(), start=round(float(start), 3), end=round(float(end), 3), probability=round(float(p), 3))
        for text, start, end, p in raw
    ]
    end = len(words)
    while end and words[end - 1].start >= audio.duration_s - 0.3 and words[end - 1].end - words[end - 1].start < 0.1:
        end -= 1
    return Transcript(
        text=" ".join(w.text for w in words[:end]),
        source="audio",
        words=words[:end],
        duration_s=round(audio.duration_s, 3),
        language=language,
        stt_backend=backend,
        truncated=audio.truncated,
    )


def local_options(options: dict[str, Any]) -> dict[str, Any]:
    """What a local Whisper backend takes from the registry's options: its cache folder and the hint switch."""
    return {
        "cache_dir": Path(options.get("cache_dir") or ".dataready-cache"),
        "vocabulary_hint": options.get("vocabulary_hint", True),
    }


def hallucinated(avg_logprob: float, no_speech_prob: float) -> bool:
    """Whisper invents short phrases ("Thank you.") over trailing silence: unsure and likely no speech."""
    return avg_logprob < -1.0 and no_speech_prob > 0.3


class SpeechToText(Protocol):
    """Turns decoded audio into a transcript (with word timings where the backend has them)."""

    name: str

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """The transcript of ``audio``."""
        ...

    def spoken_language(self, audio: DecodedAudio) -> SpokenLanguage | None:
        """Which language is spoken in ``audio`` (None: this backend cannot tell)."""
        ...


STT = Registry(
    "stt",
    {
        "faster-whisper": "interview_lib.speech.stt_faster_whisper:create",
        "openai-whisper": "interview_lib.speech.stt_openai_whisper:create",
        "openai": "interview_lib.speech.stt_http:create_openai",
        "databricks": "interview_lib.speech.stt_http:create_databricks",
    },
)


def create_stt(spec: str, **options: Any) -> SpeechToText:
    """The speech-to-text backend named by ``spec``."""
    backend: SpeechToText = STT.create(spec, **options)
    return backend
