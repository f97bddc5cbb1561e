"""Cohort analytics for instructors, computed with pandas from the four tables.

Every figure is derived from the live score of each turn (the first score row written for it); re-scores
appended later by other scorer versions are ignored here unless ``scorer_version`` picks one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from interview_lib.analytics.rescore import calibration
from interview_lib.analytics.scores import HUMAN, automatic, first_per_turn
from interview_lib.domain.scoring import DIMENSIONS
from interview_lib.store.base import Store

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame
else:
    SparkFrame = Any

ATTENTION_BELOW = 5.0
# What is kept of each turn's live score: the numbers and how far they can be trusted.
SCORE_COLUMNS = (*DIMENSIONS, "overall", "certainty", "certainty_reason")


@dataclass(frozen=True)
class CohortData:
    """One row per scored turn, with its session's candidate and time; and every score row of those turns."""

    turns: pd.DataFrame
    all_scores: pd.DataFrame

    @property
    def empty(self) -> bool:
        """True when nothing matched the filters."""
        return self.turns.empty


def load(
    store: Store,
    *,
    cohort: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    scorer_version: str | None = None,
    posting: str | None = None,
) -> CohortData:
    """Scored turns of the cohort (all cohorts when ``cohort`` is None) between ``since`` and ``until``; with
    ``posting`` (a posting's sha256 or title) only the sessions that followed that job posting."""
    sessions = store.read("sessions").to_pandas()
    if cohort is not None:
        sessions = sessions[sessions["cohort"] == cohort]
    if posting is not None:
        sessions = sessions[(sessions["posting_sha256"] == posting) | (sessions["posting_title"] == posting)]
    if since is not None:
        sessions = sessions[sessions["created_at"] >= pd.Timestamp(since)]
    if until is not None:
        sessions = sessions[sessions["created_at"] < pd.Timestamp(until)]
    turns = store.read("turns").to_pandas()
    every_score = store.read("scores").to_pandas()
    every_score = every_score[every_score["session_id"].isin(sessions["session_id"])]
    scores = automatic(every_score[every_score["status"] == "scored"])
    if scorer_version is not None:
        scores = scores[scores["scorer_version"] == scorer_version]
    scores = first_per_turn(scores)
    keep = ["session_id", "turn_no", "question_id", "question_text", "skill", "difficulty", "kind", "delivery_json"]
    frame = (
        turns[keep]
        .merge(scores[["session_id", "turn_no", *SCORE_COLUMNS]], on=["session_id", "turn_no"])
        .merge(sessions[["session_id", "candidate_id", "cohort", "created_at"]], on="session_id")
    )
    return CohortData(frame.sort_values(["created_at", "turn_no"]).reset_index(drop=True), every_score)


@dataclass(frozen=True)
class CohortReport:
    """Everything the cohort page shows, as tables."""

    cohort: str
    candidates: int
    sessions: int
    turns: int
    overall: float
    progress: pd.DataFrame  # candidate, session_id, created_at, session overall, session number
    heatmap: pd.DataFrame  # candidate × skill mean overall
    dimensions: pd.DataFrame  # turn-level scores of the five dimensions
    weakest_skills: pd.DataFrame  # skill, mean, turns — lowest first
    questions: pd.DataFrame  # per question: asked, mean, difficulty index, discrimination
    delivery: pd.DataFrame  # per session date: words per minute, filler rate
    attention: pd.DataFrame  # candidates who need attention, with the reason
    calibration: pd.DataFrame  # automatic scorers vs instructor reviews
    uncertain: pd.DataFrame  # live scores of low certainty, for an instructor or a model to look at again


def build(data: CohortData, cohort: str) -> CohortReport:
    """All cohort figures from the scored turns."""
    turns = data.turns
    progress = (
        turns.groupby(["candidate_id", "session_id", "created_at"], as_index=False)["overall"]
        .mean()
        .sort_values(["candidate_id", "created_at"])
    )
    progress["session_no"] = progress.groupby("candidate_id").cumcount() + 1
    heatmap = turns.pivot_table(index="candidate_id", columns="skill", values="overall", aggfunc="mean").round(2)
    weakest = turns.groupby("skill")["overall"].agg(mean="mean", turns="count").reset_index().sort_values("mean")
    return CohortReport(
        cohort=cohort,
        candidates=int(turns["candidate_id"].nunique()),
        sessions=int(turns["session_id"].nunique()),
        turns=len(turns),
        overall=round(float(turns["overall"].mean()), 2) if len(turns) else 0.0,
        progress=progress,
        heatmap=heatmap,
        dimensions=turns[list(DIMENSIONS)],
        weakest_skills=weakest.round(2),
        questions=question_stats(turns),
        delivery=delivery_trend(turns),
        attention=attention(progress),
        calibration=calibration(data.all_scores),
        uncertain=uncertain(turns),
    )


def uncertain(turns: pd.DataFrame) -> pd.DataFrame:
    """Turns whose live score the scorer was least sure of, with why (lowest scores first)."""
    low = turns[turns["certainty"] == "low"]
    columns = ["candidate_id", "session_id", "turn_no", "question_text", "overall", "certainty_reason"]
    return low.sort_values("overall")[columns].reset_index(drop=True)


def question_stats(turns: pd.DataFrame) -> pd.DataFrame:
    """How hard each question was and how well it separates strong from weak candidates.

    Difficulty index: mean overall / 10 (low = hard). Discrimination: correlation between the score on this
    question and the candidate's mean over all their other turns (high = the question tells them apart).
    """
    candidate_mean = turns.groupby("candidate_id")["overall"].agg(["sum", "count"])
    rows = []
    for (question_id, text, skill), group in turns.groupby(["question_id", "question_text", "skill"]):
        sums = candidate_mean.loc[group["candidate_id"]]
        others = (sums["sum"].to_numpy() - group["overall"].to_numpy()) / np.maximum(sums["count"].to_numpy() - 1, 1)
        discrimination = (
            float(np.corrcoef(group["overall"], others)[0, 1])
            if len(group) >= 3 and group["overall"].std() > 0 and np.std(others) > 0
            else float("nan")
        )
        rows.append(
            {
                "question_id": question_id,
                "question": text,
                "skill": skill,
                "asked": len(group),
                "mean": round(float(group["overall"].mean()), 2),
                "difficulty_index": round(float(group["overall"].mean()) / 10, 2),
                "discrimination": round(discrimination, 2),
            }
        )
    return pd.DataFrame(rows).sort_values(["asked", "mean"], ascending=[False, True]).reset_index(drop=True)


def delivery_trend(turns: pd.DataFrame) -> pd.DataFrame:
    """Spoken-answer delivery by week (empty when no answer was spoken)."""
    metrics = pd.DataFrame([json.loads(d or "{}") for d in turns["delivery_json"]], index=turns.index)
    if "words_per_minute" not in metrics:
        return pd.DataFrame(columns=["week", "words_per_minute", "filler_rate", "answers"])
    frame = pd.concat([turns[["created_at"]], metrics[["words_per_minute", "filler_rate"]]], axis=1).dropna()
    frame["week"] = frame["created_at"].dt.tz_localize(None).dt.to_period("W").dt.start_time
    return (
        frame.groupby("week")
        .agg(
            words_per_minute=("words_per_minute", "mean"),
            filler_rate=("filler_rate", "mean"),
            answers=("filler_rate", "count"),
        )
        .reset_index()
        .round({"words_per_minute": 1, "filler_rate": 4})
    )


def attention(progress: pd.DataFrame) -> pd.DataFrame:
    """Candidates whose latest session is weak or whose scores are falling."""
    rows = []
    for candidate, group in progress.groupby("candidate_id"):
        scores = group["overall"].to_numpy()
        latest = float(scores[-1])
        trend = float(np.polyfit(np.arange(len(scores)), scores, 1)[0]) if len(scores) >= 2 else 0.0
        reasons = []
        if latest < ATTENTION_BELOW:
            reasons.append(f"latest session {latest:.1f} < {ATTENTION_BELOW:.0f}")
        if trend < -0.3:
            reasons.append(f"falling {trend:.1f} per session")
        if reasons:
            rows.append(
                {
                    "candidate_id": candidate,
                    "latest": round(latest, 2),
                    "trend": round(trend, 2),
                    "sessions": len(scores),
                    "reason": "; ".join(reasons),
                }
            )
    columns = ["candidate_id", "latest", "trend", "sessions", "reason"]
    return pd.DataFrame(rows, columns=columns).sort_values("latest").reset_index(drop=True)


def load_spark(
    frame: Callable[[str], SparkFrame],
    *,
    cohort: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    posting: str | None = None,
) -> CohortData:
    """``load`` as Spark DataFrame code, for tables too big for one machine (Unity Catalog on Databricks).

    The filtering, the live-score choice (first score per turn, by a window) and the joins run in Spark; only the
    turn-level result comes to the driver, where ``build`` computes the same figures as locally.

    Args:
        frame: table name → DataFrame (``spark.table(...)`` for Unity Catalog, ``spark.read.format("delta")``).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    sessions = frame("sessions")
    if cohort is not None:
        sessions = sessions.where(F.col("cohort") == cohort)
    if posting is not None:
        sessions = sessions.where((F.col("posting_sha256") == posting) | (F.col("posting_title") == posting))
    if since is not None:
        sessions = sessions.where(F.col("created_at") >= F.lit(since))
    if until is not None:
        sessions = sessions.where(F.col("created_at") < F.lit(until))
    sessions = sessions.select("session_id", "candidate_id", "cohort", "created_at")
    every_score = frame("scores").join(sessions.select("session_id"), "session_id")
    first = Window.partitionBy("session_id", "turn_no").orderBy("scored_at")
    live = (
        every_score.where((F.col("status") == "scored") & ~F.col("scorer").startswith(HUMAN))
        .withColumn("_rank", F.row_number().over(first))
        .where(F.col("_rank") == 1)
        .select("session_id", "turn_no", *SCORE_COLUMNS)
    )
    keep = ["session_id", "turn_no", "question_id", "question_text", "skill", "difficulty", "kind", "delivery_json"]
    joined = frame("turns").select(*keep).join(live, ["session_id", "turn_no"]).join(sessions, "session_id")
    turns = _utc(joined.toPandas(), ("created_at",))
    return CohortData(
        turns.sort_values(["created_at", "turn_no"]).reset_index(drop=True),
        _utc(every_score.toPandas(), ("scored_at",)),
    )


def _utc(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Spark hands timestamps back in the session time zone without one: make them UTC like the local path."""
    for column in columns:
        values = pd.to_datetime(frame[column])
        frame[column] = values.dt.tz_localize("UTC") if values.dt.tz is None else values.dt.tz_convert("UTC")
    return frame
