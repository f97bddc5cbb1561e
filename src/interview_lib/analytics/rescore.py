"""Re-score stored transcripts with another scorer version: append-only, incremental, idempotent.

Only turns without a score of that scorer version are scored; each chunk is appended under an application
transaction id derived from its first turn, so a retried chunk is never written twice and a rerun adds nothing.
Agreement with a previous version (Spearman, mean absolute difference, per-dimension drift, biggest movers)
is computed on the turns both versions scored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from interview_lib.analytics.scores import HUMAN, automatic, first_per_turn
from interview_lib.domain.models import Transcript, Turn
from interview_lib.domain.scoring import DIMENSIONS
from interview_lib.errors import StoreError
from interview_lib.reasoning.base import Scorer
from interview_lib.store import keys
from interview_lib.store.base import Store
from interview_lib.store.rows import score_row
from interview_lib.store.tables import rows_to_arrow, schema

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame
else:
    SparkFrame = Any

CHUNK = 128


@dataclass(frozen=True)
class Agreement:
    """How a new scorer version compares with an older one on the same answers."""

    baseline: str
    compared: int
    spearman: float
    mean_abs_diff: float
    drift: dict[str, float]  # mean(new - old) per dimension and overall
    movers: pd.DataFrame = field(repr=False)  # biggest absolute changes


@dataclass(frozen=True)
class RescoreResult:
    """What a rescore run did."""

    scorer: str
    appended: int
    already_scored: int
    agreement: Agreement | None


def pending_turns(
    store: Store, scorer: str, version: str, certainty: str | None = None
) -> tuple[list[Turn], list[str], int]:
    """Answered turns that have no score of ``scorer``/``version`` yet (and how many already have one).

    With ``certainty`` (e.g. ``"low"``), only turns whose live score has that certainty, or that the live scorer
    could not judge at all, are taken.
    """
    turns = store.read("turns").to_pandas()
    turns = turns[turns["transcript"].notna() & ~turns["skipped"].fillna(False)]
    scores = store.read("scores").to_pandas()
    if certainty is not None:
        live = first_per_turn(automatic(scores))
        doubtful = live[(live["certainty"] == certainty) | (live["status"] != "scored")]
        wanted = set(zip(doubtful["session_id"], doubtful["turn_no"]))
        turns = turns[[(s, t) in wanted for s, t in zip(turns["session_id"], turns["turn_no"])]]
    done = scores[(scores["scorer"] == scorer) & (scores["scorer_version"] == version)]
    done_keys = set(zip(done["session_id"], done["turn_no"]))
    todo = turns[[(s, t) not in done_keys for s, t in zip(turns["session_id"], turns["turn_no"])]]
    todo = todo.sort_values(["session_id", "turn_no"])
    return [Turn.model_validate_json(j) for j in todo["turn_json"]], list(todo["session_id"]), len(turns) - len(todo)


def rescore(
    store: Store,
    reasoner: Scorer,
    *,
    baseline: str | None = None,
    certainty: str | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    progress: Callable[[int, int], None] | None = None,
) -> RescoreResult:
    """Score every not-yet-scored answer with ``reasoner``; append; compare with ``baseline`` (scorer@version).

    Without ``baseline`` the comparison is with each turn's live score (the first one written). ``certainty``
    limits the work to the answers whose live score had that certainty (see ``pending_turns``).
    """
    turns, session_ids, already = pending_turns(store, reasoner.name, reasoner.version, certainty)
    appended = 0
    for start in range(0, len(turns), CHUNK):
        chunk = list(zip(session_ids[start : start + CHUNK], turns[start : start + CHUNK]))
        pairs = [(t.question, t.transcript or Transcript(text="")) for _, t in chunk]
        evaluations = reasoner.evaluate_many(pairs)
        now = clock()
        rows = [score_row(sid, t.turn_no, e, now) for (sid, t), e in zip(chunk, evaluations)]
        key = keys.rescore_chunk(reasoner.name, reasoner.version, chunk[0][0], chunk[0][1].turn_no)
        if store.append("scores", rows, app_id=key.app_id, version=key.version):
            appended += len(rows)
        if progress is not None:
            progress(min(start + CHUNK, len(turns)), len(turns))
    if appended:
        store.compact("scores")
    label = keys.scorer_version(reasoner.name, reasoner.version)
    agreement = compare(store.read("scores").to_pandas(), label, baseline)
    return RescoreResult(label, appended, already, agreement)


def compare(scores: pd.DataFrame, new: str, baseline: str | None) -> Agreement | None:
    """Agreement of scorer version ``new`` with ``baseline`` (or with each turn's live score)."""
    scored = scores[scores["status"] == "scored"].copy()
    scored["key"] = scored["scorer"] + "@" + scored["scorer_version"]
    fresh = scored[scored["key"] == new]
    if baseline is None:
        old = first_per_turn(automatic(scored[scored["key"] != new]))
        label = "live score"
    else:
        old, label = scored[scored["key"] == baseline], baseline
    columns = ["session_id", "turn_no", *DIMENSIONS, "overall"]
    both = fresh[columns].merge(old[columns], on=["session_id", "turn_no"], suffixes=("_new", "_old"))
    if len(both) < 2:
        return None
    diff = both["overall_new"] - both["overall_old"]
    drift = {d: round(float((both[f"{d}_new"] - both[f"{d}_old"]).mean()), 3) for d in (*DIMENSIONS, "overall")}
    movers = both.assign(change=diff).reindex(diff.abs().sort_values(ascending=False).index).head(10)
    rho = float(both["overall_new"].rank().corr(both["overall_old"].rank()))
    return Agreement(
        label,
        len(both),
        round(rho, 3) if not np.isnan(rho) else float("nan"),
        round(float(diff.abs().mean()), 3),
        drift,
        movers[["session_id", "turn_no", "overall_old", "overall_new", "change"]],
    )


def review_row(
    session_id: str, turn_no: int, reviewer: str, overall: float, note: str, now: datetime
) -> dict[str, object]:
    """An instructor's score for one turn, stored as scorer ``human:<reviewer>`` (dimensions left empty)."""
    if not 0 <= overall <= 10:
        raise ValueError("a review score is between 0 and 10")
    return {
        "session_id": session_id,
        "turn_no": turn_no,
        "scorer": f"{HUMAN}{reviewer}",
        "scorer_version": "1",
        "status": "scored",
        "overall": float(overall),
        "rationale": note,
        "evidence_json": "[]",
        "missing_points_json": "[]",
        "flags_json": "[]",
        "scored_at": now,
    }


def record_review(
    store: Store, session_id: str, turn_no: int, reviewer: str, overall: float, note: str, now: datetime
) -> None:
    """Store an instructor's score for one answer (appended; a later review by the same reviewer is kept too and
    the cohort report takes the latest).

    Raises:
        StoreError: the session has no such turn.
        ValueError: the score is not between 0 and 10, or no reviewer is named.
    """
    if not reviewer.strip():
        raise ValueError("a review needs the reviewer's name")
    if not any(t["turn_no"] == turn_no for t in store.read("turns", session_id).to_pylist()):
        raise StoreError(f"session {session_id} has no turn {turn_no}: `dataready report SESSION` lists them")
    row = review_row(session_id, turn_no, reviewer.strip(), overall, note, now)
    key = keys.review(reviewer.strip(), session_id, turn_no, now)
    store.append("scores", [row], app_id=key.app_id, version=key.version)


def calibration(scores: pd.DataFrame) -> pd.DataFrame:
    """Each automatic scorer version's agreement with human reviews (latest review per turn)."""
    scored = scores[scores["status"] == "scored"].copy()
    scored["key"] = scored["scorer"] + "@" + scored["scorer_version"]
    human = scored[scored["scorer"].str.startswith(HUMAN)].sort_values("scored_at")
    human = human.drop_duplicates(["session_id", "turn_no"], keep="last")[["session_id", "turn_no", "overall"]]
    rows = []
    for key, group in automatic(scored).groupby("key"):
        both = group[["session_id", "turn_no", "overall"]].merge(
            human, on=["session_id", "turn_no"], suffixes=("_auto", "_human")
        )
        if len(both) < 2:
            continue
        rho = both["overall_auto"].rank().corr(both["overall_human"].rank())
        rows.append(
            {
                "scorer": key,
                "reviewed_turns": len(both),
                "spearman": round(float(rho), 3),
                "mean_abs_diff": round(float((both["overall_auto"] - both["overall_human"]).abs().mean()), 3),
            }
        )
    return pd.DataFrame(rows, columns=["scorer", "reviewed_turns", "spearman", "mean_abs_diff"])


def score_turns_spark(turns: SparkFrame, make_scorer: Callable[[], Scorer], now: datetime) -> SparkFrame:
    """Score a DataFrame of ``turns`` rows on the executors (``mapInPandas``): ``scores`` rows.

    ``make_scorer`` (picklable, e.g. ``functools.partial(wiring.open_reasoner, settings, spec="rubric")``) runs
    once in each Python worker (the rubric loads its model from the installed wheel), which then scores its
    partitions in batches. The caller appends the result (``SparkDeltaStore.append``) or filters it
    against existing scores first, as ``pending_turns`` does locally.
    """
    from interview_lib.store.spark import column_list

    def batches(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        reasoner = make_scorer()
        for frame in frames:
            turns_ = [Turn.model_validate_json(j) for j in frame["turn_json"]]
            pairs = [(t.question, t.transcript or Transcript(text="")) for t in turns_]
            rows = [
                score_row(sid, t.turn_no, e, now)
                for sid, t, e in zip(frame["session_id"], turns_, reasoner.evaluate_many(pairs))
            ]
            yield rows_to_arrow("scores", rows).to_pandas()

    answered = turns.where(turns["transcript"].isNotNull()).select("session_id", "turn_json")
    return answered.mapInPandas(batches, column_list(list(schema("scores"))))
