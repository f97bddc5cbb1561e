"""Schema of the question bank's YAML files (one file per skill under ``bank/data/``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from interview_lib.domain.models import Cloud, FollowUpType, Level, Question
from interview_lib.domain.skills import SKILLS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BankQuestion(_Strict):
    """A curated question with what a good answer covers and what a wrong one says."""

    id: str = Field(pattern=r"^[a-z_]+-\d{3}$")
    text: str = Field(min_length=15)
    levels: list[Level] = Field(min_length=1)
    difficulty: int = Field(ge=1, le=5)
    clouds: list[Cloud] = Field(default_factory=list, description="empty means every cloud")
    expected_points: list[str] = Field(min_length=3, max_length=6)
    red_flags: list[str] = Field(min_length=2, max_length=6, description="common wrong claims about this question")
    follow_ups: dict[FollowUpType, str]

    @field_validator("follow_ups")
    @classmethod
    def _all_follow_up_types(cls, value: dict[FollowUpType, str]) -> dict[FollowUpType, str]:
        missing = {"probe", "clarify", "example", "challenge"} - set(value)
        if missing:
            raise ValueError(f"follow_ups lacks {sorted(missing)}")
        return value

    def to_question(self, skill: str) -> Question:
        """The question as the interview asks it."""
        return Question(
            id=self.id,
            text=self.text,
            skill=skill,
            difficulty=self.difficulty,
            expected_points=list(self.expected_points),
            red_flags=list(self.red_flags),
        )


class BankFile(_Strict):
    """One YAML file: all questions of one skill."""

    skill: str
    questions: list[BankQuestion] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_skill_and_prefixed_ids(self) -> BankFile:
        if self.skill not in SKILLS:
            raise ValueError(f"unknown skill {self.skill!r}; known: {sorted(SKILLS)}")
        for question in self.questions:
            if not question.id.startswith(self.skill + "-"):
                raise ValueError(f"question {question.id} must start with '{self.skill}-'")
        return self


class Misconception(_Strict):
    """A common wrong claim of data engineering, its correction, and how to recognise it in one sentence.

    ``all`` and ``none`` are regular expressions matched case-insensitively at word starts: a sentence states
    the misconception when every ``all`` pattern occurs in it and no ``none`` pattern does. ``wrong`` are more
    ways to say the claim (each must match), ``right`` correct sentences in the same words (none may match).
    """

    id: str = Field(pattern=r"^[a-z0-9_]+(-[a-z0-9]+)+$")  # the topic, then words
    claim: str = Field(min_length=15)
    truth: str = Field(min_length=15)
    all: list[str] = Field(min_length=2, max_length=5)
    none: list[str] = Field(default_factory=list)
    wrong: list[str] = Field(default_factory=list)
    right: list[str] = Field(default_factory=list)


class MisconceptionFile(_Strict):
    """One YAML file under ``bank/data/misconceptions/``: the misconceptions of one topic."""

    topic: str = Field(pattern=r"^[a-z_]+$")
    misconceptions: list[Misconception] = Field(min_length=1)
