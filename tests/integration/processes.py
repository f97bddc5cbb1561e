"""Run the ``dataready`` command as a separate process against a given data root."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

CLI_TIMEOUT_S = 180
#: The short demo every test data root starts with (see ``conftest.data_home``).
WARM_UP_SESSION = "00000000-0000-4000-8000-000000000000"


def cli_env(home: Path) -> dict[str, str]:
    """A minimal environment: the data root, and nothing from the developer's own DATAREADY_* settings."""
    env = {"DATAREADY_HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONUNBUFFERED": "1"}
    env.update({k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")})  # set on some CPUs: keep them
    return env


def cli_command(*args: str) -> list[str]:
    """``python -m interview_lib.cli ARGS`` with this interpreter."""
    return [sys.executable, "-m", "interview_lib.cli", *args]


def demo_command(
    session_id: str, seed: int, *, questions: int = 3, follow_ups: int = 1, candidate: str = "strong"
) -> list[str]:
    """The demo interview with a fixed session id, seed and simulated candidate."""
    return cli_command(
        "demo",
        *("--questions", str(questions), "--follow-ups", str(follow_ups), "--candidate", candidate),
        *("--seed", str(seed), "--session-id", session_id),
    )


def run_cli(home: Path, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run a command to completion against ``home``."""
    return subprocess.run(
        list(args), env=cli_env(home), capture_output=True, text=True, timeout=CLI_TIMEOUT_S, check=False
    )
