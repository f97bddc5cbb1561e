"""A remote model that accepts the connection and never answers costs the candidate one turn deadline at most.

The endpoint is a real loopback TCP server that accepts every connection, reads the request and never replies,
which is what a hung serving endpoint looks like to the HTTP client.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from interview_lib.domain.models import InterviewSetup, Question, Transcript, Turn
from interview_lib.reasoning.base import QuestionRequest
from interview_lib.reasoning.chat import openai_client
from interview_lib.reasoning.llm import LLMReasoner, Models
from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.store.local import LocalDeltaStore

from .processes import cli_command, cli_env

QUESTION = Question(
    id="delta-vacuum",
    text="What does VACUUM do in Delta Lake?",
    skill="delta",
    difficulty=2,
    expected_points=["It deletes files the table no longer references.", "Time travel cannot go back further."],
)
ANSWER = Transcript(text="VACUUM deletes data files that the table no longer references, after a retention period.")


class SilentEndpoint:
    """Accepts connections and reads what is sent; never writes a byte back."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, name="silent-endpoint", daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/v1"

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._held.append(connection)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        for connection in self._held:
            connection.close()
        self._listener.close()


@pytest.fixture
def silent() -> Iterator[SilentEndpoint]:
    endpoint = SilentEndpoint()
    yield endpoint
    endpoint.stop()


def reasoner(silent: SilentEndpoint, rubric: RubricReasoner, deadline_s: float) -> LLMReasoner:
    chat = openai_client(silent.base_url, None, timeout_s=30.0, attempts=3, max_wait_s=0.05)
    return LLMReasoner(chat, Models("m", "m", "m"), fallback=rubric, turn_deadline_s=deadline_s)


def request(attempt: int = 1) -> QuestionRequest:
    return QuestionRequest(InterviewSetup(candidate_id="c"), "delta", 2, (), attempt)


def test_a_silent_model_costs_one_turn_deadline_then_the_offline_interviewer_answers_the_turn(
    silent: SilentEndpoint, rubric: RubricReasoner
) -> None:
    llm = reasoner(silent, rubric, deadline_s=2.0)
    rubric.evaluate(QUESTION, ANSWER)  # load the offline scorer first: only the wait on the model is timed

    started = time.monotonic()
    evaluation = llm.evaluate(QUESTION, ANSWER)
    assert llm.next_question(request(1)) is None and llm.next_question(request(2)) is None  # same turn: no time
    waited = time.monotonic() - started

    assert 2.0 <= waited < 3.5
    assert evaluation.status == "scored" and "fallback_scorer" in evaluation.flags
    assert evaluation.rationale.startswith("Scored offline by the rubric (")
    assert silent.connections == 1  # the tries left were not started after the deadline
    assert [n for n in llm.notes if "2 s turn deadline" in n and "offline interviewer answered" in n]
    assert not llm.offline


def test_two_turns_in_a_row_past_the_deadline_switch_the_session_offline(
    silent: SilentEndpoint, rubric: RubricReasoner
) -> None:
    llm = reasoner(silent, rubric, deadline_s=1.0)
    rubric.evaluate(QUESTION, ANSWER)
    assert llm.next_question(request()) is None  # turn 1: the first question
    llm.evaluate(QUESTION, ANSWER)  # turn 2
    assert llm.offline
    connections = silent.connections

    started = time.monotonic()
    assert llm.evaluate(QUESTION, ANSWER).status == "scored"
    assert llm.next_question(request()) is None
    assert time.monotonic() - started < 1.0 and silent.connections == connections  # no more calls
    assert [n for n in llm.notes if n.endswith("the rest of the interview used the offline interviewer")]


@pytest.mark.slow
def test_the_demo_with_a_silent_remote_model_finishes_within_45_s(silent: SilentEndpoint, data_home: Path) -> None:
    import subprocess

    env = cli_env(data_home) | {"DATAREADY_REASONER": "openai:hung-model", "DATAREADY_OPENAI_BASE_URL": silent.base_url}
    started = time.monotonic()
    done = subprocess.run(
        cli_command("demo", "--questions", "2", "--session-id", "silent-model-1"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert elapsed < 45, f"the demo took {elapsed:.0f} s"
    assert "12 s turn deadline" in done.stdout and "the offline interviewer answered that turn" in done.stdout
    assert "the rest of the interview used the offline interviewer" in done.stdout
    turns = LocalDeltaStore(data_home / "delta").read("turns", "silent-model-1").to_pylist()
    waits = [Turn.model_validate(json.loads(str(t["turn_json"]))).usage.get("wait_s") for t in turns]
    assert len(turns) >= 2
    assert all(w is None or w < 13.5 for w in waits), waits  # no answer waited longer than the deadline
