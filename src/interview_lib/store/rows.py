"""Domain values ⇄ table rows. Pure: no I/O here, the store writes what these functions build."""

from __future__ import annotations

import json
from datetime import datetime

from interview_lib.domain.dedup import question_hash
from interview_lib.domain.models import Evaluation, InterviewSession, InterviewSetup, Question, Turn
from interview_lib.domain.report import SessionReport
from interview_lib.domain.states import InterviewState, TransitionRecord


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def session_row(
    session: InterviewSession,
    now: datetime,
    report: SessionReport | None = None,
    *,
    mlflow_run_id: str | None = None,
    mlflow_synced: bool = False,
    bundle_target: str | None = None,
    owner: str | None = None,
) -> dict[str, object]:
    """The ``sessions`` row for ``session`` as it stands (``owner``: the web app's signed-in user)."""
    setup = session.setup
    return {
        "session_id": session.session_id,
        "candidate_id": setup.candidate_id,
        "cohort": setup.cohort,
        "role": setup.role,
        "level": setup.level,
        "cloud": setup.cloud,
        "setup_json": setup.model_dump_json(),
        "backends_json": _json(session.backends),
        "created_at": session.created_at,
        "finished_at": session.finished_at,
        "final_state": session.state.value,
        "overall": report.overall if report else None,
        "answered": report.answered if report else None,
        "mlflow_run_id": mlflow_run_id,
        "mlflow_synced": mlflow_synced,
        "bundle_target": bundle_target,
        "updated_at": now,
        "notes_json": _json(session.notes),
        "owner": owner,
        "posting_sha256": setup.posting.sha256 if setup.posting else None,
        "posting_title": setup.posting.title if setup.posting else None,
    }


def turn_row(session_id: str, turn: Turn, now: datetime) -> dict[str, object]:
    """The ``turns`` row of a finished turn; ``turn_json`` keeps everything needed to resume."""
    question, transcript = turn.question, turn.transcript
    return {
        "session_id": session_id,
        "turn_no": turn.turn_no,
        "question_id": question.id,
        "question_text": question.text,
        "question_hash": question_hash(question.text),
        "skill": question.skill,
        "difficulty": question.difficulty,
        "kind": question.kind,
        "follow_up_type": question.follow_up_type,
        "parent_id": question.parent_id,
        "question_source": question.source,
        "skipped": turn.skipped,
        "transcript": transcript.text if transcript else None,
        "audio_ref": transcript.audio_ref if transcript else None,
        "audio_sha256": transcript.audio_sha256 if transcript else None,
        "stt_backend": transcript.stt_backend if transcript else None,
        "duration_s": transcript.duration_s if transcript else None,
        "delivery_json": _json(turn.delivery),
        "asked_at": turn.asked_at,
        "answered_at": turn.answered_at,
        "turn_json": turn.model_dump_json(),
        "recorded_at": now,
    }


def score_row(session_id: str, turn_no: int, evaluation: Evaluation, now: datetime) -> dict[str, object]:
    """The ``scores`` row of one evaluation (numbers stay null when unscored)."""
    scores = evaluation.scores.model_dump() if evaluation.scores else {}
    return {
        "session_id": session_id,
        "turn_no": turn_no,
        "scorer": evaluation.scorer,
        "scorer_version": evaluation.scorer_version,
        "status": evaluation.status,
        "reason": evaluation.reason,
        **scores,
        "overall": evaluation.overall,
        "rationale": evaluation.rationale,
        "evidence_json": _json(evaluation.evidence),
        "missing_points_json": _json(evaluation.missing_points),
        "flags_json": _json(evaluation.flags),
        "certainty": evaluation.certainty,
        "certainty_reason": evaluation.certainty_reason or None,
        "points_expected": evaluation.points_expected,
        "covered_points_json": _json(evaluation.covered_points),
        "scored_at": now,
    }


def event_row(
    session_id: str, seq: int, record: TransitionRecord, payload: dict[str, object] | None
) -> dict[str, object]:
    """The ``events`` row of one transition."""
    return {
        "session_id": session_id,
        "seq": seq,
        "from_state": record.from_state.value,
        "to_state": record.to_state.value,
        "at": record.at,
        "payload_json": _json(payload) if payload else None,
    }


def session_from_rows(
    session_row_: dict[str, object], turn_rows: list[dict[str, object]], event_rows: list[dict[str, object]]
) -> tuple[InterviewSession, Question | None]:
    """Rebuild a session from its rows; also return a question that was asked but never finished.

    Finished turns come whole from ``turn_json``; transitions from the events (in ``seq`` order); the state is
    the last recorded one. The unfinished question is the one in the payload of the last ask event, when it
    came after the last finished turn.
    """
    turns = [
        Turn.model_validate_json(str(r["turn_json"])) for r in sorted(turn_rows, key=lambda r: int(str(r["turn_no"])))
    ]
    events = sorted(event_rows, key=lambda r: int(str(r["seq"])))
    transitions = [
        TransitionRecord.model_validate({"from_state": e["from_state"], "to_state": e["to_state"], "at": e["at"]})
        for e in events
    ]
    pending = None
    for event in reversed(events):
        if event["payload_json"]:
            payload = json.loads(str(event["payload_json"]))
            if payload.get("turn_no", 0) > len(turns):
                pending = Question.model_validate(payload["question"])
            break
    state = transitions[-1].to_state if transitions else InterviewState.SETUP
    session = InterviewSession(
        session_id=str(session_row_["session_id"]),
        setup=InterviewSetup.model_validate_json(str(session_row_["setup_json"])),
        state=state,
        transitions=transitions,
        turns=turns,
        asked_question_hashes=[question_hash(t.question.text) for t in turns],
        backends=json.loads(str(session_row_["backends_json"] or "{}")),
        created_at=session_row_["created_at"],
        finished_at=session_row_["finished_at"],
        notes=json.loads(str(session_row_.get("notes_json") or "[]")),
    )
    if turns and turns[-1].decision is not None:
        session.difficulty = turns[-1].decision.next_difficulty
    return session, pending
