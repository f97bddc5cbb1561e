"""Login to an OpenAI-compatible server (vLLM, Ollama, llama.cpp server, OpenAI): a bearer API key, if any."""

from __future__ import annotations

from interview_lib.providers.http import Server


def openai_server(base_url: str, api_key: str | None) -> Server:
    """The server at ``base_url`` (ending in /v1), signed in with ``api_key`` when there is one."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    return Server(base_url.rstrip("/"), lambda: dict(headers))
