"""Spoken answers over the web app's WebSocket: 16 kHz PCM streamed at speaking pace as the page's AudioWorklet
sends it, transcribed by the server as it arrives (faster-whisper tiny.en), ended by the candidate or by the
hands-free silence; and one candidate's transcription never stalls another's socket."""

from __future__ import annotations

import base64
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from interview_lib.speech.audio import SAMPLE_RATE, decode
from interview_lib.speech.tts_piper import PiperSpeech

from .test_app import Client, Server, data_root, served, server_env

pytestmark = pytest.mark.slow

ANSWER = "A broadcast join sends the small table to every executor, so the big table is never shuffled."
THINKING = "Hmm, let me think."
BLOCK_S = 0.1  # what the page sends per frame


@pytest.fixture(scope="module")
def voice() -> PiperSpeech:
    return PiperSpeech(deterministic=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, bank_vectors: Path) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("app-speech")
    home = data_root(base, bank_vectors)
    with served(home, base / "server.log", env=server_env(home, tts="silent")) as running:
        yield running


def said(voice: PiperSpeech, text: str) -> np.ndarray:
    return decode(voice.synthesize(text)).samples


def quiet(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


def stream(client: Client, samples: np.ndarray, *, stop: threading.Event | None = None) -> None:
    """Send ``samples`` in 0.1 s frames at the pace they would be spoken (a microphone cannot send faster)."""
    block = int(BLOCK_S * SAMPLE_RATE)
    started = time.monotonic()
    for n, at in enumerate(range(0, len(samples), block)):
        if stop is not None and stop.is_set():
            return
        client.send_raw(pcm(samples[at : at + block]))
        pause = started + (n + 1) * BLOCK_S - time.monotonic()
        if pause > 0:
            time.sleep(pause)  # the microphone's pace, not a wait for the server


def started(server: Server, **choices: Any) -> tuple[Client, dict[str, Any]]:
    client = server.connect(server.setup(voice=True, **choices))
    client.until("connected")
    client.send(type="start")
    return client, client.until("question")


def hands_free(client: Client, question: dict[str, Any], audio: np.ndarray, silence_s: float = 4.0) -> None:
    """Listen hands-free and speak ``audio`` at pace on a thread, while the caller reads what the server says."""
    client.send(type="listen", hands_free=True, silence_s=silence_s, turn_no=question["turn_no"])
    client.until("listening")
    ended = threading.Event()
    speaker = threading.Thread(target=stream, args=(client, audio), kwargs={"stop": ended}, daemon=True)
    speaker.start()
    client.until("countdown")  # the caller looks at what came (client.seen)
    client.ended_speaking = ended  # type: ignore[attr-defined]


def test_a_hands_free_answer_ends_after_the_silence_and_is_scored(server: Server, voice: PiperSpeech) -> None:
    client, question = started(server)
    audio = np.concatenate([quiet(0.5), said(voice, ANSWER), quiet(7.0)])
    hands_free(client, question, audio)
    ended = client.until("countdown")
    while ended["phase"] != "ended":
        ended = client.until("countdown")
    client.ended_speaking.set()  # type: ignore[attr-defined]
    final = client.until("transcript")
    while not final["final"]:
        final = client.until("transcript")
    assert "small table" in final["text"].lower(), final
    assert client.until("evaluation")["status"] == "scored"
    assert client.until("question")["turn_no"] == question["turn_no"] + 1
    phases = [m["phase"] for m in client.seen if m["type"] == "countdown"]
    assert phases == ["started", "ended"], phases
    (turn,) = server.turns(question_session(client))
    assert turn["audio_ref"] and "small table" in turn["transcript"].lower()


def question_session(client: Client) -> str:
    return str(next(m for m in client.seen if m["type"] == "connected")["session_id"])


def test_a_pause_after_let_me_think_holds_the_countdown_and_the_answer_goes_on(
    server: Server, voice: PiperSpeech
) -> None:
    client, question = started(server)
    thinking_s = 20.0  # five times the silence that ends an answer; a thinking check may take seconds here
    audio = np.concatenate([quiet(0.5), said(voice, THINKING), quiet(thinking_s), said(voice, ANSWER), quiet(7.0)])
    hands_free(client, question, audio)
    held = client.until("countdown", timeout=thinking_s)
    assert held["phase"] == "held" and held["reason"] == "thinking", held  # not ended: the candidate is thinking
    ended = client.until("countdown", timeout=90)
    while ended["phase"] != "ended":
        ended = client.until("countdown")
    client.ended_speaking.set()  # type: ignore[attr-defined]
    evaluation = client.until("evaluation")
    final = [m for m in client.seen if m["type"] == "transcript" and m["final"]]
    assert len(final) == 1 and "think" in final[0]["text"].lower() and "small table" in final[0]["text"].lower()
    partial = [m for m in client.seen[: client.seen.index(ended)] if m["type"] == "transcript" and not m["final"]]
    assert partial and "think" in partial[0]["text"].lower()  # heard while the candidate was still answering
    assert evaluation["turn_no"] == question["turn_no"]
    assert len(server.turns(question_session(client))) == 1


def test_stop_ends_a_live_answer_at_once(server: Server, voice: PiperSpeech) -> None:
    client, question = started(server)
    client.send(type="listen", turn_no=question["turn_no"])
    client.until("listening")
    stream(client, np.concatenate([quiet(0.3), said(voice, ANSWER), quiet(0.3)]))
    stopped = time.monotonic()
    client.send(type="response", streamed=True, turn_no=question["turn_no"])
    evaluation = client.until("evaluation")
    client.until("question")
    assert evaluation["status"] == "scored" and time.monotonic() - stopped < 30
    assert not [m for m in client.seen if m["type"] == "countdown"]  # not hands-free: no countdown
    client.send(type="response", streamed=True)
    client.error("not_listening")


def test_one_candidates_transcription_does_not_stall_anothers_socket(server: Server, voice: PiperSpeech) -> None:
    speaking, question = started(server)
    typing = server.connect(server.setup())
    typing.until("connected")
    typing.send(type="start")
    typed_question = typing.until("question")
    long_answer = " ".join([ANSWER] * 4)  # about 22 s: seconds of transcription on two cores
    recording = base64.b64encode(voice.synthesize(long_answer)).decode()
    scored = threading.Event()
    spoken: dict[str, Any] = {}

    def wait_for_the_score() -> None:
        spoken["evaluation"] = speaking.until("evaluation", timeout=300)
        scored.set()

    sent = time.monotonic()
    speaking.send(type="response", audio=recording, turn_no=question["turn_no"])
    waiter = threading.Thread(target=wait_for_the_score, daemon=True)
    waiter.start()
    typing.send(type="response", transcript=ANSWER, turn_no=typed_question["turn_no"])
    typing.until("evaluation")
    typed_turn_s = time.monotonic() - sent
    waits = []
    while not scored.is_set():  # the other candidate's socket, all the while the recording is transcribed
        ping = time.monotonic()
        typing.send(type="ping")
        typing.until("pong", timeout=30)
        waits.append(time.monotonic() - ping)
    waiter.join()
    spoken_turn_s = time.monotonic() - sent
    assert spoken["evaluation"]["status"] == "scored"
    assert spoken_turn_s > 1.5 and len(waits) >= 10, (spoken_turn_s, waits)  # long enough to show a stall
    assert max(waits) < 1.0, waits
    assert typed_turn_s < spoken_turn_s / 2, (typed_turn_s, spoken_turn_s)


def test_a_spoken_session_resumed_after_a_restart_still_hears_streamed_answers(
    tmp_path: Path, bank_vectors: Path, voice: PiperSpeech
) -> None:
    home, log = data_root(tmp_path, bank_vectors), tmp_path / "server.log"
    with served(home, log) as first_server:
        client, question = started(first_server)
        session_id = question_session(client)
        first_server.process.send_signal(signal.SIGKILL)  # killed while the question waits for its answer
        first_server.process.wait()

    with served(home, log) as second_server:
        client = second_server.connect(session_id)
        hello = client.until("connected")
        assert hello["voice"] is True and hello["question"]["text"] == question["text"]
        turn_no = hello["question"]["turn_no"]
        client.send(type="listen", turn_no=turn_no)
        client.until("listening")
        stream(client, np.concatenate([quiet(0.3), said(voice, ANSWER), quiet(0.3)]))
        client.send(type="response", streamed=True, turn_no=turn_no)
        assert client.until("evaluation")["status"] == "scored"
        heard = [m["text"].lower() for m in client.seen if m["type"] == "transcript"]
        assert any(not m["final"] for m in client.seen if m["type"] == "transcript")  # partials, as before the kill
        assert heard and "small table" in heard[-1]
        (turn,) = second_server.turns(session_id)
        assert "small table" in turn["transcript"].lower()
        run = second_server.run(session_id)
        assert run.data.tags["dataready.owner"] == "local" and run.data.params["backend.stt"]
