"""The idempotency keys as pure values: what each kind of append is committed under, byte for byte."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from interview_lib.store import keys

AT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def test_a_sessions_own_rows_are_keyed_by_the_session_and_a_growing_number() -> None:
    assert keys.turn_rows("practice-1", 3) == ("practice-1", 3)
    assert keys.session_events("practice-1", 13) == ("practice-1", 13)


def test_a_rescore_chunk_is_named_by_scorer_version_and_first_turn_and_written_once() -> None:
    key = keys.rescore_chunk("rubric", "2", "practice-1", 4)
    assert (key.app_id, key.version) == ("rescore:rubric@2:practice-1:4", 1)
    assert keys.scorer_version("openai:gpt-4o-mini", "llm-1") == "openai:gpt-4o-mini@llm-1"


def test_a_later_review_by_the_same_reviewer_gets_a_higher_version() -> None:
    first = keys.review("alice", "practice-1", 2, AT)
    assert first == ("review:alice:practice-1:2", 1772443800000)
    later = keys.review("alice", "practice-1", 2, AT + timedelta(milliseconds=1))
    assert later.app_id == first.app_id and later.version == first.version + 1
