"""The interview's data model. Every value here round-trips through JSON losslessly."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interview_lib.domain.posting import PostingProfile
from interview_lib.domain.states import InterviewState, TransitionRecord

Level = Literal["junior", "mid", "senior", "staff"]
Cloud = Literal["aws", "azure", "gcp", "databricks-agnostic"]
Role = Literal["data-engineer", "analytics-engineer", "data-platform-engineer", "streaming-engineer"]
QuestionKind = Literal["core", "follow_up"]
FollowUpType = Literal["probe", "clarify", "example", "challenge"]
QuestionSource = Literal["bank", "generated", "fallback", "imported"]
EvaluationStatus = Literal["scored", "unscored"]
Certainty = Literal["high", "medium", "low"]

LEVELS: tuple[Level, ...] = ("junior", "mid", "senior", "staff")
CLOUDS: tuple[Cloud, ...] = ("aws", "azure", "gcp", "databricks-agnostic")
ROLES: tuple[Role, ...] = (
    "data-engineer",
    "analytics-engineer",
    "data-platform-engineer",
    "streaming-engineer",
)
FOLLOW_UP_TYPES: tuple[FollowUpType, ...] = ("probe", "clarify", "example", "challenge")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InterviewSetup(_Model):
    """What the candidate chose before the interview starts."""

    candidate_id: str = Field(min_length=1, max_length=200)
    cohort: str = "default"
    role: Role = "data-engineer"
    level: Level = "mid"
    cloud: Cloud = "databricks-agnostic"
    focus_skills: list[str] = Field(default_factory=list)
    core_questions: int = Field(default=5, ge=1, le=50)
    max_follow_ups: int = Field(default=1, ge=0, le=3)
    seed: int | None = None
    # The job posting the interview follows (see planning.with_posting); None keeps the role's mix.
    posting: PostingProfile | None = None


class Question(_Model):
    """One question as asked. Bank questions carry their expected points and red flags."""

    id: str
    text: str = Field(min_length=1)
    skill: str
    difficulty: int = Field(ge=1, le=5)
    kind: QuestionKind = "core"
    follow_up_type: FollowUpType | None = None
    parent_id: str | None = None
    source: QuestionSource = "bank"
    expected_points: list[str] = Field(default_factory=list)
    red_flags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _follow_up_has_type(self) -> Question:
        if (self.kind == "follow_up") != (self.follow_up_type is not None):
            raise ValueError("a follow-up question needs a follow_up_type, a core question must not have one")
        return self


class Word(_Model):
    """One recognised word with its timing in seconds from the start of the answer."""

    text: str
    start: float
    end: float
    probability: float | None = None


class Transcript(_Model):
    """What the candidate said (or typed), with timings when speech was recognised."""

    text: str
    source: Literal["text", "audio"] = "text"
    words: list[Word] = Field(default_factory=list)
    duration_s: float | None = None
    language: str | None = None
    stt_backend: str | None = None
    audio_ref: str | None = None
    audio_sha256: str | None = None
    truncated: bool = False


class ScoreBreakdown(_Model):
    """The five rubric dimensions, each 0–10."""

    technical_correctness: float = Field(ge=0, le=10)
    depth: float = Field(ge=0, le=10)
    practical_experience: float = Field(ge=0, le=10)
    communication: float = Field(ge=0, le=10)
    confidence: float = Field(ge=0, le=10)


class Evaluation(_Model):
    """A scorer's judgement of one answer. ``unscored`` carries a reason and no numbers."""

    status: EvaluationStatus
    scores: ScoreBreakdown | None = None
    overall: float | None = Field(default=None, ge=0, le=10)
    reason: str | None = None
    rationale: str = ""
    evidence: list[str] = Field(default_factory=list)
    covered_points: list[str] = Field(default_factory=list)
    missing_points: list[str] = Field(default_factory=list)
    red_flags_hit: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    # How far the score can be trusted; below "high" the reason says what could not be checked.
    certainty: Certainty | None = None
    certainty_reason: str = ""
    # How many expected points the answer is held to (covered_points never holds more).
    points_expected: int | None = Field(default=None, ge=0)
    scorer: str
    scorer_version: str

    @model_validator(mode="after")
    def _numbers_match_status(self) -> Evaluation:
        if self.status == "scored" and (self.scores is None or self.overall is None):
            raise ValueError("a scored evaluation needs scores and an overall")
        if self.status == "unscored" and (self.scores is not None or self.overall is not None or not self.reason):
            raise ValueError("an unscored evaluation has a reason and no numbers")
        return self


class Decision(_Model):
    """What the interviewer does after an answer."""

    action: Literal["follow_up", "next", "end"]
    follow_up_type: FollowUpType | None = None
    next_difficulty: int = Field(ge=1, le=5)
    reason: str


class Turn(_Model):
    """One asked question and what became of it."""

    turn_no: int = Field(ge=1)
    question: Question
    asked_at: datetime
    transcript: Transcript | None = None
    evaluation: Evaluation | None = None
    decision: Decision | None = None
    skipped: bool = False
    answered_at: datetime | None = None
    delivery: dict[str, float] = Field(default_factory=dict)
    usage: dict[str, float] = Field(default_factory=dict)  # model calls, tokens, latency for this turn
    notes: list[str] = Field(default_factory=list)

    @property
    def finished(self) -> bool:
        """A turn is finished once it was skipped or its answer has been decided on."""
        return self.skipped or self.decision is not None


SESSION_ID_RULE = "1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit"
_SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def session_id_problem(session_id: str) -> str | None:
    """Why ``session_id`` cannot name a session (it becomes a file name and a table key), or None when it can."""
    if _SESSION_ID.fullmatch(session_id):
        return None
    return f"session id {session_id!r} is not usable: use {SESSION_ID_RULE}, e.g. practice-1"


class InterviewSession(_Model):
    """A whole interview: setup, state, every transition and every turn."""

    session_id: str
    setup: InterviewSetup
    state: InterviewState = InterviewState.SETUP
    return_to: InterviewState | None = None
    transitions: list[TransitionRecord] = Field(default_factory=list)
    turns: list[Turn] = Field(default_factory=list)
    asked_question_hashes: list[str] = Field(default_factory=list)
    difficulty: int = Field(default=2, ge=1, le=5)
    backends: dict[str, str] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    created_at: datetime
    finished_at: datetime | None = None

    @property
    def current_turn(self) -> Turn | None:
        """The last turn, if any."""
        return self.turns[-1] if self.turns else None

    @property
    def core_turns(self) -> list[Turn]:
        """Turns that asked a core question."""
        return [t for t in self.turns if t.question.kind == "core"]
