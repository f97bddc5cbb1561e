"""The repository's shape: bundle, jobs and console script are where a newcomer expects them."""

from __future__ import annotations

import json
import re
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


WHEEL = "../dist/*.whl"
CLASSIC = ("job_cluster_key", "existing_cluster_id", "new_cluster")


def test_every_task_installs_the_wheel_the_way_its_compute_takes_it() -> None:
    """Serverless: an environment with the wheel in its dependencies. A classic cluster: the task's libraries."""
    for resource, job in _jobs():
        environments = {e["environment_key"]: e["spec"] for e in job.get("environments", [])}
        for task in job["tasks"]:
            where = f"{resource.name}: {task['task_key']}"
            if any(key in task for key in CLASSIC):
                assert {"whl": WHEEL} in task.get("libraries", []), f"{where}: a classic task needs the wheel library"
                continue
            assert "libraries" not in task, f"{where}: task libraries are not installed on serverless compute"
            assert "notebook_task" not in task, f"{where}: a serverless notebook takes no job environment"
            spec = environments.get(task.get("environment_key", ""))
            assert spec is not None, f"{where}: a serverless task needs an environment_key of the job's environments"
            assert WHEEL in spec["dependencies"], f"{where}: its environment does not install the wheel"
            assert spec.get("environment_version"), f"{where}: an environment names its version"


def _substituted(value: str) -> str:
    """A parameter as a run sees it, with bundle variables and job parameters filled in."""
    value = re.sub(r"\$\{[^}]+\}", "x", value)
    return re.sub(r"\{\{job\.parameters\.(\w+)\}\}", "", value)


def test_every_python_task_passes_arguments_and_settings_its_command_accepts() -> None:
    from interview_lib.cli import _settings, build_parser, job_arguments

    commands = {"cohort_report.py": "cohort", "rescore.py": "rescore", "score_answers.py": "score"}
    settings = {}
    for _, job in _jobs():
        for task in job["tasks"]:
            script = Path(task["spark_python_task"]["python_file"]).name
            assert f'job_main("{commands[script]}", sys.argv[1:])' in (ROOT / "jobs" / script).read_text()
            parameters = [_substituted(p) for p in task["spark_python_task"].get("parameters", [])]
            args = build_parser().parse_args(job_arguments(commands[script], parameters))
            assert args.command == commands[script]
            settings[script] = _settings(args.set)
    assert settings["cohort_report.py"].store == "spark" and settings["cohort_report.py"].uc_catalog == "x"
    assert settings["rescore.py"].mlflow_tracking_uri == "databricks"


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
