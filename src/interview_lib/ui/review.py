"""A small widget for instructors: pick an answer, read it with its automatic score, record a human score."""

from __future__ import annotations

import html
from datetime import datetime, timezone

import ipywidgets as w

from interview_lib.analytics.rescore import record_review
from interview_lib.analytics.scores import automatic, first_per_turn
from interview_lib.store.base import Store


def review_widget(store: Store, cohort: str | None = None) -> w.Widget:
    """Answers of ``cohort`` (all when None) with a form that stores ``human:<reviewer>`` scores."""
    sessions = store.read("sessions").to_pandas()
    if cohort:
        sessions = sessions[sessions["cohort"] == cohort]
    turns = store.read("turns").to_pandas()
    turns = turns[turns["session_id"].isin(sessions["session_id"]) & turns["transcript"].notna()]
    live = first_per_turn(automatic(store.read("scores").to_pandas()))
    turns = turns.merge(live[["session_id", "turn_no", "overall"]], on=["session_id", "turn_no"], how="left")
    turns = turns.merge(sessions[["session_id", "candidate_id"]], on="session_id")
    options = [
        (f"{r.candidate_id} · turn {r.turn_no} · {r.question_text[:60]}", (r.session_id, int(r.turn_no)))
        for r in turns.itertuples()
    ]
    choice = w.Dropdown(options=options, description="Answer", layout=w.Layout(width="100%"))
    shown = w.HTML()
    reviewer = w.Text(description="Reviewer")
    score = w.FloatSlider(description="Your score", min=0, max=10, step=0.5, value=5)
    note = w.Text(description="Note", layout=w.Layout(width="100%"))
    save = w.Button(description="Save review", button_style="primary")
    status = w.HTML()

    def show(_change: object = None) -> None:
        if choice.value is None:
            shown.value = "<i>No answers to review yet.</i>"
            return
        session_id, turn_no = choice.value
        row = turns[(turns["session_id"] == session_id) & (turns["turn_no"] == turn_no)].iloc[0]
        automatic = "—" if row["overall"] != row["overall"] else f"{row['overall']:.1f}"
        shown.value = (
            f"<p><b>{html.escape(row['question_text'])}</b></p><p>{html.escape(row['transcript'])}</p>"
            f"<p>Automatic score: {automatic}</p>"
        )

    def store_review(_button: object) -> None:
        if not reviewer.value.strip() or choice.value is None:
            status.value = "<span style='color:#a40e26'>Choose an answer and enter your name.</span>"
            return
        session_id, turn_no = choice.value
        record_review(store, session_id, turn_no, reviewer.value, score.value, note.value, datetime.now(timezone.utc))
        status.value = f"Saved: {html.escape(reviewer.value.strip())} gave {score.value:g}."

    choice.observe(show, names="value")
    save.on_click(store_review)
    show()
    return w.VBox([w.HTML("<h3>Review answers</h3>"), choice, shown, reviewer, score, note, save, status])
