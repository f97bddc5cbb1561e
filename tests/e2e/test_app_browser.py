"""The web app's page in a real Chromium against `dataready serve`, offline: a spoken interview, hands-free.

Chromium's fake microphone plays a WAV that piper speaks, padded with silence; the page captures it with its
AudioWorklet and streams 16 kHz PCM over the WebSocket while it plays; the server transcribes as it goes, the
silence ends each answer behind a visible countdown, and the interviewer's questions are spoken by piper. The test
then reads the turns back from Delta and the run from MLflow.
"""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page, ViewportSize, expect

from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.speech.tts_piper import PiperSpeech
from tests.e2e.conftest import CHROMIUM, shoot
from tests.integration.test_app import Server, served, server_env

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SPOKEN = "A broadcast join sends the small table to every executor so the big table is not shuffled."
LEAD_S, TAIL_S = 0.6, 8.0  # silence before the answer, and after it (longer than the 4 s that ends it)
TURN_MS = 120_000  # one spoken turn on two cores: the question spoken, the answer, the silence, the scoring


@dataclass(frozen=True)
class Site:
    server: Server
    wav: Path


def padded_wav(audio: bytes, lead_s: float, tail_s: float) -> bytes:
    """``audio`` (a mono 16-bit WAV) with silence before and after."""
    with wave.open(io.BytesIO(audio)) as source:
        rate, frames = source.getframerate(), source.readframes(source.getnframes())
    speech = np.frombuffer(frames, dtype="<i2")
    silence = lambda seconds: np.zeros(int(seconds * rate), dtype="<i2")  # noqa: E731
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(rate)
        target.writeframes(np.concatenate([silence(lead_s), speech, silence(tail_s)]).tobytes())
    return out.getvalue()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make system-deps` (apt-get install chromium chromium-driver)")
    base = tmp_path_factory.mktemp("app-browser")
    home = base / "home"
    _ = RubricReasoner(cache_dir=home / "cache").embedder  # the bank's embeddings, once, before the server starts
    wav = base / "answer.wav"
    wav.write_bytes(padded_wav(PiperSpeech(deterministic=True).synthesize(SPOKEN), LEAD_S, TAIL_S))
    with served(home, base / "server.log", env=server_env(home, tts="piper")) as server:
        yield Site(server, wav)


@pytest.fixture(scope="module")
def microphone(site: Site) -> Path:
    """The browser's microphone plays the padded spoken answer."""
    return site.wav


@pytest.fixture(scope="module")
def chromium_args() -> list[str]:
    """The page speaks each question without a click first."""
    return ["--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="module")
def viewport() -> ViewportSize:
    return {"width": 1100, "height": 900}


def _set_up(page: Page, candidate: str) -> None:
    page.get_by_label("Candidate").fill(candidate)
    page.get_by_label("Core questions").fill("2")
    page.get_by_label("Follow-ups per question").fill("0")
    page.get_by_label("Spark internals and tuning").check()
    expect(page.get_by_label("Questions are spoken and answers recorded")).to_be_checked()
    expect(page.locator("input[name=hands_free]")).to_be_checked()


def test_a_spoken_hands_free_interview_through_the_page_lands_in_delta_and_mlflow(page: Page, site: Site) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    server = site.server
    page.goto(server.base + "/")
    expect(page.get_by_text("Signed in as local")).to_be_visible()
    _set_up(page, "browser-voice")
    shoot(page, "app-setup")
    page.get_by_role("button", name="Start interview").click()

    question = page.locator("#question")
    expect(page.get_by_text("Question 1 of 2")).to_be_visible(timeout=TURN_MS)
    first = question.inner_text()
    countdown = page.locator("#countdown")
    expect(countdown).to_contain_text("Your answer ends in", timeout=TURN_MS)  # nobody pressed anything
    played = page.evaluate("(a => [a.duration, a.ended])(document.getElementById('question-audio'))")
    assert played[0] > 1 and played[1] is True, played  # the question was spoken (piper) before listening began
    shoot(page, "app-room")
    expect(page.get_by_text("Question 2 of 2")).to_be_visible(timeout=TURN_MS)
    assert question.inner_text() != first
    expect(page.locator("#feedback")).to_contain_text(re.compile(r"Score \d+\.\d/10"))
    expect(page.locator("#report-view")).to_be_visible(timeout=TURN_MS)
    expect(page.locator("#report-overall")).to_contain_text("browser-voice — overall")
    shoot(page, "app-report")
    assert errors == []

    session_id = re.sub(r"^#report=", "", page.evaluate("location.hash"))
    turns = server.turns(session_id)
    assert len(turns) == 2, turns
    for turn in turns:
        assert "small table" in turn["transcript"].lower(), turn["transcript"]
        assert turn["audio_ref"] and turn["stt_backend"] == "faster-whisper:tiny.en"
    assert server.session_row(session_id)["owner"] == "local"
    run: Any = server.run(session_id)
    assert run.info.status == "FINISHED" and run.data.metrics["session.answered"] == 2
    assert run.data.tags["dataready.candidate"] == "browser-voice"
    page.get_by_role("link", name="The full report").click()
    expect(page.get_by_text("browser-voice").first).to_be_visible()


HOSTILE = '<img src=x onerror="window.injected=1">'


def test_an_uploaded_recording_and_a_typed_answer_are_scored_and_every_text_stays_text(page: Page, site: Site) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site.server.base + "/")
    _set_up(page, f"upload {HOSTILE}")
    page.locator("input[name=hands_free]").uncheck()  # nothing listens on its own: the candidate chooses
    page.get_by_role("button", name="Start interview").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible(timeout=TURN_MS)
    expect(page.locator("#countdown")).to_be_hidden()

    page.get_by_label("Upload a recording").set_input_files(site.wav)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Question 2 of 2")).to_be_visible(timeout=TURN_MS)
    expect(page.locator("#feedback")).to_contain_text(re.compile(r"Score \d+\.\d/10"))
    page.get_by_placeholder("…or type your answer here").fill(f"{HOSTILE} Broadcast the small table.")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#report-view")).to_be_visible(timeout=TURN_MS)

    expect(page.locator("#report-overall")).to_contain_text(f"upload {HOSTILE}")  # shown as text...
    page.locator("#report-questions summary").nth(1).click()
    expect(page.locator("#report-questions")).to_contain_text(HOSTILE)
    assert page.locator("main img").count() == 0 and page.evaluate("window.injected") is None  # ...never as HTML
    assert errors == []
    session_id = re.sub(r"^#report=", "", page.evaluate("location.hash"))
    first, second = site.server.turns(session_id)
    assert "small table" in first["transcript"].lower() and first["audio_ref"]
    assert second["transcript"].startswith(HOSTILE) and not second["audio_ref"]


POSTING = (
    "Senior Data Engineer, Streaming\nYou will run Kafka and Spark Structured Streaming on AWS: watermarks, late "
    "events, exactly-once sinks and stateful aggregations.\n"
)


def test_a_pasted_posting_is_shown_corrected_and_followed_to_the_reports_fit_section(page: Page, site: Site) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site.server.base + "/")
    page.get_by_label("Candidate").fill("posting-page")
    page.get_by_label("Core questions").fill("1")
    page.get_by_label("Follow-ups per question").fill("0")
    page.get_by_label("Questions are spoken and answers recorded").uncheck()
    page.get_by_placeholder("Paste the posting you are practising for").fill(POSTING)
    page.get_by_role("button", name="Read posting").click()
    expect(page.locator("#posting-summary")).to_contain_text("Senior Data Engineer, Streaming: level senior, cloud aws")
    expect(page.get_by_label("Its level")).to_have_value("senior")
    page.get_by_label("Its level").select_option("mid")  # the candidate corrects what was read
    page.get_by_role("button", name="Start interview").click()
    expect(page.get_by_text("Question 1 of 1")).to_be_visible(timeout=TURN_MS)
    page.get_by_placeholder("…or type your answer here").fill("Watermarks bound how long state waits for late events.")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#report-view")).to_be_visible(timeout=TURN_MS)
    expect(page.locator("#report-fit")).to_contain_text("Fit to the posting: Senior Data Engineer, Streaming")
    assert errors == []
    session_id = re.sub(r"^#report=", "", page.evaluate("location.hash"))
    row = site.server.session_row(session_id)
    assert row["level"] == "mid" and row["posting_title"] == "Senior Data Engineer, Streaming"
