"""Render a ``SessionReport`` for the terminal, as Markdown, or as one self-contained HTML page."""

from __future__ import annotations

import base64
from functools import cache
from typing import TYPE_CHECKING

import jinja2

from interview_lib.domain import delivery
from interview_lib.domain.report import SessionReport
from interview_lib.domain.scoring import DIMENSIONS, WEIGHTS
from interview_lib.domain.skills import SKILLS

if TYPE_CHECKING:
    from interview_lib.analytics.cohort import CohortReport


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _bar(value: float, width: int = 20) -> str:
    filled = round(value / 10 * width)
    return "█" * filled + "░" * (width - filled)


def render_text(report: SessionReport) -> str:
    """A plain-text report for the terminal."""
    lines = [
        f"DataReady interview report — {report.candidate_id} ({report.role}, {report.level}, {report.cloud})",
        f"Session {report.session_id} · {report.answered} answered · {report.skipped} skipped · "
        f"{report.unscored} unscored",
        "",
        f"Overall: {_fmt(report.overall)} / 10",
        "",
        "Dimensions:",
    ]
    for name in DIMENSIONS:
        if name in report.dimensions:
            value = report.dimensions[name]
            lines.append(f"  {name.replace('_', ' '):<24} {_bar(value)} {value:4.1f}  (weight {WEIGHTS[name]:.2f})")
    lines += ["", "Skills:"]
    lines += [f"  {SKILLS.get(s, s):<36} {_bar(v)} {v:4.1f}" for s, v in sorted(report.skills.items())]
    lines += ["", "Strengths:", *(f"  + {s}" for s in report.strengths or ["(none yet)"])]
    lines += ["", "Gaps:", *(f"  - {g}" for g in report.gaps or ["(none found)"])]
    lines += ["", "Practise next:", *(f"  > {p}" for p in report.practice_next)]
    lines += _fit_text(report)
    lines += ["", "Questions:"]
    for q in report.questions:
        marker = f" [{q.follow_up_type} follow-up]" if q.follow_up_type else ""
        lines.append(f"  {q.turn_no}. ({q.skill}){marker} {q.question}")
        lines.append(f"     answer: {q.answer[:300] or '(none)'}")
        score = _fmt(q.overall) if q.status == "scored" else f"{q.status}: {q.reason or ''}"
        lines.append(f"     score: {score} — {q.rationale}")
        if q.certainty_note:
            lines.append(f"     ({q.certainty_note})")
        lines += [f"     evidence: “{e}”" for e in q.evidence[:2]]
        lines += [f"     wrong: {w}" for w in q.wrong_claims]
        if q.delivery.get("words_per_minute"):
            d = q.delivery
            lines.append(
                f"     delivery: {d['words_per_minute']:.0f} words/min, {d.get('fillers', 0):.0f} fillers, "
                f"{d.get('long_pauses', 0):.0f} long pauses"
            )
            lines += [f"     tip: {tip}" for tip in delivery.guidance(d)]
        lines += [f"     note: {n}" for n in q.notes]
    if report.notes:
        lines += ["", "Notes:", *(f"  * {n}" for n in report.notes)]
    return "\n".join(lines)


_FIT_STATUS = {"strong": "strong", "ok": "fair", "weak": "weak", "not_covered": "not covered yet"}


def _fit_text(report: SessionReport) -> list[str]:
    """The "fit to the posting" lines (none when the interview followed no data-engineering posting)."""
    fit = report.posting_fit
    if fit is None:
        return []
    score = f"{fit.fit_score:.1f}/10 on what was covered" if fit.fit_score is not None else "nothing scored yet"
    lines = ["", f"Fit to the posting: {fit.title or 'the job posting'} — {fit.coverage:.0%} of it covered, {score}"]
    for skill in fit.skills:
        value = _bar(skill.score) + f" {skill.score:4.1f}" if skill.score is not None else " " * 25
        lines.append(f"  {skill.title:<36} {value}  ({_FIT_STATUS[skill.status]}, weight {skill.weight:.2f})")
    lines += [f"  > {p}" for p in fit.practice_next]
    return lines


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("interview_lib", "reports/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: SessionReport, *, fragment: bool = False) -> str:
    """One self-contained HTML page (no scripts, no external assets), or (``fragment``) the same report as a block
    with its own scoped styles, for a page that has one already (the notebook room, the web app). All candidate
    text is escaped."""
    template = _environment().get_template("report_body.html.j2" if fragment else "report.html.j2")
    return template.render(
        r=report,
        dimensions=DIMENSIONS,
        weights=WEIGHTS,
        skills=SKILLS,
        fmt=_fmt,
        tips=delivery.guidance,
        fit_status=_FIT_STATUS,
    )


def render_markdown(report: SessionReport) -> str:
    """The report as Markdown (for MLflow artifacts and notebooks)."""
    esc = _md_escape
    lines = [
        f"# Interview report — {esc(report.candidate_id)}",
        "",
        f"**Overall:** {_fmt(report.overall)} / 10 · role {report.role} · level {report.level}",
        "",
        "| Dimension | Score | Weight |",
        "|---|---|---|",
    ]
    lines += [
        f"| {d.replace('_', ' ')} | {report.dimensions[d]:.1f} | {WEIGHTS[d]:.2f} |"
        for d in DIMENSIONS
        if d in report.dimensions
    ]
    lines += ["", "| Skill | Score |", "|---|---|"]
    lines += [f"| {SKILLS.get(s, s)} | {v:.1f} |" for s, v in sorted(report.skills.items())]
    lines += ["", "## Gaps", *(f"- {esc(g)}" for g in report.gaps)]
    if (fit := report.posting_fit) is not None:
        lines += ["", f"## Fit to the posting: {esc(fit.title or 'the job posting')}", "", "| Skill | Score | Status |"]
        lines += ["|---|---|---|"]
        lines += [f"| {s.title} | {_fmt(s.score)} | {_FIT_STATUS[s.status]} |" for s in fit.skills]
        lines += ["", *(f"- {esc(p)}" for p in fit.practice_next)]
    lines += ["", "## Questions"]
    for q in report.questions:
        lines += [
            f"### {q.turn_no}. {esc(q.question)}",
            f"*Answer:* {esc(q.answer) or '(none)'}",
            f"*Score:* {_fmt(q.overall)} ({q.status}) — {esc(q.rationale)}",
            *([f"*Certainty:* {esc(q.certainty_note)}"] if q.certainty_note else []),
            *(f"*Wrong:* {esc(w)}" for w in q.wrong_claims),
            *(f"*Note:* {esc(n)}" for n in q.notes),
            "",
        ]
    if report.notes:
        lines += ["## Notes", *(f"- {esc(n)}" for n in report.notes)]
    return "\n".join(lines)


def _md_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_{}[]<>()#+!|" else c for c in text)


def render_cohort_html(report: CohortReport, *, generated: str, period: str | None = None) -> str:
    """The cohort report page: plots inline as PNG, every name and question escaped."""
    from interview_lib.reports import plots

    images = {
        "progress": plots.progress(report),
        "heatmap": plots.heatmap(report),
        "dimensions": plots.dimensions(report),
        "delivery": plots.delivery(report),
    }
    encoded = {k: base64.b64encode(v).decode() if v else None for k, v in images.items()}
    template = _environment().get_template("cohort.html.j2")
    return template.render(r=report, images=encoded, skills=SKILLS, generated=generated, period=period)
