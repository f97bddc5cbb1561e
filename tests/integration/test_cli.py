"""The ``dataready`` command as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from interview_lib.cli import main

from .processes import cli_command, cli_env, run_cli


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


@pytest.mark.parametrize("session_id", ["../escape", "a b", "", "x" * 129, "-starts-with-a-dash", "quote'd"])
def test_an_unusable_session_id_is_refused_in_one_line_before_anything_is_created(
    tmp_path: Path, session_id: str
) -> None:
    result = run_cli(tmp_path, cli_command("interview", f"--session-id={session_id}"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"dataready: session id {session_id!r} is not usable: use 1 to 128 letters")
    assert not (tmp_path / "mlruns.db").exists() and not (tmp_path / "delta").exists()


@pytest.mark.slow
def test_any_usable_session_id_names_a_session(data_home: Path) -> None:
    result = subprocess.run(
        cli_command("interview", "--questions", "1", "--follow-ups", "0", "--session-id", "practice-1"),
        input="Partition pruning skips the files whose min and max statistics rule them out.\n",
        env=cli_env(data_home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Session practice-1" in result.stdout and "Traceback" not in result.stderr
    listed = run_cli(data_home, cli_command("sessions"))
    assert any(line.startswith("practice-1 ") and "FINISHED" in line for line in listed.stdout.splitlines())
    report = run_cli(data_home, cli_command("report", "practice-1"))
    assert report.returncode == 0 and "Session practice-1 · 1 answered" in report.stdout


def test_a_setting_given_on_the_command_line_applies_and_a_wrong_one_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--set", f"home={tmp_path / 'elsewhere'}", "sessions"]) == 0
    assert (tmp_path / "elsewhere" / "delta" / "sessions").is_dir()
    assert main(["--set", "no_such_setting=1", "sessions"]) == 2
    assert capsys.readouterr().err == "dataready: bad --set: no_such_setting: Extra inputs are not permitted\n"
