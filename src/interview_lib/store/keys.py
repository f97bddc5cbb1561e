"""The idempotency keys of every append: which ``(app_id, version)`` each kind of write carries.

Delta keeps, per table, the highest version committed under each application id, and ``Store.append`` writes
nothing when it has already seen that version or a higher one. So a key must grow with each new write of the
same writer and repeat exactly when the same write is retried. Existing tables hold these keys: changing their
shape would let a retried write land twice (``tests/integration/test_write_keys.py`` pins them).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class AppendKey(NamedTuple):
    """The application id and version one append is committed under."""

    app_id: str
    version: int


def scorer_version(scorer: str, version: str) -> str:
    """A scorer version as the scores table's readers name it, e.g. ``rubric@2``."""
    return f"{scorer}@{version}"


def turn_rows(session_id: str, turn_no: int) -> AppendKey:
    """A finished turn's ``turns`` row and its live ``scores`` row (one key per table): the turn number grows."""
    return AppendKey(session_id, turn_no)


def session_events(session_id: str, last_seq: int) -> AppendKey:
    """A batch of a session's ``events``, keyed by the sequence number of its last transition."""
    return AppendKey(session_id, last_seq)


def rescore_chunk(scorer: str, version: str, first_session_id: str, first_turn_no: int) -> AppendKey:
    """One chunk of a rescore, named by the scorer version and the chunk's first turn (written once)."""
    return AppendKey(f"rescore:{scorer_version(scorer, version)}:{first_session_id}:{first_turn_no}", 1)


def review(reviewer: str, session_id: str, turn_no: int, at: datetime) -> AppendKey:
    """An instructor's review of one answer: a later review by the same reviewer gets a higher version."""
    return AppendKey(f"review:{reviewer}:{session_id}:{turn_no}", int(at.timestamp() * 1000))
