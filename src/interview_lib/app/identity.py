"""Who is asking: inside Databricks Apps the platform's proxy forwards the signed-in user (``X-Forwarded-Email``,
``X-Forwarded-User``); run locally with no such header, every request is the one local user.

Outside the platform nothing checks these headers, so `dataready serve` listens on loopback by default.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

LOCAL_USER = "local"
IDENTITY_HEADERS = ("x-forwarded-email", "x-forwarded-user", "x-forwarded-preferred-username")


def user_of(headers: Mapping[str, str]) -> str:
    """The user a request comes from: the first forwarded identity (e-mail addresses lower-cased), else local."""
    for name in IDENTITY_HEADERS:
        value = (headers.get(name) or "").strip()
        if value:
            return value.lower() if "@" in value else value
    return LOCAL_USER


def same_origin(headers: Mapping[str, str]) -> bool:
    """Whether a WebSocket handshake comes from this app's own page (or from a client that sends no Origin).

    A page on another site could otherwise open the socket with the local user's identity.
    """
    origin = headers.get("origin")
    if not origin:
        return True
    hosts = {h.strip().lower() for name in ("host", "x-forwarded-host") for h in (headers.get(name) or "").split(",")}
    return (urlsplit(origin).netloc or "").lower() in hosts - {""}
