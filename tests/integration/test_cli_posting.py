"""``--job-description``: the demo and the interview follow a job posting, and a bad one is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_lib.settings import Settings
from interview_lib.wiring import open_store

from .processes import cli_command, demo_command, run_cli

STREAMING = """Senior Data Engineer — Real-time Platform

You will build and run our event pipelines: Kafka topics, Spark Structured Streaming jobs with watermarks
and stateful aggregations, exactly-once delivery into Delta tables, and the late-data handling that goes
with it. You have operated streaming jobs in production and debugged consumer lag.
"""
CHEF = "Pastry chef wanted for a busy bakery: laminated doughs, early mornings, a calm head in a rush.\n"


def test_a_streaming_posting_makes_most_core_questions_of_a_demo_streaming_ones(tmp_path: Path) -> None:
    posting = tmp_path / "posting.txt"
    posting.write_text(STREAMING)
    home = tmp_path / "home"
    demo = [*demo_command("streaming-demo", 3, questions=4, follow_ups=1), "--job-description", str(posting)]
    result = run_cli(home, demo)
    assert result.returncode == 0, result.stderr
    assert "Job posting: Senior Data Engineer — Real-time Platform" in result.stdout
    assert "Fit to the posting: Senior Data Engineer — Real-time Platform" in result.stdout
    turns = open_store(Settings(home=home)).read("turns", "streaming-demo").to_pylist()
    core = [t["skill"] for t in turns if t["kind"] == "core"]
    assert len(core) == 4 and core.count("streaming") >= 3, core
    [row] = open_store(Settings(home=home)).read("sessions", "streaming-demo").to_pylist()
    assert row["posting_title"] == "Senior Data Engineer — Real-time Platform" and len(row["posting_sha256"]) == 64


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"", "empty"), (b"x" * 60_000, "50"), (b"%PDF-1.7\n\x00\x01\x02binary", "not text")],
    ids=["empty", "huge", "binary"],
)
def test_a_posting_that_cannot_be_read_is_one_line_and_nothing_is_recorded(
    tmp_path: Path, content: bytes, says: str
) -> None:
    posting = tmp_path / "posting.bin"
    posting.write_bytes(content)
    home = tmp_path / "home"
    result = run_cli(home, cli_command("interview", "--job-description", str(posting)))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("dataready: ") and says in result.stderr and "Traceback" not in result.stderr
    assert not (home / "delta").exists() and not (home / "mlruns.db").exists()


def test_a_missing_posting_file_is_named(tmp_path: Path) -> None:
    result = run_cli(tmp_path, cli_command("demo", "--job-description", str(tmp_path / "nowhere.txt")))
    assert result.returncode == 2 and f"no job posting file at {tmp_path / 'nowhere.txt'}" in result.stderr


def test_a_posting_outside_data_engineering_says_so_and_the_role_mix_asks(tmp_path: Path) -> None:
    posting = tmp_path / "chef.txt"
    posting.write_text(CHEF)
    home = tmp_path / "home"
    result = run_cli(home, [*demo_command("chef", 1, questions=2, follow_ups=0), "--job-description", str(posting)])
    assert result.returncode == 0, result.stderr
    assert "asks for no data-engineering skill" in result.stdout and "Fit to the posting" not in result.stdout


def test_a_cohort_report_can_take_only_the_sessions_that_followed_one_posting(tmp_path: Path) -> None:
    posting = tmp_path / "posting.txt"
    posting.write_text(STREAMING)
    home = tmp_path / "home"
    followed = [*demo_command("followed", 1, questions=1, follow_ups=0), "--job-description", str(posting)]
    assert run_cli(home, followed).returncode == 0
    assert run_cli(home, demo_command("general", 2, questions=1, follow_ups=0)).returncode == 0
    title = "Senior Data Engineer — Real-time Platform"
    report = run_cli(home, cli_command("cohort", "--posting", title, "--output", str(tmp_path / "out")))
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith("1 candidates, 1 sessions")
    every = run_cli(home, cli_command("cohort", "--output", str(tmp_path / "all")))
    assert every.returncode == 0 and ", 2 sessions, " in every.stdout.splitlines()[0]
