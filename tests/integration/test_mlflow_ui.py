"""``dataready ui`` serves the MLflow UI over the data root, and the demo's run is there through MLflow's REST API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interview_lib.settings import Settings
from interview_lib.tracking import ui

from .processes import WARM_UP_SESSION, cli_command, cli_env

START_S = 90.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.URLError as exc:
        return getattr(exc, "code", 0) or 0, ""


def api(root: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{root}/api/2.0/mlflow/{path}", data=data, method="POST" if data else "GET")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


@pytest.fixture
def served(data_home: Path) -> Iterator[str]:
    """``dataready ui`` on a free port over ``data_home``; its whole process group is stopped afterwards."""
    port = free_port()
    server = subprocess.Popen(
        cli_command("ui", "--port", str(port)),
        env=cli_env(data_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    root = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_S
        while get(f"{root}/health")[0] != 200:
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            assert time.monotonic() < deadline, f"the UI did not answer within {START_S:.0f} s"
            time.sleep(0.25)  # polling a server that is starting, not a synchronisation
        yield root
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.slow
def test_the_ui_serves_the_mlflow_app_and_lists_the_demos_run(served: str) -> None:
    status, page = get(f"{served}/")
    assert status == 200 and "<title>MLflow</title>" in page

    experiment = api(served, "experiments/get-by-name?experiment_name=dataready")["experiment"]
    runs = api(served, "runs/search", {"experiment_ids": [experiment["experiment_id"]], "max_results": 50})["runs"]
    [run] = [r for r in runs if {"key": "dataready.session_id", "value": WARM_UP_SESSION} in r["data"]["tags"]]
    assert run["info"]["status"] == "FINISHED"
    artifacts = api(served, f"artifacts/list?run_id={run['info']['run_id']}")["files"]
    assert {"report.html", "transcript.jsonl"} <= {f["path"] for f in artifacts}


def test_without_the_ui_files_the_command_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ui, "_static_files", lambda: None)
    hint = r"MLflow's UI files missing\): pip install \"Flask>=3.1,<4\" .* && pip install --no-deps mlflow==3\."
    with pytest.raises(ui.ConfigurationError, match=hint):
        ui.check_installed()


def test_runs_kept_on_a_tracking_server_are_not_served_from_the_data_root(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, mlflow_tracking_uri="databricks")
    with pytest.raises(ui.ConfigurationError, match="the runs are in databricks"):
        ui.server_command(settings, "127.0.0.1", 5000)
