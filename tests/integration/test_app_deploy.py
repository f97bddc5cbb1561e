"""The web app's deployment as a Databricks App: app.yaml at the root, the app a resource of the bundle."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from interview_lib.cli import build_parser
from interview_lib.settings import Settings

ROOT = Path(__file__).parents[2]


def _app_yaml() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "app.yaml").read_text())
    return loaded


def _bundle_app() -> dict[str, Any]:
    bundle = yaml.safe_load((ROOT / "databricks.yml").read_text())
    (app,) = bundle["resources"]["apps"].values()
    return dict(app)


def test_the_bundle_declares_the_app_with_its_serving_endpoints_and_secret() -> None:
    from databricks.bundles.apps import App

    app = _bundle_app()
    assert App.from_dict(app).name == app["name"] and "${bundle.target}" in app["name"]
    assert (ROOT / app["source_code_path"] / "app.yaml").resolve() == (ROOT / "app.yaml").resolve()
    endpoints = [r["serving_endpoint"] for r in app["resources"] if "serving_endpoint" in r]
    assert {e["name"] for e in endpoints} == {"${var.evaluation_endpoint}", "${var.follow_up_endpoint}"}
    assert all(e["permission"] == "CAN_QUERY" for e in endpoints)
    secrets = [r["secret"] for r in app["resources"] if "secret" in r]
    assert secrets and all(s["permission"] == "READ" for s in secrets)


def test_app_yaml_serves_the_app_and_takes_every_endpoint_and_secret_from_a_resource() -> None:
    config = _app_yaml()
    command = config["command"]
    assert command[-2:] == ["interview_lib.cli", "serve"] and "--port" not in command  # the platform's port
    assert build_parser().parse_args(command[3:]).handler.__name__ == "cmd_serve"
    env = {e["name"]: e for e in config["env"]}
    declared = {r["name"] for r in _bundle_app()["resources"]}
    from_resources = {name: e["valueFrom"] for name, e in env.items() if "valueFrom" in e}
    assert set(from_resources.values()) <= declared
    for kind in ("QUESTION", "EVALUATION", "FOLLOW_UP"):
        name = f"DATAREADY_LLM_{kind}_ENDPOINT"
        assert name in from_resources, name
    for name, entry in env.items():
        if re.search(r"TOKEN|KEY|SECRET|PASSWORD", name):
            assert "value" not in entry, f"{name} is written in app.yaml: take it from a secret resource"
    given = {
        k.removeprefix("DATAREADY_").lower(): e["value"]
        for k, e in env.items()
        if k.startswith("DATAREADY_") and "value" in e
    }
    assert Settings(**given).store == "spark"  # every setting app.yaml writes is one the app knows
    text = (ROOT / "app.yaml").read_text()
    assert not re.search(r"dapi[0-9a-f]{8,}|sk-[A-Za-z0-9]{8,}", text), "a token is written in app.yaml"
