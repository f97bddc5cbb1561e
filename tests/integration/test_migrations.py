"""The local Delta tables: ordered migrations that only add nullable columns, idempotent appends, session upserts."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from deltalake import DeltaTable

from interview_lib.store import local, tables
from interview_lib.store.local import LocalDeltaStore
from interview_lib.store.tables import Migration

ADD_NEW_COL = Migration(99, "turns", (pa.field("new_col", pa.string()),), "a later release records something new")


def later_release(monkeypatch: pytest.MonkeyPatch) -> None:
    """Install the migrations of a release that adds ``turns.new_col``."""
    migrations = (*tables.MIGRATIONS, ADD_NEW_COL)
    monkeypatch.setattr(tables, "MIGRATIONS", migrations)
    monkeypatch.setattr(local, "MIGRATIONS", migrations)


def versions(store: LocalDeltaStore) -> dict[str, int]:
    return {table: DeltaTable(store.path(table)).version() for table in tables.TABLES}


def columns(store: LocalDeltaStore, table: str) -> list[str]:
    return DeltaTable(store.path(table)).schema().to_arrow().names


def turn(session_id: str, turn_no: int, **extra: object) -> dict[str, object]:
    return {"session_id": session_id, "turn_no": turn_no, "question_text": f"question {turn_no}", **extra}


@pytest.fixture
def store(tmp_path: Path) -> LocalDeltaStore:
    fresh = LocalDeltaStore(tmp_path / "delta")
    fresh.migrate()
    return fresh


def test_a_later_migration_adds_a_nullable_column_and_old_rows_read_back_as_null(
    store: LocalDeltaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store.append("turns", [turn("s1", 1)], app_id="s1", version=1)
    assert "new_col" not in columns(store, "turns")
    before = versions(store)

    later_release(monkeypatch)
    upgraded = LocalDeltaStore(store.root)  # what the next process, on the new release, opens
    upgraded.migrate()

    assert columns(upgraded, "turns")[-1] == "new_col"
    assert versions(upgraded) == {**before, "turns": before["turns"] + 1}  # one commit, on that table only
    assert upgraded.read("turns").select(["turn_no", "new_col"]).to_pylist() == [{"turn_no": 1, "new_col": None}]

    assert upgraded.append("turns", [turn("s1", 2, new_col="recorded")], app_id="s1", version=2)
    rows = sorted(upgraded.read("turns", "s1").to_pylist(), key=lambda r: r["turn_no"])
    assert [(r["turn_no"], r["question_text"], r["new_col"]) for r in rows] == [
        (1, "question 1", None),
        (2, "question 2", "recorded"),
    ]

    after = versions(upgraded)
    upgraded.migrate()
    upgraded.migrate()
    assert versions(upgraded) == after


def test_migrating_an_up_to_date_store_commits_nothing(store: LocalDeltaStore) -> None:
    before = versions(store)
    store.migrate()
    LocalDeltaStore(store.root).migrate()
    assert versions(store) == before
    assert all(columns(store, t) == tables.schema(t).names for t in tables.TABLES)


def test_an_older_release_still_reads_and_appends_after_a_newer_one_migrated(
    store: LocalDeltaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as newer:
        later_release(newer)
        upgraded = LocalDeltaStore(store.root)
        upgraded.migrate()
        upgraded.append("turns", [turn("s1", 1, new_col="recorded")], app_id="s1", version=1)

    older = LocalDeltaStore(store.root)
    assert older.read("turns").num_rows == 1  # read first: a failed append is retried for ~15 s before it raises
    assert older.append("turns", [turn("s2", 1)], app_id="s2", version=1)
    assert sorted(r["session_id"] for r in older.read("turns").to_pylist()) == ["s1", "s2"]


def test_an_append_happens_once_per_app_id_and_version(store: LocalDeltaStore) -> None:
    assert store.append("turns", [turn("s1", 1)], app_id="s1", version=1) is True
    assert store.append("turns", [turn("s1", 1)], app_id="s1", version=1) is False  # a retry
    assert store.append("turns", [turn("s1", 0)], app_id="s1", version=0) is False  # an older write, replayed
    assert LocalDeltaStore(store.root).append("turns", [turn("s1", 1)], app_id="s1", version=1) is False
    assert store.read("turns").num_rows == 1

    assert store.append("turns", [turn("s1", 2)], app_id="s1", version=2) is True
    assert store.append("turns", [turn("s2", 1)], app_id="s2", version=1) is True  # another session's own key
    assert sorted((r["session_id"], r["turn_no"]) for r in store.read("turns").to_pylist()) == [
        ("s1", 1),
        ("s1", 2),
        ("s2", 1),
    ]


def test_upsert_session_updates_the_one_row_in_place(store: LocalDeltaStore) -> None:
    store.upsert_session({"session_id": "s1", "candidate_id": "c1", "final_state": "LISTENING", "overall": None})
    store.upsert_session({"session_id": "s1", "candidate_id": "c1", "final_state": "FINISHED", "overall": 7.5})
    store.upsert_session({"session_id": "s2", "candidate_id": "c2", "final_state": "LISTENING"})

    [row] = store.read("sessions", "s1").to_pylist()
    assert (row["final_state"], row["overall"]) == ("FINISHED", 7.5)
    assert sorted(r["session_id"] for r in store.read("sessions").to_pylist()) == ["s1", "s2"]
