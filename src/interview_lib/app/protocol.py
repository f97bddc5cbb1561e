"""The WebSocket protocol: every JSON message either way is a pydantic model told apart by its ``type``.

Client → server: ``start``, ``response`` (typed ``transcript``, an uploaded recording as base64 ``audio``, or
``streamed``: the audio sent as binary frames since ``listen``), ``listen``, ``discard``, ``skip``, ``pause``,
``resume``, ``end``, ``ping``. Binary frames are the live answer: 16 kHz mono PCM, signed 16-bit little-endian.

Server → client: ``connected``, ``question`` and ``followup``, ``transcript`` (partial while the candidate speaks,
then final), ``listening``, ``countdown``, ``evaluation``, ``notice``, ``state_change``, ``complete``, ``ended``,
``error``, ``pong``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from interview_lib.domain import planning
from interview_lib.domain.models import InterviewSetup
from interview_lib.errors import InterviewLibError
from interview_lib.speech.hands_free import MAX_SILENCE_S, MIN_SILENCE_S, SILENCE_S

MAX_TRANSCRIPT_CHARS = 20_000


class ProtocolError(InterviewLibError):
    """A client message that cannot be taken: malformed, unknown, out of order or too large."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- setup (HTTP) -------------------------------------------------------------------------------------------
class SetupRequest(InterviewSetup):
    """``POST /api/interview/setup``: the interview's setup (``posting``: the profile ``POST /api/posting`` gave,
    as the candidate corrected it), and whether it is spoken."""

    voice: bool = True  # questions spoken, answers recorded (typed answers always work)

    def interview_setup(self) -> InterviewSetup:
        """The setup without the app's own choices, following its posting (whose level and cloud win)."""
        setup = InterviewSetup.model_validate(self.model_dump(exclude={"voice"}))
        return planning.with_posting(setup, setup.posting)


class PostingRequest(BaseModel):
    """``POST /api/posting``: a pasted job posting (over 50 000 characters is refused by the reading)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=200_000)


# -- client → server ----------------------------------------------------------------------------------------
class Start(_Message):
    """Begin: the first question is sent."""

    type: Literal["start"]


class Response(_Message):
    """An answer to the question ``turn_no`` (when given, a response to an older question is refused)."""

    type: Literal["response"]
    transcript: str | None = Field(default=None, max_length=MAX_TRANSCRIPT_CHARS)
    audio: str | None = None  # a whole recording, base64
    audio_name: str | None = Field(default=None, max_length=200)
    streamed: bool = False  # the audio streamed since ``listen``
    turn_no: int | None = None

    @model_validator(mode="after")
    def _one_kind_of_answer(self) -> Response:
        given = [self.transcript is not None, self.audio is not None, self.streamed]
        if sum(given) != 1:
            raise ValueError("a response has exactly one of: transcript, audio (base64), streamed: true")
        return self


class Listen(_Message):
    """The candidate starts speaking: binary frames follow. ``hands_free``: a silence of ``silence_s`` ends it."""

    type: Literal["listen"]
    hands_free: bool = False
    silence_s: float = Field(default=SILENCE_S, ge=MIN_SILENCE_S, le=MAX_SILENCE_S)
    turn_no: int | None = None


class Discard(_Message):
    """Throw away the answer being recorded (the question stays open)."""

    type: Literal["discard"]


class Skip(_Message):
    """Skip the question ``turn_no`` (or the current one)."""

    type: Literal["skip"]
    turn_no: int | None = None


class Pause(_Message):
    """Pause the interview."""

    type: Literal["pause"]


class Resume(_Message):
    """Carry on after a pause."""

    type: Literal["resume"]


class End(_Message):
    """Stop and build the report."""

    type: Literal["end"]


class Ping(_Message):
    """Are you there? (answered with ``pong`` at once, however busy the session is)."""

    type: Literal["ping"]


ClientMessage = Annotated[
    Start | Response | Listen | Discard | Skip | Pause | Resume | End | Ping, Field(discriminator="type")
]
_CLIENT: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)


def parse_client(text: str) -> ClientMessage:
    """The client message in ``text``.

    Raises:
        ProtocolError: not JSON (``bad_json``), no known ``type`` (``unknown_type``) or fields that do not fit it
            (``bad_message``).
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"not JSON ({exc.msg} at character {exc.pos})", "bad_json") from exc
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ProtocolError('a message is a JSON object with a "type"', "bad_message")
    try:
        return _CLIENT.validate_python(data)
    except ValidationError as exc:
        if any(e["type"] == "union_tag_invalid" for e in exc.errors()):
            raise ProtocolError(f"unknown message type {data['type']!r}", "unknown_type") from exc
        problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:])) or 'message'}: {e['msg']}" for e in exc.errors())
        raise ProtocolError(f"{data['type']}: {problems}", "bad_message") from exc


# -- server → client ----------------------------------------------------------------------------------------
class Progress(_Message):
    """Where the interview is."""

    core_asked: int  # core questions asked so far (this one included)
    core_total: int
    turn_no: int  # questions asked so far, follow-ups included
    answered: int  # turns finished (answered or skipped)


class QuestionOut(_Message):
    """A question to answer; ``followup`` when it follows up the last answer."""

    type: Literal["question", "followup"]
    turn_no: int
    question_id: str
    text: str
    kind: str
    follow_up_type: str | None
    skill: str
    difficulty: int
    progress: Progress
    audio_url: str | None  # the question spoken (WAV), when the session has a voice


class Connected(_Message):
    """The first message on every connection: who, what state, and the question waiting (if started)."""

    type: Literal["connected"] = "connected"
    session_id: str
    user: str
    state: str
    started: bool
    voice: bool
    question: QuestionOut | None
    progress: Progress
    silence_s: float  # the hands-free default


class TranscriptOut(_Message):
    """What was heard: partial while the candidate speaks, then the final transcript of the answer."""

    type: Literal["transcript"] = "transcript"
    turn_no: int
    text: str
    final: bool


class ListeningOut(_Message):
    """A live answer opened or closed."""

    type: Literal["listening"] = "listening"
    active: bool
    hands_free: bool = False
    silence_s: float | None = None


class CountdownOut(_Message):
    """Hands-free: the silence countdown started, was cancelled or held (thinking), or ended the answer."""

    type: Literal["countdown"] = "countdown"
    phase: Literal["started", "cancelled", "held", "ended"]
    seconds_left: float
    total_s: float
    reason: str = ""


class EvaluationOut(_Message):
    """The score of one answer."""

    type: Literal["evaluation"] = "evaluation"
    turn_no: int
    status: str
    overall: float | None
    scores: dict[str, float]
    rationale: str
    evidence: list[str]
    covered_points: list[str]
    missing_points: list[str]
    certainty: str | None
    certainty_reason: str
    reason: str | None
    latency_s: float | None  # from the end of the answer to the next question


class Notice(_Message):
    """Something to tell the candidate that is not an error (e.g. no speech heard: answer again)."""

    type: Literal["notice"] = "notice"
    message: str


class StateChange(_Message):
    """One state transition of the interview."""

    type: Literal["state_change"] = "state_change"
    from_state: str
    to_state: str
    at: str


class Complete(_Message):
    """No more questions: the report follows (``ended``)."""

    type: Literal["complete"] = "complete"
    message: str


class Ended(_Message):
    """The report, as JSON, and where its page is."""

    type: Literal["ended"] = "ended"
    report: dict[str, Any]
    report_url: str


class ErrorOut(_Message):
    """A message that could not be taken; the connection stays usable."""

    type: Literal["error"] = "error"
    message: str
    code: str


class Pong(_Message):
    """Answer to ``ping``."""

    type: Literal["pong"] = "pong"


ServerMessage = (
    Connected
    | QuestionOut
    | TranscriptOut
    | ListeningOut
    | CountdownOut
    | EvaluationOut
    | Notice
    | StateChange
    | Complete
    | Ended
    | ErrorOut
    | Pong
)
