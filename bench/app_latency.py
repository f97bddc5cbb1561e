"""The web app under load, as clients see it over the WebSocket of a real `dataready serve`.

1. Spoken: answers of about a minute (bank-style sentences spoken by piper) are streamed as 16 kHz PCM in 0.1 s
   frames at the pace they are spoken, as the page's AudioWorklet sends them. The wait is from the end of the
   answer to the ``question`` message: after the last frame and "Stop" (``response`` streamed), and hands-free
   from the ``countdown`` that says the silence ended the answer (the silence itself, 4 s, is not counted).
2. Concurrent: N interviews at once on one server, typed answers by simulated candidates (the rubric scores
   them); every turn's wait from ``response`` to the next question, and afterwards the Delta ``turns`` rows of
   each session against the answers sent: none lost, none twice.

Offline defaults (rubric, faster-whisper tiny.en); the interviewer's voice is off so that only the question's
text is timed. Run: `python bench/app_latency.py [--answers 3] [--sessions 8] [--skip-spoken]` (``--sessions 0``:
only the spoken answers).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from stt import SENTENCES, spoken  # the speech bench's sentences (bench/ is on the path when run as a script)
from websockets.asyncio.client import ClientConnection, connect

from interview_lib.bank import load_bank
from interview_lib.domain.models import Question
from interview_lib.simulate.candidates import SimulatedCandidate
from interview_lib.speech.audio import SAMPLE_RATE, decode
from interview_lib.speech.tts_piper import PiperSpeech
from interview_lib.store.local import LocalDeltaStore

ANSWER_S = 60.0
BLOCK_S = 0.1
WORDS_PER_MINUTE = 170  # piper "joe"


# -- the server ---------------------------------------------------------------------------------------------------
@dataclass
class Server:
    home: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def post(self, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            self.base + path, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=120) as reply:
            return json.load(reply)


def start_server(home: Path) -> Server:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATAREADY_")}
    env.update(DATAREADY_HOME=str(home), DATAREADY_TTS="silent", DATAREADY_REASONER="rubric")
    command = [sys.executable, "-m", "interview_lib.cli", "serve", "--port", str(port)]
    log = (home.parent / "server.log").open("wb")
    server = Server(home, port, subprocess.Popen(command, env=env, stdout=log, stderr=log))
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(server.base + "/api/health", timeout=2) as reply:
                if json.load(reply)["warm"]:
                    return server
        except OSError:
            pass
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited: see {home.parent / 'server.log'}")
        time.sleep(0.5)
    raise TimeoutError("the server did not warm up in 10 minutes")


class Session:
    """One client on one session."""

    def __init__(self, websocket: ClientConnection) -> None:
        self.websocket = websocket

    async def until(self, *kinds: str, timeout: float = 300) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                message: dict[str, Any] = json.loads(await self.websocket.recv())
                if message["type"] in kinds:
                    return message
                if message["type"] == "error":
                    raise RuntimeError(message)

    async def send(self, **message: Any) -> None:
        await self.websocket.send(json.dumps(message))


async def opened(server: Server, **setup: Any) -> tuple[Session, dict[str, Any], str]:
    body = {"candidate_id": "bench", "max_follow_ups": 0, "voice": False} | setup
    session_id = (await asyncio.to_thread(server.post, "/api/interview/setup", body))["session_id"]
    websocket = await connect(f"ws://127.0.0.1:{server.port}/ws/interview/{session_id}", max_size=None)
    session = Session(websocket)
    await session.until("connected")
    await session.send(type="start")
    return session, await session.until("question"), session_id


# -- spoken answers ---------------------------------------------------------------------------------------------------
def minute_answers(count: int) -> list[np.ndarray]:
    """``count`` answers of about a minute, each starting at a different sentence."""
    voice = PiperSpeech(deterministic=True)
    answers = []
    for first in range(count):
        words: list[str] = []
        for sentence in itertools.islice(itertools.cycle(SENTENCES), first * 5, None):
            words += spoken(sentence).split()
            if len(words) >= ANSWER_S * WORDS_PER_MINUTE / 60:
                break
        answers.append(decode(voice.synthesize(" ".join(words))).samples)
    return answers


async def speak(session: Session, samples: np.ndarray) -> None:
    block = int(BLOCK_S * SAMPLE_RATE)
    started = time.monotonic()
    for n, at in enumerate(range(0, len(samples), block)):
        part = np.clip(samples[at : at + block], -1, 1)
        await session.websocket.send((part * 32767).astype("<i2").tobytes())
        await asyncio.sleep(max(0.0, started + (n + 1) * BLOCK_S - time.monotonic()))


async def spoken_waits(server: Server, answers: list[np.ndarray], *, hands_free: bool) -> list[tuple[float, float]]:
    """(client wait, server latency_s) per answer, Stop or hands-free."""
    session, question, _ = await opened(server, core_questions=len(answers) + 1, voice=True)
    waits = []
    for samples in answers:
        await session.send(type="listen", hands_free=hands_free, turn_no=question["turn_no"])
        await session.until("listening")
        if hands_free:
            speaking = asyncio.create_task(speak(session, np.concatenate([samples, np.zeros(8 * SAMPLE_RATE)])))
            while (await session.until("countdown"))["phase"] != "ended":
                pass
            ended = time.monotonic()
            speaking.cancel()
        else:
            await speak(session, samples)
            await session.send(type="response", streamed=True, turn_no=question["turn_no"])
            ended = time.monotonic()
        evaluation = await session.until("evaluation")
        question = await session.until("question")
        waits.append((time.monotonic() - ended, float(evaluation["latency_s"] or 0.0)))
        print(f"  {'hands-free' if hands_free else 'stop'}: {waits[-1][0]:.2f} s", flush=True)
    await session.websocket.close()
    return waits


# -- concurrent typed interviews ---------------------------------------------------------------------------------
@dataclass
class Typed:
    session_id: str
    answered: int = 0
    waits: list[float] = field(default_factory=list)


async def typed_interview(server: Server, number: int, questions: int) -> Typed:
    bank = load_bank()
    candidate = SimulatedCandidate(("strong", "average", "weak")[number % 3], seed=number)  # type: ignore[arg-type]
    session, message, session_id = await opened(
        server, candidate_id=f"bench-{number}", core_questions=questions, max_follow_ups=1, seed=number
    )
    result = Typed(session_id)
    while message["type"] in ("question", "followup"):
        entry = bank.get(message["question_id"])
        question = (
            entry.question()
            if entry is not None
            else Question(
                id=message["question_id"],
                text=message["text"],
                skill=message["skill"],
                difficulty=message["difficulty"],
            )
        )
        sent = time.monotonic()
        await session.send(type="response", transcript=candidate.answer(question), turn_no=message["turn_no"])
        message = await session.until("question", "followup", "complete")
        result.waits.append(time.monotonic() - sent)
        result.answered += 1
    await session.until("ended")
    await session.websocket.close()
    return result


def check_turns(home: Path, results: list[Typed]) -> tuple[int, int]:
    """(lost, duplicated) turns: answers sent against the rows in Delta."""
    store = LocalDeltaStore(home / "delta")
    lost = duplicated = 0
    for result in results:
        numbers = [row["turn_no"] for row in store.read("turns", result.session_id).to_pylist()]
        duplicated += len(numbers) - len(set(numbers))
        lost += len(set(range(1, result.answered + 1)) - set(numbers))
    return lost, duplicated


def finished_runs(home: Path, results: list[Typed]) -> int:
    """How many of the sessions have a finished MLflow run."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(f"sqlite:///{home}/mlruns.db")
    experiment = client.get_experiment_by_name("dataready")
    if experiment is None:
        return 0
    ids = {r.session_id for r in results}
    runs = client.search_runs([experiment.experiment_id], max_results=1000)
    return sum(1 for run in runs if run.data.tags.get("dataready.session_id") in ids and run.info.status == "FINISHED")


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def concurrent_typed(server: Server, args: argparse.Namespace) -> None:
    started = time.monotonic()
    results = await asyncio.gather(*(typed_interview(server, n, args.questions) for n in range(args.sessions)))
    elapsed = time.monotonic() - started
    waits = [w for r in results for w in r.waits]
    lost, duplicated = check_turns(server.home, results)
    print(
        f"{args.sessions} concurrent typed interviews: {len(waits)} turns in {elapsed:.1f} s; turn wait "
        f"p50 {percentile(waits, 50):.2f} s, p95 {percentile(waits, 95):.2f} s, max {max(waits):.2f} s; "
        f"lost {lost}, duplicated {duplicated}; MLflow runs finished {finished_runs(server.home, results)}/"
        f"{len(results)}; load {os.getloadavg()[0]:.1f}"
    )


async def main_async(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="dataready-app-bench-"))
    home = folder / "home"
    if args.cache and Path(args.cache).is_dir():
        shutil.copytree(args.cache, home / "cache")
    answers = [] if args.skip_spoken else minute_answers(args.answers)
    lengths = [len(a) // SAMPLE_RATE for a in answers]
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; spoken answers of {lengths} s")
    server = start_server(home)
    try:
        if answers:
            for hands_free in (False, True):
                waits = await spoken_waits(server, answers, hands_free=hands_free)
                client = [w for w, _ in waits]
                print(
                    f"spoken, {'hands-free' if hands_free else 'stop'}: end of answer → question "
                    f"p50 {statistics.median(client):.2f} s ({', '.join(f'{w:.2f}' for w in client)}); "
                    f"server latency_s {', '.join(f'{s:.2f}' for _, s in waits)}"
                )
        if args.sessions:
            await concurrent_typed(server, args)
        print(f"load at the end {os.getloadavg()[0]:.1f}")
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=3, help="spoken answers of about a minute, per mode")
    parser.add_argument("--sessions", type=int, default=8, help="concurrent typed interviews (0: none)")
    parser.add_argument("--questions", type=int, default=5, help="core questions per typed interview")
    parser.add_argument("--skip-spoken", action="store_true", help="only the concurrent typed interviews")
    parser.add_argument("--cache", default="dataready-data/cache", help="a cache folder to start from (bank vectors)")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
