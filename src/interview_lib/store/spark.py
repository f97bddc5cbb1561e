"""The Databricks ``Store``: the tables of record as Unity Catalog Delta tables ``<catalog>.<schema>.<table>``.

Works with any Spark session, classic or Spark Connect (Databricks notebooks, jobs, serverless, Databricks
Connect). pyspark is imported only inside this module, and only by the session the caller hands in: the local
code path never needs it.

Idempotency is Delta's own: each append carries ``txnAppId``/``txnVersion``, and Delta skips a write whose
version is not above the last one committed for that app id, in the same commit as the rows. Delta does not
say when it skipped, so each append also tags its commit (``userMetadata``) and looks for the tag in
``DESCRIBE HISTORY`` afterwards. MERGE and OPTIMIZE retry on commit conflicts (e.g. two sessions ending at once).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_random_exponential

from interview_lib.errors import ConfigurationError, StoreError
from interview_lib.store.tables import MIGRATIONS, TABLES, rows_to_arrow, schema

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

_SIMPLE_TYPES: dict[pa.DataType, str] = {
    pa.string(): "STRING",
    pa.large_string(): "STRING",
    pa.bool_(): "BOOLEAN",
    pa.int8(): "TINYINT",
    pa.int16(): "SMALLINT",
    pa.int32(): "INT",
    pa.int64(): "BIGINT",
    pa.float32(): "FLOAT",
    pa.float64(): "DOUBLE",
    pa.date32(): "DATE",
    pa.binary(): "BINARY",
    pa.large_binary(): "BINARY",
}

# Delta's commit-conflict errors, as Databricks (error class) and open-source Delta (exception name) word them.
_CONFLICT = re.compile(
    r"DELTA_CONCURRENT_|DELTA_METADATA_CHANGED|DELTA_PROTOCOL_CHANGED"
    r"|Concurrent\w*Exception|MetadataChangedException|ProtocolChangedException"
)
_MISSING_TABLE = "TABLE_OR_VIEW_NOT_FOUND"


def spark_sql_type(kind: pa.DataType) -> str:
    """The Spark SQL type that holds values of the Arrow type ``kind`` (tz-aware timestamps → TIMESTAMP).

    Raises:
        StoreError: no mapping for ``kind``.
    """
    simple = _SIMPLE_TYPES.get(kind)
    if simple is not None:
        return simple
    if pa.types.is_timestamp(kind):
        return "TIMESTAMP" if kind.tz is not None else "TIMESTAMP_NTZ"
    if pa.types.is_decimal(kind) and kind.precision <= 38:
        return f"DECIMAL({kind.precision}, {kind.scale})"
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return f"ARRAY<{spark_sql_type(kind.value_type)}>"
    if pa.types.is_map(kind):
        return f"MAP<{spark_sql_type(kind.key_type)}, {spark_sql_type(kind.item_type)}>"
    if pa.types.is_struct(kind):
        return "STRUCT<" + ", ".join(f"{quote(f.name)}: {spark_sql_type(f.type)}" for f in kind) + ">"
    raise StoreError(f"no Spark SQL type for the Arrow type {kind}: add it to store/spark.py")


def quote(identifier: str) -> str:
    """``identifier`` as a back-quoted Spark SQL identifier."""
    return "`" + identifier.replace("`", "``") + "`"


def _sql_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def column_list(fields: Sequence[pa.Field]) -> str:
    """``fields`` as Spark SQL column definitions (every column nullable, as every migration declares)."""
    return ", ".join(f"{quote(f.name)} {spark_sql_type(f.type)}" for f in fields)


def create_schema_sql(catalog: str, schema_: str) -> str:
    """``CREATE SCHEMA IF NOT EXISTS`` for ``<catalog>.<schema>``."""
    return f"CREATE SCHEMA IF NOT EXISTS {quote(catalog)}.{quote(schema_)}"


def create_table_sql(name: str, fields: Sequence[pa.Field], comment: str | None = None) -> str:
    """``CREATE TABLE IF NOT EXISTS`` a Delta table ``name`` (already quoted) with ``fields``."""
    sql = f"CREATE TABLE IF NOT EXISTS {name} ({column_list(fields)}) USING DELTA"
    return f"{sql} COMMENT {_sql_string(comment)}" if comment else sql


def add_columns_sql(name: str, fields: Sequence[pa.Field]) -> str:
    """``ALTER TABLE ... ADD COLUMNS`` for the columns a later migration declares."""
    return f"ALTER TABLE {name} ADD COLUMNS ({column_list(fields)})"


def merge_sql(name: str, source: str, key: str, columns: Sequence[str]) -> str:
    """MERGE the rows of the view ``source`` into ``name`` on ``key``, naming ``columns`` (not ``*``).

    Naming the columns lets this version write a table that a newer version gave more columns.
    """
    on = f"t.{quote(key)} = s.{quote(key)}"
    updates = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns)
    names = ", ".join(quote(c) for c in columns)
    values = ", ".join(f"s.{quote(c)}" for c in columns)
    return (
        f"MERGE INTO {name} AS t USING {quote(source)} AS s ON {on} "
        f"WHEN MATCHED THEN UPDATE SET {updates} "
        f"WHEN NOT MATCHED THEN INSERT ({names}) VALUES ({values})"
    )


def optimize_sql(name: str) -> str:
    """Bin-pack the small files of ``name``."""
    return f"OPTIMIZE {name}"


def commit_found(history: Sequence[tuple[int, str | None]], since: int, tag: str, limit: int) -> bool | None:
    """Whether a commit after version ``since`` carries ``tag``, from the newest ``limit`` history rows.

    Returns:
        True or False when the rows decide it; None when every row is newer than ``since`` and there may be
        more (ask again with a larger limit).
    """
    if any(version > since and metadata == tag for version, metadata in history):
        return True
    reached_since = any(version <= since + 1 for version, _ in history)
    return False if reached_since or len(history) < limit else None


def is_conflict(exc: BaseException) -> bool:
    """Whether ``exc`` is a Delta commit conflict that a retry can resolve."""
    return bool(_CONFLICT.search(f"{type(exc).__name__} {exc}"))


def arrow_from_pandas(frame: pd.DataFrame, target: pa.Schema, time_zone: str) -> pa.Table:
    """A ``toPandas()`` result as an Arrow table of ``target``.

    pyspark before 4.0 has no ``toArrow``; its ``toPandas`` gives timestamps as naive wall-clock times in the
    session time zone, which must be localized before they become UTC instants.
    """
    frame = frame.copy()
    for field in target:
        if pa.types.is_timestamp(field.type) and field.type.tz is not None and field.name in frame:
            column = frame[field.name]
            if getattr(column.dt, "tz", None) is None:
                frame[field.name] = column.dt.tz_localize(time_zone)
    return pa.Table.from_pandas(frame, schema=target, preserve_index=False)


_on_conflict = retry(
    retry=retry_if_exception(is_conflict),
    wait=wait_random_exponential(multiplier=0.2, max=5.0),
    stop=stop_after_attempt(20),
    reraise=True,
)


def _table_comments() -> dict[str, str]:
    """Each table's comment: the description of the migration that created it."""
    comments: dict[str, str] = {}
    for migration in sorted(MIGRATIONS, key=lambda m: m.version):
        comments.setdefault(migration.table, migration.description)
    return comments


@contextmanager
def _existing(table: str) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        if _MISSING_TABLE in str(exc):
            raise StoreError(f"table {table} does not exist yet: run migrate() first") from exc
        raise


class SparkDeltaStore:
    """Delta tables in a Unity Catalog schema, written and read through a Spark session."""

    def __init__(self, spark: SparkSession, catalog: str, schema: str, *, describe_history: bool = True) -> None:
        """Use ``<catalog>.<schema>`` through ``spark``.

        Args:
            spark: a live session (``spark`` in a Databricks notebook or job, or a Spark Connect session).
            catalog: the Unity Catalog catalog (created beforehand by an admin; migrate() only creates schemas).
            schema: the schema that holds the tables (created by migrate() when missing).
            describe_history: whether the engine answers ``DESCRIBE HISTORY`` (Databricks does). append() uses
                it to tell a write from a skipped retry; without it every non-empty append reports True.
        """
        if not catalog or not schema:
            raise ConfigurationError("SparkDeltaStore needs a catalog and a schema, e.g. ('main', 'dataready')")
        self.spark = spark
        self.catalog = catalog
        self.schema = schema
        self.describe_history = describe_history

    def spark_tables(self, table: str) -> DataFrame:
        """The table as a Spark DataFrame (for analytics that should stay in Spark)."""
        return self.spark.table(self.table_name(table))

    def table_name(self, table: str) -> str:
        """The quoted three-part name of ``table``."""
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}; tables: {', '.join(TABLES)}")
        return f"{quote(self.catalog)}.{quote(self.schema)}.{quote(table)}"

    def migrate(self) -> None:
        """Create the schema and missing tables; add the columns that later migrations declare."""
        self.spark.sql(create_schema_sql(self.catalog, self.schema))
        comments = _table_comments()
        for table in TABLES:
            name = self.table_name(table)
            self.spark.sql(create_table_sql(name, list(schema(table)), comments[table]))
            present = {c.lower() for c in self.spark.table(name).columns}
            missing = [f for f in schema(table) if f.name.lower() not in present]
            if missing:
                self._alter(add_columns_sql(name, missing))

    @_on_conflict
    def _alter(self, sql: str) -> None:
        self.spark.sql(sql)

    @_on_conflict
    def append(self, table: str, rows: list[dict[str, object]], *, app_id: str, version: int) -> bool:
        """Append once per (app_id, version); see ``Store.append``.

        Run migrate() first: without ``describe_history`` nothing checks that the table exists, and
        ``saveAsTable`` would create it from the rows (same columns, no comment).
        """
        if not rows:
            return False
        name = self.table_name(table)
        with _existing(table):
            before = self._latest_version(name) if self.describe_history else None
        tag = json.dumps({"app_id": app_id, "version": version, "write": uuid.uuid4().hex})
        (
            self._frame(table, rows)
            .write.format("delta")
            .mode("append")
            .option("txnAppId", app_id)
            .option("txnVersion", version)
            .option("userMetadata", tag)
            .saveAsTable(name)
        )
        return before is None or self._landed(name, before, tag)

    @_on_conflict
    def upsert_session(self, row: dict[str, object]) -> None:
        """MERGE the session row on ``session_id``."""
        view = f"dataready_session_{uuid.uuid4().hex}"
        self._frame("sessions", [row]).createOrReplaceTempView(view)
        try:
            with _existing("sessions"):
                self.spark.sql(merge_sql(self.table_name("sessions"), view, "session_id", schema("sessions").names))
        finally:
            self.spark.catalog.dropTempView(view)

    def read(self, table: str, session_id: str | None = None) -> pa.Table:
        """Rows of ``table`` (of one session when ``session_id`` is given), with the declared schema."""
        target = schema(table)
        with _existing(table):
            frame = self.spark.table(self.table_name(table)).select(*target.names)
            if session_id is not None:
                frame = frame.where(frame["session_id"] == session_id)
            result = self._to_arrow(frame, target)
        return result.cast(target) if result.num_rows else target.empty_table()

    @_on_conflict
    def compact(self, table: str) -> None:
        """OPTIMIZE: bin-pack small files (old files stay until VACUUM, for readers and time travel)."""
        with _existing(table):
            self.spark.sql(optimize_sql(self.table_name(table)))

    # -- helpers -------------------------------------------------------------------------------------
    def _frame(self, table: str, rows: list[dict[str, object]]) -> DataFrame:
        # Through Arrow first: the same validation and column order as the local store, plain Python values out.
        target = schema(table)
        data = [tuple(row[n] for n in target.names) for row in rows_to_arrow(table, rows).to_pylist()]
        return self.spark.createDataFrame(data, schema=column_list(list(target)))

    def _to_arrow(self, frame: DataFrame, target: pa.Schema) -> pa.Table:
        to_arrow: Any = getattr(frame, "toArrow", None)  # pyspark >= 4.0
        if to_arrow is not None:
            return pa.table(to_arrow())
        time_zone = self.spark.conf.get("spark.sql.session.timeZone") or "UTC"
        return arrow_from_pandas(frame.toPandas(), target, time_zone)

    def _latest_version(self, name: str) -> int:
        rows = self.spark.sql(f"DESCRIBE HISTORY {name} LIMIT 1").collect()
        return int(rows[0]["version"]) if rows else -1

    def _landed(self, name: str, since: int, tag: str) -> bool:
        limit = 8
        while True:
            rows = self.spark.sql(f"DESCRIBE HISTORY {name} LIMIT {limit}").collect()
            found = commit_found([(int(r["version"]), r["userMetadata"]) for r in rows], since, tag, limit)
            if found is not None:
                return found
            limit *= 4
