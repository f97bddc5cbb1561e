"""Cohort plots as PNG bytes (matplotlib, no display needed)."""

from __future__ import annotations

import io

import pandas as pd

from interview_lib.analytics.cohort import CohortReport
from interview_lib.domain.skills import SKILLS

MAX_LINES = 200  # candidate lines drawn in the progress plot (a random sample beyond that)
MAX_ROWS = 60  # heatmap rows (the weakest candidates beyond that)


def _png(figure: object) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(figure)  # type: ignore[arg-type]
    return buffer.getvalue()


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def progress(report: CohortReport) -> bytes:
    """Each candidate's session overall (thin lines) and the cohort mean per session number (thick)."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(8, 4))
    candidates = report.progress["candidate_id"].drop_duplicates()
    shown = set(candidates.sample(MAX_LINES, random_state=0)) if len(candidates) > MAX_LINES else set(candidates)
    for candidate, group in report.progress.groupby("candidate_id"):
        if candidate in shown:
            axis.plot(group["session_no"], group["overall"], color="#9db4d9", linewidth=0.8, alpha=0.7)
    mean = report.progress.groupby("session_no")["overall"].mean()
    axis.plot(mean.index, mean.to_numpy(), color="#1f4e9c", linewidth=3, label="cohort mean")
    axis.set(xlabel="practice session", ylabel="overall (0–10)", ylim=(0, 10), title="Progress over sessions")
    axis.legend(loc="lower right")
    return _png(figure)


def heatmap(report: CohortReport) -> bytes:
    """Candidate × skill mean overall."""
    plt = _pyplot()
    table: pd.DataFrame = report.heatmap
    if len(table) > MAX_ROWS:  # a large cohort: the candidates with the lowest mean, who need attention first
        table = table.loc[table.mean(axis=1).sort_values().index[:MAX_ROWS]]
    figure, axis = plt.subplots(figsize=(max(6, 0.6 * table.shape[1] + 2), max(3, 0.28 * table.shape[0] + 1.5)))
    image = axis.imshow(table.to_numpy(dtype=float), cmap="RdYlGn", vmin=0, vmax=10, aspect="auto")
    axis.set_xticks(
        range(table.shape[1]),
        [SKILLS.get(c, c).split(" (")[0] for c in table.columns],
        rotation=45,
        ha="right",
        fontsize=8,
    )
    axis.set_yticks(range(table.shape[0]), list(table.index), fontsize=7)
    axis.set_title("Candidate × skill (mean overall)")
    figure.colorbar(image, ax=axis, fraction=0.03)
    return _png(figure)


def dimensions(report: CohortReport) -> bytes:
    """Distribution of each rubric dimension over all scored turns."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(8, 3.5))
    frame = report.dimensions
    axis.boxplot([frame[c].dropna() for c in frame.columns], tick_labels=[c.replace("_", "\n") for c in frame.columns])
    axis.set(ylim=(0, 10), title="Rubric dimensions")
    return _png(figure)


def delivery(report: CohortReport) -> bytes | None:
    """Words per minute and filler rate by week; None when no answer was spoken."""
    if report.delivery.empty:
        return None
    plt = _pyplot()
    figure, left = plt.subplots(figsize=(8, 3.5))
    left.plot(report.delivery["week"], report.delivery["words_per_minute"], marker="o", color="#1f4e9c")
    left.set_ylabel("words per minute")
    right = left.twinx()
    right.plot(report.delivery["week"], report.delivery["filler_rate"] * 100, marker="s", color="#c0392b")
    right.set_ylabel("fillers per 100 words")
    left.set_title("Delivery by week")
    return _png(figure)


def session_skills(skills: dict[str, float]) -> bytes | None:
    """One session's per-skill scores as horizontal bars (None when nothing was scored)."""
    if not skills:
        return None
    plt = _pyplot()
    names = [SKILLS.get(s, s).split(" (")[0] for s in skills]
    figure, axis = plt.subplots(figsize=(6, 0.45 * len(skills) + 1))
    axis.barh(names, list(skills.values()), color="#2f6fdd")
    axis.set(xlim=(0, 10), xlabel="mean overall", title="Per skill")
    return _png(figure)
