"""The data model: lossless JSON round-trips and the validation rules each model enforces."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from interview_lib.domain.models import (
    Decision,
    Evaluation,
    InterviewSession,
    InterviewSetup,
    Question,
    ScoreBreakdown,
    Transcript,
    Turn,
    Word,
)
from interview_lib.domain.states import InterviewState, TransitionRecord

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
SCORES = {
    "technical_correctness": 7.5,
    "depth": 6.25,
    "practical_experience": 4.0,
    "communication": 8.1,
    "confidence": 0.3,
}


def _question(**overrides: Any) -> Question:
    fields: dict[str, Any] = {"id": "sql-001", "text": "What does HAVING filter?", "skill": "sql", "difficulty": 2}
    return Question(**{**fields, **overrides})


def _scored(**overrides: Any) -> Evaluation:
    fields: dict[str, Any] = {
        "status": "scored",
        "scores": ScoreBreakdown(**SCORES),
        "overall": 5.91,
        "scorer": "rubric",
        "scorer_version": "1",
    }
    return Evaluation(**{**fields, **overrides})


def _full_session() -> InterviewSession:
    core = _question(expected_points=["groups", "aggregates"], red_flags=["same as WHERE"])
    follow_up = _question(
        id="sql-001:probe", kind="follow_up", follow_up_type="probe", parent_id="sql-001", source="fallback"
    )
    transcript = Transcript(
        text="HAVING filters groups after aggregation.",
        source="audio",
        words=[Word(text="HAVING", start=0.0, end=0.42, probability=0.93), Word(text="filters", start=0.42, end=0.9)],
        duration_s=2.75,
        language="en",
        stt_backend="faster-whisper:tiny.en",
        audio_ref="dbfs:/audio/1.wav",
        audio_sha256="ab" * 32,
    )
    scored = _scored(
        rationale="covers groups",
        evidence=["filters groups"],
        covered_points=["groups"],
        missing_points=["aggregates"],
        flags=["short"],
    )
    unscored = Evaluation(status="unscored", reason="no speech found", scorer="rubric", scorer_version="1")
    return InterviewSession(
        session_id="s-1",
        setup=InterviewSetup(candidate_id="cand-7", focus_skills=["sql"], seed=42),
        state=InterviewState.PAUSED,
        return_to=InterviewState.LISTENING,
        transitions=[
            TransitionRecord(from_state=InterviewState.SETUP, to_state=InterviewState.READY, at=T0),
            TransitionRecord(from_state=InterviewState.LISTENING, to_state=InterviewState.PAUSED, at=T0),
        ],
        turns=[
            Turn(
                turn_no=1,
                question=core,
                asked_at=T0,
                transcript=transcript,
                evaluation=scored,
                decision=Decision(action="follow_up", follow_up_type="probe", next_difficulty=2, reason="weak"),
                answered_at=T0 + timedelta(seconds=30, microseconds=123456),
                delivery={"words_per_minute": 131.5, "filler_ratio": 0.04},
                notes=["first"],
            ),
            Turn(turn_no=2, question=follow_up, asked_at=T0, transcript=Transcript(text="um"), evaluation=unscored),
            Turn(turn_no=3, question=_question(id="sql-002"), asked_at=T0, skipped=True),
        ],
        asked_question_hashes=["0123456789abcdef"],
        difficulty=3,
        backends={"stt": "faster-whisper:tiny.en"},
        notes=["resumed once"],
        created_at=T0,
        finished_at=None,
    )


def test_full_session_round_trips_through_json() -> None:
    session = _full_session()

    assert InterviewSession.model_validate_json(session.model_dump_json()) == session


def test_minimal_session_round_trips_through_json() -> None:
    session = InterviewSession(session_id="s-0", setup=InterviewSetup(candidate_id="c"), created_at=T0)

    assert InterviewSession.model_validate_json(session.model_dump_json()) == session


def test_session_properties_see_current_and_core_turns() -> None:
    session = _full_session()

    assert session.current_turn is session.turns[-1]
    assert [t.turn_no for t in session.core_turns] == [1, 3]


@pytest.mark.parametrize(
    ("turn_fields", "finished"),
    [
        ({}, False),
        ({"skipped": True}, True),
        ({"decision": Decision(action="next", next_difficulty=2, reason="ok")}, True),
    ],
    ids=["open", "skipped", "decided"],
)
def test_turn_is_finished_once_skipped_or_decided(turn_fields: dict[str, Any], finished: bool) -> None:
    assert Turn(turn_no=1, question=_question(), asked_at=T0, **turn_fields).finished is finished


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "scored", "scores": ScoreBreakdown(**SCORES), "overall": 5.9},
        {"status": "unscored", "reason": "empty answer"},
    ],
    ids=["scored", "unscored"],
)
def test_evaluation_accepts_numbers_matching_its_status(fields: dict[str, Any]) -> None:
    Evaluation(scorer="rubric", scorer_version="1", **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "scored", "overall": 5.9},
        {"status": "scored", "scores": ScoreBreakdown(**SCORES)},
        {"status": "scored"},
        {"status": "unscored"},
        {"status": "unscored", "reason": ""},
        {"status": "unscored", "reason": "empty", "overall": 0.0},
        {"status": "unscored", "reason": "empty", "scores": ScoreBreakdown(**SCORES)},
        {"status": "scored", "scores": ScoreBreakdown(**SCORES), "overall": 10.5},
        {"status": "pending", "reason": "later"},
    ],
    ids=[
        "scored-without-scores",
        "scored-without-overall",
        "scored-without-numbers",
        "unscored-without-reason",
        "unscored-with-empty-reason",
        "unscored-with-overall",
        "unscored-with-scores",
        "overall-above-10",
        "unknown-status",
    ],
)
def test_evaluation_rejects_numbers_not_matching_its_status(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Evaluation(scorer="rubric", scorer_version="1", **fields)


@pytest.mark.parametrize("value", [-0.1, 10.01])
def test_score_dimensions_stay_within_0_to_10(value: float) -> None:
    with pytest.raises(ValidationError):
        ScoreBreakdown(**{**SCORES, "depth": value})


@pytest.mark.parametrize(
    ("kind", "follow_up_type", "valid"),
    [
        ("core", None, True),
        ("follow_up", "probe", True),
        ("follow_up", None, False),
        ("core", "clarify", False),
        ("follow_up", "interrogate", False),
    ],
)
def test_question_follow_up_type_matches_its_kind(kind: str, follow_up_type: str | None, valid: bool) -> None:
    if valid:
        _question(kind=kind, follow_up_type=follow_up_type)
    else:
        with pytest.raises(ValidationError):
            _question(kind=kind, follow_up_type=follow_up_type)


@pytest.mark.parametrize(("field", "value"), [("difficulty", 0), ("difficulty", 6), ("text", "")])
def test_question_rejects_out_of_range_fields(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        _question(**{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("core_questions", 1),
        ("core_questions", 50),
        ("max_follow_ups", 0),
        ("max_follow_ups", 3),
        ("candidate_id", "x" * 200),
        ("role", "streaming-engineer"),
        ("level", "staff"),
        ("cloud", "gcp"),
    ],
    ids=lambda v: str(v)[:24],
)
def test_setup_accepts_values_at_the_bounds(field: str, value: object) -> None:
    setup = InterviewSetup(**{"candidate_id": "c", field: value})

    assert getattr(setup, field) == value


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("core_questions", 0),
        ("core_questions", 51),
        ("max_follow_ups", -1),
        ("max_follow_ups", 4),
        ("candidate_id", ""),
        ("candidate_id", "x" * 201),
        ("role", "data-scientist"),
        ("level", "principal"),
        ("cloud", "oracle"),
    ],
    ids=lambda v: str(v)[:24],
)
def test_setup_rejects_values_out_of_bounds(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        InterviewSetup(**{"candidate_id": "c", field: value})


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (InterviewSetup, {"candidate_id": "c"}),
        (Question, {"id": "q", "text": "Why?", "skill": "sql", "difficulty": 1}),
        (Word, {"text": "a", "start": 0.0, "end": 0.1}),
        (Transcript, {"text": "hello"}),
        (ScoreBreakdown, SCORES),
        (Evaluation, {"status": "unscored", "reason": "r", "scorer": "s", "scorer_version": "1"}),
        (Decision, {"action": "next", "next_difficulty": 2, "reason": "r"}),
        (Turn, {"turn_no": 1, "question": _question(), "asked_at": T0}),
        (InterviewSession, {"session_id": "s", "setup": InterviewSetup(candidate_id="c"), "created_at": T0}),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else "",
)
def test_extra_fields_are_forbidden(model: type[BaseModel], fields: dict[str, Any]) -> None:
    model(**fields)  # the fields alone are valid

    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        model(**fields, surprise=1)
