"""One HTTP client for every model server: JSON and multipart POSTs, timeouts, bounded retries, one error mapping.

A try that fails on the way (refused, reset, timed out) or with 408, 429 or 5xx is tried again after an
exponential backoff with jitter, or after the server's ``Retry-After`` when it sends one (cut to ``max_wait_s``).
Any other 4xx, a reply that is not a JSON object, a failed sign-in and the last failed try raise ``ProviderError``
with the status. A ``deadline`` (a ``time.monotonic()`` instant) bounds one call with all its tries: each try
waits at most until then, and no try or backoff starts that would end after it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)
from tenacity.stop import stop_base

from interview_lib.errors import ProviderError

Headers = Callable[[], Mapping[str, str]]
RETRIED_STATUSES = frozenset({408, 429})  # and every 5xx


def no_headers() -> dict[str, str]:
    """A server that needs no login."""
    return {}


@dataclass(frozen=True)
class Server:
    """Where a server is (its root URL) and the headers that sign a request in (called before every try, so
    a login that refreshes its token stays valid)."""

    url: str
    headers: Headers = no_headers


class _Retryable(Exception):
    def __init__(self, message: str, status: int | None = None, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after_s = retry_after_s


class HttpClient:
    """POSTs to one server and returns its JSON reply; retries what is worth retrying.

    ``timeout_s`` bounds one try, ``attempts`` the tries, ``max_wait_s`` one pause between tries, and ``budget_s``
    (when set) one call with all its tries when the caller gives no ``deadline``. ``provider`` names the server
    in every ``ProviderError``.
    """

    def __init__(
        self,
        provider: str,
        server: Server,
        *,
        timeout_s: float = 30.0,
        attempts: int = 3,
        max_wait_s: float = 8.0,
        budget_s: float | None = None,
    ) -> None:
        self.provider = provider
        self.server = server
        self.timeout_s = timeout_s
        self.attempts = max(1, attempts)
        self.max_wait_s = max_wait_s
        self.budget_s = budget_s
        self._backoff = wait_random_exponential(multiplier=0.25, max=max_wait_s)
        self._session = requests.Session()

    def post_json(
        self, path: str, payload: Mapping[str, Any], *, what: str = "", deadline: float | None = None
    ) -> dict[str, Any]:
        """POST ``payload`` as JSON to ``path`` under the server's URL (``what``: named in errors; default the path)."""
        return self._call(path, {"json": payload}, what or path, deadline)

    def post_multipart(
        self,
        path: str,
        fields: Mapping[str, str],
        files: Mapping[str, tuple[str, bytes, str]],
        *,
        what: str = "",
        deadline: float | None = None,
    ) -> dict[str, Any]:
        """POST a multipart form: ``fields`` and ``files`` (name -> file name, content, media type)."""
        return self._call(path, {"data": dict(fields), "files": dict(files)}, what or path, deadline)

    def _call(self, path: str, body: dict[str, Any], what: str, deadline: float | None) -> dict[str, Any]:
        if deadline is None and self.budget_s is not None:
            deadline = time.monotonic() + self.budget_s
        stop: stop_base = stop_after_attempt(self.attempts)
        if deadline is not None:  # no backoff that would end after the deadline, no try that starts after it
            stop = stop | stop_before_delay(max(0.0, deadline - time.monotonic()))
        retrying = Retrying(retry=retry_if_exception_type(_Retryable), wait=self._pause, stop=stop, reraise=True)
        url = self.server.url.rstrip("/") + path
        try:
            result: dict[str, Any] = retrying(self._try, url, body, what, deadline)
        except _Retryable as exc:
            tries = int(retrying.statistics.get("attempt_number", self.attempts))
            gave_up = f"gave up after {tries} {'try' if tries == 1 else 'tries'}"
            raise ProviderError(self.provider, f"{what}: {exc} ({gave_up})", exc.status) from exc
        return result

    def _try(self, url: str, body: dict[str, Any], what: str, deadline: float | None) -> dict[str, Any]:
        timeout = self.timeout_s
        if deadline is not None:
            timeout = min(timeout, deadline - time.monotonic())
            if timeout <= 0:
                raise _Retryable("no time left before the deadline")
        headers = self._sign_in()
        try:
            response = self._session.post(url, headers=headers, timeout=timeout, **body)
        except requests.Timeout as exc:
            raise _Retryable(f"no reply within {timeout:.3g} s") from exc
        except requests.RequestException as exc:  # refused, reset, dropped mid-body...
            raise _Retryable(f"connection to {url} failed: {type(exc).__name__}") from exc
        return self._json(response, what)

    def _sign_in(self) -> dict[str, str]:
        try:
            return dict(self.server.headers())
        except Exception as exc:  # e.g. an OAuth token refresh that failed
            raise ProviderError(self.provider, f"could not sign in to {self.server.url}: {exc}") from exc

    def _json(self, response: requests.Response, what: str) -> dict[str, Any]:
        status = response.status_code
        if status in RETRIED_STATUSES or status >= 500:
            wait = retry_after_s(response.headers.get("Retry-After"), datetime.now(timezone.utc))
            raise _Retryable(f"HTTP {status}: {response.text[:200]}", status, wait)
        if status >= 400:
            raise ProviderError(self.provider, f"{what}: HTTP {status}: {response.text[:300]}{_hint(status)}", status)
        try:
            body = response.json()
        except ValueError as exc:
            raise ProviderError(self.provider, f"{what}: the server replied with something that is not JSON") from exc
        if not isinstance(body, dict):
            raise ProviderError(self.provider, f"{what}: unexpected reply shape: {str(body)[:200]}")
        return body

    def _pause(self, state: RetryCallState) -> float:
        """The server's ``Retry-After`` (at most ``max_wait_s``) when it sent one, else backoff with jitter."""
        failure = state.outcome.exception() if state.outcome is not None else None
        if isinstance(failure, _Retryable) and failure.retry_after_s is not None:
            return min(failure.retry_after_s, self.max_wait_s)
        return float(self._backoff(state))


def _hint(status: int) -> str:
    if status in (401, 403):
        return " (check the API key or the workspace login)"
    return ""


def retry_after_s(value: str | None, now: datetime) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if 0 <= seconds < math.inf else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())
