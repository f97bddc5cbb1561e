"""The repository's shape: bundle, jobs and console script are where a newcomer expects them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import yaml

ROOT = Path(__file__).parents[2]


def test_the_bundle_builds_the_wheel_and_has_dev_and_prod_targets() -> None:
    bundle = yaml.safe_load((ROOT / "databricks.yml").read_text())
    assert bundle["artifacts"]["interview_lib"]["type"] == "whl"
    assert bundle["targets"]["dev"]["mode"] == "development"
    assert bundle["targets"]["prod"]["mode"] == "production"


def _jobs() -> list[tuple[Path, dict[str, Any]]]:
    return [
        (resource, job)
        for resource in sorted((ROOT / "resources").glob("*.yml"))
        for job in yaml.safe_load(resource.read_text())["resources"]["jobs"].values()
    ]


def test_every_job_definition_parses_as_a_databricks_job() -> None:
    from databricks.bundles.jobs import Job

    for _, job in _jobs():
        assert Job.from_dict(job).name == job["name"]


def test_every_job_is_tagged_with_the_bundle_target() -> None:
    assert _jobs()
    for _, job in _jobs():
        assert job["tags"]["bundle_target"] == "${bundle.target}"


def test_every_job_task_points_at_a_file_that_exists() -> None:
    for resource, job in _jobs():
        for task in job["tasks"]:
            if "spark_python_task" in task:
                target = task["spark_python_task"]["python_file"]
            else:
                target = task["notebook_task"]["notebook_path"]
            assert (resource.parent / target).resolve().is_file(), target


def test_every_notebook_parameter_a_job_passes_exists_in_the_notebook() -> None:
    for resource, job in _jobs():
        for task in job["tasks"]:
            if "notebook_task" not in task:
                continue
            notebook = nbformat.read((resource.parent / task["notebook_task"]["notebook_path"]).resolve(), 4)
            cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
            declared = {line.split("=")[0].strip() for line in cell.source.splitlines() if "=" in line}
            passed = task["notebook_task"]["base_parameters"]
            assert set(passed) <= declared, set(passed) - declared
            assert all(isinstance(v, str) for v in passed.values()), "job parameters are strings"


def test_the_weekly_cohort_job_has_a_quartz_schedule_with_a_time_zone() -> None:
    schedules = [job["schedule"] for _, job in _jobs() if "schedule" in job]
    assert schedules
    for schedule in schedules:
        assert len(schedule["quartz_cron_expression"].split()) >= 6
        assert schedule["timezone_id"]


def test_the_score_job_runs_like_the_cli(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, "question": "What is a watermark?", "answer": "I don't know."}) + "\n")
    target = tmp_path / "out.jsonl"
    subprocess.run(
        [sys.executable, str(ROOT / "jobs" / "score_answers.py"), "--input", str(source), "--output", str(target)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert json.loads(target.read_text())["id"] == 1
