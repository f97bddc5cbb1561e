"""The idempotency keys every append carries stay what existing tables already hold.

Delta remembers each table's last ``(app_id, version)`` per application id, so a key that changed shape would let
a retried write land twice. A session's own rows, a rescore chunk and an instructor's review are written through
the normal path into real Delta tables, and the keys the store saw are compared with the ones written before
key construction moved into ``store/keys.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa

from interview_lib import Interview, InterviewSetup
from interview_lib.analytics.rescore import record_review, rescore
from interview_lib.bank import load_bank
from interview_lib.domain.models import Evaluation, Question, Transcript
from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score
from interview_lib.session.recorder import TableRecorder
from interview_lib.store.local import LocalDeltaStore

REVIEWED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


class KeyLog:
    """A real local store that also lists the key of every append it is asked for."""

    def __init__(self, inner: LocalDeltaStore) -> None:
        self.inner = inner
        self.keys: list[tuple[str, str, int]] = []

    def migrate(self) -> None:
        self.inner.migrate()

    def append(self, table: str, rows: list[dict[str, object]], *, app_id: str, version: int) -> bool:
        self.keys.append((table, app_id, version))
        return self.inner.append(table, rows, app_id=app_id, version=version)

    def upsert_session(self, row: dict[str, object]) -> None:
        self.inner.upsert_session(row)

    def read(self, table: str, session_id: str | None = None) -> pa.Table:
        return self.inner.read(table, session_id)

    def compact(self, table: str) -> None:
        self.inner.compact(table)

    def spark_tables(self, table: str) -> Any:
        return None


class SecondOpinion:
    """A batch scorer of another version that gives every answer a 5."""

    name = "second-opinion"
    version = "2"

    def evaluate(self, question: Question, transcript: Transcript) -> Evaluation:
        scored = fixed_score(5)(question, transcript)
        return scored.model_copy(update={"scorer": self.name, "scorer_version": self.version})

    def evaluate_many(self, items: Sequence[tuple[Question, Transcript]]) -> list[Evaluation]:
        return [self.evaluate(q, t) for q, t in items]


def test_session_rescore_and_review_appends_keep_their_keys(tmp_path: Path) -> None:
    store = KeyLog(LocalDeltaStore(tmp_path / "delta"))
    store.migrate()
    questions = [entry.question() for entry in load_bank().entries[:2]]
    setup = InterviewSetup(candidate_id="cand-k", core_questions=2, max_follow_ups=0, seed=1)
    interview = Interview.start(setup, ScriptedReasoner(questions), session_id="keys-1", recorder=TableRecorder(store))
    interview.answer("Partition pruning skips files whose statistics rule them out.")
    interview.answer("Z-ordering clusters related values into the same files.")
    interview.end()
    session_keys = list(store.keys)
    assert session_keys == [
        ("events", "keys-1", 2),
        ("turns", "keys-1", 1),
        ("scores", "keys-1", 1),
        ("events", "keys-1", 7),
        ("turns", "keys-1", 2),
        ("scores", "keys-1", 2),
        ("events", "keys-1", 13),
    ]

    result = rescore(store, SecondOpinion())
    assert result.appended == 2
    record_review(store, "keys-1", 2, " alice ", 7.0, "fair", REVIEWED_AT)
    assert store.keys[len(session_keys) :] == [
        ("scores", "rescore:second-opinion@2:keys-1:1", 1),
        ("scores", "review:alice:keys-1:2", 1772443800000),
    ]

    again = rescore(store, SecondOpinion())
    assert again.appended == 0 and again.already_scored == 2
