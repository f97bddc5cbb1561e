"""The practice room in a real Chromium, served by Voila and by JupyterLab, offline.

Chromium's fake microphone plays a WAV that piper speaks, so a recorded answer goes through the real microphone
widget, streamed to the kernel while it is recorded; the kernel transcribes it with faster-whisper, scores it
with the rubric, and writes Delta rows and an MLflow run under a temporary data root that the tests then read
back.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from interview_lib.domain.models import InterviewSetup
from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.speech.tts_piper import PiperSpeech
from interview_lib.store.local import LocalDeltaStore
from tests.e2e.conftest import CHROMIUM, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "practice_interview.ipynb"
SPOKEN = "A broadcast join sends the small table to every executor so the big table is not shuffled."
TYPED = "I would partition by date, compact small files with OPTIMIZE and check the plan for skewed joins."
# True once the question on screen differs from ``asked``, or the room gave way to the report.
NEXT_QUESTION_OR_REPORT = """asked => {
    const question = document.querySelector("p[style*='1.2em']");
    return !question || question.innerText !== asked;
}"""
SLOW_MS = 120_000  # the first answer in a kernel loads whisper and the embedder on two cores
RECORD_MS = 6_500  # the spoken answer lasts about 5.4 s


@dataclass(frozen=True)
class Site:
    """The servers and the data root their kernels write to."""

    home: Path
    voila: str
    lab: str
    wav: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _copy_notebook(target: Path, home: Path) -> None:
    """The practice notebook with ``data_root`` pointing at the test's data root (as papermill would inject)."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", []))
    source = "".join(cell["source"])
    cell["source"] = source.replace('data_root = "dataready-data"', f"data_root = {str(home)!r}")
    assert cell["source"] != source, "the parameters cell no longer sets data_root"
    target.write_text(json.dumps(notebook), encoding="utf-8")


def _server_env(base: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATAREADY_")}
    settings = base / "lab-settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    env.update(
        DATAREADY_HOME=str(home),
        DATAREADY_REASONER="rubric",
        DATAREADY_STT="faster-whisper:tiny.en",
        DATAREADY_TTS="silent",  # the interviewer's voice is not under test; piper would add seconds per question
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
    )
    return env


@contextmanager
def _started(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 120) -> None:
    """Poll ``url`` until it answers 200; fail early, with the server's log, if the server exits."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout_s:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Voila and JupyterLab on loopback over a copy of the practice notebook, and the answer to speak."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is missing: run `make system-deps` (apt-get install chromium chromium-driver)")
    base = tmp_path_factory.mktemp("browser")
    home, notebooks = base / "home", base / "notebooks"
    notebooks.mkdir()
    _copy_notebook(notebooks / NOTEBOOK.name, home)
    env = _server_env(base, home)
    voila_port, lab_port, token = _free_port(), _free_port(), secrets.token_hex(16)
    voila_cmd = [sys.executable, "-m", "voila", str(notebooks / NOTEBOOK.name), "--no-browser"]
    voila_cmd += [f"--port={voila_port}", "--Voila.ip=127.0.0.1"]
    lab_cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={lab_port}"]
    lab_cmd += ["--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}", f"--ServerApp.root_dir={notebooks}"]
    with ExitStack() as stack:
        voila = stack.enter_context(_started(voila_cmd, env, base / "voila.log"))
        lab = stack.enter_context(_started(lab_cmd, env, base / "lab.log"))
        # While the servers start: the bank's embedding cache (half a minute, once for every kernel) and the WAV.
        _ = RubricReasoner(cache_dir=home / "cache").embedder
        wav = base / "answer.wav"
        wav.write_bytes(PiperSpeech(deterministic=True).synthesize(SPOKEN))
        _wait_http(f"http://127.0.0.1:{voila_port}/voila/static/voila.js", voila, base / "voila.log")
        _wait_http(f"http://127.0.0.1:{lab_port}/api/status?token={token}", lab, base / "lab.log")
        yield Site(
            home=home,
            voila=f"http://127.0.0.1:{voila_port}/",
            lab=f"http://127.0.0.1:{lab_port}/lab/tree/{NOTEBOOK.name}?token={token}",
            wav=wav,
        )


@pytest.fixture(scope="module")
def microphone(site: Site) -> Path:
    """The browser's microphone plays the spoken answer."""
    return site.wav


class Room:
    """The practice room's widgets as a person sees them; ``scope`` is the part of the page that holds them."""

    def __init__(self, page: Page, scope: Locator) -> None:
        self.page = page
        self.scope = scope
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def button(self, name: str) -> Locator:
        return self.scope.get_by_role("button", name=name, exact=True)

    def set_up(self, candidate: str, questions: int, *, voice: bool = True, focus: str | None = None) -> None:
        candidate_box = self.scope.get_by_label("Candidate", exact=True)
        candidate_box.wait_for(timeout=SLOW_MS)
        candidate_box.fill(candidate)
        slider = self.scope.locator(".widget-slider", has=self.page.get_by_text("Questions", exact=True))
        readout = slider.locator(".widget-readout")
        readout.fill(str(questions))
        readout.press("Enter")
        expect(readout).to_have_text(str(questions))
        self.scope.get_by_label("Voice (speak questions, record answers)").set_checked(voice)
        if focus:
            self.scope.get_by_label("Focus", exact=True).select_option(label=focus)

    def start(self) -> None:
        self.button("Start interview").click()
        expect(self.scope.get_by_text(re.compile(r"Question 1 of \d+"))).to_be_visible(timeout=SLOW_MS)

    def question(self) -> str:
        return self.scope.locator("p[style*='1.2em']").inner_text()

    def speak(self) -> str:
        """Press record, let the fake microphone speak, press stop (which submits); the feedback line."""
        asked = self.question()
        self.scope.get_by_role("button", name="● Record answer").click()
        expect(self.scope.get_by_text(re.compile(r"● recording 0:0\d"))).to_be_visible()
        self.page.wait_for_timeout(RECORD_MS)  # the length of the spoken answer, not a wait for the app
        self.scope.get_by_role("button", name="■ Stop and submit").click()
        return self._next(asked)

    def upload(self, wav: Path) -> None:
        # ipywidgets 8 keeps the file input out of the DOM and clicks it from the button: take the chooser.
        with self.page.expect_file_chooser() as chooser:
            self.scope.locator(".widget-upload").click()
        chooser.value.set_files(wav)
        expect(self.scope.locator(".widget-upload")).to_have_text("Upload answer (1)")

    def type(self, text: str) -> None:
        self.scope.get_by_placeholder("…or type your answer here").fill(text)

    def submit(self) -> str:
        """Submit and wait for the next question or the report; the feedback line, if the room is still open."""
        asked = self.question()
        self.button("Submit").click()
        return self._next(asked)

    def _next(self, asked: str) -> str:
        """Wait for the next question or the report; the feedback line, if the room is still open."""
        try:
            self.page.wait_for_function(NEXT_QUESTION_OR_REPORT, arg=asked, timeout=SLOW_MS)
        except PlaywrightTimeout as exc:
            raise AssertionError(f"no next question after Submit: {self.scope.inner_text()[-1500:]}") from exc
        feedback = self.scope.locator(".widget-html-content", has_text="Transcript:")
        return feedback.inner_text() if feedback.count() else ""

    def type_until_report(self, text: str) -> int:
        """Type ``text`` for every question left (follow-ups included); how many answers that took."""
        report = self.scope.get_by_text(re.compile(r"^Interview report — "))
        for answered in range(8):
            if report.count():
                return answered
            self.type(text)
            self.submit()
        raise AssertionError("the interview did not end after 8 typed answers")

    def report(self) -> tuple[str, str]:
        """The report's text and the session id it names."""
        expect(self.scope.get_by_text(re.compile(r"^Interview report — "))).to_be_visible(timeout=SLOW_MS)
        session_id = self.scope.locator("li", has_text="session:").locator("code").inner_text()
        return self.scope.locator(".widget-vbox").first.text_content() or "", session_id


def _voila_room(page: Page, site: Site) -> Room:
    room = Room(page, page.locator("body"))
    page.goto(site.voila)
    return room


def _lab_room(page: Page, site: Site) -> Room:
    page.goto(site.lab)
    # Run All before the kernel is connected runs nothing: wait for the status bar to say the kernel is idle.
    expect(page.locator(".jp-StatusBar-Widget").get_by_text("| Idle")).to_be_visible(timeout=SLOW_MS)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    return Room(page, page.locator(".jp-NotebookPanel"))


def _turns(home: Path, session_id: str) -> list[dict[str, Any]]:
    rows = LocalDeltaStore(home / "delta").read("turns", session_id).to_pylist()
    return sorted(rows, key=lambda row: row["turn_no"])


def _run(home: Path, session_id: str) -> Any:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(f"sqlite:///{home}/mlruns.db")
    experiment = client.get_experiment_by_name("dataready")
    assert experiment is not None, "no MLflow experiment 'dataready'"
    runs = client.search_runs([experiment.experiment_id], filter_string=f"tags.`dataready.session_id` = '{session_id}'")
    assert len(runs) == 1, f"expected one MLflow run for {session_id}, found {len(runs)}"
    return runs[0]


def _spoken_then_typed(room: Room, site: Site, candidate: str, *, shots: bool) -> None:
    """Set up 2 questions, answer the first by microphone and the rest by typing; check report, Delta, MLflow."""
    room.set_up(candidate, questions=2, focus="Spark internals and tuning")
    if shots:
        shoot(room.page, "setup")
    room.start()
    feedback = room.speak()
    assert "small table" in feedback.lower(), feedback
    assert re.search(r"Score \d+\.\d/10", feedback), feedback
    if shots:
        shoot(room.page, "room")
    assert room.type_until_report(TYPED) >= 1
    text, session_id = room.report()
    if shots:
        shoot(room.page, "report")
    assert "Where this is recorded" in text and "small table" in text.lower()
    turns = _turns(site.home, session_id)
    spoken = turns[0]
    assert "small table" in spoken["transcript"].lower() and spoken["audio_ref"] and spoken["stt_backend"]
    typed = [t for t in turns[1:] if t["transcript"] == TYPED and not t["audio_ref"]]
    assert typed, f"answers typed after a recording were taken as the recording again: {turns[1:]!r:.600}"
    run = _run(site.home, session_id)
    assert run.info.status == "FINISHED" and run.data.tags["dataready.candidate"] == candidate
    assert run.data.metrics["session.answered"] == len(turns)
    assert room.errors == []


def test_voila_room_takes_a_recorded_and_a_typed_answer_to_the_report(page: Page, site: Site) -> None:
    _spoken_then_typed(_voila_room(page, site), site, "voila-mic", shots=True)


def test_jupyterlab_room_takes_a_recorded_and_a_typed_answer_to_the_report(page: Page, site: Site) -> None:
    _spoken_then_typed(_lab_room(page, site), site, "lab-mic", shots=False)


def test_an_uploaded_recording_is_transcribed_and_scored(page: Page, site: Site) -> None:
    room = _voila_room(page, site)
    room.set_up("voila-upload", questions=1)
    room.start()
    room.upload(site.wav)
    feedback = room.submit()
    room.type_until_report(TYPED)
    text, session_id = room.report()
    assert "small table" in (feedback + text).lower()
    spoken = _turns(site.home, session_id)[0]
    assert "small table" in spoken["transcript"].lower() and spoken["audio_ref"]
    assert _run(site.home, session_id).info.status == "FINISHED"
    assert room.errors == []


POSTING = (
    "Senior Data Engineer, Streaming\nYou will run Kafka and Spark Structured Streaming jobs on AWS: watermarks, "
    "late events and exactly-once sinks.\n"
)


def test_the_setup_reads_a_job_posting_and_the_interview_follows_the_corrected_one(page: Page, site: Site) -> None:
    room = _voila_room(page, site)
    room.set_up("voila-posting", questions=1, voice=False)
    room.scope.get_by_label("Job posting", exact=True).fill(POSTING)
    room.button("Read posting").click()
    summary = room.scope.locator(".widget-html-content", has_text="Senior Data Engineer, Streaming")
    expect(summary).to_be_visible(timeout=SLOW_MS)
    assert "Streaming" in summary.inner_text() and "kafka" in summary.inner_text().lower()
    level = room.scope.get_by_label("Its level", exact=True)
    expect(level).to_have_value("senior")
    level.select_option("mid")  # the candidate corrects what was read
    room.start()
    assert room.type_until_report(TYPED) >= 1
    text, session_id = room.report()
    assert "Fit to the posting: Senior Data Engineer, Streaming" in text
    [row] = LocalDeltaStore(site.home / "delta").read("sessions", session_id).to_pylist()
    setup = InterviewSetup.model_validate_json(row["setup_json"])
    assert setup.level == "mid" and setup.posting is not None and setup.posting.corrected
    assert row["posting_title"] == "Senior Data Engineer, Streaming"
    assert room.errors == []


def test_without_voice_the_room_takes_typed_answers(page: Page, site: Site) -> None:
    room = _voila_room(page, site)
    room.set_up("voila-text", questions=1, voice=False)
    room.start()
    assert room.scope.locator(".dataready-mic").count() == 0, "no microphone when voice is off"
    assert room.type_until_report(TYPED) >= 1
    text, session_id = room.report()
    assert re.search(r"\d+\.\d / 10 overall", text), text
    turns = _turns(site.home, session_id)
    assert turns and all(t["transcript"] == TYPED and not t["audio_ref"] for t in turns)
    assert _run(site.home, session_id).data.metrics["session.answered"] == len(turns)
    assert room.errors == []
