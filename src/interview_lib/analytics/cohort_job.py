"""The cohort-report job: tables → figures → HTML + CSV/Parquet extract → MLflow run (CLI, job, notebook)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from interview_lib.analytics import cohort as analytics
from interview_lib.errors import InterviewLibError
from interview_lib.rendering import render_cohort_html
from interview_lib.store.base import Store


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
) -> CohortOutputs:
    """Build the cohort report into ``output``.

    Raises:
        InterviewLibError: no scored answers match the filters.
    """
    data = analytics.load(store, cohort=cohort, since=since, until=until)
    if data.empty:
        raise InterviewLibError(
            f"no scored answers for cohort {cohort or '(all)'} in that period: "
            "run interviews first, or `dataready simulate-cohort` for demo data"
        )
    report = analytics.build(data, cohort or "all cohorts")
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
