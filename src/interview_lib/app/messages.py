"""What the server says about an interview: its questions, evaluations, transitions and progress as protocol
messages (pure: values in, messages out)."""

from __future__ import annotations

from interview_lib.app.protocol import EvaluationOut, Progress, QuestionOut, StateChange
from interview_lib.domain.models import InterviewSession, Question, Turn
from interview_lib.session.interview import TurnOutcome


def progress(session: InterviewSession) -> Progress:
    """How far the interview has come."""
    return Progress(
        core_asked=len(session.core_turns),
        core_total=session.setup.core_questions,
        turn_no=len(session.turns),
        answered=sum(1 for t in session.turns if t.finished),
    )


def audio_url(session_id: str, turn_no: int) -> str:
    """Where the page fetches the question spoken (relative to the app's root)."""
    return f"api/interview/{session_id}/questions/{turn_no}/audio"


def question_message(session: InterviewSession, turn: Turn, *, voice: bool) -> QuestionOut:
    """The ``question`` (or ``followup``) message for the open ``turn``."""
    question: Question = turn.question
    return QuestionOut(
        type="followup" if question.kind == "follow_up" else "question",
        turn_no=turn.turn_no,
        question_id=question.id,
        text=question.text,
        kind=question.kind,
        follow_up_type=question.follow_up_type,
        skill=question.skill,
        difficulty=question.difficulty,
        progress=progress(session),
        audio_url=audio_url(session.session_id, turn.turn_no) if voice else None,
    )


def evaluation_message(outcome: TurnOutcome) -> EvaluationOut | None:
    """The ``evaluation`` message of an answered turn (None when nothing was scored: skipped, or heard nothing)."""
    evaluation = outcome.evaluation
    if evaluation is None:
        return None
    return EvaluationOut(
        turn_no=outcome.turn.turn_no,
        status=evaluation.status,
        overall=evaluation.overall,
        scores=evaluation.scores.model_dump() if evaluation.scores else {},
        rationale=evaluation.rationale,
        evidence=evaluation.evidence,
        covered_points=evaluation.covered_points,
        missing_points=evaluation.missing_points,
        certainty=evaluation.certainty,
        certainty_reason=evaluation.certainty_reason,
        reason=evaluation.reason,
        latency_s=outcome.latency_s,
    )


def transitions_since(session: InterviewSession, seen: int) -> list[StateChange]:
    """``state_change`` messages for the transitions after the first ``seen``."""
    return [
        StateChange(from_state=r.from_state.value, to_state=r.to_state.value, at=r.at.isoformat())
        for r in session.transitions[seen:]
    ]
