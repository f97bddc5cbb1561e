"""The local ``Store``: real Delta tables under ``<home>/delta/<table>`` written with deltalake (delta-rs).

Idempotency uses Delta's own application transactions: each append carries ``(app_id, version)`` in the
same commit as its rows, so "was this written?" and "write it" can never disagree after a crash. Appends from
many processes do not conflict; the ``sessions`` MERGE and compaction retry on commit conflicts.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, QueryBuilder, Transaction, write_deltalake
from deltalake.exceptions import CommitFailedError, DeltaError, TableNotFoundError
from filelock import FileLock
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_random_exponential

from interview_lib.errors import StoreError
from interview_lib.store.tables import MIGRATIONS, TABLES, rows_to_arrow, schema


def _is_conflict(exc: BaseException) -> bool:
    """Commit conflicts are worth retrying; schema, protocol and missing-table errors are not."""
    return isinstance(exc, CommitFailedError) or type(exc) is DeltaError


_on_conflict = retry(
    retry=retry_if_exception(_is_conflict),
    wait=wait_random_exponential(multiplier=0.02, max=1.0),
    stop=stop_after_attempt(30),
    reraise=True,
)
_COMMIT = CommitProperties(max_commit_retries=50)
COMPACT_AT_FILES = 8  # a table is compacted once it holds this many files, so the count stays bounded


class LocalDeltaStore:
    """Delta tables in a folder; safe for several processes at once."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tables: dict[str, DeltaTable] = {}

    def path(self, table: str) -> str:
        """Where ``table`` lives (what another engine opens)."""
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}")
        return str(self.root / table)

    def _table(self, table: str) -> DeltaTable:
        cached = self._tables.get(table)
        if cached is None:
            try:
                cached = DeltaTable(self.path(table))
            except TableNotFoundError as exc:
                raise StoreError(f"table {table} does not exist yet: run migrate() first") from exc
            self._tables[table] = cached
        else:
            cached.update_incremental()
        return cached

    def migrate(self) -> None:
        """Create missing tables; add columns that later migrations declare."""
        self.root.mkdir(parents=True, exist_ok=True)
        for migration in sorted(MIGRATIONS, key=lambda m: m.version):
            path = self.path(migration.table)
            if not DeltaTable.is_deltatable(path):
                self._create(migration.table)
                continue
            present = set(self._table(migration.table).schema().to_arrow().names)
            missing = [f for f in migration.columns if f.name not in present]
            if missing:
                self._add_columns(migration.table, missing)

    @_on_conflict
    def _create(self, table: str) -> None:
        if DeltaTable.is_deltatable(self.path(table)):  # another process won the race
            return
        write_deltalake(self.path(table), schema(table).empty_table(), mode="ignore")

    @_on_conflict
    def _add_columns(self, table: str, fields: list[pa.Field]) -> None:
        from deltalake.schema import Field

        self._table(table).alter.add_columns([Field.from_arrow(f) for f in fields])

    @_on_conflict
    def append(self, table: str, rows: list[dict[str, object]], *, app_id: str, version: int) -> bool:
        """Append once per (app_id, version); see ``Store.append``."""
        dt = self._table(table)
        done = dt.transaction_version(app_id)
        if done is not None and done >= version:
            return False
        if not rows:
            return False
        properties = CommitProperties(app_transactions=[Transaction(app_id, version)], max_commit_retries=50)
        # schema_mode="merge": a table a newer release migrated has columns this release does not know
        write_deltalake(
            dt, rows_to_arrow(table, rows), mode="append", schema_mode="merge", commit_properties=properties
        )
        return True

    @_on_conflict
    def upsert_session(self, row: dict[str, object]) -> None:
        """MERGE the session row on ``session_id``."""
        source = rows_to_arrow("sessions", [row])
        (
            self._table("sessions")
            .merge(source, "t.session_id = s.session_id", source_alias="s", target_alias="t", commit_properties=_COMMIT)
            .when_matched_update_all()
            .when_not_matched_insert_all()
            .execute()
        )

    def read(self, table: str, session_id: str | None = None) -> pa.Table:
        """Rows of ``table`` (of one session when ``session_id`` is given).

        Reads go through delta-rs' own query engine: its pyarrow-dataset path can abort the interpreter at exit.
        """
        where = "" if session_id is None else " WHERE session_id = '" + session_id.replace("'", "''") + "'"
        result = pa.table(
            QueryBuilder().register("t", self._table(table)).execute(f"SELECT * FROM t{where}").read_all()
        )
        if not result.num_rows:
            return schema(table).empty_table()
        return result.select(schema(table).names).cast(schema(table))  # ignore columns a newer release added

    def spark_tables(self, table: str) -> None:
        """Not in Spark: None (analytics reads these tables with pandas)."""
        return None

    def compact(self, table: str) -> None:
        """Bin-pack small files once there are enough of them (old files stay until VACUUM, for time travel).

        One compaction at a time per table, across processes: two concurrent OPTIMIZE commits that read the same
        version can both land with delta-rs and duplicate rows, so a file lock serialises them.
        """
        with FileLock(str(self.root / f".{table}.compact.lock")):
            if self.file_count(table) >= COMPACT_AT_FILES:
                self._compact(table)

    @_on_conflict
    def _compact(self, table: str) -> None:
        self._table(table).optimize.compact(commit_properties=_COMMIT)

    def file_count(self, table: str) -> int:
        """Active data files of ``table`` (what a reader opens)."""
        return len(self._table(table).file_uris())
