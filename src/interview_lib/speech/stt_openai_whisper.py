"""openai-whisper (PyTorch) speech to text, the recogniser of the reference design.

The model is one of:
- ``tiny.en`` (default) or ``base``: the Whisper weights packaged for faster-whisper, converted once into an
  openai-whisper checkpoint under the cache folder, so this backend works offline too;
- a path to a local checkpoint (``openai-whisper:/Volumes/main/models/small.en.pt``);
- any other openai-whisper model name (``small.en``, ``large-v3``), which openai-whisper downloads: that needs
  network, as in a Databricks workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interview_lib.domain.models import Transcript
from interview_lib.errors import ConfigurationError
from interview_lib.speech.audio import DecodedAudio
from interview_lib.speech.stt import hallucinated, initial_prompt, local_options, transcribe_primed, whisper_transcript
from interview_lib.speech.stt_faster_whisper import model_folder
from interview_lib.speech.whisper_checkpoint import convert

PACKAGED = ("tiny.en", "base")


def checkpoint(model: str, cache_dir: Path) -> Path | str:
    """A local checkpoint for ``model`` (converting a packaged one once), or the name for openai-whisper to fetch."""
    if model in PACKAGED:
        target = cache_dir / "openai-whisper" / f"{model}.pt"
        return target if target.exists() else convert(model_folder(model, cache_dir) / "model.bin", target)
    if model.endswith(".pt") or "/" in model:
        path = Path(model)
        if not path.is_file():
            raise ConfigurationError(f"no openai-whisper checkpoint at {path}: give the path of a .pt file")
        return path
    return model


class OpenAIWhisper:
    """Whisper in PyTorch on the CPU (float32)."""

    def __init__(
        self, model: str = "tiny.en", *, cache_dir: Path, vocabulary_hint: bool = True, threads: int = 2
    ) -> None:
        import torch
        import whisper

        torch.set_num_threads(threads)
        self.name = f"openai-whisper:{model}"
        self._prompt = initial_prompt(vocabulary_hint)
        source = checkpoint(model, cache_dir)
        try:
            self._model = whisper.load_model(str(source), device="cpu", download_root=str(cache_dir / "openai-whisper"))
        except (OSError, RuntimeError) as exc:  # urllib's URLError is an OSError
            raise ConfigurationError(
                f"openai-whisper could not load {model!r} ({exc}); without network, give a local checkpoint: "
                "DATAREADY_STT=openai-whisper:/path/to/model.pt"
            ) from exc

    def spoken_language(self, audio: DecodedAudio) -> None:
        """Not told: this backend transcribes as English."""
        return None

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """Transcribe with word timestamps; fillers are kept as spoken."""
        return transcribe_primed(lambda prompt: self._run(audio, prompt), audio, self._prompt)

    def _run(self, audio: DecodedAudio, prompt: str) -> Transcript:
        import torch

        torch.manual_seed(0)  # Whisper samples when it falls back to a higher temperature: same audio, same words
        result = self._model.transcribe(
            audio.samples,
            language="en",
            fp16=False,
            word_timestamps=True,
            initial_prompt=prompt,
            condition_on_previous_text=False,
            verbose=None,
        )
        kept = [
            w
            for segment in result["segments"]
            if not hallucinated(segment["avg_logprob"], segment["no_speech_prob"])
            for w in segment.get("words", [])
        ]
        raw = ((w["word"], w["start"], w["end"], w["probability"]) for w in kept)
        return whisper_transcript(raw, audio, result.get("language", "en"), self.name)


def create(argument: str | None, **options: Any) -> OpenAIWhisper:
    """Registry factory: ``openai-whisper[:tiny.en|base|/path/model.pt|small.en]``."""
    return OpenAIWhisper(argument or "tiny.en", **local_options(options))
