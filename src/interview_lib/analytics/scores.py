"""Which score rows count. ``scores`` is append-only: a turn's first automatic row is its live score (what the
candidate saw); re-scores add rows under their scorer version; instructors' reviews are rows by ``human:<name>``."""

from __future__ import annotations

import pandas as pd

HUMAN = "human:"  # scorer prefix of an instructor's review


def automatic(scores: pd.DataFrame) -> pd.DataFrame:
    """Rows written by a scorer, not by a human reviewer."""
    return scores[~scores["scorer"].str.startswith(HUMAN)]


def first_per_turn(scores: pd.DataFrame) -> pd.DataFrame:
    """The earliest row of each turn (of ``automatic`` rows: its live score)."""
    return scores.sort_values("scored_at", kind="stable").drop_duplicates(["session_id", "turn_no"], keep="first")
