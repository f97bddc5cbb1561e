"""The batch services (CLI, Databricks job, notebook alike): the cohort report and re-scoring, each built from the
settings through the composition root and logged as an MLflow run."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from interview_lib.analytics import cohort as analytics
from interview_lib.analytics.rescore import RescoreResult, rescore
from interview_lib.errors import StoreError
from interview_lib.reports.render import render_cohort_html
from interview_lib.settings import Settings
from interview_lib.store.base import Store
from interview_lib.wiring import open_reasoner, open_store, open_tracker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CohortOutputs:
    """Files the job wrote."""

    html: Path
    csv: Path
    parquet: Path
    report: analytics.CohortReport


def run_cohort_report(
    store: Store,
    output: Path,
    *,
    cohort: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    posting: str | None = None,
) -> CohortOutputs:
    """Build the cohort report into ``output`` (``posting``: only sessions that followed that job posting, named
    by its sha256 or title).

    Raises:
        StoreError: no scored answers match the filters.
    """
    data = _load(store, cohort=cohort, since=since, until=until, posting=posting)
    if data.empty:
        target = f" for the posting {posting!r}" if posting else ""
        raise StoreError(
            f"no scored answers for cohort {cohort or '(all)'}{target} in that period: "
            "run interviews first, or `dataready simulate-cohort` for demo data"
        )
    report = analytics.build(data, (cohort or "all cohorts") + (f" · posting {posting}" if posting else ""))
    output.mkdir(parents=True, exist_ok=True)
    period = " – ".join(d.date().isoformat() for d in (since, until) if d) or None
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    html = output / "cohort_report.html"
    html.write_text(render_cohort_html(report, generated=generated, period=period), encoding="utf-8")
    extract = data.turns.drop(columns=["delivery_json"])
    csv, parquet = output / "cohort_turns.csv", output / "cohort_turns.parquet"
    extract.to_csv(csv, index=False)
    extract.to_parquet(parquet, index=False)
    return CohortOutputs(html, csv, parquet, report)


def _load(store: Store, **filters: Any) -> analytics.CohortData:
    """On Unity Catalog (the spark store) the heavy part runs as Spark DataFrame code; locally in pandas."""
    if store.spark_tables("sessions") is not None:
        return analytics.load_spark(store.spark_tables, **filters)
    return analytics.load(store, **filters)


def publish_cohort_report(
    settings: Settings,
    output: Path,
    *,
    cohort: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    posting: str | None = None,
) -> tuple[CohortOutputs, str | None]:
    """Build the cohort report and log it as an MLflow run (best effort: the files are the result)."""
    store = open_store(settings)
    outputs = run_cohort_report(store, output, cohort=cohort, since=since, until=until, posting=posting)
    report = outputs.report
    params = {
        "cohort": cohort or "all",
        "posting": posting or "",
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
    }
    metrics = {"candidates": float(report.candidates), "sessions": float(report.sessions), "overall": report.overall}
    run_id = _log_job(settings, "cohort-report", params, metrics, [outputs.html, outputs.csv, outputs.parquet])
    return outputs, run_id


def publish_rescore(
    settings: Settings,
    scorer: str,
    *,
    baseline: str | None = None,
    certainty: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[RescoreResult, str | None]:
    """Re-score with ``scorer`` (a reasoner spec) and log the agreement as an MLflow run.

    ``certainty`` (e.g. ``"low"``) re-scores only the answers whose live score had it.
    """
    reasoner = open_reasoner(settings, spec=scorer, batch=True)
    result = rescore(open_store(settings), reasoner, baseline=baseline, certainty=certainty, progress=progress)
    metrics: dict[str, float] = {"appended": float(result.appended), "already_scored": float(result.already_scored)}
    files: list[Path] = []
    agreement = result.agreement
    if agreement is not None:
        metrics.update(
            compared=float(agreement.compared),
            mean_abs_diff=agreement.mean_abs_diff,
            **{f"drift.{k}": v for k, v in agreement.drift.items()},
        )
        if agreement.spearman == agreement.spearman:  # NaN when one side is constant
            metrics["spearman"] = agreement.spearman
        movers = settings.home / "rescore" / f"movers-{result.scorer.replace(':', '_').replace('@', '_')}.csv"
        movers.parent.mkdir(parents=True, exist_ok=True)
        agreement.movers.to_csv(movers, index=False)
        files.append(movers)
    params = {"scorer": result.scorer, "baseline": baseline or "live", "certainty": certainty or "any"}
    run_id = _log_job(settings, "rescore", params, metrics, files)
    return result, run_id


def _log_job(
    settings: Settings, name: str, params: dict[str, str], metrics: dict[str, float], files: list[Path]
) -> str | None:
    tags = {"dataready.bundle_target": settings.bundle_target} if settings.bundle_target else {}
    try:
        return open_tracker(settings).log_job(name, params, metrics, files, tags)
    except Exception as exc:  # the job's output is already written; tracking is best effort
        log.warning("MLflow unavailable for job %s: %s", name, exc)
        return None
