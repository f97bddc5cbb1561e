"""MLflow tracking: local sqlite store under the data root by default, ``databricks`` in a workspace.

Every call is batched (``log_batch``). Before each call to a remote server (``http``/``https``) the tracker asks
it for an answer within ``PROBE_TIMEOUT_S``: a server that is down, unreachable or hanging fails in seconds instead
of the client's minutes of retries, the interview carries on, and ``dataready sync-mlflow`` back-fills later. The
client's own retry policy (MLflow's ``MLFLOW_HTTP_REQUEST_*`` variables) is left as the user set it.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from interview_lib.domain.models import InterviewSession, Turn
from interview_lib.domain.report import SessionReport
from interview_lib.domain.states import InterviewState
from interview_lib.errors import ProviderError
from interview_lib.reports.render import render_html, render_markdown

PROBE_TIMEOUT_S = 3.0  # how long a remote tracking server may take to answer before the interview goes on without it


def local_tracking_uri(home: Path) -> str:
    """The default tracking URI: a sqlite file under the data root."""
    return f"sqlite:///{(home / 'mlruns.db').resolve()}"


def probe(uri: str, timeout_s: float = PROBE_TIMEOUT_S) -> None:
    """Check that the tracking server at an ``http``/``https`` ``uri`` answers within ``timeout_s`` (any HTTP reply
    counts: an auth proxy's 401 is an answer); other URIs are not probed.

    Raises:
        ProviderError: no answer (refused, unreachable, or nothing within ``timeout_s``).
    """
    if not uri.startswith(("http://", "https://")):
        return
    try:
        with urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=timeout_s):
            return
    except urllib.error.HTTPError:
        return
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ProviderError("mlflow", f"the tracking server at {uri} does not answer ({reason})") from exc


class MlflowTracker:
    """One MLflow run per session in one experiment."""

    def __init__(self, tracking_uri: str, experiment: str, artifact_root: Path | None = None) -> None:
        from mlflow.tracking import MlflowClient

        logging.getLogger("mlflow.store.db.utils").setLevel(logging.WARNING)  # "Creating initial tables..." each run
        self.tracking_uri = tracking_uri
        self.experiment_name = experiment
        # The registry lives with the runs, except in a workspace: without a registry URI the client looks for an
        # active Spark session, and importing PySpark warns about pandas on every command.
        registry = None if tracking_uri.startswith("databricks") else tracking_uri
        self._client = MlflowClient(tracking_uri=tracking_uri, registry_uri=registry)
        self._artifact_root = artifact_root
        self._experiment_id: str | None = None

    def _experiment(self) -> str:
        if self._experiment_id is None:
            found = self._client.get_experiment_by_name(self.experiment_name)
            if found is None:
                location = self._artifact_root.resolve().as_uri() if self._artifact_root else None
                try:
                    self._experiment_id = self._client.create_experiment(self.experiment_name, location)
                except Exception:  # another process created it first
                    found = self._client.get_experiment_by_name(self.experiment_name)
                    if found is None:
                        raise
                    self._experiment_id = found.experiment_id
            else:
                self._experiment_id = found.experiment_id
        return self._experiment_id

    def start_run(self, session: InterviewSession, bundle_target: str | None, owner: str | None = None) -> str:
        """Open the session's run with its setup as params and who/what as tags (``owner``: the signed-in user)."""
        from mlflow.entities import Param

        probe(self.tracking_uri)
        setup = session.setup
        tags = {
            "dataready.candidate": setup.candidate_id,
            "dataready.cohort": setup.cohort,
            "dataready.session_id": session.session_id,
            "mlflow.runName": f"{setup.candidate_id}-{session.session_id[:8]}",
        }
        if bundle_target:
            tags["dataready.bundle_target"] = bundle_target
        if owner:
            tags["dataready.owner"] = owner
        posting = setup.posting
        if posting is not None:  # instructors group runs by the job candidates practise for
            tags |= {"dataready.posting_sha256": posting.sha256, "dataready.posting_title": posting.title[:250]}
        run = self._client.create_run(self._experiment(), tags=tags)
        values = setup.model_dump(exclude={"posting"})
        params = {k: json.dumps(v) if isinstance(v, list) else str(v) for k, v in values.items()}
        params.update({f"backend.{k}": v for k, v in session.backends.items()})
        if posting is not None:
            params |= {
                "posting.title": posting.title,
                "posting.sha256": posting.sha256,
                "posting.skills": json.dumps(posting.skills, sort_keys=True),
                "posting.level": str(posting.level),
                "posting.cloud": str(posting.cloud),
                "posting.corrected": str(posting.corrected),
            }
        self._client.log_batch(run.info.run_id, params=[Param(k, v[:6000]) for k, v in params.items()])
        return str(run.info.run_id)

    def log_turn(self, run_id: str, turn: Turn) -> None:
        """The five dimensions and the overall, ``step`` = turn number."""
        from mlflow.entities import Metric

        probe(self.tracking_uri)
        stamp = int(time.time() * 1000)
        values: dict[str, Any] = {f"usage.{k}": v for k, v in turn.usage.items()}
        evaluation = turn.evaluation
        if evaluation is not None and evaluation.scores is not None and evaluation.overall is not None:
            values.update(evaluation.scores.model_dump(), overall=evaluation.overall)
        if values:
            metrics = [Metric(name, float(value), stamp, turn.turn_no) for name, value in values.items()]
            self._client.log_batch(run_id, metrics=metrics)

    def finish_run(self, run_id: str, session: InterviewSession, report: SessionReport) -> None:
        """Artifacts (transcript JSONL, report HTML + Markdown, questions JSON), summary metrics, run closed."""
        from mlflow.entities import Metric

        probe(self.tracking_uri)
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            (root / "transcript.jsonl").write_text(
                "".join(t.model_dump_json() + "\n" for t in session.turns), encoding="utf-8"
            )
            (root / "report.html").write_text(render_html(report), encoding="utf-8")
            (root / "report.md").write_text(render_markdown(report), encoding="utf-8")
            (root / "questions.json").write_text(
                json.dumps([t.question.model_dump() for t in session.turns], indent=2), encoding="utf-8"
            )
            if session.setup.posting is not None:  # the extracted fields and an excerpt, not the posting's text
                (root / "posting.json").write_text(session.setup.posting.model_dump_json(indent=2), encoding="utf-8")
            self._client.log_artifacts(run_id, str(root))
        stamp = int(time.time() * 1000)
        summary = {
            "session.overall": report.overall,
            "session.answered": report.answered,
            "session.skipped": report.skipped,
            "session.unscored": report.unscored,
        }
        metrics = [Metric(k, float(v), stamp, 0) for k, v in summary.items() if v is not None]
        self._client.log_batch(run_id, metrics=metrics)
        self._client.set_terminated(run_id, "FINISHED" if session.state is InterviewState.FINISHED else "KILLED")

    def discard_run(self, run_id: str) -> None:
        """Delete an incomplete run."""
        probe(self.tracking_uri)
        self._client.delete_run(run_id)

    def log_job(
        self, name: str, params: dict[str, str], metrics: dict[str, float], files: list[Path], tags: dict[str, str]
    ) -> str:
        """A finished run for one batch job, its outputs as artifacts."""
        from mlflow.entities import Metric, Param

        probe(self.tracking_uri)
        run = self._client.create_run(self._experiment(), tags={"mlflow.runName": name, "dataready.job": name, **tags})
        run_id = str(run.info.run_id)
        stamp = int(time.time() * 1000)
        self._client.log_batch(
            run_id,
            metrics=[Metric(k, float(v), stamp, 0) for k, v in metrics.items()],
            params=[Param(k, str(v)[:6000]) for k, v in params.items()],
        )
        for path in files:
            self._client.log_artifact(run_id, str(path))
        self._client.set_terminated(run_id, "FINISHED")
        return run_id
