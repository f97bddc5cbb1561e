"""The MLflow UI over the local data root, offline: ``dataready ui``.

``mlflow-skinny`` (a dependency) has MLflow's tracking server but not the UI's static files, nor Flask and
graphene, which the server needs. The ``ui`` extra brings those; the static files come in the full ``mlflow``
wheel of the same version, installed without its own dependencies (they pin pyarrow below the version this
package pins, and add scikit-learn, scipy, docker... that the UI does not use):

    pip install ".[ui]" && pip install --no-deps mlflow==<the installed mlflow-skinny version>
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from pathlib import Path

from interview_lib.errors import ConfigurationError
from interview_lib.settings import Settings
from interview_lib.tracking.mlflow import local_tracking_uri

_SERVER_MODULES = ("flask", "flask_cors", "graphene")


def _static_files() -> Path | None:
    spec = importlib.util.find_spec("mlflow")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        index = Path(folder) / "server" / "js" / "build" / "index.html"
        if index.is_file():
            return index.parent
    return None


def install_hint() -> str:
    """The commands that bring the UI to this environment."""
    try:
        version = importlib.metadata.version("mlflow-skinny")
    except importlib.metadata.PackageNotFoundError:
        version = "<the installed MLflow version>"
    extra = '"Flask>=3.1,<4" "Flask-CORS>=6,<7" "graphene>=3.4,<4"'  # the ui extra of pyproject.toml
    return f"pip install {extra} && pip install --no-deps mlflow=={version}"


def check_installed() -> None:
    """Raise ``ConfigurationError`` naming the install commands when the UI's parts are missing."""
    missing = [m for m in _SERVER_MODULES if importlib.util.find_spec(m) is None]
    if _static_files() is None:
        missing.append("MLflow's UI files")
    if missing:
        raise ConfigurationError(f"the MLflow UI is not installed ({', '.join(missing)} missing): {install_hint()}")


def server_command(settings: Settings, host: str, port: int) -> list[str]:
    """``mlflow server`` over the data root's runs (one worker: a local viewer, not a shared server)."""
    uri = settings.mlflow_tracking_uri or local_tracking_uri(settings.home)
    if not uri.startswith("sqlite:"):
        raise ConfigurationError(f"the runs are in {uri}, not under the data root: open that server's UI instead")
    artifacts = (settings.home / "artifacts").resolve()
    return [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        *("--backend-store-uri", uri),
        *("--default-artifact-root", artifacts.as_uri(), "--no-serve-artifacts"),
        *("--host", host, "--port", str(port), "--workers", "1"),
    ]


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 5000) -> None:
    """Become the MLflow UI server (this process is replaced by it; Ctrl+C stops it)."""
    check_installed()
    command = server_command(settings, host, port)
    settings.home.mkdir(parents=True, exist_ok=True)
    # No background job runner (it needs the huey package and serves nothing the UI shows), no telemetry: offline.
    env = os.environ | {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", "MLFLOW_DISABLE_TELEMETRY": "true"}
    print(f"MLflow UI on http://{host}:{port} for the runs in {settings.home} (Ctrl+C stops it)", flush=True)
    os.execve(command[0], command, env)
