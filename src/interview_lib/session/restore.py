"""Restore after a crash: rebuild a session from the tables and carry on where it stopped."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from interview_lib.bank import QuestionBank
from interview_lib.domain import dedup, planning
from interview_lib.domain.models import Turn
from interview_lib.domain.report import build_report
from interview_lib.domain.states import TERMINAL, InterviewState
from interview_lib.reasoning.base import Reasoner
from interview_lib.session.intake import AnswerIntake, Timer
from interview_lib.session.interview import Clock, Interview, utc_now
from interview_lib.session.questions import Similarity
from interview_lib.session.recorder import TableRecorder
from interview_lib.store.resume import StoredSession

if TYPE_CHECKING:
    from typing_extensions import Unpack

S = InterviewState


class RestorePorts(TypedDict, total=False):
    """The ports of :class:`Ports` other than the recorder, which restoring needs in its table form."""

    bank: QuestionBank | None
    intake: AnswerIntake | None
    clock: Clock
    timer: Timer
    similarity: Similarity | None


def restore_interview(
    stored: StoredSession, reasoner: Reasoner, recorder: TableRecorder, **ports: Unpack[RestorePorts]
) -> Interview:
    """The interview ``stored`` holds, recording on with ``recorder``: the question that was waiting is asked
    again, a decision taken is acted on, a session killed while finishing gets its record completed."""
    session = stored.session
    recorder.adopt(session, stored.mlflow_run_id)
    if session.turns:  # replay the last finished turn's idempotent writes (a crash may have cut them)
        recorder.write_turn(session, session.turns[-1])
    interview = Interview(session, reasoner, recorder=recorder, **ports)
    if session.state in TERMINAL:
        if not stored.recorded_final:  # killed while finishing: the final events are in, the session row is not
            recorder.session_finished(session, build_report(session))
        return interview
    session.notes.append("resumed after an interruption")
    session.return_to = None
    last = session.current_turn
    pending = stored.pending_question
    if session.state in (S.COMPLETE, S.GENERATING_REPORT):
        session.state = S.COMPLETE
    elif pending is not None:  # ask the question that was waiting, again
        session.state = S.LISTENING
        asked_at = ports.get("clock", utc_now)()
        session.turns.append(Turn(turn_no=len(session.turns) + 1, question=pending, asked_at=asked_at))
        session.asked_question_hashes.append(dedup.question_hash(pending.text))
    elif last is not None and last.decision is not None:
        session.state = S.DECIDING
        interview.proceed()
    else:
        session.state = S.READY
        session.difficulty = planning.starting_difficulty(session.setup)
        interview.proceed()
    return interview
