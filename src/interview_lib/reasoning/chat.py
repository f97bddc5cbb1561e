"""Chat-completions over HTTP for any OpenAI-compatible server and for Databricks model serving.

Both speak the same wire format; they differ in the URL and the login. Databricks logins (PAT, OAuth M2M,
a CLI profile, notebook-native auth) come from ``databricks-sdk``'s own credential chain. Retries on
429/5xx/timeouts use tenacity with exponential backoff and jitter; after the last try a ``ProviderError``
carries the status. A ``deadline`` (a ``time.monotonic()`` instant) bounds one call with all its tries: each
try waits at most until then, and no try or backoff starts after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_before_delay, wait_random_exponential
from tenacity.stop import stop_base

from interview_lib.errors import ConfigurationError, ProviderError

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


class _Retryable(Exception):
    def __init__(self, status: int | None, message: str) -> None:
        self.status = status
        super().__init__(message)


class HttpChatClient:
    """POSTs chat-completion requests; retries what is worth retrying."""

    def __init__(
        self,
        *,
        provider: str,
        url_for: Callable[[str], str],
        headers: Callable[[], dict[str, str]],
        send_model_name: bool,
        json_schema: bool = True,
        timeout_s: float = 30.0,
        attempts: int = 3,
        max_wait_s: float = 8.0,
    ) -> None:
        self.provider = provider
        self._url_for = url_for
        self._headers = headers
        self._send_model_name = send_model_name
        self._json_schema = json_schema
        self._timeout_s = timeout_s
        self._attempts = attempts
        self._max_wait_s = max_wait_s
        self._session = requests.Session()

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
        stop: stop_base = stop_after_attempt(self._attempts)
        if deadline is not None:  # no backoff that would end after the deadline, no try that starts after it
            stop = stop | stop_before_delay(max(0.0, deadline - time.monotonic()))
        retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            wait=wait_random_exponential(multiplier=0.25, max=self._max_wait_s),
            stop=stop,
            reraise=True,
        )
        try:
            body = retrying(self._post, self._url_for(model), payload, deadline)
        except _Retryable as exc:
            tries = retrying.statistics.get("attempt_number", self._attempts)
            raise ProviderError(self.provider, f"{model}: {exc} (gave up after {tries} tries)", exc.status) from exc
        return _reply(body, time.perf_counter() - started, self.provider)

    def _post(self, url: str, payload: dict[str, Any], deadline: float | None = None) -> dict[str, Any]:
        timeout = self._timeout_s
        if deadline is not None:
            timeout = min(timeout, deadline - time.monotonic())
            if timeout <= 0:
                raise _Retryable(None, "no time left before the deadline")
        try:
            headers = self._headers()
        except Exception as exc:  # e.g. an OAuth token refresh that failed
            raise ProviderError(self.provider, f"could not sign in: {exc}") from exc
        try:
            response = self._session.post(url, json=payload, headers=headers, timeout=timeout)
        except requests.Timeout as exc:
            raise _Retryable(None, f"no reply within {timeout:.3g} s") from exc
        except requests.RequestException as exc:  # refused, reset, dropped mid-body...
            raise _Retryable(None, f"connection to {url} failed: {type(exc).__name__}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(response.status_code, f"HTTP {response.status_code}: {response.text[:200]}")
        if response.status_code >= 400:
            raise ProviderError(
                self.provider, f"HTTP {response.status_code}: {response.text[:300]}", response.status_code
            )
        try:
            body: dict[str, Any] = response.json()
        except ValueError as exc:
            raise ProviderError(self.provider, "the server replied with something that is not JSON") from exc
        return body


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


def openai_client(base_url: str, api_key: str | None, **options: Any) -> HttpChatClient:
    """Any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, OpenAI) at ``base_url`` (…/v1)."""
    root = base_url.rstrip("/")
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    return HttpChatClient(
        provider="openai",
        url_for=lambda _model: f"{root}/chat/completions",
        headers=lambda: dict(headers),
        send_model_name=True,
        **options,
    )


def databricks_client(
    host: str | None = None, token: str | None = None, profile: str | None = None, **options: Any
) -> HttpChatClient:
    """Databricks model serving: ``/serving-endpoints/{endpoint}/invocations``, logged in by databricks-sdk."""
    from databricks.sdk.core import Config

    try:
        config = Config(host=host, token=token, profile=profile)
    except Exception as exc:
        raise ConfigurationError(
            f"cannot configure the Databricks workspace login ({exc}): set DATAREADY_DATABRICKS_HOST and "
            "DATAREADY_DATABRICKS_TOKEN, or DATAREADY_DATABRICKS_PROFILE, or run inside a Databricks notebook"
        ) from exc
    root = str(config.host).rstrip("/")
    return HttpChatClient(
        provider="databricks",
        url_for=lambda endpoint: f"{root}/serving-endpoints/{endpoint}/invocations",
        headers=config.authenticate,
        send_model_name=False,
        **options,
    )
