"""A loopback HTTP server that plays a script, for the tests of every remote backend (chat, speech, secrets).

A test gives a ``FakeServer`` canned HTTP replies (status, body, headers, delay) for fixed routes or in order, or a
responder that answers each request the way the real server would; the server records every request it saw.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Reply:
    """One canned HTTP reply."""

    status: int = 200
    body: Any = None  # a dict/list is sent as JSON, a str as it is
    delay_s: float = 0.0  # wait this long (or until the test releases the server) before replying
    cut: bool = False  # promise a longer body than is sent, then drop the connection
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    method: str
    path: str  # with the query string
    headers: dict[str, str]  # lower-case names
    raw: bytes
    at: float  # time.monotonic() when it arrived

    @property
    def json(self) -> Any:
        return json.loads(self.raw) if self.raw else None

    @property
    def messages(self) -> list[dict[str, str]]:
        """A chat request's messages."""
        return list(self.json["messages"])

    @property
    def prompt(self) -> str:
        """A chat request's first message."""
        return self.messages[0]["content"]


Responder = Callable[[Seen], Reply]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        headers = {k.lower(): v for k, v in self.headers.items()}
        seen = Seen(method, self.path, headers, self.rfile.read(length), time.monotonic())
        fake = self.server.fake
        try:
            reply = fake.reply_to(seen)
        except Exception as exc:  # a broken test responder: say so instead of dropping the connection
            reply = Reply(599, {"error": f"the test's responder failed: {exc!r}"})
        try:
            if reply.delay_s:
                fake.release.wait(reply.delay_s)  # a slow model; the test ends the wait when it is done
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting
        finally:
            fake.finished()

    def _send(self, reply: Reply) -> None:
        data = reply.body.encode() if isinstance(reply.body, str) else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "text/plain" if isinstance(reply.body, str) else "application/json")
        self.send_header("Content-Length", str(len(data) + (5000 if reply.cut else 0)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data[: len(data) // 2] if reply.cut else data)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handler threads: nothing outlives the test
    fake: FakeServer


class FakeServer:
    """A loopback HTTP server playing a script: fixed routes first, then queued replies, then a responder."""

    def __init__(self) -> None:
        self.script: deque[Reply] = deque()
        self.routes: dict[tuple[str, str], Reply] = {}
        self.responder: Responder | None = None
        self.requests: list[Seen] = []
        self.release = threading.Event()
        self._done = threading.Condition()
        self._finished = 0
        self._http = _Server(("127.0.0.1", 0), _Handler)
        self._http.fake = self
        self._thread = threading.Thread(target=self._serve, name="fake-model-server", daemon=True)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def play(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def reply_to(self, seen: Seen) -> Reply:
        with self._done:
            self.requests.append(seen)
            if (seen.method, seen.path) in self.routes:
                return self.routes[seen.method, seen.path]
            if self.script:
                return self.script.popleft()
        if self.responder is not None:
            return self.responder(seen)
        return Reply(599, {"error": f"the test's script has no reply for {seen.method} {seen.path}"})

    def finished(self) -> None:
        with self._done:
            self._finished += 1
            self._done.notify_all()

    def wait_finished(self, count: int, timeout_s: float = 10.0) -> bool:
        """Wait until the server has finished handling ``count`` requests."""
        with self._done:
            return self._done.wait_for(lambda: self._finished >= count, timeout_s)

    def posts_to(self, *endings: str) -> list[Seen]:
        """The POSTs whose path ends with one of ``endings``."""
        return [r for r in self.requests if r.method == "POST" and r.path.endswith(endings)]

    @property
    def chat_requests(self) -> list[Seen]:
        return self.posts_to("/chat/completions", "/invocations")

    def without_host_metadata(self) -> None:
        """Answer the Databricks SDK's host-metadata probe the way a workspace without it does."""
        self.routes["GET", "/.well-known/databricks-config"] = Reply(404, {"error_code": "NOT_FOUND"})

    def _serve(self) -> None:
        self._http.serve_forever(poll_interval=0.02)  # a short poll: shutdown() returns at once

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=10)


@contextmanager
def serving() -> Iterator[FakeServer]:
    """A started ``FakeServer``, stopped (its handler threads joined) on the way out."""
    fake = FakeServer()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def no_databricks_login(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No Databricks login from this machine: no DATABRICKS_* variables, no ~/.databrickscfg."""
    for name in [n for n in os.environ if n.startswith(("DATABRICKS_", "ARM_", "AZURE_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "no-databrickscfg"))
