"""Spoken answers show their delivery metrics and plain advice in the report."""

from __future__ import annotations

from datetime import datetime, timezone

from interview_lib.domain.models import InterviewSession, InterviewSetup, Question, Transcript, Turn
from interview_lib.domain.report import build_report
from interview_lib.reports.render import render_html, render_text

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _report_with(delivery: dict[str, float], notes: list[str]) -> tuple[str, str]:
    turn = Turn(
        turn_no=1,
        question=Question(id="q", text="Why Parquet?", skill="storage_formats", difficulty=2),
        asked_at=NOW,
        transcript=Transcript(text="um, columnar", source="audio"),
        skipped=True,
        delivery=delivery,
        notes=notes,
    )
    session = InterviewSession(session_id="s", setup=InterviewSetup(candidate_id="c"), created_at=NOW, turns=[turn])
    report = build_report(session)
    return render_text(report), render_html(report)


def test_a_fast_filler_heavy_answer_gets_advice_in_both_renderings() -> None:
    metrics = {"words_per_minute": 230.0, "fillers": 9.0, "filler_rate": 0.09, "long_pauses": 0.0, "hedges": 0.0}
    text, page = _report_with(metrics, ["the recording was longer than 10 min"])
    for output in (text, page):
        assert "230 words/min" in output
        assert "slow down" in output and "pause silently" in output
        assert "longer than 10 min" in output


def test_typed_answers_show_no_delivery_section() -> None:
    text, page = _report_with({}, [])
    assert "words/min" not in text and "words/min" not in page
