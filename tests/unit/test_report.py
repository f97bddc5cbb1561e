"""The end-of-interview report and its three renderings."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest

from interview_lib.domain.models import (
    Evaluation,
    FollowUpType,
    InterviewSession,
    InterviewSetup,
    Question,
    ScoreBreakdown,
    Transcript,
    Turn,
)
from interview_lib.domain.posting import PostingProfile
from interview_lib.domain.report import SessionReport, build_report
from interview_lib.reports.render import render_html, render_markdown, render_text

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
SCRIPT = "<script>alert(1)</script>"


def _scored(score: float, missing: list[str] | None = None, *, communication: float | None = None) -> Evaluation:
    dims = {name: score for name in ScoreBreakdown.model_fields}
    if communication is not None:
        dims["communication"] = communication
    return Evaluation(
        status="scored",
        scores=ScoreBreakdown(**dims),
        overall=score,
        missing_points=missing or [],
        scorer="test",
        scorer_version="1",
    )


def _turn(
    skill: str,
    evaluation: Evaluation | None,
    *,
    answer: str = "an answer",
    follow_up: FollowUpType | None = None,
    skipped: bool = False,
) -> Turn:
    question = Question(
        id=f"{skill}-q",
        text=f"A question about {skill}?",
        skill=skill,
        difficulty=3,
        kind="follow_up" if follow_up else "core",
        follow_up_type=follow_up,
    )
    transcript = None if skipped else Transcript(text=answer)
    return Turn(
        turn_no=1, question=question, asked_at=T0, transcript=transcript, evaluation=evaluation, skipped=skipped
    )


def _session(*turns: Turn, candidate_id: str = "cand-7", notes: list[str] | None = None) -> InterviewSession:
    return InterviewSession(
        session_id="s-1",
        setup=InterviewSetup(candidate_id=candidate_id),
        turns=[turn.model_copy(update={"turn_no": n}) for n, turn in enumerate(turns, start=1)],
        notes=notes or [],
        created_at=T0,
    )


def _mixed_session() -> InterviewSession:
    """Three scored answers (8, 4, 6), one unscored, one skipped."""
    return _session(
        _turn("sql", _scored(8.0, ["window frames"], communication=9.0)),
        _turn("spark", _scored(4.0, ["skew", "AQE", "broadcast hints"], communication=9.0)),
        # A follow-up to the Spark question that probes Delta Lake counts toward its own skill.
        _turn("delta_lake", _scored(6.0, ["vacuum retention"], communication=9.0), follow_up="probe"),
        _turn("streaming", Evaluation(status="unscored", reason="no speech", scorer="test", scorer_version="1")),
        _turn("data_quality", None, skipped=True),
    )


@pytest.fixture
def report() -> SessionReport:
    return build_report(_mixed_session())


def test_overall_is_the_mean_of_scored_turns_only(report: SessionReport) -> None:
    assert report.overall == pytest.approx((8.0 + 4.0 + 6.0) / 3)


def test_unscored_and_skipped_turns_are_counted(report: SessionReport) -> None:
    assert (report.answered, report.unscored, report.skipped) == (4, 1, 1)
    assert [q.status for q in report.questions] == ["scored", "scored", "scored", "unscored", "skipped"]


def test_session_without_scored_turns_has_no_overall() -> None:
    report = build_report(_session(_turn("sql", None, skipped=True)))

    assert (report.overall, report.dimensions, report.skills) == (None, {}, {})


def test_each_turn_counts_toward_its_own_question_skill(report: SessionReport) -> None:
    assert report.skills == {"sql": 8.0, "spark": 4.0, "delta_lake": 6.0}


def test_skill_score_is_the_mean_of_its_turns() -> None:
    report = build_report(_session(_turn("sql", _scored(9.0)), _turn("sql", _scored(5.0), follow_up="clarify")))

    assert report.skills == {"sql": 7.0}


def test_dimensions_are_means_over_scored_turns(report: SessionReport) -> None:
    assert report.dimensions["technical_correctness"] == pytest.approx(6.0)
    assert report.dimensions["communication"] == pytest.approx(9.0)


def test_gaps_list_missing_points_of_answers_below_seven_weakest_first(report: SessionReport) -> None:
    assert report.gaps == [
        "Spark internals and tuning: skew",
        "Spark internals and tuning: AQE",
        "Delta Lake and lakehouse design: vacuum retention",
    ]


def test_strengths_are_skills_and_dimensions_at_seven_or_more(report: SessionReport) -> None:
    assert report.strengths == ["SQL (8.0/10)", "communication (9.0/10)"]


@pytest.mark.parametrize(("score", "strong"), [(7.0, True), (6.99, False)])
def test_strength_threshold_is_seven(score: float, strong: bool) -> None:
    report = build_report(_session(_turn("sql", _scored(score))))

    assert any(s.startswith("SQL") for s in report.strengths) is strong


def test_practice_next_starts_with_the_weakest_skill(report: SessionReport) -> None:
    assert report.practice_next == ["Spark internals and tuning: revisit — skew"]


# --- rendering ----------------------------------------------------------------------------------------


def _session_with_payload(field: str) -> InterviewSession:
    """A session that carries a script tag in one piece of candidate or scorer text."""
    evaluation_fields: dict[str, Any] = {"rationale": "", "evidence": [], "missing_points": []}
    if field in evaluation_fields:
        evaluation_fields[field] = SCRIPT if field == "rationale" else [SCRIPT]
    evaluation = _scored(4.0).model_copy(update=evaluation_fields)
    answer = SCRIPT if field == "answer" else "an answer"
    return _session(
        _turn("sql", evaluation, answer=answer),
        candidate_id=SCRIPT if field == "candidate_id" else "cand-7",
        notes=[SCRIPT] if field == "notes" else [],
    )


@pytest.mark.parametrize("field", ["answer", "candidate_id", "rationale", "evidence", "missing_points", "notes"])
def test_html_escapes_candidate_text(field: str) -> None:
    html = render_html(build_report(_session_with_payload(field)))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in html


def test_html_has_no_script_tag_at_all(report: SessionReport) -> None:
    assert "<script" not in render_html(report).lower()


def test_html_links_no_external_assets(report: SessionReport) -> None:
    assert re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", render_html(report), re.IGNORECASE) is None


def test_html_shows_the_overall(report: SessionReport) -> None:
    assert '<span class="overall">6.0</span> / 10' in render_html(report)


def test_text_includes_the_overall(report: SessionReport) -> None:
    assert "Overall: 6.0 / 10" in render_text(report)


def test_markdown_includes_the_overall(report: SessionReport) -> None:
    assert "**Overall:** 6.0 / 10" in render_markdown(report)


def test_renderings_show_a_dash_when_nothing_was_scored() -> None:
    report = build_report(_session(_turn("sql", None, skipped=True)))

    assert "Overall: — / 10" in render_text(report)
    assert "**Overall:** — / 10" in render_markdown(report)


def test_markdown_escapes_candidate_text() -> None:
    markdown = render_markdown(build_report(_session_with_payload("answer")))

    assert r"\<script\>alert\(1\)\</script\>" in markdown
    assert SCRIPT not in markdown


def test_a_less_than_sure_score_says_so_in_every_view() -> None:
    doubtful = _scored(6.0).model_copy(
        update={"certainty": "low", "certainty_reason": "no close reference for this question"}
    )
    sure = _scored(7.0).model_copy(update={"certainty": "high"})
    report = build_report(_session(_turn("sql", doubtful), _turn("spark", sure)))
    note = "low confidence: no close reference for this question"
    assert [q.certainty_note for q in report.questions] == [note, ""]
    for rendered in (render_text(report), render_markdown(report), render_html(report)):
        assert rendered.count(note) == 1


def _posting_report() -> SessionReport:
    posting = PostingProfile(
        is_data_engineering=True,
        title="Senior Streaming Engineer <Kafka>",
        skills={"streaming": 1.0, "spark": 0.5, "orchestration": 0.25},
        sha256="a" * 64,
    )
    session = _mixed_session()
    session.setup = session.setup.model_copy(update={"posting": posting})
    return build_report(session)


def test_every_report_view_shows_the_fit_to_the_posting_with_each_skill_and_what_is_missing() -> None:
    report = _posting_report()
    text, markdown, page = render_text(report), render_markdown(report), render_html(report)
    assert "Fit to the posting: Senior Streaming Engineer <Kafka>" in text
    assert "Fit to the posting: Senior Streaming Engineer \\<Kafka\\>" in markdown
    assert "Fit to the posting: Senior Streaming Engineer &lt;Kafka&gt;" in page  # escaped
    for view in (text, markdown, page):
        assert "Spark internals and tuning" in view and "Orchestration" in view
        assert "not covered yet" in view  # streaming was unscored, orchestration never asked
    assert "Spark internals and tuning" in text.split("Fit to the posting")[1].split("\n")[2]  # heaviest first


def test_a_report_without_a_posting_has_no_fit_section(report: SessionReport) -> None:
    assert all("Fit to the posting" not in view for view in (render_text(report), render_html(report)))


def test_every_report_view_names_the_wrong_claims_with_their_correction() -> None:
    wrong = "VACUUM compacts small files. (in fact: VACUUM deletes files the table no longer references.)"
    evaluation = _scored(3.0).model_copy(update={"red_flags_hit": [wrong]})
    report = build_report(_session(_turn("delta_lake", evaluation)))

    assert report.questions[0].wrong_claims == [wrong]
    assert f"wrong: {wrong}" in render_text(report)
    assert "*Wrong:* VACUUM compacts small files. \\(in fact" in render_markdown(report)
    assert re.search(
        r"Wrong:</p><ul><li class=\"missing\">VACUUM compacts small files\. \(in fact", render_html(report)
    )
