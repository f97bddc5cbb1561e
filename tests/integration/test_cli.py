"""The ``dataready`` command as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from interview_lib.cli import main


def test_score_reports_bad_lines_by_number_and_scores_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "answers.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "a",
                        "question": "What does VACUUM do in Delta Lake?",
                        "answer": (
                            "VACUUM deletes data files that the table no longer references and that are older than the "
                            "retention period, which limits how far back time travel can go."
                        ),
                    }
                ),
                "{not json",
                json.dumps({"id": "b", "answer": "no question field"}),
                json.dumps({"id": "c", "question": "Why use Parquet?", "answer": "", "skill": "storage_formats"}),
                json.dumps({"id": 4, "question": "What is a watermark?", "answer": "No idea."}),
            ]
        )
        + "\n"
    )
    target = tmp_path / "scores.jsonl"
    assert main(["score", "--input", str(source), "--output", str(target)]) == 0
    err = capsys.readouterr().err
    assert f"{source}:2: skipped: not valid JSON" in err
    assert f"{source}:3: skipped: missing or wrong fields" in err
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "c", 4]
    scored, empty, unknown = rows
    assert scored["status"] == "scored" and 0 <= scored["overall"] <= 10
    assert set(scored["scores"]) == {
        "technical_correctness",
        "depth",
        "practical_experience",
        "communication",
        "confidence",
    }
    assert scored["evidence"] and scored["rationale"]
    assert empty["status"] == "unscored" and empty["overall"] is None and empty["reason"]
    assert unknown["overall"] < 2


def test_interview_reads_answers_and_commands_from_stdin(tmp_path: Path) -> None:
    answers = (
        "\n".join(
            [
                "A broadcast join sends the small table to every executor so the large one is not shuffled.",
                ":pause",
                ":resume",
                ":skip",
                ":end",
            ]
        )
        + "\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "interview_lib.cli", "interview", "--questions", "3", "--seed", "2"],
        input=answers,
        capture_output=True,
        text=True,
        timeout=120,
        env={"DATAREADY_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "Q1" in result.stdout and "paused" in result.stdout
    assert "1 answered · 1 skipped" in result.stdout
    assert list((tmp_path / "reports").glob("*.html"))


@pytest.mark.slow
def test_the_demo_runs_offline_end_to_end_within_a_minute(tmp_path: Path) -> None:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "interview_lib.cli", "demo", "--seed", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"DATAREADY_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert "Overall:" in result.stdout and "HTML report:" in result.stdout
    assert elapsed < 60
