"""The ``Store`` port: the Delta tables of record, locally (deltalake) or in Unity Catalog (Spark)."""

from __future__ import annotations

from typing import Any, Protocol

import pyarrow as pa


class Store(Protocol):
    """Append-mostly access to the tables declared in ``store.tables``."""

    def migrate(self) -> None:
        """Create missing tables and add missing columns, in migration order."""
        ...

    def append(self, table: str, rows: list[dict[str, object]], *, app_id: str, version: int) -> bool:
        """Append ``rows`` once: a retry with the same (app_id, version) or lower writes nothing.

        Returns:
            False when the write had already happened.
        """
        ...

    def upsert_session(self, row: dict[str, object]) -> None:
        """Insert or update the ``sessions`` row with this ``session_id``."""
        ...

    def read(self, table: str, session_id: str | None = None) -> pa.Table:
        """All rows of ``table``, or those of one session."""
        ...

    def compact(self, table: str) -> None:
        """Merge small files (after a session ends) so the file count stays bounded."""
        ...

    def spark_tables(self, table: str) -> Any:
        """``table`` as a Spark DataFrame when the store lives in Spark (analytics then stays in Spark); None for a
        local store, whose tables analytics reads with pandas."""
        ...
