"""Shared fixtures. The network is closed by default: a test that opens a socket to anything but
loopback fails loudly (remote backends are tested against loopback servers)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from interview_lib.reasoning.rubric import RubricReasoner

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1")):
        return _real_connect(self, address)  # type: ignore[arg-type]
    if self.family == socket.AF_UNIX:
        return _real_connect(self, address)  # type: ignore[arg-type]
    raise RuntimeError(f"network access in tests is closed: tried to connect to {address!r}")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    yield


@pytest.fixture(scope="session")
def rubric() -> RubricReasoner:
    """One offline rubric reasoner for the whole run (loading the embedder takes about a second)."""
    return RubricReasoner(seed=0)
