"""The pure parts of the Spark store: Arrow → Spark SQL types, the SQL it sends, how it reads history and errors.

The statements themselves run against a local Spark Connect server in tests/integration/test_spark_store.py.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pandas as pd
import pyarrow as pa
import pytest

from interview_lib.errors import ConfigurationError, InterviewLibError
from interview_lib.store import spark as sp
from interview_lib.store.tables import TABLES, TIMESTAMP, schema


@pytest.mark.parametrize(
    ("arrow", "spark"),
    [
        (pa.string(), "STRING"),
        (pa.int32(), "INT"),
        (pa.int64(), "BIGINT"),
        (pa.float64(), "DOUBLE"),
        (pa.bool_(), "BOOLEAN"),
        (TIMESTAMP, "TIMESTAMP"),
        (pa.timestamp("us"), "TIMESTAMP_NTZ"),
        (pa.date32(), "DATE"),
        (pa.decimal128(10, 2), "DECIMAL(10, 2)"),
        (pa.list_(pa.string()), "ARRAY<STRING>"),
        (pa.map_(pa.string(), pa.float64()), "MAP<STRING, DOUBLE>"),
        (pa.struct([("quote", pa.string()), ("at", pa.int32())]), "STRUCT<`quote`: STRING, `at`: INT>"),
    ],
)
def test_arrow_types_map_to_spark_sql_types(arrow: pa.DataType, spark: str) -> None:
    assert sp.spark_sql_type(arrow) == spark


def test_every_declared_column_has_a_spark_type() -> None:
    for table in TABLES:
        for field in schema(table):
            assert sp.spark_sql_type(field.type)


def test_an_unmapped_type_names_the_file_to_change() -> None:
    with pytest.raises(InterviewLibError, match=r"store/spark\.py"):
        sp.spark_sql_type(pa.duration("s"))


def test_identifiers_are_back_quoted_and_escaped() -> None:
    assert sp.quote("main") == "`main`"
    assert sp.quote("odd`name") == "`odd``name`"


def test_create_table_declares_every_column_in_order_as_delta() -> None:
    name = "`main`.`dataready`.`sessions`"
    sql = sp.create_table_sql(name, list(schema("sessions")), "one row per session")
    assert sql.startswith("CREATE TABLE IF NOT EXISTS `main`.`dataready`.`sessions` (`session_id` STRING, ")
    assert "`created_at` TIMESTAMP" in sql and "`answered` INT" in sql and "`mlflow_synced` BOOLEAN" in sql
    assert sql.endswith(") USING DELTA COMMENT 'one row per session'")
    positions = [sql.index(f"`{n}` ") for n in schema("sessions").names]
    assert positions == sorted(positions)


def test_comments_and_schemas_are_escaped() -> None:
    assert sp.create_table_sql("`t`", [pa.field("a", pa.string())], "it's") == (
        "CREATE TABLE IF NOT EXISTS `t` (`a` STRING) USING DELTA COMMENT 'it\\'s'"
    )
    assert sp.create_schema_sql("main", "data ready") == "CREATE SCHEMA IF NOT EXISTS `main`.`data ready`"


def test_later_columns_are_added_with_alter_table() -> None:
    fields = [pa.field("latency_ms", pa.float64()), pa.field("tags", pa.list_(pa.string()))]
    assert sp.add_columns_sql("`c`.`s`.`turns`", fields) == (
        "ALTER TABLE `c`.`s`.`turns` ADD COLUMNS (`latency_ms` DOUBLE, `tags` ARRAY<STRING>)"
    )


def test_merge_matches_on_the_key_and_names_every_column() -> None:
    sql = sp.merge_sql("`c`.`s`.`sessions`", "src_1", "session_id", ["session_id", "overall"])
    assert sql == (
        "MERGE INTO `c`.`s`.`sessions` AS t USING `src_1` AS s ON t.`session_id` = s.`session_id` "
        "WHEN MATCHED THEN UPDATE SET `session_id` = s.`session_id`, `overall` = s.`overall` "
        "WHEN NOT MATCHED THEN INSERT (`session_id`, `overall`) VALUES (s.`session_id`, s.`overall`)"
    )


def test_compaction_is_optimize() -> None:
    assert sp.optimize_sql("`c`.`s`.`turns`") == "OPTIMIZE `c`.`s`.`turns`"


@pytest.mark.parametrize(
    ("history", "limit", "expected"),
    [
        ([(7, "mine"), (6, "other"), (5, None)], 8, True),  # our commit landed
        ([(6, "other"), (5, None)], 8, False),  # only someone else's commit since version 5
        ([(5, None), (4, None)], 8, False),  # nothing committed since: the retry was skipped
        ([(9, None), (8, None)], 2, None),  # the window does not reach back to version 5 yet: look further
        ([(9, None), (8, None), (7, None), (6, None)], 4, False),  # it does (6 is the first after 5)
        ([(9, None), (8, None)], 8, False),  # fewer rows than asked: that is all the history there is
        ([(5, "mine")], 8, False),  # the tag on an older commit is not this write's
    ],
)
def test_history_tells_a_landed_write_from_a_skipped_retry(
    history: list[tuple[int, str | None]], limit: int, expected: bool | None
) -> None:
    assert sp.commit_found(history, 5, "mine", limit) is expected


class _SparkError(Exception):
    """Stands in for a pyspark error: only its class name and message matter."""


class ConcurrentAppendException(Exception):
    """Open-source Delta's conflict, by name."""


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (_SparkError("[DELTA_CONCURRENT_APPEND.WITHOUT_HINT] Files were added to the root of the table"), True),
        (_SparkError("[DELTA_METADATA_CHANGED] The metadata of the Delta table has been changed"), True),
        (ConcurrentAppendException("files were added"), True),
        (_SparkError("[TABLE_OR_VIEW_NOT_FOUND] The table or view `c`.`s`.`turns` cannot be found"), False),
        (_SparkError("[PARSE_SYNTAX_ERROR] Syntax error at or near 'OPTIMIZE'"), False),
    ],
)
def test_only_commit_conflicts_are_retried(exc: Exception, expected: bool) -> None:
    assert sp.is_conflict(exc) is expected


def test_naive_pandas_timestamps_are_read_in_the_session_time_zone() -> None:
    target = pa.schema([pa.field("at", TIMESTAMP), pa.field("n", pa.int32())])
    frame = pd.DataFrame({"at": [datetime(2024, 1, 1, 11, 0), None], "n": [1.0, None]})
    table = sp.arrow_from_pandas(frame, target, "Europe/Berlin")
    assert table.schema == target
    assert table.to_pylist() == [
        {"at": datetime(2024, 1, 1, 10, 0, tzinfo=timezone.utc), "n": 1},
        {"at": None, "n": None},
    ]


def test_a_store_needs_a_catalog_and_a_schema() -> None:
    with pytest.raises(ConfigurationError, match="catalog and a schema"):
        sp.SparkDeltaStore(object(), "", "dataready")  # type: ignore[arg-type]


def test_table_names_are_three_part_and_checked() -> None:
    store = sp.SparkDeltaStore(object(), "main", "dataready")  # type: ignore[arg-type]
    assert store.table_name("turns") == "`main`.`dataready`.`turns`"
    with pytest.raises(InterviewLibError, match="unknown table"):
        store.table_name("nope")


def test_the_module_imports_without_pyspark() -> None:
    code = "import sys, interview_lib.store.spark; assert 'pyspark' not in sys.modules, sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
