"""Speech to text on a server: an OpenAI-compatible ``/v1/audio/transcriptions`` endpoint, or a Databricks
model-serving endpoint hosting Whisper (e.g. large-v3).

Login, retries and error mapping come from ``providers``: a refused connection, a 429 or a 5xx is tried again
within the call's budget. A failure that remains raises ``ProviderError``; the interview then lets the candidate
answer again or type.
"""

from __future__ import annotations

import base64
from typing import Any

from interview_lib.domain.models import Transcript, Word
from interview_lib.errors import ProviderError
from interview_lib.providers.databricks import workspace_server
from interview_lib.providers.http import HttpClient
from interview_lib.providers.openai import openai_server
from interview_lib.settings import reveal, settings_option
from interview_lib.speech.audio import DecodedAudio, to_wav
from interview_lib.speech.stt import initial_prompt

# The longest the candidate waits on one transcription, tries included (large-v3 on serving is the slower one).
OPENAI_BUDGET_S = 60.0
DATABRICKS_BUDGET_S = 120.0


class OpenAITranscription:
    """``POST …/audio/transcriptions`` (multipart), verbose JSON with word timestamps when offered."""

    def __init__(self, http: HttpClient, model: str, *, vocabulary_hint: bool = True) -> None:
        self.name = f"openai-stt:{model}"
        self._http = http
        self._model = model
        self._prompt = initial_prompt(vocabulary_hint)

    def spoken_language(self, audio: DecodedAudio) -> None:
        """Not told: the server transcribes as English."""
        return None

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """The server's transcript, with its word timings when it returns them."""
        body = self._http.post_multipart(
            "/audio/transcriptions",
            {
                "model": self._model,
                "response_format": "verbose_json",
                "language": "en",
                "timestamp_granularities[]": "word",
                "prompt": self._prompt,
            },
            {"file": ("answer.wav", to_wav(audio), "audio/wav")},
            what=self._model,
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

    def __init__(self, http: HttpClient, endpoint: str) -> None:
        self.name = f"databricks-stt:{endpoint}"
        self._http = http
        self._endpoint = endpoint

    def spoken_language(self, audio: DecodedAudio) -> None:
        """Not told: the server transcribes as English."""
        return None

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """The endpoint's transcript (these endpoints return text only, no word timings)."""
        payload = {"inputs": [base64.b64encode(to_wav(audio)).decode()]}
        body = self._http.post_json(f"/serving-endpoints/{self._endpoint}/invocations", payload, what=self._endpoint)
        predictions = body.get("predictions")
        if not isinstance(predictions, list) or not predictions:
            raise ProviderError(self._http.provider, f"unexpected reply shape: {str(body)[:200]}")
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
    """Registry factory: ``openai:<model>`` on the settings' STT server (``stt_base_url``, else the chat server)."""
    settings = settings_option(options, "stt", "openai")
    server = openai_server(settings.stt_server_url, reveal(settings.stt_server_key))
    http = HttpClient(
        "openai-stt", server, timeout_s=OPENAI_BUDGET_S, attempts=settings.llm_attempts, budget_s=OPENAI_BUDGET_S
    )
    return OpenAITranscription(http, argument or "whisper-1", vocabulary_hint=options.get("vocabulary_hint", True))


def create_databricks(argument: str | None, **options: Any) -> DatabricksTranscription:
    """Registry factory: ``databricks:<endpoint>`` in the settings' workspace."""
    settings = settings_option(options, "stt", "databricks")
    server = workspace_server(settings.databricks_host, reveal(settings.databricks_token), settings.databricks_profile)
    http = HttpClient(
        "databricks-stt",
        server,
        timeout_s=DATABRICKS_BUDGET_S,
        attempts=settings.llm_attempts,
        budget_s=DATABRICKS_BUDGET_S,
    )
    return DatabricksTranscription(http, argument or "whisper-large-v3")
