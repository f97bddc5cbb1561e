"""The Delta tables of record: schemas declared once, migrated in order.

A migration only ever adds nullable columns, so a table written by an older version still reads (its old rows
show nulls in the new columns) and an older reader ignores columns it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from interview_lib.errors import StoreError

TIMESTAMP = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Migration:
    """One ordered step: the columns it adds to one table (a table's first migration creates it)."""

    version: int
    table: str
    columns: tuple[pa.Field, ...]
    description: str


def _f(name: str, kind: pa.DataType) -> pa.Field:
    return pa.field(name, kind, nullable=True)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "sessions",
        (
            _f("session_id", pa.string()),
            _f("candidate_id", pa.string()),
            _f("cohort", pa.string()),
            _f("role", pa.string()),
            _f("level", pa.string()),
            _f("cloud", pa.string()),
            _f("setup_json", pa.string()),
            _f("backends_json", pa.string()),
            _f("created_at", TIMESTAMP),
            _f("finished_at", TIMESTAMP),
            _f("final_state", pa.string()),
            _f("overall", pa.float64()),
            _f("answered", pa.int32()),
            _f("mlflow_run_id", pa.string()),
            _f("mlflow_synced", pa.bool_()),
            _f("bundle_target", pa.string()),
            _f("updated_at", TIMESTAMP),
        ),
        "one row per session",
    ),
    Migration(
        1,
        "turns",
        (
            _f("session_id", pa.string()),
            _f("turn_no", pa.int32()),
            _f("question_id", pa.string()),
            _f("question_text", pa.string()),
            _f("question_hash", pa.string()),
            _f("skill", pa.string()),
            _f("difficulty", pa.int32()),
            _f("kind", pa.string()),
            _f("follow_up_type", pa.string()),
            _f("parent_id", pa.string()),
            _f("question_source", pa.string()),
            _f("skipped", pa.bool_()),
            _f("transcript", pa.string()),
            _f("audio_ref", pa.string()),
            _f("audio_sha256", pa.string()),
            _f("stt_backend", pa.string()),
            _f("duration_s", pa.float64()),
            _f("delivery_json", pa.string()),
            _f("asked_at", TIMESTAMP),
            _f("answered_at", TIMESTAMP),
            _f("turn_json", pa.string()),
            _f("recorded_at", TIMESTAMP),
        ),
        "one row per finished turn; turn_json holds the whole turn for resume",
    ),
    Migration(
        1,
        "scores",
        (
            _f("session_id", pa.string()),
            _f("turn_no", pa.int32()),
            _f("scorer", pa.string()),
            _f("scorer_version", pa.string()),
            _f("status", pa.string()),
            _f("reason", pa.string()),
            _f("technical_correctness", pa.float64()),
            _f("depth", pa.float64()),
            _f("practical_experience", pa.float64()),
            _f("communication", pa.float64()),
            _f("confidence", pa.float64()),
            _f("overall", pa.float64()),
            _f("rationale", pa.string()),
            _f("evidence_json", pa.string()),
            _f("missing_points_json", pa.string()),
            _f("flags_json", pa.string()),
            _f("scored_at", TIMESTAMP),
        ),
        "append-only: one row per (session, turn, scorer, scorer version)",
    ),
    Migration(
        1,
        "events",
        (
            _f("session_id", pa.string()),
            _f("seq", pa.int32()),
            _f("from_state", pa.string()),
            _f("to_state", pa.string()),
            _f("at", TIMESTAMP),
            _f("payload_json", pa.string()),
        ),
        "every state transition; the payload of an ask holds the question",
    ),
    Migration(
        2,
        "sessions",
        (_f("notes_json", pa.string()),),
        "the session's notes (offline fallback, truncated recordings, resumed after an interruption)",
    ),
    Migration(
        3,
        "scores",
        (
            _f("certainty", pa.string()),
            _f("certainty_reason", pa.string()),
            _f("points_expected", pa.int32()),
            _f("covered_points_json", pa.string()),
        ),
        "how far each score can be trusted (high, medium, low and why), and the points it counted",
    ),
    Migration(
        4,
        "sessions",
        (_f("owner", pa.string()),),
        "who the session belongs to: the signed-in user of the web app (null for the notebook room and the CLI)",
    ),
    Migration(
        5,
        "sessions",
        (_f("posting_sha256", pa.string()), _f("posting_title", pa.string())),
        "the job posting the interview followed (its hash and title; the extracted fields are in setup_json), so "
        "cohort reports can be grouped by target job",
    ),
)

TABLES: tuple[str, ...] = tuple(dict.fromkeys(m.table for m in MIGRATIONS))


def schema(table: str) -> pa.Schema:
    """The current schema of ``table``: every column every migration gave it, in order."""
    fields = [f for m in sorted(MIGRATIONS, key=lambda m: m.version) if m.table == table for f in m.columns]
    if not fields:
        raise KeyError(f"unknown table {table!r}; tables: {', '.join(TABLES)}")
    return pa.schema(fields)


class UndeclaredColumn(StoreError):
    """A row carries a key that no migration declares: it would be lost, so it is refused."""


def check_rows(table: str, rows: list[dict[str, object]]) -> None:
    """Raise ``UndeclaredColumn`` when any row has a key that ``table``'s migrations do not declare."""
    declared = set(schema(table).names)
    unknown = sorted({key for row in rows for key in row} - declared)
    if unknown:
        raise UndeclaredColumn(
            f"{table} rows carry {', '.join(unknown)}, which no migration declares: add a migration in store/tables.py"
        )


def rows_to_arrow(table: str, rows: list[dict[str, object]]) -> pa.Table:
    """Rows as an Arrow table of ``table``'s schema (missing keys become nulls, undeclared keys are refused).

    Raises:
        UndeclaredColumn: a row has a key no migration declares.
    """
    check_rows(table, rows)
    target = schema(table)
    return pa.Table.from_pylist([{name: row.get(name) for name in target.names} for row in rows], schema=target)
