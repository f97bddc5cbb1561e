"""Speech to text on a server: an OpenAI-compatible ``/v1/audio/transcriptions`` endpoint, or a Databricks
model-serving endpoint hosting Whisper (e.g. large-v3). Failures raise ``ProviderError``; the interview then
lets the candidate answer again or type."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import requests

from interview_lib.domain.models import Transcript, Word
from interview_lib.errors import ProviderError
from interview_lib.speech.audio import DecodedAudio, to_wav
from interview_lib.speech.stt import initial_prompt


def _post(provider: str, url: str, timeout_s: float, **kwargs: Any) -> dict[str, Any]:
    try:
        response = requests.post(url, timeout=timeout_s, **kwargs)
    except requests.RequestException as exc:
        raise ProviderError(provider, f"transcription request to {url} failed: {type(exc).__name__}") from exc
    if response.status_code >= 400:
        raise ProviderError(provider, f"HTTP {response.status_code}: {response.text[:200]}", response.status_code)
    try:
        body: dict[str, Any] = response.json()
    except ValueError as exc:
        raise ProviderError(provider, "the transcription server did not reply with JSON") from exc
    return body


class OpenAITranscription:
    """``POST {base_url}/audio/transcriptions`` (multipart), verbose JSON with word timestamps when offered."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        *,
        vocabulary_hint: bool = True,
        timeout_s: float = 60.0,
    ) -> None:
        self.name = f"openai-stt:{model}"
        self._url = base_url.rstrip("/") + "/audio/transcriptions"
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._prompt = initial_prompt(vocabulary_hint)
        self._timeout_s = timeout_s

    def spoken_language(self, audio: DecodedAudio) -> None:
        """Not told: the server transcribes as English."""
        return None

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """The server's transcript, with its word timings when it returns them."""
        body = _post(
            "openai-stt",
            self._url,
            self._timeout_s,
            headers=self._headers,
            files={"file": ("answer.wav", to_wav(audio), "audio/wav")},
            data={
                "model": self._model,
                "response_format": "verbose_json",
                "language": "en",
                "timestamp_granularities[]": "word",
                "prompt": self._prompt,
            },
        )
        words = [
            Word(text=str(w["word"]).strip(), start=float(w["start"]), end=float(w["end"]))
            for w in body.get("words") or []
            if {"word", "start", "end"} <= set(w)
        ]
        return Transcript(
            text=str(body.get("text", "")).strip(),
            source="audio",
            words=words,
            duration_s=round(audio.duration_s, 3),
            language=body.get("language") or "en",
            stt_backend=self.name,
            truncated=audio.truncated,
        )


class DatabricksTranscription:
    """A serving endpoint that takes base64 audio (``{"inputs": [...]}``) and returns ``{"predictions": [text]}``."""

    def __init__(
        self, endpoint: str, host: str, headers: Callable[[], dict[str, str]], *, timeout_s: float = 120.0
    ) -> None:
        self.name = f"databricks-stt:{endpoint}"
        self._url = f"{host.rstrip('/')}/serving-endpoints/{endpoint}/invocations"
        self._headers = headers
        self._timeout_s = timeout_s

    def spoken_language(self, audio: DecodedAudio) -> None:
        """Not told: the server transcribes as English."""
        return None

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """The endpoint's transcript (these endpoints return text only, no word timings)."""
        try:
            headers = self._headers()
        except Exception as exc:  # a failed workspace login
            raise ProviderError("databricks-stt", f"could not sign in: {exc}") from exc
        payload = {"inputs": [base64.b64encode(to_wav(audio)).decode()]}
        body = _post("databricks-stt", self._url, self._timeout_s, headers=headers, json=payload)
        predictions = body.get("predictions")
        if not isinstance(predictions, list) or not predictions:
            raise ProviderError("databricks-stt", f"unexpected reply shape: {str(body)[:200]}")
        first = predictions[0]
        text = first.get("text", "") if isinstance(first, dict) else str(first)
        return Transcript(
            text=str(text).strip(),
            source="audio",
            duration_s=round(audio.duration_s, 3),
            language="en",
            stt_backend=self.name,
            truncated=audio.truncated,
        )


def create_openai(argument: str | None, **options: Any) -> OpenAITranscription:
    """Registry factory: ``openai:<model>`` against ``settings.openai_base_url``."""
    settings = options["settings"]
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return OpenAITranscription(
        settings.openai_base_url, argument or "whisper-1", key, vocabulary_hint=options.get("vocabulary_hint", True)
    )


def create_databricks(argument: str | None, **options: Any) -> DatabricksTranscription:
    """Registry factory: ``databricks:<endpoint>`` in the configured workspace."""
    from databricks.sdk.core import Config

    settings = options["settings"]
    token = settings.databricks_token.get_secret_value() if settings.databricks_token else None
    config = Config(host=settings.databricks_host, token=token, profile=settings.databricks_profile)
    return DatabricksTranscription(argument or "whisper-large-v3", str(config.host), config.authenticate)
