"""The orchestrator: steps one session through the state machine and offers the public API (answer, skip, pause,
resume, end, report); answer intake, question sourcing and recording are its injected helpers."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from interview_lib.bank import QuestionBank, load_bank
from interview_lib.domain import dedup, planning, scoring
from interview_lib.domain.models import (
    Decision,
    Evaluation,
    InterviewSession,
    InterviewSetup,
    Question,
    Transcript,
    Turn,
    session_id_problem,
)
from interview_lib.domain.report import SessionReport, build_report
from interview_lib.domain.states import InterviewState, transition
from interview_lib.errors import ConfigurationError, InterviewLibError, UsageError
from interview_lib.reasoning.base import Reasoner
from interview_lib.session.intake import AnswerIntake, Heard, LiveAnswer, Timer
from interview_lib.session.questions import QuestionSource, Similarity
from interview_lib.session.recorder import NullRecorder, Recorder

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing's own from Python 3.11

S = InterviewState
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current UTC time (the default clock)."""
    return datetime.now(timezone.utc)


class Ports(TypedDict, total=False):
    """What an interview works with besides its reasoner; each has a default that records and hears nothing."""

    bank: QuestionBank | None  # default: the packaged bank
    recorder: Recorder | None  # default: records nothing
    intake: AnswerIntake | None  # default: typed answers only
    clock: Clock  # wall-clock time of transitions and turns
    timer: Timer  # monotonic seconds, for how long the candidate waited
    similarity: Similarity | None  # semantic repeat check (default: none; the wiring gives the embedder's)


@dataclass(frozen=True)
class TurnOutcome:
    """What the candidate sees after answering or skipping."""

    turn: Turn
    evaluation: Evaluation | None
    decision: Decision | None
    next_question: Question | None
    message: str
    latency_s: float | None = None  # end of the answer → next question ready (None when nothing is asked)


class Interview:
    """One interview session. Create it with :meth:`start`; then answer, skip, pause, resume, end."""

    def __init__(self, session: InterviewSession, reasoner: Reasoner, **ports: Unpack[Ports]) -> None:
        self.session = session
        self.reasoner = reasoner
        self.bank = ports.get("bank") or load_bank()
        self.recorder: Recorder = ports.get("recorder") or NullRecorder()
        self.intake = ports.get("intake") or AnswerIntake()
        self._questions = QuestionSource(session, reasoner, self.bank, ports.get("similarity"))
        self._clock = ports.get("clock", utc_now)
        self._timer = ports.get("timer", time.perf_counter)

    @classmethod
    def start(
        cls,
        setup: InterviewSetup,
        reasoner: Reasoner,
        *,
        session_id: str | None = None,
        backends: dict[str, str] | None = None,
        **ports: Unpack[Ports],
    ) -> Interview:
        """Create a session and ask its first question (``ports``: see :class:`Ports`).

        Raises:
            ConfigurationError: ``session_id`` cannot name a session (see ``SESSION_ID_RULE``).
        """
        if session_id is not None and (problem := session_id_problem(session_id)):
            raise ConfigurationError(problem)
        stt = intake.stt if (intake := ports.get("intake")) is not None else None
        session = InterviewSession(
            session_id=session_id or str(uuid.uuid4()),
            setup=setup,
            difficulty=planning.starting_difficulty(setup),
            backends={
                "reasoner": f"{reasoner.name}:{reasoner.version}",
                **({"stt": stt.name} if stt is not None else {}),
                **(backends or {}),
            },
            created_at=ports.get("clock", utc_now)(),
        )
        interview = cls(session, reasoner, **ports)
        interview.recorder.session_started(session)
        interview._go(S.READY)
        interview.proceed()
        return interview

    @property
    def state(self) -> InterviewState:
        """The session's current state."""
        return self.session.state

    @property
    def current_question(self) -> Question | None:
        """The question waiting for an answer, if any."""
        turn = self.session.current_turn
        waiting = self.state in (S.LISTENING, S.ASKING, S.PAUSED) and turn is not None and not turn.finished
        return turn.question if waiting and turn is not None else None

    # -- answers -------------------------------------------------------------------------------------
    def answer(self, text: str | None = None, *, audio: bytes | str | Path | None = None) -> TurnOutcome:
        """Answer the current question with typed text, or with a recording (``audio=``: bytes or a path, see
        :meth:`answer_audio`)."""
        if audio is not None and text is None:
            return self.answer_audio(audio)
        if text is None or audio is not None:
            raise UsageError("answer with text or with audio=..., not both and not neither")
        turn, ended = self._take_answer()
        return self._heard(turn, self.intake.typed(Transcript(text=text)), ended)

    def answer_audio(self, source: bytes | str | Path) -> TurnOutcome:
        """Answer with a recording: decode → check for speech → transcribe → delivery → evaluate.

        Unusable audio (empty, corrupt, silent) scores nothing and leaves the question open for another try.
        """
        self.intake.require_stt()
        turn, ended = self._take_answer()
        return self._heard(turn, self.intake.recording(source, ended), ended)

    def listen(self) -> LiveAnswer[TurnOutcome]:
        """Start an answer that is transcribed while it is spoken; feed it audio, then call its ``finish()``."""
        self._open_turn()
        return self.intake.listener(self.answer_live)

    def answer_live(self, live: LiveAnswer[TurnOutcome]) -> TurnOutcome:
        """Score a live answer whose candidate stopped (what ``live.finish()`` calls)."""
        turn, ended = self._take_answer()
        return self._heard(turn, self.intake.live(live, ended), ended)

    def skip(self) -> TurnOutcome:
        """Skip the current question; nothing is scored."""
        turn = self._open_turn()
        turn.skipped = True
        return self._decide(turn, None, self._timer())

    def add_note(self, note: str) -> None:
        """Keep a note for the report (e.g. a voice fallback)."""
        if note not in self.session.notes:
            self.session.notes.append(note)

    # -- pause, resume, end --------------------------------------------------------------------------
    def pause(self) -> None:
        """Pause; :meth:`resume` returns to the same state."""
        self._go(S.PAUSED)

    def resume(self) -> None:
        """Return from PAUSED (or retry from ERROR) to where the session was."""
        if self.session.return_to is None:
            raise UsageError(f"nothing to resume: the session is {self.state.value}")
        self._go(self.session.return_to)

    def proceed(self) -> None:
        """Carry on from DECIDING (act on the last turn's decision) or READY (ask the next core question): how a
        session rebuilt from the tables continues (``session/restore.py``)."""
        last = self.session.current_turn
        if self.state is S.DECIDING and last is not None and last.decision is not None:
            self._act(last, last.decision, None)
        elif self.state is S.READY:
            self._ask_next_core()

    def end(self) -> SessionReport:
        """Stop asking (early or after the last question) and build the report; again on a finished session."""
        if self.state is S.FINISHED:
            return build_report(self.session)
        if self.state is S.PAUSED:
            self.resume()
        if self.state in (S.ASKING, S.LISTENING, S.DECIDING):
            turn = self.session.current_turn
            if turn is not None and not turn.finished and turn.transcript is None:  # the unanswered question
                self.session.turns.pop()
                self.session.asked_question_hashes.pop()
            self._go(S.COMPLETE)
        if self.state is not S.COMPLETE:
            raise UsageError(f"cannot build the final report from {self.state.value}")
        self._go(S.GENERATING_REPORT)
        self.session.finished_at = self._clock()
        self._go(S.FINISHED)
        self.recorder.session_finished(self.session, build_report(self.session))
        return build_report(self.session)  # again: recording may have added a note (e.g. MLflow was down)

    def cancel(self) -> None:
        """Abandon the session; what was recorded stays recorded."""
        self._go(S.CANCELLED)

    def report(self) -> SessionReport:
        """The report as it stands now (also mid-interview)."""
        return build_report(self.session)

    # -- steps ---------------------------------------------------------------------------------------
    def _go(self, target: InterviewState) -> None:
        return_to, record = transition(self.state, target, return_to=self.session.return_to, at=self._clock())
        self.session.state = target
        self.session.return_to = return_to
        self.session.transitions.append(record)
        self.recorder.transitioned(self.session, record)

    def _open_turn(self) -> Turn:
        turn = self.session.current_turn
        if self.state is not S.LISTENING or turn is None or turn.finished:
            raise UsageError(f"no question is waiting for an answer (state {self.state.value})")
        return turn

    def _take_answer(self) -> tuple[Turn, float]:
        """The open turn and the timer's reading as its answer ended; the session moves to PROCESSING."""
        turn = self._open_turn()
        ended = self._timer()
        self._go(S.PROCESSING)
        return turn, ended

    def _heard(self, turn: Turn, heard: Heard, ended: float) -> TurnOutcome:
        for note in heard.session_notes:
            self.add_note(note)
        if heard.transcript is None:
            self._go(S.LISTENING)
            return TurnOutcome(turn, None, None, turn.question, heard.retry)
        turn.notes.extend(heard.turn_notes)
        if heard.delivery is not None:
            turn.delivery = heard.delivery
        turn.transcript = heard.transcript
        turn.answered_at = self._clock()
        self._go(S.EVALUATING)
        turn.evaluation = self._evaluate(turn.question, heard.transcript)
        self._collect_usage(turn)
        return self._decide(turn, turn.evaluation, ended)

    def _evaluate(self, question: Question, transcript: Transcript) -> Evaluation:
        failure = ""
        for _ in range(2):
            try:
                return self.reasoner.evaluate(question, transcript)
            except InterviewLibError as exc:  # a backend failed: go to ERROR, then retry the step once
                failure = str(exc)
                self._go(S.ERROR)
                self._go(S.EVALUATING)
        self.session.notes.append(f"scorer failed twice, answer left unscored: {failure}")
        why, name, version = f"the scorer failed: {failure}", self.reasoner.name, self.reasoner.version
        return Evaluation(status="unscored", reason=why, scorer=name, scorer_version=version)

    def _collect_usage(self, turn: Turn) -> None:
        for key, value in self.reasoner.drain_usage().items():
            turn.usage[key] = round(turn.usage.get(key, 0.0) + value, 3)
        for note in self.reasoner.notes:
            self.add_note(note)

    def _decide(self, turn: Turn, evaluation: Evaluation | None, ended: float) -> TurnOutcome:
        self._go(S.DECIDING)
        decision = scoring.decide(self.session, evaluation)
        turn.decision = decision
        self.session.difficulty = decision.next_difficulty
        self.recorder.turn_finished(self.session, turn)
        return self._act(turn, decision, ended)

    def _act(self, turn: Turn, decision: Decision, ended: float | None) -> TurnOutcome:
        """Ask what the decision says; ``ended``: when the answer ended (None: nobody is waiting)."""
        evaluation = turn.evaluation
        next_question = None
        if decision.action == "follow_up" and evaluation is not None and decision.follow_up_type is not None:
            follow_up = self._questions.follow_up(turn, evaluation, decision.follow_up_type)
            next_question = self._ask(follow_up) if follow_up is not None else None
        if next_question is None and decision.action != "end":
            next_question = self._ask_next_core()
        if next_question is None and self.state is S.DECIDING:
            self._go(S.COMPLETE)
        message = decision.reason if next_question else "The interview is complete: call end() for the report."
        latency = None
        if next_question is not None and ended is not None:
            latency = round(self._timer() - ended, 3)
            self.session.turns[-1].usage["wait_s"] = latency  # how long the candidate waited for this question
        return TurnOutcome(turn, evaluation, decision, next_question, message, latency)

    def _ask(self, question: Question) -> Question:
        self._go(S.ASKING)
        turn = Turn(turn_no=len(self.session.turns) + 1, question=question, asked_at=self._clock())
        self.session.turns.append(turn)
        self._collect_usage(turn)  # what generating this question cost
        self.session.asked_question_hashes.append(dedup.question_hash(question.text))
        self._go(S.LISTENING)
        self.recorder.turn_asked(self.session, turn)
        return question

    def _ask_next_core(self) -> Question | None:
        if len(self.session.core_turns) >= self.session.setup.core_questions:
            return None
        question = self._questions.next_core()
        if question is None:
            self.session.notes.append("the question bank ran out of unasked questions: the interview ended early")
            return None
        return self._ask(question)
