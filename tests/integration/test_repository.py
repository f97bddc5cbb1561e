"""The repository's shape: bundle, jobs and console script are where a newcomer expects them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[2]


def test_the_bundle_builds_the_wheel_and_has_dev_and_prod_targets() -> None:
    bundle = yaml.safe_load((ROOT / "databricks.yml").read_text())
    assert bundle["artifacts"]["interview_lib"]["type"] == "whl"
    assert bundle["targets"]["dev"]["mode"] == "development"
    assert bundle["targets"]["prod"]["mode"] == "production"


def test_every_job_task_points_at_a_file_that_exists() -> None:
    for resource in (ROOT / "resources").glob("*.yml"):
        for job in yaml.safe_load(resource.read_text())["resources"]["jobs"].values():
            assert job["tags"]["bundle_target"] == "${bundle.target}"
            for task in job["tasks"]:
                python_file = task["spark_python_task"]["python_file"]
                assert (resource.parent / python_file).resolve().is_file(), python_file


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
