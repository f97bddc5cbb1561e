"""The Delta tables read the same through a second engine: DuckDB's delta extension (delta-kernel-rs), not
delta-rs. The extension binary ships in the ``duckdb-extension-delta`` wheel, built for the pinned DuckDB."""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb
import duckdb_extension_delta
import pytest

from interview_lib.store.local import LocalDeltaStore
from interview_lib.store.tables import TABLES

from .processes import demo_command, run_cli

_KEYS = {
    "sessions": ("session_id", "final_state", "answered"),
    "turns": ("session_id", "turn_no", "question_hash"),
    "scores": ("session_id", "turn_no", "scorer", "overall"),
    "events": ("session_id", "seq", "to_state"),
}


def delta_extension() -> Path:
    """The extension file the wheel ships for the installed DuckDB version."""
    shipped = Path(duckdb_extension_delta.__file__).parent / "extensions"
    found = shipped / f"v{duckdb.__version__}" / "delta.duckdb_extension"
    assert found.is_file(), f"{shipped} has no build for DuckDB {duckdb.__version__}: pin the two packages together"
    return found


def duckdb_with_delta() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that loads the shipped extension and never tries to download one."""
    connection = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    connection.execute(f"LOAD '{delta_extension()}'")
    return connection


@pytest.mark.slow
def test_duckdb_reads_the_same_rows_as_the_store(data_home: Path) -> None:
    second = run_cli(data_home, demo_command(str(uuid.uuid4()), seed=7))
    assert second.returncode == 0, second.stderr
    store = LocalDeltaStore(data_home / "delta")
    connection = duckdb_with_delta()

    for table in TABLES:
        ours = store.read(table)
        columns = ", ".join(_KEYS[table])
        theirs = connection.execute(f"SELECT {columns} FROM delta_scan(?)", [store.path(table)]).fetchall()
        assert ours.num_rows > 0, table
        assert len(theirs) == ours.num_rows, table
        expected = ours.select(list(_KEYS[table])).to_pylist()
        assert sorted(theirs, key=repr) == sorted((tuple(r.values()) for r in expected), key=repr), table
    assert store.read("sessions").num_rows == 2
