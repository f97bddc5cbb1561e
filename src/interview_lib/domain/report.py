"""Build the end-of-interview report from a session (pure)."""

from __future__ import annotations

from collections import defaultdict
from statistics import fmean

from pydantic import BaseModel, ConfigDict, Field

from interview_lib.domain.models import Evaluation, InterviewSession, Turn
from interview_lib.domain.posting import PostingFit, posting_fit
from interview_lib.domain.scoring import DIMENSIONS
from interview_lib.domain.skills import SKILLS

STRONG_AT = 7.0
WEAK_BELOW = 5.0


class QuestionFeedback(BaseModel):
    """One turn as the report shows it."""

    model_config = ConfigDict(extra="forbid")

    turn_no: int
    question: str
    skill: str
    kind: str
    follow_up_type: str | None
    answer: str
    status: str
    overall: float | None
    scores: dict[str, float]
    reason: str | None
    rationale: str
    evidence: list[str]
    missing_points: list[str]
    flags: list[str]
    wrong_claims: list[str] = Field(default_factory=list)  # what the answer got wrong, with the correction if known
    certainty: str | None = None
    certainty_note: str = ""  # e.g. "low confidence: no close reference for this question"; empty when sure
    delivery: dict[str, float] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


class SessionReport(BaseModel):
    """What the candidate takes away: scores, strengths, gaps and what to practise next."""

    model_config = ConfigDict(extra="forbid")

    session_id: str
    candidate_id: str
    cohort: str
    role: str
    level: str
    cloud: str
    state: str
    overall: float | None
    dimensions: dict[str, float]
    skills: dict[str, float]
    strengths: list[str]
    gaps: list[str]
    practice_next: list[str]
    questions: list[QuestionFeedback]
    answered: int
    skipped: int
    unscored: int
    notes: list[str]
    # How the scores cover the job posting the interview followed; None without a data-engineering posting.
    posting_fit: PostingFit | None = None


def _feedback(turn: Turn) -> QuestionFeedback:
    evaluation = turn.evaluation
    scores = evaluation.scores.model_dump() if evaluation and evaluation.scores else {}
    return QuestionFeedback(
        turn_no=turn.turn_no,
        question=turn.question.text,
        skill=turn.question.skill,
        kind=turn.question.kind,
        follow_up_type=turn.question.follow_up_type,
        answer=turn.transcript.text if turn.transcript else "",
        status="skipped" if turn.skipped else (evaluation.status if evaluation else "pending"),
        overall=evaluation.overall if evaluation else None,
        scores=scores,
        reason=evaluation.reason if evaluation else None,
        rationale=evaluation.rationale if evaluation else "",
        evidence=list(evaluation.evidence) if evaluation else [],
        missing_points=list(evaluation.missing_points) if evaluation else [],
        flags=list(evaluation.flags) if evaluation else [],
        wrong_claims=list(evaluation.red_flags_hit) if evaluation else [],
        certainty=evaluation.certainty if evaluation else None,
        certainty_note=certainty_note(evaluation) if evaluation else "",
        delivery=dict(turn.delivery),
        notes=list(turn.notes),
    )


def certainty_note(evaluation: Evaluation) -> str:
    """How sure a score is, in words, when it is less than sure ("" for a high-certainty or unscored answer)."""
    if evaluation.status != "scored" or evaluation.certainty in (None, "high"):
        return ""
    return (
        f"{evaluation.certainty} confidence: {evaluation.certainty_reason or 'the scorer could not check every claim'}"
    )


def _skill_title(skill: str) -> str:
    return SKILLS.get(skill, skill)


def build_report(session: InterviewSession) -> SessionReport:
    """Summarise a session: every number comes from a scored turn, never from a guess."""
    feedback = [_feedback(t) for t in session.turns]
    scored = [f for f in feedback if f.status == "scored" and f.overall is not None]
    by_skill: dict[str, list[float]] = defaultdict(list)
    for item in scored:
        by_skill[item.skill].append(item.overall or 0.0)
    skills = {skill: round(fmean(values), 2) for skill, values in by_skill.items()}
    dimensions = {d: round(fmean(f.scores[d] for f in scored), 2) for d in DIMENSIONS} if scored else {}
    strengths = [
        f"{_skill_title(s)} ({v:.1f}/10)" for s, v in sorted(skills.items(), key=lambda kv: -kv[1]) if v >= STRONG_AT
    ]
    strengths += [f"{d.replace('_', ' ')} ({v:.1f}/10)" for d, v in dimensions.items() if v >= STRONG_AT]
    gaps = _gaps(scored)
    weakest = [s for s, v in sorted(skills.items(), key=lambda kv: kv[1]) if v < WEAK_BELOW]
    practice = [f"{_skill_title(s)}: revisit — {_first_missing(scored, s)}" for s in weakest[:3]]
    if not practice and skills:
        lowest = min(skills, key=lambda s: skills[s])
        practice = [f"{_skill_title(lowest)}: go one level deeper with trade-offs and a concrete example"]
    return SessionReport(
        session_id=session.session_id,
        candidate_id=session.setup.candidate_id,
        cohort=session.setup.cohort,
        role=session.setup.role,
        level=session.setup.level,
        cloud=session.setup.cloud,
        state=session.state.value,
        overall=round(fmean(f.overall or 0.0 for f in scored), 2) if scored else None,
        dimensions=dimensions,
        skills=skills,
        strengths=strengths,
        gaps=gaps,
        practice_next=practice,
        questions=feedback,
        answered=sum(1 for f in feedback if f.status in ("scored", "unscored")),
        skipped=sum(1 for f in feedback if f.status == "skipped"),
        unscored=sum(1 for f in feedback if f.status == "unscored"),
        notes=list(session.notes),
        posting_fit=_fit(session, skills),
    )


def _fit(session: InterviewSession, skills: dict[str, float]) -> PostingFit | None:
    posting = session.setup.posting
    if posting is None:
        return None
    return posting_fit(posting, skills, strong_at=STRONG_AT, weak_below=WEAK_BELOW)


def _gaps(scored: list[QuestionFeedback]) -> list[str]:
    seen: set[str] = set()
    gaps: list[str] = []
    for item in sorted(scored, key=lambda f: f.overall or 0.0):
        if (item.overall or 0.0) >= STRONG_AT:
            continue
        for point in item.missing_points[:2]:
            if point not in seen:
                seen.add(point)
                gaps.append(f"{_skill_title(item.skill)}: {point}")
    return gaps[:8]


def _first_missing(scored: list[QuestionFeedback], skill: str) -> str:
    for item in scored:
        if item.skill == skill and item.missing_points:
            return item.missing_points[0]
    return "the fundamentals of this area"
