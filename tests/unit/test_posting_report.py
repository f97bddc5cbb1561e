"""The report's "fit to the posting" section: present when the setup follows a posting, built from scored turns."""

from __future__ import annotations

from datetime import datetime, timezone

from interview_lib.domain.models import Evaluation, InterviewSession, InterviewSetup, Question, ScoreBreakdown, Turn
from interview_lib.domain.posting import PostingProfile
from interview_lib.domain.report import STRONG_AT, WEAK_BELOW, SessionReport, build_report
from interview_lib.domain.skills import SKILLS

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
POSTING = PostingProfile(
    is_data_engineering=True,
    title="Senior Streaming Data Engineer",
    skills={"streaming": 1.0, "spark": 0.4, "orchestration": 0.2},
    evidence={"streaming": ["Kafka", "watermarks"], "orchestration": ["Airflow"]},
    sha256="c" * 64,
)


def _turn(no: int, skill: str, score: float | None, *, follow_up: bool = False) -> Turn:
    question = Question(
        id=f"{skill}-{no}",
        text=f"A question about {skill}?",
        skill=skill,
        difficulty=3,
        kind="follow_up" if follow_up else "core",
        follow_up_type="probe" if follow_up else None,
    )
    evaluation = (
        None
        if score is None
        else Evaluation(
            status="scored",
            scores=ScoreBreakdown(**dict.fromkeys(ScoreBreakdown.model_fields, score)),
            overall=score,
            scorer="test",
            scorer_version="1",
        )
    )
    return Turn(turn_no=no, question=question, asked_at=T0, evaluation=evaluation, skipped=score is None)


def _report(posting: PostingProfile | None, *turns: Turn) -> SessionReport:
    session = InterviewSession(
        session_id="s-1",
        setup=InterviewSetup(candidate_id="c", posting=posting),
        turns=list(turns),
        created_at=T0,
    )
    return build_report(session)


def test_a_report_without_a_posting_has_no_fit_section() -> None:
    assert _report(None, _turn(1, "sql", 8.0)).posting_fit is None


def test_a_posting_outside_data_engineering_has_no_fit_section() -> None:
    other = PostingProfile(is_data_engineering=False, title="Pastry Chef", sha256="d" * 64)

    assert _report(other, _turn(1, "sql", 8.0)).posting_fit is None


def test_the_fit_section_scores_each_posting_skill_from_the_scored_turns() -> None:
    report = _report(
        POSTING,
        _turn(1, "streaming", 8.0),
        _turn(2, "streaming", 6.0, follow_up=True),
        _turn(3, "spark", 3.0),
        _turn(4, "sql", 9.0),  # not asked for by the posting: in the report's skills, not in the fit
        _turn(5, "orchestration", None),  # skipped: no score, so not covered
    )

    fit = report.posting_fit
    assert fit is not None
    assert [(s.skill, s.score, s.status) for s in fit.skills] == [
        ("streaming", 7.0, "strong"),
        ("spark", 3.0, "weak"),
        ("orchestration", None, "not_covered"),
    ]
    assert (fit.covered, fit.not_covered) == (["streaming", "spark"], ["orchestration"])
    assert (fit.title, fit.sha256) == (POSTING.title, POSTING.sha256)
    assert fit.practice_next[0].startswith(SKILLS["spark"]) and "3.0/10" in fit.practice_next[0]
    assert fit.practice_next[1].startswith(SKILLS["orchestration"]) and "(Airflow)" in fit.practice_next[1]
    assert report.skills["sql"] == 9.0


def test_the_fit_uses_the_report_thresholds() -> None:
    at_strong = _report(POSTING, _turn(1, "streaming", STRONG_AT)).posting_fit
    below_weak = _report(POSTING, _turn(1, "streaming", WEAK_BELOW - 0.01)).posting_fit

    assert at_strong is not None and at_strong.skills[0].status == "strong"
    assert below_weak is not None and below_weak.skills[0].status == "weak"


def test_a_report_with_a_fit_round_trips_through_json() -> None:
    report = _report(POSTING, _turn(1, "streaming", 8.0))

    assert SessionReport.model_validate_json(report.model_dump_json()) == report
