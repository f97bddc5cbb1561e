"""Shared fixtures of the integration tests: the loopback server every remote backend is tested against, a
machine without a Databricks login, simulated cohorts, a Spark Connect server, and data roots for tests that run
the ``dataready`` command as separate processes.

Building the bank's embedding cache takes about half a minute on two cores, so it is built once per test run
and copied into each test's data root; a short warm-up demo then creates the Delta tables and the MLflow
database, so the processes a test starts neither embed the bank nor race to create the stores.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from interview_lib.reasoning.base import Reasoner
from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.settings import Settings
from interview_lib.simulate.sessions import simulate_cohort
from interview_lib.wiring import open_recorder

from .loopback import FakeServer, no_databricks_login, serving
from .processes import WARM_UP_SESSION, demo_command, run_cli


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """A started loopback ``FakeServer`` (see ``loopback.py``), stopped with its handler threads joined."""
    with serving() as fake:
        yield fake


@pytest.fixture
def databricks_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No Databricks login from this machine: no DATABRICKS_* variables, no ~/.databrickscfg."""
    no_databricks_login(monkeypatch, tmp_path)


class SimulatedCohort(Protocol):
    """Writes a simulated cohort into a fresh data root and returns the settings that read it."""

    def __call__(
        self, home: Path, *, cohort: str, candidates: int, sessions: int, seed: int, reasoner: Reasoner | None = None
    ) -> Settings: ...


@pytest.fixture(scope="session")
def simulated_cohort(rubric: RubricReasoner) -> SimulatedCohort:
    """Simulated cohorts of two core questions a session, written through the normal recorder (Delta + MLflow under
    ``home``) and scored by the shared rubric unless another reasoner is given."""

    def simulate(
        home: Path, *, cohort: str, candidates: int, sessions: int, seed: int, reasoner: Reasoner | None = None
    ) -> Settings:
        settings = Settings(home=home)
        recorder = open_recorder(settings)
        simulate_cohort(
            settings,
            cohort=cohort,
            candidates=candidates,
            sessions=sessions,
            questions=2,
            reasoner=reasoner or rubric,
            recorder=recorder,
            seed=seed,
        )
        return settings

    return simulate


@pytest.fixture(scope="session")
def bank_vectors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the bank's embedding cache, built once for the whole run."""
    folder = tmp_path_factory.mktemp("bank-vectors")
    _ = RubricReasoner(cache_dir=folder).embedder  # embeds every bank text and saves the vectors
    assert list(folder.glob("embeddings-*.npy")), "the embedder saved no cache file"
    return folder


@pytest.fixture
def data_home(tmp_path: Path, bank_vectors: Path) -> Path:
    """A data root with the embedding cache in place and one short finished demo (``WARM_UP_SESSION``)."""
    home = tmp_path / "home"
    shutil.copytree(bank_vectors, home / "cache")
    warm_up = run_cli(home, demo_command(WARM_UP_SESSION, 0, questions=1, follow_ups=0))
    assert warm_up.returncode == 0, warm_up.stderr
    return home


SPARK_CATALOG = "dataready"


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A Sail Spark Connect server on a free loopback port, and a session connected to it (UTC)."""
    from pysail.spark import SparkConnectServer
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as env:  # Sail reads its configuration when the server is created
        env.setenv("SAIL_CATALOG__LIST", f'[{{name="{SPARK_CATALOG}", type="memory", initial_database=["default"]}}]')
        env.setenv("SAIL_CATALOG__DEFAULT_CATALOG", SPARK_CATALOG)
        server = SparkConnectServer("127.0.0.1", 0)
        server.start()
    _, port = server.listening_address
    session = SparkSession.builder.remote(f"sc://127.0.0.1:{port}").getOrCreate()
    # Managed tables go under the warehouse folder; Sail wants an absolute path there.
    session.conf.set("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("warehouse")))
    session.conf.set("spark.sql.session.timeZone", "UTC")
    yield session
    session.stop()
    server.stop()
