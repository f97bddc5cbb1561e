"""The package as a user meets it: a light import, every public name, quiet commands, a README whose links work."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .processes import WARM_UP_SESSION, cli_command, run_cli

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "pyarrow", "pandas", "deltalake", "onnxruntime", "mlflow", "torch", "pyspark", "faster_whisper")


def loaded_after(code: str) -> list[str]:
    """The heavy top-level modules a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return [m for m in json.loads(done.stdout.splitlines()[-1]) if m in HEAVY]


def test_importing_the_package_loads_no_heavy_dependency() -> None:
    assert loaded_after("import interview_lib") == []


def test_the_domain_model_and_settings_load_without_heavy_dependencies_too() -> None:
    assert loaded_after("from interview_lib import InterviewSetup, Settings, InterviewLibError") == []


def test_every_public_name_resolves() -> None:
    import interview_lib

    for name in interview_lib.__all__:
        assert getattr(interview_lib, name) is not None, name
    assert "Interview" in dir(interview_lib)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = interview_lib.nothing_here


@pytest.mark.parametrize("command", [("sessions",), ("report", WARM_UP_SESSION), ("sync-mlflow",)])
def test_ordinary_commands_print_no_third_party_warning(data_home: Path, command: tuple[str, ...]) -> None:
    result = run_cli(data_home, cli_command(*command))
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "warn" not in result.stderr.lower(), result.stderr


def test_the_demo_prints_no_third_party_warning(data_home: Path) -> None:
    result = run_cli(data_home, cli_command("demo", "--questions", "1", "--follow-ups", "0", "--seed", "4"))
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "INFO" not in result.stderr, result.stderr


def test_every_relative_link_in_the_readme_resolves_inside_the_repository() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    relative = [link.split("#")[0] for link in links if not re.match(r"[a-z]+:", link) and link.split("#")[0]]
    assert relative, "the README links to nothing in the repository"
    for link in relative:
        target = (ROOT / link).resolve()
        assert target.is_relative_to(ROOT), f"{link} points outside the repository"
        assert target.exists(), f"{link} does not exist"
