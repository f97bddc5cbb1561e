"""The web app as a client sees it: `dataready serve` really serving on a loopback port, driven over HTTP and a real
WebSocket client, writing Delta rows and MLflow runs under a temporary data root that the tests read back.

The helpers at the top (``served``, ``Server``, ``Client``) are shared with the spoken and browser tests.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from interview_lib.store.local import LocalDeltaStore

WAIT_S = 60.0  # one turn on a busy two-core machine, with room
START_S = 240.0  # a server start, warm-up included
TYPED = "A broadcast join ships the small table to every executor, so the large table is joined where it sits."
POLICY_VIOLATION = 1008


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Client:
    """A WebSocket client on one session: send messages, wait for the ones it is after (keeping the rest)."""

    def __init__(self, websocket: ClientConnection) -> None:
        self.websocket = websocket
        self.seen: list[dict[str, Any]] = []

    def send(self, **message: Any) -> None:
        self.websocket.send(json.dumps(message))

    def send_raw(self, data: str | bytes) -> None:
        self.websocket.send(data)

    def next(self, timeout: float = WAIT_S) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(self.websocket.recv(timeout=timeout))
        self.seen.append(message)
        return message

    def until(self, kind: str, timeout: float = WAIT_S, *, errors: bool = False) -> dict[str, Any]:
        """The next message of type ``kind``; an ``error`` on the way fails, unless ``errors`` are expected."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.next(max(0.1, deadline - time.monotonic()))
            if message["type"] == kind:
                return message
            assert errors or message["type"] != "error", message

    def error(self, code: str) -> dict[str, Any]:
        message = self.until("error")
        assert message["code"] == code, message
        return message

    def types(self) -> list[str]:
        return [m["type"] for m in self.seen]

    def close(self) -> None:
        self.websocket.close()


@dataclass
class Server:
    """A running `dataready serve` and its data root."""

    home: Path
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    sockets: ExitStack = field(default_factory=ExitStack)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def http(self, path: str, body: Any = None, *, user: str | None = None) -> tuple[int, Any]:
        """(status, JSON or text) of a GET, or of a POST when ``body`` is given; ``user``: the forwarded identity."""
        headers = {"Content-Type": "application/json"} | ({"X-Forwarded-Email": user} if user else {})
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=WAIT_S) as reply:
                return reply.status, _body(reply.read(), reply.headers.get_content_type())
        except urllib.error.HTTPError as exc:
            return exc.code, _body(exc.read(), exc.headers.get_content_type())

    def setup(self, *, user: str | None = None, **choices: Any) -> str:
        setup = {"candidate_id": "ana", "core_questions": 2, "max_follow_ups": 0, "voice": False} | choices
        status, reply = self.http("/api/interview/setup", setup, user=user)
        assert status == 200, reply
        return str(reply["session_id"])

    def connect(self, session_id: str, *, user: str | None = None) -> Client:
        headers = {"X-Forwarded-Email": user} if user else None
        url = f"ws://127.0.0.1:{self.port}/ws/interview/{session_id}"
        return Client(self.sockets.enter_context(connect(url, additional_headers=headers)))

    def store(self) -> LocalDeltaStore:
        return LocalDeltaStore(self.home / "delta")

    def turns(self, session_id: str) -> list[dict[str, Any]]:
        return sorted(self.store().read("turns", session_id).to_pylist(), key=lambda r: r["turn_no"])

    def session_row(self, session_id: str) -> dict[str, Any]:
        (row,) = self.store().read("sessions", session_id).to_pylist()
        return row

    def run(self, session_id: str) -> Any:
        from mlflow.tracking import MlflowClient

        client = MlflowClient(f"sqlite:///{self.home}/mlruns.db")
        experiment = client.get_experiment_by_name("dataready")
        assert experiment is not None
        runs = client.search_runs([experiment.experiment_id], f"tags.`dataready.session_id` = '{session_id}'")
        assert len(runs) == 1, runs
        return runs[0]


def _body(data: bytes, content_type: str) -> Any:
    return json.loads(data) if content_type == "application/json" else data.decode("utf-8", "replace")


def server_env(home: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATAREADY_", "DATABRICKS_"))}
    env.update(DATAREADY_HOME=str(home), DATAREADY_REASONER="rubric", PYTHONUNBUFFERED="1")
    env.update({f"DATAREADY_{k.upper()}": v for k, v in settings.items()})
    return env


def wait_until_warm(server: Server, timeout_s: float = START_S) -> None:
    """Poll the health route until the warm-up is done; fail with the log if the server exits."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode}:\n{server.log.read_text()[-3000:]}")
        try:
            status, health = server.http("/api/health")
            if status == 200 and health["warm"]:
                return
        except OSError:
            pass
        time.sleep(0.25)  # between polls of the health route
    raise TimeoutError(f"the server was not ready in {timeout_s:.0f} s:\n{server.log.read_text()[-3000:]}")


@contextmanager
def served(home: Path, log: Path, *, port: int | None = None, env: dict[str, str] | None = None) -> Iterator[Server]:
    """`dataready serve` on a loopback port over ``home``, stopped (and its clients closed) afterwards."""
    port = port or free_port()
    command = [sys.executable, "-m", "interview_lib.cli", "serve", "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env or server_env(home, tts="silent"), stdout=out, stderr=out)
    server = Server(home, port, process, log)
    try:
        wait_until_warm(server)
        yield server
    finally:
        server.sockets.close()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def data_root(base: Path, bank_vectors: Path) -> Path:
    """A data root with the bank's embeddings already cached (building them takes half a minute)."""
    home = base / "home"
    shutil.copytree(bank_vectors, home / "cache")
    return home


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, bank_vectors: Path) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("app")
    with served(data_root(base, bank_vectors), base / "server.log") as running:
        yield running


def refused(client: Client) -> None:
    """The server closed the socket with a policy violation, before saying anything."""
    with pytest.raises(ConnectionClosed) as closed:
        client.next(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == POLICY_VIOLATION, closed.value
    assert client.seen == []


def answered(client: Client, question: dict[str, Any], text: str = TYPED) -> dict[str, Any]:
    """Answer ``question`` in text; its evaluation."""
    client.send(type="response", transcript=text, turn_no=question["turn_no"])
    evaluation = client.until("evaluation")
    assert evaluation["turn_no"] == question["turn_no"]
    return evaluation


# -- the interview over the socket -----------------------------------------------------------------------------
def test_a_typed_interview_goes_from_setup_to_the_report_and_lands_in_delta_and_mlflow(server: Server) -> None:
    session_id = server.setup(candidate_id="ana-text")
    client = server.connect(session_id)
    hello = client.until("connected")
    assert hello["session_id"] == session_id and hello["user"] == "local" and hello["started"] is False
    client.send(type="start")
    first = client.until("question")
    assert first["text"] and first["kind"] == "core" and first["progress"]["core_total"] == 2
    evaluation = answered(client, first)
    assert evaluation["status"] == "scored" and 0 <= evaluation["overall"] <= 10 and evaluation["rationale"]
    second = client.until("question")
    assert second["turn_no"] == 2 and second["text"] != first["text"]
    answered(client, second)
    client.until("complete")
    ended = client.until("ended")
    assert ended["report"]["session_id"] == session_id and len(ended["report"]["questions"]) == 2
    client.send(type="end")  # again, once finished: the same report
    assert client.until("ended")["report"]["overall"] == ended["report"]["overall"]
    changes = [m["to_state"] for m in client.seen if m["type"] == "state_change"]
    assert changes.count("EVALUATING") == 2 and changes[-1] == "FINISHED"

    status, report = server.http(f"/api/interview/{session_id}/report")
    assert status == 200 and report["answered"] == 2 and report["candidate_id"] == "ana-text"
    status, page = server.http(f"/report/{session_id}")
    assert status == 200 and "ana-text" in page and "<script" not in page
    turns = server.turns(session_id)
    assert [t["turn_no"] for t in turns] == [1, 2] and all(t["transcript"] == TYPED for t in turns)
    row = server.session_row(session_id)
    assert row["owner"] == "local" and row["final_state"] == "FINISHED"
    run = server.run(session_id)
    assert run.info.status == "FINISHED" and run.data.metrics["session.answered"] == 2
    assert run.data.tags["dataready.owner"] == "local"


def test_the_page_and_what_its_setup_form_offers_are_served(server: Server) -> None:
    status, page = server.http("/")
    assert status == 200 and "static/app.js" in page and "http" not in page.replace("http-equiv", "")
    status, options = server.http("/api/options")
    assert status == 200 and "data-engineer" in options["roles"] and options["skills"]["sql"] == "SQL"
    assert server.http("/static/pcm-worklet.js")[0] == 200
    assert server.http("/api/me", user="ana@example.com") == (200, {"user": "ana@example.com"})


STREAMING_POSTING = (
    "Senior Data Engineer, Streaming\nYou will run Kafka and Spark Structured Streaming on AWS: watermarks, late "
    "events, exactly-once sinks and stateful aggregations.\n"
)


def test_a_pasted_posting_is_read_corrected_and_followed_by_the_interview(server: Server) -> None:
    status, profile = server.http("/api/posting", {"text": STREAMING_POSTING})
    assert status == 200 and profile["title"] == "Senior Data Engineer, Streaming"
    assert profile["level"] == "senior" and profile["cloud"] == "aws" and "streaming" in profile["skills"]
    corrected = profile | {"level": "mid", "skills": {"streaming": 1.0}, "corrected": True}
    session_id = server.setup(candidate_id="ana-posting", core_questions=2, posting=corrected)
    client = server.connect(session_id)
    client.until("connected")
    client.send(type="start")
    first = client.until("question")
    answered(client, first)
    second = client.until("question")
    answered(client, second)
    report = client.until("ended")["report"]
    assert report["posting_fit"]["title"] == "Senior Data Engineer, Streaming"
    assert [t["skill"] for t in server.turns(session_id)] == ["streaming", "streaming"]
    row = server.session_row(session_id)
    assert row["level"] == "mid" and row["cloud"] == "aws" and row["posting_title"] == "Senior Data Engineer, Streaming"


@pytest.mark.parametrize(("text", "says"), [("", "empty"), ("x" * 60_000, "50")])
def test_a_posting_that_cannot_be_read_is_refused_with_the_reason(server: Server, text: str, says: str) -> None:
    status, reply = server.http("/api/posting", {"text": text})
    assert status == 422 and says in reply["detail"]


def test_a_bad_message_gets_an_error_and_the_session_carries_on(server: Server) -> None:
    client = server.connect(server.setup())
    client.until("connected")
    client.send_raw("{not json")
    client.error("bad_json")
    client.send_raw("[1, 2]")
    client.error("bad_message")
    client.send(type="shout", text="hello")
    client.error("unknown_type")
    client.send(type="response", transcript="both", streamed=True)
    client.error("bad_message")
    client.send(type="response", transcript="too early")
    client.error("not_started")
    client.send(type="start")
    question = client.until("question")
    client.send(type="start")
    client.error("out_of_order")
    client.send(type="resume")
    client.error("refused")  # nothing to resume: the interview is not paused
    client.send(type="response", transcript=TYPED, turn_no=question["turn_no"] + 5)
    client.error("stale")
    client.send(type="listen")
    client.error("no_voice")  # a typed interview has no microphone
    client.send(type="response", streamed=True)
    client.error("not_listening")
    client.send_raw(b"\x00\x01" * 800)
    client.error("not_listening")
    client.send_raw(b"\x00" * (300 * 1024))
    client.error("too_large")
    client.send_raw(b"\x00\x01\x02")
    client.error("bad_audio")
    client.send(type="ping")
    client.until("pong")

    evaluation = answered(client, question)  # after all that, the same question is still there to answer
    assert evaluation["status"] == "scored"
    assert [t["turn_no"] for t in server.turns(question_session(client))] == [1]


def question_session(client: Client) -> str:
    return str(next(m for m in client.seen if m["type"] == "connected")["session_id"])


def test_an_oversize_recording_is_refused_and_the_connection_stays_open(server: Server) -> None:
    client = server.connect(server.setup(voice=True))
    client.until("connected")
    client.send(type="start")
    question = client.until("question")
    client.send(type="response", audio=base64.b64encode(b"\x00" * (21 * 1024 * 1024)).decode(), turn_no=1)
    client.error("too_large")
    client.send(type="response", audio="not base64!", turn_no=1)
    client.error("bad_audio")
    client.send(type="response", audio=base64.b64encode(b"RIFF garbage").decode(), turn_no=1)
    assert "audio" in client.until("notice")["message"].lower()  # undecodable: answer again, nothing scored
    assert answered(client, question)["status"] == "scored"


# -- who may see what ------------------------------------------------------------------------------------------
def test_another_user_can_neither_open_nor_read_a_session(server: Server) -> None:
    session_id = server.setup(user="Ana@Example.com")
    owner = server.connect(session_id, user="ana@example.com")  # the same person: e-mail case does not matter
    assert owner.until("connected")["user"] == "ana@example.com"

    for intruder in ("eve@example.com", None):  # another user, and the local user
        refused(server.connect(session_id, user=intruder))
        assert server.http(f"/api/interview/{session_id}/report", user=intruder)[0] == 404
        assert server.http(f"/report/{session_id}", user=intruder)[0] == 404
        assert server.http(f"/api/interview/{session_id}/questions/1/audio", user=intruder)[0] == 404

    owner.send(type="start")
    answered(owner, owner.until("question"))
    assert server.http(f"/api/interview/{session_id}/report", user="ana@example.com")[0] == 200
    assert server.session_row(session_id)["owner"] == "ana@example.com"
    assert server.http("/api/interview/no-such-session/report")[0] == 404


def test_a_page_from_another_site_cannot_open_the_socket(server: Server) -> None:
    session_id = server.setup()
    url = f"ws://127.0.0.1:{server.port}/ws/interview/{session_id}"
    with connect(url, origin="http://evil.example") as foreign:  # type: ignore[arg-type]
        refused(Client(foreign))
    with connect(url, origin=f"http://127.0.0.1:{server.port}") as own:  # type: ignore[arg-type]
        assert json.loads(own.recv(timeout=10))["type"] == "connected"


# -- connections come and go -------------------------------------------------------------------------------------
def test_a_dropped_connection_resumes_with_nothing_lost_and_no_question_repeated(server: Server) -> None:
    session_id = server.setup(core_questions=3)
    client = server.connect(session_id)
    client.until("connected")
    client.send(type="start")
    first = client.until("question")
    answered(client, first)
    second = client.until("question")
    client.websocket.socket.shutdown(socket.SHUT_RDWR)  # the network drops: no closing handshake

    again = server.connect(session_id)
    hello = again.until("connected")
    assert hello["started"] is True and hello["question"]["turn_no"] == second["turn_no"]
    assert hello["question"]["text"] == second["text"] and hello["progress"]["answered"] == 1
    answered(again, hello["question"])
    third = again.until("question")
    answered(again, third)
    again.until("ended")
    texts = [t["question_text"] for t in server.turns(session_id)]
    assert len(texts) == 3 and len(set(texts)) == 3 and texts[:2] == [first["text"], second["text"]]


def test_two_clients_on_one_session_see_the_same_turns_and_a_stale_answer_is_refused(server: Server) -> None:
    session_id = server.setup()
    one, two = server.connect(session_id), server.connect(session_id)
    one.until("connected")
    two.until("connected")
    one.send(type="start")
    question = one.until("question")
    assert two.until("question") == question
    barrier = threading.Barrier(2)

    def respond(client: Client) -> None:
        barrier.wait()
        client.send(type="response", transcript=TYPED, turn_no=question["turn_no"])

    senders = [threading.Thread(target=respond, args=(c,)) for c in (one, two)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    for client in (one, two):
        assert client.until("evaluation", errors=True)["turn_no"] == question["turn_no"]
        assert client.until("question", errors=True)["turn_no"] == question["turn_no"] + 1
        client.send(type="ping")  # a connection answers in order: any refusal comes before this pong
        client.until("pong", errors=True)
    refused = [m for c in (one, two) for m in c.seen if m["type"] == "error"]
    assert [m["code"] for m in refused] == ["stale"]  # exactly one of the two answers was taken
    assert [t["turn_no"] for t in server.turns(session_id)] == [1]


def test_a_server_restart_resumes_the_session_from_the_tables(tmp_path: Path, bank_vectors: Path) -> None:
    home, log = data_root(tmp_path, bank_vectors), tmp_path / "server.log"
    with served(home, log) as first_server:
        session_id = first_server.setup(user="ana@example.com", core_questions=3)
        client = first_server.connect(session_id, user="ana@example.com")
        client.until("connected")
        client.send(type="start")
        answered(client, client.until("question"))
        waiting = client.until("question")
        first_server.process.send_signal(signal.SIGKILL)  # killed mid-interview
        first_server.process.wait()

    with served(home, log) as second_server:
        refused(second_server.connect(session_id, user="eve@example.com"))  # still not another user's
        client = second_server.connect(session_id, user="ana@example.com")
        hello = client.until("connected")
        assert hello["started"] is True and hello["question"]["text"] == waiting["text"]
        answered(client, hello["question"])
        answered(client, client.until("question"))
        report = client.until("ended")["report"]
        assert report["answered"] == 3
        turns = second_server.turns(session_id)
        assert [t["turn_no"] for t in turns] == [1, 2, 3] and len({t["question_text"] for t in turns}) == 3
        row = second_server.session_row(session_id)
        assert row["owner"] == "ana@example.com" and row["final_state"] == "FINISHED"
        run = second_server.run(session_id)  # the run opened before the kill, finished after it
        assert run.info.status == "FINISHED" and run.data.tags["dataready.owner"] == "ana@example.com"


# -- the command -----------------------------------------------------------------------------------------------
def test_serve_listens_on_the_platform_port_when_databricks_apps_sets_one(tmp_path: Path, bank_vectors: Path) -> None:
    home, port = data_root(tmp_path, bank_vectors), free_port()
    env = server_env(home, tts="silent") | {"DATABRICKS_APP_PORT": str(port)}
    command = [sys.executable, "-m", "interview_lib.cli", "serve", "--host", "127.0.0.1"]
    log = tmp_path / "server.log"
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out)
    try:
        wait_until_warm(Server(home, port, process, log))
    finally:
        process.terminate()
        process.wait(timeout=20)
