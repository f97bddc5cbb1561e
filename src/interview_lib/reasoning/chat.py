"""Chat completions for any OpenAI-compatible server and for Databricks model serving.

Both speak the same wire format; they differ in the URL and the login, which come from ``providers`` along
with the timeouts, retries and the mapping of failures to ``ProviderError``. A ``deadline`` (a
``time.monotonic()`` instant) bounds one call with all its tries: each try waits at most until then, and no
try or backoff starts after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from interview_lib.errors import ProviderError
from interview_lib.providers.databricks import workspace_server
from interview_lib.providers.http import HttpClient
from interview_lib.providers.openai import openai_server

Message = dict[str, str]
SEED = 7  # sent to OpenAI-compatible servers, which take one


@dataclass(frozen=True)
class ChatReply:
    """One completion and what it cost."""

    text: str
    truncated: bool
    prompt_tokens: int
    completion_tokens: int
    latency_s: float


class ChatClient(Protocol):
    """Sends messages to a named model and returns its reply."""

    provider: str

    def complete(
        self,
        messages: list[Message],
        *,
        model: str,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 800,
        deadline: float | None = None,
    ) -> ChatReply:
        """One chat completion (``schema``: ask for JSON matching it when the server supports that; ``deadline``:
        a ``time.monotonic()`` instant after which it gives up with a ``ProviderError``)."""
        ...


class HttpChatClient:
    """The chat-completions wire format over a provider's ``HttpClient`` (which signs in, retries and maps errors)."""

    def __init__(
        self, http: HttpClient, *, path_for: Callable[[str], str], send_model_name: bool, json_schema: bool = True
    ) -> None:
        self.provider = http.provider
        self._http = http
        self._path_for = path_for
        self._send_model_name = send_model_name
        self._json_schema = json_schema

    def complete(
        self,
        messages: list[Message],
        *,
        model: str,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 800,
        deadline: float | None = None,
    ) -> ChatReply:
        """See ``ChatClient.complete``."""
        # Temperature 0 (and a fixed seed where the protocol has one): the same prompt gets the same reply.
        payload: dict[str, Any] = {"messages": messages, "max_tokens": max_tokens, "temperature": 0}
        if self._send_model_name:
            payload["model"] = model
            payload["seed"] = SEED
        if schema is not None and self._json_schema:
            payload["response_format"] = {"type": "json_schema", "json_schema": {"name": "reply", "schema": schema}}
        started = time.perf_counter()
        body = self._http.post_json(self._path_for(model), payload, what=model, deadline=deadline)
        return _reply(body, time.perf_counter() - started, self.provider)


def _reply(body: dict[str, Any], latency_s: float, provider: str) -> ChatReply:
    try:
        choice = body["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise ProviderError(provider, f"unexpected reply shape: {str(body)[:200]}") from exc
    if isinstance(content, list):  # some servers return content parts
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    usage = body.get("usage") or {}
    return ChatReply(
        text=str(content or ""),
        truncated=choice.get("finish_reason") == "length",
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
        latency_s=latency_s,
    )


def openai_client(
    base_url: str,
    api_key: str | None,
    *,
    json_schema: bool = True,
    timeout_s: float = 30.0,
    attempts: int = 3,
    max_wait_s: float = 8.0,
) -> HttpChatClient:
    """Any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, OpenAI) at ``base_url`` (…/v1)."""
    server = openai_server(base_url, api_key)
    http = HttpClient("openai", server, timeout_s=timeout_s, attempts=attempts, max_wait_s=max_wait_s)
    return HttpChatClient(
        http, path_for=lambda _model: "/chat/completions", send_model_name=True, json_schema=json_schema
    )


def databricks_client(
    host: str | None = None,
    token: str | None = None,
    profile: str | None = None,
    *,
    json_schema: bool = True,
    timeout_s: float = 30.0,
    attempts: int = 3,
    max_wait_s: float = 8.0,
) -> HttpChatClient:
    """Databricks model serving: ``/serving-endpoints/{endpoint}/invocations``, logged in by databricks-sdk."""
    server = workspace_server(host, token, profile)
    http = HttpClient("databricks", server, timeout_s=timeout_s, attempts=attempts, max_wait_s=max_wait_s)
    return HttpChatClient(
        http,
        path_for=lambda endpoint: f"/serving-endpoints/{endpoint}/invocations",
        send_model_name=False,
        json_schema=json_schema,
    )
