"""Reading a server's ``Retry-After`` header: delay-seconds or an HTTP date (RFC 9110 §10.2.3)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from interview_lib.providers.http import retry_after_s

NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("3", 3.0),
        ("0", 0.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),  # not in the RFC, but some servers send it
        ("-1", None),
        ("inf", None),
        ("nan", None),
        ("soon", None),
        ("Fri, 01 May 2026 12:00:10 GMT", 10.0),
        ("Fri, 01 May 2026 11:59:00 GMT", 0.0),  # a date already past: no wait
    ],
)
def test_retry_after(header: str | None, seconds: float | None) -> None:
    assert retry_after_s(header, NOW) == seconds
