"""The notebook room's widgets, driven by their own click handlers (the browser tests drive the same code)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from interview_lib.domain.models import InterviewSetup
from interview_lib.domain.report import SessionReport
from interview_lib.reasoning.posting import extract_posting
from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score
from interview_lib.session.intake import AnswerIntake
from interview_lib.session.interview import Interview
from interview_lib.settings import Settings
from interview_lib.speech.tts import Silent, Speaker
from interview_lib.ui import practice_interview
from interview_lib.ui.views import RoomView, SetupView


def _clock():  # type: ignore[no-untyped-def]
    ticks = itertools.count()
    return lambda: datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=next(ticks))


def _room(tmp_path: Path, score: float = 7.0, questions: int = 2) -> tuple[RoomView, list[SessionReport]]:
    setup = InterviewSetup(candidate_id="ana", core_questions=questions, max_follow_ups=0, seed=1)
    interview = Interview.start(setup, ScriptedReasoner(judge=fixed_score(score)), clock=_clock())
    finished: list[SessionReport] = []
    room = RoomView(interview, Speaker(Silent(), tmp_path), None, "no microphone here", finished.append)
    return room, finished


def test_setup_requires_a_candidate_and_then_starts() -> None:
    started: list[tuple[InterviewSetup, bool]] = []
    view = SetupView({"interviewer": "rubric (offline)"}, lambda s, v: started.append((s, v)), extract_posting)
    view.start.click()
    assert started == [] and "candidate" in view.error.value
    view.candidate.value = "ana"
    view.questions.value = 3
    view.voice.value = False
    view.start.click()
    assert started[0][0].candidate_id == "ana" and started[0][0].core_questions == 3 and started[0][1] is False
    assert view.start.disabled
    assert "rubric (offline)" in view.status.value


STREAMING_POSTING = """Senior Data Engineer, Streaming (AWS)
You will run Kafka topics and Spark Structured Streaming jobs with watermarks and exactly-once sinks on AWS.
Nice to have: Airflow."""


def test_the_setup_shows_what_the_posting_asks_for_and_starts_with_the_candidates_corrections() -> None:
    started: list[tuple[InterviewSetup, bool]] = []
    view = SetupView({}, lambda s, v: started.append((s, v)), extract_posting)
    view.candidate.value = "ana"
    view.posting.text.value = STREAMING_POSTING
    view.posting.read_button.click()
    shown = view.posting.summary.value
    assert "Senior Data Engineer, Streaming (AWS)" in shown and "Streaming" in shown and "kafka" in shown.lower()
    assert view.posting.level.value == "senior" and view.posting.cloud.value == "aws"
    assert view.posting.skills.value[0] == "streaming"
    view.posting.skills.value = ("streaming", "data_quality")  # the candidate drops Spark, adds data quality
    view.posting.level.value = "mid"
    view.start.click()
    setup = started[0][0]
    assert setup.posting is not None and setup.posting.corrected
    assert set(setup.posting.skills) == {"streaming", "data_quality"} and setup.posting.skills["streaming"] == 1.0
    assert (setup.level, setup.cloud) == ("mid", "aws")  # the posting's, as corrected


def test_a_posting_that_cannot_be_read_is_one_line_and_nothing_starts() -> None:
    started: list[tuple[InterviewSetup, bool]] = []
    view = SetupView({}, lambda s, v: started.append((s, v)), extract_posting)
    view.candidate.value = "ana"
    view.posting.text.value = "x" * 60_000
    view.start.click()
    assert started == [] and "50" in view.posting.summary.value and "could not be read" in view.error.value
    view.posting.text.value = "Pastry chef wanted: croissants, laminated dough and early mornings."
    view.start.click()
    assert "no data-engineering skill" in view.posting.summary.value
    setup = started[0][0]
    assert setup.posting is not None and not setup.posting.is_data_engineering and setup.level == "mid"


def test_a_typed_answer_shows_score_and_moves_to_the_next_question(tmp_path: Path) -> None:
    room, _ = _room(tmp_path)
    first = room.question.value
    assert "Question 1 of 2" in room.progress.value and "LISTENING" in room.progress.value
    room.text.value = "A broadcast join ships the small table to every executor."
    room.submit.click()
    assert "Score <b>7.0</b>" in room.feedback.value
    assert room.question.value != first and "Question 2 of 2" in room.progress.value
    assert room.text.value == "" and not room.submit.disabled
    assert "no microphone here" in room.notice.value


def test_submitting_nothing_asks_for_an_answer_and_scores_nothing(tmp_path: Path) -> None:
    room, _ = _room(tmp_path)
    room.submit.click()
    assert "first" in room.feedback.value
    assert room.interview.session.turns[-1].evaluation is None


def test_a_click_while_busy_is_ignored(tmp_path: Path) -> None:
    room, _ = _room(tmp_path)
    room._busy = True
    room.text.value = "an answer"
    room.submit.click()
    assert room.interview.session.turns[-1].evaluation is None


def test_pause_disables_answering_until_resumed(tmp_path: Path) -> None:
    room, _ = _room(tmp_path)
    room.pause.click()
    assert room.pause.description == "Resume" and room.submit.disabled and room.skip.disabled
    assert "PAUSED" in room.progress.value
    room.pause.click()
    assert not room.submit.disabled and "LISTENING" in room.progress.value


def test_skip_and_end_lead_to_the_report(tmp_path: Path) -> None:
    room, finished = _room(tmp_path, questions=3)
    room.skip.click()
    room.text.value = "something"
    room.submit.click()
    room.end.click()
    assert len(finished) == 1 and finished[0].skipped == 1 and finished[0].answered == 1


def test_the_last_answer_finishes_the_interview(tmp_path: Path) -> None:
    room, finished = _room(tmp_path, questions=1)
    room.text.value = "only answer"
    room.submit.click()
    assert len(finished) == 1 and finished[0].overall == 7.0


@pytest.mark.slow
def test_practice_interview_runs_from_setup_to_report_with_typed_answers(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, reasoner="scripted:6", tts="silent")
    root = practice_interview(settings)
    setup_box = root.children[0]
    text_inputs = [c for c in setup_box.children if getattr(c, "description", "") == "Candidate"]
    text_inputs[0].value = "ben"
    voice = next(c for c in setup_box.children if getattr(c, "description", "").startswith("Voice"))
    voice.value = False
    questions = next(c for c in setup_box.children if getattr(c, "description", "") == "Questions")
    questions.value = 1
    next(c for c in setup_box.children if getattr(c, "description", "") == "Start interview").click()
    room_box = root.children[0]
    textarea = next(c for c in room_box.children if c.__class__.__name__ == "Textarea")
    textarea.value = "An answer."
    buttons = next(c for c in room_box.children if c.__class__.__name__ == "HBox").children
    next(b for b in buttons if b.description == "Submit").click()
    report_html = root.children[0].children[0].value
    assert "Interview report" in report_html and "6.0" in report_html


def test_the_review_widget_stores_a_human_score(tmp_path: Path) -> None:
    from interview_lib.ui.review import review_widget
    from interview_lib.wiring import open_recorder, open_store

    settings = Settings(home=tmp_path, tts="silent")
    setup = InterviewSetup(candidate_id="ana", cohort="c", core_questions=1, max_follow_ups=0, seed=1)
    interview = Interview.start(setup, ScriptedReasoner(judge=fixed_score(4)), recorder=open_recorder(settings))
    interview.answer("An answer to review.")
    interview.end()
    store = open_store(settings)
    widget = review_widget(store, "c")
    _choice, shown, reviewer, score, _note, save, status = widget.children[1:]
    assert "An answer to review." in shown.value and "4.0" in shown.value
    save.click()
    assert "enter your name" in status.value
    reviewer.value, score.value = "bob", 7.5
    save.click()
    humans = store.read("scores").to_pandas().query("scorer == 'human:bob'")
    assert humans["overall"].tolist() == [7.5] and "Saved" in status.value


def test_the_recording_indicator_counts_while_recording_and_stops_after() -> None:
    import time

    import ipywidgets as w

    from interview_lib.ui.views import RecordingTimer

    label = w.HTML()
    timer = RecordingTimer(label)
    timer.toggle(True)
    deadline = time.monotonic() + 5
    while "recording 0:0" not in label.value and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "● recording 0:0" in label.value
    timer.toggle(False)
    assert timer._stop.is_set()


# -- the streaming microphone, driven by the messages the browser sends ---------------------------------------
class NoRecogniser:
    """A recogniser that fails the test if audio reaches it."""

    name = "none"

    def transcribe(self, audio: object) -> object:
        raise AssertionError("a dropped recording was transcribed")


def _browser_sends(mic: object, kind: str, samples: object = None) -> None:
    """What the widget's JavaScript sends: a message with float32 sample blocks as binary buffers."""
    import numpy as np

    buffers = [] if samples is None else [np.asarray(samples, dtype=np.float32).tobytes()]
    mic._message(mic, {"kind": kind}, buffers)  # type: ignore[attr-defined]


def _mic_room(tmp_path: Path, stt: object) -> tuple[RoomView, object]:
    from interview_lib.ui.browser_microphone import StreamingMicrophone

    setup = InterviewSetup(candidate_id="mic", core_questions=2, max_follow_ups=0, seed=1)
    interview = Interview.start(setup, ScriptedReasoner(judge=fixed_score(6.0)), intake=AnswerIntake(stt))  # type: ignore[arg-type]
    mic = StreamingMicrophone()
    return RoomView(interview, Speaker(Silent(), tmp_path), mic, None, lambda _r: None), mic


@pytest.mark.slow
def test_speech_streamed_from_the_browser_is_transcribed_and_stop_submits_it(tmp_path: Path) -> None:
    import numpy as np

    from interview_lib.speech.audio import decode
    from interview_lib.speech.stt import create_stt

    from .test_voice import espeak

    speech = decode(espeak("Delta Lake keeps a transaction log, so readers see a consistent snapshot.")).samples
    room, mic = _mic_room(tmp_path, create_stt("faster-whisper:tiny.en", cache_dir=tmp_path / "cache"))
    first = room.question.value
    _browser_sends(mic, "start")
    for start in range(0, len(speech), 8000):  # half a second per message, as the widget sends
        _browser_sends(mic, "audio", speech[start : start + 8000])
    _browser_sends(mic, "stop")
    assert "delta lake" in room.feedback.value.lower() and "Score <b>6.0</b>" in room.feedback.value
    assert room.question.value != first and "Question 2 of 2" in room.progress.value
    turn = room.interview.session.turns[0]
    assert turn.transcript is not None and turn.transcript.duration_s == pytest.approx(len(speech) / 16000, abs=1e-3)
    assert np.isfinite(turn.delivery["words_per_minute"])


def test_skipping_while_recording_drops_the_recording(tmp_path: Path) -> None:
    room, mic = _mic_room(tmp_path, NoRecogniser())
    _browser_sends(mic, "start")
    _browser_sends(mic, "audio", [0.0] * 8000)
    room.skip.click()
    _browser_sends(mic, "stop")
    assert "Question 2 of 2" in room.progress.value and room.interview.session.turns[-1].transcript is None
    assert room.interview.state.value == "LISTENING"


def test_recording_while_paused_says_nothing_is_waiting(tmp_path: Path) -> None:
    room, mic = _mic_room(tmp_path, NoRecogniser())
    room.pause.click()
    assert not mic.enabled  # type: ignore[attr-defined]
    _browser_sends(mic, "start")
    _browser_sends(mic, "stop")
    assert "no question is waiting" in room.feedback.value
