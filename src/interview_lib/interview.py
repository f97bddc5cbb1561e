"""The orchestrator: drives one session through the state machine using the injected ports."""

from __future__ import annotations

import hashlib
import itertools
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from interview_lib.bank import QuestionBank, load_bank
from interview_lib.domain import dedup, planning, scoring
from interview_lib.domain.models import (
    FOLLOW_UP_TYPES,
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
from interview_lib.domain.states import TERMINAL, InterviewState, transition
from interview_lib.errors import AudioError, ConfigurationError, InterviewLibError
from interview_lib.reasoning.base import QuestionRequest, Reasoner
from interview_lib.reasoning.embeddings import max_similarity
from interview_lib.speech import delivery, language
from interview_lib.speech.audio import DEFAULT_MAX_SECONDS, SAMPLE_RATE, DecodedAudio, decode, read_bytes, to_wav
from interview_lib.speech.streaming import Samples, StreamingTranscriber
from interview_lib.speech.stt import SpeechToText
from interview_lib.speech.vad import has_speech
from interview_lib.store.base import Store
from interview_lib.store.blobs import BlobStore
from interview_lib.store.recorder import NullRecorder, Recorder, TableRecorder
from interview_lib.store.resume import load_session
from interview_lib.tracking.base import Tracker

S = InterviewState
Clock = Callable[[], datetime]
Similarity = Callable[[str, Sequence[str]], float]
GENERATION_ATTEMPTS = 3
NO_SPEECH = "No speech detected: answer again (check the microphone), or skip."


def utc_now() -> datetime:
    """The current UTC time (the default clock)."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class TurnOutcome:
    """What the candidate sees after answering or skipping."""

    turn: Turn
    evaluation: Evaluation | None
    decision: Decision | None
    next_question: Question | None
    message: str
    latency_s: float | None = None  # end of the answer → next question ready (None when nothing is asked)


class LiveAnswer:
    """An answer transcribed while it is spoken: :meth:`feed` audio as it is recorded, :meth:`finish` when the
    candidate stops. Only the last few seconds are left to transcribe then (see ``speech/streaming.py``)."""

    def __init__(self, interview: Interview, stt: SpeechToText, max_seconds: float) -> None:
        self._interview = interview
        self._stream = StreamingTranscriber(stt)
        self._chunks: list[Samples] = []
        self._room = int(max_seconds * SAMPLE_RATE)
        self.truncated = False

    def feed(self, samples: Samples) -> None:
        """Add 16 kHz mono float32 samples; past the length limit the rest is dropped (and the report says so)."""
        if len(samples) > self._room:
            samples, self.truncated = samples[: self._room], True
        if len(samples):
            self._room -= len(samples)
            self._chunks.append(samples)
            self._stream.feed(samples)

    def audio(self) -> DecodedAudio:
        """Everything fed so far."""
        samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.float32)
        return DecodedAudio(samples, "wav", truncated=self.truncated, original_duration_s=None)

    def transcript(self) -> Transcript | None:
        """The joined transcript once the tail is transcribed; None when nothing was said."""
        return self._stream.finish()

    def finish(self) -> TurnOutcome:
        """The candidate stopped: transcribe the tail, then score and decide as for any spoken answer."""
        return self._interview._answer_live(self)

    def cancel(self) -> None:
        """Abandon this answer (the question was skipped or the interview ended while recording)."""
        self._stream.cancel()


def _id_seed(session_id: str) -> int:
    """A random seed from the session id: a UUID's own number, any other id's hash."""
    try:
        return uuid.UUID(session_id).int
    except ValueError:
        return int.from_bytes(hashlib.sha256(session_id.encode()).digest()[:16], "big")


def _duration(seconds: float) -> str:
    """``90`` → "1.5 min", ``15`` → "15 s"."""
    return f"{seconds:g} s" if seconds < 60 else f"{seconds / 60:g} min"


def _extension(container: str) -> str:
    """A file extension for a PyAV container name ("matroska,webm" → webm, "mov,mp4,m4a,..." → m4a)."""
    names = container.split(",")
    for preferred in ("webm", "m4a", "wav", "ogg", "mp3", "flac"):
        if preferred in names:
            return preferred
    return names[0][:8] or "bin"


class _ResumeMethod:
    """``interview.resume()`` leaves PAUSED/ERROR; ``Interview.resume(session_id, store=..., reasoner=...)``
    rebuilds a session whose process died."""

    def __get__(self, instance: Interview | None, owner: type[Interview]) -> Any:
        return owner._resume_session if instance is None else instance._resume_here


class Interview:
    """One interview session. Create it with :meth:`start`; then answer, skip, pause, resume, end."""

    def __init__(
        self,
        session: InterviewSession,
        reasoner: Reasoner,
        *,
        bank: QuestionBank | None = None,
        recorder: Recorder | None = None,
        clock: Clock = utc_now,
        similarity: Similarity | None = max_similarity,
        stt: SpeechToText | None = None,
        blobs: BlobStore | None = None,
        max_audio_seconds: float = DEFAULT_MAX_SECONDS,
    ) -> None:
        self.session = session
        self._similarity = similarity
        self.stt = stt
        self.blobs = blobs
        self.max_audio_seconds = max_audio_seconds
        self.reasoner = reasoner
        self.bank = bank or load_bank()
        self.recorder: Recorder = recorder or NullRecorder()
        self._clock = clock
        self._answer_ended: float | None = None  # perf_counter() at the end of the last answer
        seed = session.setup.seed if session.setup.seed is not None else _id_seed(session.session_id)
        self._rng = random.Random(seed + len(session.turns))

    # -- lifecycle -----------------------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        setup: InterviewSetup,
        reasoner: Reasoner,
        *,
        bank: QuestionBank | None = None,
        recorder: Recorder | None = None,
        clock: Clock = utc_now,
        similarity: Similarity | None = max_similarity,
        session_id: str | None = None,
        backends: dict[str, str] | None = None,
        stt: SpeechToText | None = None,
        blobs: BlobStore | None = None,
        max_audio_seconds: float = DEFAULT_MAX_SECONDS,
    ) -> Interview:
        """Create a session and ask its first question.

        Raises:
            ConfigurationError: ``session_id`` cannot name a session (see ``SESSION_ID_RULE``).
        """
        if session_id is not None and (problem := session_id_problem(session_id)):
            raise ConfigurationError(problem)
        session = InterviewSession(
            session_id=session_id or str(uuid.uuid4()),
            setup=setup,
            difficulty=planning.starting_difficulty(setup),
            backends={
                "reasoner": f"{reasoner.name}:{reasoner.version}",
                **({"stt": stt.name} if stt is not None else {}),
                **(backends or {}),
            },
            created_at=clock(),
        )
        interview = cls(
            session,
            reasoner,
            bank=bank,
            recorder=recorder,
            clock=clock,
            similarity=similarity,
            stt=stt,
            blobs=blobs,
            max_audio_seconds=max_audio_seconds,
        )
        interview.recorder.session_started(session)
        interview._go(S.READY)
        interview._ask_next_core()
        return interview

    @property
    def state(self) -> InterviewState:
        """The session's current state."""
        return self.session.state

    @property
    def current_question(self) -> Question | None:
        """The question waiting for an answer, if any."""
        turn = self.session.current_turn
        if self.state in (S.LISTENING, S.ASKING) and turn is not None and not turn.finished:
            return turn.question
        if self.state is S.PAUSED and turn is not None and not turn.finished:
            return turn.question
        return None

    def answer(self, text: str | None = None, *, audio: bytes | str | Path | None = None) -> TurnOutcome:
        """Answer the current question with typed text, or with a recording (``audio=``: bytes or a path, see
        :meth:`answer_audio`)."""
        if text is not None and audio is None:
            return self.answer_transcript(Transcript(text=text))
        if audio is not None and text is None:
            return self.answer_audio(audio)
        raise InterviewLibError("answer with text or with audio=..., not both and not neither")

    def answer_transcript(self, transcript: Transcript) -> TurnOutcome:
        """Answer the current question with a transcript (from text or speech)."""
        turn = self._open_turn()
        self._answer_ended = time.perf_counter()
        self._go(S.PROCESSING)
        if not transcript.text.strip():
            return self._listen_again(turn, "No answer heard: answer again, or skip.")
        return self._score(turn, transcript)

    def answer_audio(self, source: bytes | str | Path) -> TurnOutcome:
        """Answer with a recording: decode → check for speech → transcribe → delivery → evaluate.

        Unusable audio (empty, corrupt, silent) scores nothing and leaves the question open for another try.
        """
        turn = self._open_turn()
        stt = self._require_stt()
        self._answer_ended = time.perf_counter()
        self._go(S.PROCESSING)
        try:
            data = read_bytes(source)
            audio = decode(data, max_seconds=self.max_audio_seconds)
        except AudioError as exc:
            return self._listen_again(turn, str(exc))
        if not has_speech(audio.samples):
            return self._listen_again(turn, NO_SPEECH)
        recording = (data, _extension(audio.container))
        return self._transcribed(turn, lambda: stt.transcribe(audio), audio, recording)

    def listen(self) -> LiveAnswer:
        """Start an answer that is transcribed while it is spoken; feed it audio, then call its ``finish()``."""
        self._open_turn()
        return LiveAnswer(self, self._require_stt(), self.max_audio_seconds)

    def _answer_live(self, live: LiveAnswer) -> TurnOutcome:
        turn = self._open_turn()
        self._answer_ended = time.perf_counter()
        self._go(S.PROCESSING)
        audio = live.audio()
        return self._transcribed(turn, live.transcript, audio, (to_wav(audio), "wav"))

    def _require_stt(self) -> SpeechToText:
        if self.stt is None:
            raise ConfigurationError("this interview has no speech-to-text backend: start it with stt=create_stt(...)")
        return self.stt

    def _transcribed(
        self,
        turn: Turn,
        transcribe: Callable[[], Transcript | None],
        audio: DecodedAudio,
        recording: tuple[bytes, str],
    ) -> TurnOutcome:
        try:
            transcript = transcribe()
        except InterviewLibError as exc:  # a remote recogniser failed: nothing is lost, the candidate tries again
            return self._listen_again(turn, f"Speech recognition failed ({exc}): answer again, or type your answer.")
        if transcript is None:
            return self._listen_again(turn, NO_SPEECH)
        if language.needs_check(transcript) and (foreign := self._foreign_language(audio)):
            self.add_note(f"an answer in {foreign} was not scored: the candidate was asked to answer in English")
            return self._listen_again(turn, language.answer_in_english(foreign))
        if audio.truncated:
            limit = _duration(self.max_audio_seconds)
            turn.notes.append(f"the recording was longer than {limit}: only the first {limit} were scored")
        return self._answer_spoken(turn, transcript, recording)

    def _foreign_language(self, audio: DecodedAudio) -> str | None:
        """The language of a doubtful answer when it is clearly not English (None when unsure or unknown)."""
        try:
            return language.foreign_language(self._require_stt().spoken_language(audio))
        except InterviewLibError as exc:  # no detector here: score what was heard, as before
            self.add_note(f"the answer's language could not be checked ({exc})")
            return None

    def _answer_spoken(self, turn: Turn, transcript: Transcript, recording: tuple[bytes, str]) -> TurnOutcome:
        if not transcript.text.strip():
            return self._listen_again(turn, "No words could be recognised: answer again, or type your answer.")
        if self.blobs is not None:
            ref = self.blobs.put(*recording)
            transcript = transcript.model_copy(update={"audio_ref": str(ref.path), "audio_sha256": ref.sha256})
        turn.delivery = delivery.measure(transcript)
        turn.delivery["processing_s"] = round(time.perf_counter() - (self._answer_ended or 0.0), 3)
        return self._score(turn, transcript)

    def add_note(self, note: str) -> None:
        """Keep a note for the report (e.g. a voice fallback)."""
        if note not in self.session.notes:
            self.session.notes.append(note)

    def _listen_again(self, turn: Turn, message: str) -> TurnOutcome:
        self._go(S.LISTENING)
        return TurnOutcome(turn, None, None, turn.question, message)

    def _score(self, turn: Turn, transcript: Transcript) -> TurnOutcome:
        turn.transcript = transcript
        turn.answered_at = self._clock()
        self._go(S.EVALUATING)
        evaluation = self._evaluate(turn.question, transcript)
        turn.evaluation = evaluation
        self._collect_usage(turn)
        return self._decide(turn, evaluation)

    def _collect_usage(self, turn: Turn) -> None:
        for key, value in self.reasoner.drain_usage().items():
            turn.usage[key] = round(turn.usage.get(key, 0.0) + value, 3)
        for note in self.reasoner.notes:
            self.add_note(note)

    def skip(self) -> TurnOutcome:
        """Skip the current question; nothing is scored."""
        turn = self._open_turn()
        self._answer_ended = time.perf_counter()
        turn.skipped = True
        return self._decide(turn, None)

    def pause(self) -> None:
        """Pause; :meth:`resume` returns to the same state."""
        self._go(S.PAUSED)

    resume = _ResumeMethod()

    def _resume_here(self) -> None:
        """Return from PAUSED (or retry from ERROR) to where the session was."""
        if self.session.return_to is None:
            raise InterviewLibError(f"nothing to resume: the session is {self.state.value}")
        self._go(self.session.return_to)

    @classmethod
    def _resume_session(
        cls,
        session_id: str,
        *,
        store: Store,
        reasoner: Reasoner,
        tracker: Tracker | None = None,
        bundle_target: str | None = None,
        bank: QuestionBank | None = None,
        clock: Clock = utc_now,
        similarity: Similarity | None = max_similarity,
    ) -> Interview:
        """Rebuild a session from the tables after its process died and carry on where it stopped."""
        stored = load_session(store, session_id)
        recorder = TableRecorder(store, tracker, bundle_target=bundle_target, clock=clock)
        recorder.adopt(stored.session, stored.mlflow_run_id)
        if stored.session.turns:  # replay the last finished turn's idempotent writes (a crash may have cut them)
            recorder.write_turn(stored.session, stored.session.turns[-1])
        interview = cls(stored.session, reasoner, bank=bank, recorder=recorder, clock=clock, similarity=similarity)
        if stored.session.state in TERMINAL and not stored.recorded_final:
            # killed while finishing: the final events are in, the session row is not; complete the record
            recorder.session_finished(stored.session, build_report(stored.session))
        interview._continue(stored.pending_question)
        return interview

    def _continue(self, pending: Question | None) -> None:
        session = self.session
        if session.state in TERMINAL:
            return
        session.notes.append("resumed after an interruption")
        session.return_to = None
        last = session.current_turn
        if session.state in (S.COMPLETE, S.GENERATING_REPORT):
            session.state = S.COMPLETE
        elif pending is not None:  # ask the question that was waiting, again
            session.state = S.LISTENING
            session.turns.append(Turn(turn_no=len(session.turns) + 1, question=pending, asked_at=self._clock()))
            session.asked_question_hashes.append(dedup.question_hash(pending.text))
        elif last is not None and last.decision is not None:
            session.state = S.DECIDING
            self._act(last, last.decision)
        else:
            session.state = S.READY
            session.difficulty = planning.starting_difficulty(session.setup)
            self._ask_next_core()

    def end(self) -> SessionReport:
        """Stop asking (early or after the last question) and build the report; again on a finished session."""
        if self.state is S.FINISHED:
            return build_report(self.session)
        if self.state is S.PAUSED:
            self.resume()
        if self.state in (S.ASKING, S.LISTENING, S.DECIDING):
            self._drop_unanswered_turn()
            self._go(S.COMPLETE)
        return self._finish()

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
            raise InterviewLibError(f"no question is waiting for an answer (state {self.state.value})")
        return turn

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
        return Evaluation(
            status="unscored",
            reason=f"the scorer failed: {failure}",
            scorer=self.reasoner.name,
            scorer_version=self.reasoner.version,
        )

    def _decide(self, turn: Turn, evaluation: Evaluation | None) -> TurnOutcome:
        self._go(S.DECIDING)
        decision = scoring.decide(self.session, evaluation)
        turn.decision = decision
        self.session.difficulty = decision.next_difficulty
        self.recorder.turn_finished(self.session, turn)
        return self._act(turn, decision)

    def _act(self, turn: Turn, decision: Decision) -> TurnOutcome:
        evaluation = turn.evaluation
        next_question = None
        if decision.action == "follow_up" and evaluation is not None and decision.follow_up_type is not None:
            next_question = self._ask_follow_up(turn, evaluation, decision)
        if next_question is None and decision.action != "end":
            next_question = self._ask_next_core()
        if next_question is None and self.state is S.DECIDING:
            self._go(S.COMPLETE)
        message = decision.reason if next_question else "The interview is complete: call end() for the report."
        latency = None
        if next_question is not None and self._answer_ended is not None:
            latency = round(time.perf_counter() - self._answer_ended, 3)
            self.session.turns[-1].usage["wait_s"] = latency  # how long the candidate waited for this question
        self._answer_ended = None
        return TurnOutcome(turn, evaluation, decision, next_question, message, latency)

    def _ask(self, question: Question) -> Question:
        self._go(S.ASKING)
        turn = Turn(turn_no=len(self.session.turns) + 1, question=question, asked_at=self._clock())
        self.session.turns.append(turn)
        self._collect_usage(turn)  # what generating this question cost
        self.session.asked_question_hashes.append(dedup.question_hash(question.text))
        self._go(S.LISTENING)
        self.recorder.turn_asked(self.session, self.session.turns[-1])
        return question

    def _is_repeat(self, text: str) -> bool:
        asked_texts = [t.question.text for t in self.session.turns]
        semantic = self._similarity(text, asked_texts) if self._similarity is not None else 0.0
        return dedup.is_repeat(text, self.session.asked_question_hashes, asked_texts, semantic)

    def _ask_follow_up(self, turn: Turn, evaluation: Evaluation, decision: Decision) -> Question | None:
        kind = decision.follow_up_type
        assert kind is not None
        missing = evaluation.missing_points
        transcript = turn.transcript or Transcript(text="")
        kinds = [kind, *(k for k in FOLLOW_UP_TYPES if k != kind)]  # another type if this one was asked already
        candidates = itertools.chain(
            [self.reasoner.follow_up(turn.question, transcript, evaluation, kind)],
            (self.bank.follow_up(turn.question, k, missing) for k in kinds),
            (planning.generic_follow_up(turn.question, k, missing) for k in kinds),
        )
        for question in candidates:
            if question is not None and not self._is_repeat(question.text):
                return self._ask(question)
        return None

    def _ask_next_core(self) -> Question | None:
        if len(self.session.core_turns) >= self.session.setup.core_questions:
            return None
        question = self._generate_core() or self._fallback_core()
        if question is None:
            self.session.notes.append("the question bank ran out of unasked questions: the interview ended early")
            return None
        return self._ask(question)

    def _next_skill(self) -> str:
        asked = [t.question.skill for t in self.session.core_turns]
        return planning.choose_skill(self.session.setup, self.bank.skills, asked, self._rng.random())

    def _generate_core(self) -> Question | None:
        skill = self._next_skill()
        asked = tuple(t.question.text for t in self.session.turns)
        for attempt in range(1, GENERATION_ATTEMPTS + 1):  # layers 1 and 2: context, then hash/similarity
            request = QuestionRequest(self.session.setup, skill, self.session.difficulty, asked, attempt)
            question = self.reasoner.next_question(request)
            if question is not None and not self._is_repeat(question.text):
                return question
        return None

    def _fallback_core(self) -> Question | None:
        setup = self.session.setup
        preferred = self._next_skill()
        for skill in [
            preferred,
            *(s for s in self.bank.skills if s != preferred),
        ]:  # layer 3: the bank's pool
            question = self.bank.pick(
                skill=skill,
                difficulty=self.session.difficulty,
                level=setup.level,
                cloud=setup.cloud,
                is_excluded=self._is_repeat,
                rng=self._rng,
            )
            if question is not None:
                return question.model_copy(update={"source": "fallback"})
        return None

    def _drop_unanswered_turn(self) -> None:
        turn = self.session.current_turn
        if turn is not None and not turn.finished and turn.transcript is None:
            self.session.turns.pop()
            self.session.asked_question_hashes.pop()

    def _finish(self) -> SessionReport:
        if self.state is not S.COMPLETE:
            raise InterviewLibError(f"cannot build the final report from {self.state.value}")
        self._go(S.GENERATING_REPORT)
        self.session.finished_at = self._clock()
        self._go(S.FINISHED)
        report = build_report(self.session)
        self.recorder.session_finished(self.session, report)
        return build_report(self.session)  # again: recording may have added a note (e.g. MLflow was down)
