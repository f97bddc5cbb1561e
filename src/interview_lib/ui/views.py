"""Setup form, interview room and report view as ipywidgets. All logic goes through ``Interview``."""

from __future__ import annotations

import base64
import html
import threading
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from interview_lib.domain import planning
from interview_lib.domain.models import CLOUDS, LEVELS, ROLES, InterviewSetup
from interview_lib.domain.posting import PostingProfile
from interview_lib.domain.report import SessionReport, certainty_note
from interview_lib.domain.skills import SKILLS
from interview_lib.domain.states import InterviewState
from interview_lib.errors import InterviewLibError
from interview_lib.reports.render import render_html
from interview_lib.session.intake import LiveAnswer
from interview_lib.session.interview import Interview, TurnOutcome
from interview_lib.speech.hands_free import thinking_check
from interview_lib.speech.streaming import Samples
from interview_lib.speech.tts import Speaker
from interview_lib.ui.browser_microphone import StreamingMicrophone
from interview_lib.ui.hands_free import HandsFreeOption
from interview_lib.ui.posting import PostingPanel

MAX_MESSAGE_BYTES = 8 * 1024 * 1024  # keep widget messages well under Databricks' limit


def _esc(text: object) -> str:
    return html.escape(str(text))


class SetupView:
    """Who, which role/level/cloud, focus skills, how many questions, voice on/off, the job posting (optional);
    shows backend status."""

    def __init__(
        self,
        status: dict[str, str],
        on_start: Callable[[InterviewSetup, bool], None],
        read_posting: Callable[[str], PostingProfile],
    ) -> None:
        self.candidate = w.Text(description="Candidate", placeholder="your name or id")
        self.cohort = w.Text(description="Cohort", value="default")
        self.role = w.Dropdown(description="Role", options=list(ROLES))
        self.level = w.Dropdown(description="Level", options=list(LEVELS), value="mid")
        self.cloud = w.Dropdown(description="Cloud", options=list(CLOUDS), value="databricks-agnostic")
        self.focus = w.SelectMultiple(description="Focus", options=[(t, k) for k, t in SKILLS.items()], rows=5)
        self.questions = w.IntSlider(description="Questions", value=5, min=1, max=15)
        self.voice = w.Checkbox(description="Voice (speak questions, record answers)", value=True)
        self.posting = PostingPanel(read_posting)
        self.start = w.Button(description="Start interview", button_style="primary")
        self.error = w.HTML()
        lines = "".join(f"<li><b>{_esc(k)}</b>: {_esc(v)}</li>" for k, v in status.items())
        self.status = w.HTML(f"<details open><summary>Backends</summary><ul>{lines}</ul></details>")
        self.start.on_click(lambda _b: self._start(on_start))
        self.widget = w.VBox(
            [
                w.HTML("<h3>DataReady mock interview</h3>"),
                self.candidate,
                self.cohort,
                self.role,
                self.level,
                self.cloud,
                self.focus,
                self.questions,
                self.voice,
                self.posting.widget,
                self.status,
                self.start,
                self.error,
            ]
        )

    def _start(self, on_start: Callable[[InterviewSetup, bool], None]) -> None:
        if not self.candidate.value.strip():
            self.error.value = "<span style='color:#a40e26'>Enter a candidate id to start.</span>"
            return
        try:
            posting = self.posting.profile()
        except InterviewLibError as exc:
            self.error.value = f"<span style='color:#a40e26'>{_esc(exc)}</span>"
            return
        self.start.disabled = True
        setup = InterviewSetup(
            candidate_id=self.candidate.value.strip(),
            cohort=self.cohort.value.strip() or "default",
            role=self.role.value,
            level=self.level.value,
            cloud=self.cloud.value,
            focus_skills=list(self.focus.value),
            core_questions=self.questions.value,
        )
        on_start(planning.with_posting(setup, posting), self.voice.value)


class RecordingTimer:
    """A visible "● recording 0:12" while the microphone records (updated from a background thread)."""

    def __init__(self, label: w.HTML) -> None:
        self.label = label
        self._stop = threading.Event()

    def toggle(self, recording: bool) -> None:
        """Start counting when recording starts; stop when it stops."""
        self._stop.set()
        if recording:
            self._stop = threading.Event()
            threading.Thread(target=self._tick, args=(self._stop, time.monotonic()), daemon=True).start()

    def _tick(self, stop: threading.Event, started: float) -> None:
        while True:
            seconds = int(time.monotonic() - started)
            self.label.value = f"<span style='color:#c0392b'>● recording {seconds // 60}:{seconds % 60:02d}</span>"
            if stop.wait(1.0):
                return


class RoomView:
    """One question at a time: listen, answer (mic, upload or text), see the transcript and a feedback line.

    A spoken answer is transcribed while it is recorded (``Interview.listen``); "Stop" submits it, and so does a
    silence when hands-free is on (a countdown shows first; "let me think" holds it).
    """

    def __init__(
        self,
        interview: Interview,
        speaker: Speaker | None,
        mic: StreamingMicrophone | None,
        mic_note: str | None,
        on_finish: Callable[[SessionReport], None],
    ) -> None:
        self.interview = interview
        self.speaker = speaker
        self.mic = mic
        self._on_finish = on_finish
        self._busy = False
        self._live: LiveAnswer[TurnOutcome] | None = None
        self.progress = w.HTML()
        self.question = w.HTML()
        self.audio = w.Audio(autoplay=True, controls=True, layout=w.Layout(display="none"))
        self.upload = w.FileUpload(accept="audio/*", multiple=False, description="Upload answer")
        self.text = w.Textarea(placeholder="…or type your answer here", layout=w.Layout(width="100%", height="6em"))
        self.submit = w.Button(description="Submit", button_style="primary")
        self.skip = w.Button(description="Skip")
        self.pause = w.Button(description="Pause")
        self.end = w.Button(description="End interview", button_style="warning")
        self.recording = w.HTML()
        self.feedback = w.HTML()
        self.notice = w.HTML(f"<i>{_esc(mic_note)}</i>" if mic_note else "")
        self.submit.on_click(lambda _b: self._guarded(self._submit))
        self.skip.on_click(lambda _b: self._guarded(self._skip))
        self.pause.on_click(lambda _b: self._guarded(self._toggle_pause))
        self.end.on_click(lambda _b: self._guarded(self._end))
        stt = interview.intake.stt
        self.hands_free = HandsFreeOption(thinking_check(stt) if stt is not None else None)
        answer_inputs: list[Any] = [self.mic, self.recording, self.hands_free.widget] if self.mic else []
        self._timer = RecordingTimer(self.recording)
        if self.mic:
            self.mic.on_answer(self._mic_started, self._mic_audio, lambda: self._guarded(self._mic_stopped))
            self.mic.observe(lambda change: self._timer.toggle(bool(change["new"])), names="recording")
            self.mic.observe(self._mic_error, names="error")
        self.widget = w.VBox(
            [
                self.progress,
                self.question,
                self.audio,
                self.notice,
                *answer_inputs,
                self.upload,
                self.text,
                w.HBox([self.submit, self.skip, self.pause, self.end]),
                self.feedback,
            ]
        )
        self._show_question()

    # -- actions -----------------------------------------------------------------------------------------
    def _guarded(self, action: Callable[[], None]) -> None:
        """Ignore clicks while busy, so a double click never submits twice."""
        if self._busy:
            return
        self._busy = True
        self._set_buttons(disabled=True)
        try:
            action()
        except Exception as exc:  # show it; the interview keeps its state
            self.feedback.value = f"<span style='color:#a40e26'>{_esc(exc)}</span>"
        finally:
            self._busy = False
            self._set_buttons(disabled=self.interview.current_question is None)

    def _submit(self) -> None:
        audio = self._pending_audio()
        if audio:
            outcome = self.interview.answer_audio(audio)
        elif self.text.value.strip():
            outcome = self.interview.answer(self.text.value)
        else:
            self.feedback.value = "Record, upload or type an answer first."
            return
        self._after(outcome)

    def _skip(self) -> None:
        self._after(self.interview.skip())

    def _toggle_pause(self) -> None:
        if self.interview.state is InterviewState.PAUSED:
            self.interview.resume()
            self.pause.description = "Pause"
        else:
            self.interview.pause()
            self.pause.description = "Resume"
        self._show_progress()

    def _end(self) -> None:
        self._drop_live()
        self._on_finish(self.interview.end())

    def _mic_started(self) -> None:
        try:
            self._live = live = self.interview.listen()
            self.feedback.value = ""
        except InterviewLibError as exc:  # e.g. paused: nothing is waiting for an answer
            self.feedback.value = f"<span style='color:#a40e26'>{_esc(exc)}</span>"
            return
        self.hands_free.begin(lambda: live.audio().samples, live.cut)

    def _mic_audio(self, samples: Samples) -> None:
        if self._live is None:
            return  # the answer was submitted (a silence ended it) or dropped: the browser's last block is late
        self._live.feed(samples)
        if self.hands_free.feed(samples):
            if self.mic is not None:
                self.mic.stop_recording()  # the browser stops as if "Stop" were pressed; its "stop" finds no answer
            self._guarded(self._mic_stopped)

    def _mic_stopped(self) -> None:
        live, self._live = self._live, None
        self.hands_free.end()
        if live is not None:
            self._after(live.finish())

    def _drop_live(self) -> None:
        """Skipped or ended while recording: that recording answers nothing."""
        self.hands_free.end()
        if self._live is not None:
            self._live.cancel()
            self._live = None

    def _mic_error(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.feedback.value = (
                f"<span style='color:#a40e26'>The microphone could not be opened ({_esc(change['new'])}): "
                "allow it in the browser, or upload a recording or type.</span>"
            )

    # -- rendering ---------------------------------------------------------------------------------------
    def _pending_audio(self) -> bytes | None:
        if self.upload.value:
            item = self.upload.value[0]
            return bytes(item["content"])
        return None

    def _after(self, outcome: TurnOutcome) -> None:
        self._drop_live()
        transcript = outcome.turn.transcript.text if outcome.turn.transcript and outcome.evaluation else ""
        evaluation = outcome.evaluation
        if evaluation is None:
            line = _esc(outcome.message)
        elif evaluation.status == "scored":
            line = f"Score <b>{evaluation.overall:.1f}</b>/10 — {_esc(evaluation.rationale)}"
            if note := certainty_note(evaluation):
                line += f" <i>({_esc(note)})</i>"
        else:
            line = f"Not scored: {_esc(evaluation.reason)}"
        heard = f"<p><b>Transcript:</b> {_esc(transcript)}</p>" if transcript else ""
        self.feedback.value = heard + f"<p>{line}</p>"
        self.text.value = ""
        self.upload.value = ()
        self.recording.value = ""
        if self.interview.current_question is None:
            self._on_finish(self.interview.end())
        else:
            self._show_question()

    def _show_progress(self) -> None:
        session = self.interview.session
        turn = session.current_turn
        core = len(session.core_turns)
        marker = f" · {turn.question.follow_up_type} follow-up" if turn and turn.question.follow_up_type else ""
        self.progress.value = (
            f"<b>Question {core} of {session.setup.core_questions}</b>{marker} · state {self.interview.state.value}"
        )

    def _show_question(self) -> None:
        question = self.interview.current_question
        if question is None:
            return
        self._show_progress()
        self.question.value = f"<p style='font-size:1.2em'>{_esc(question.text)}</p>"
        self.audio.layout.display = "none"
        if self.speaker is not None:
            spoken = self.speaker.speak(question.text)
            if spoken.path is not None and spoken.path.stat().st_size < MAX_MESSAGE_BYTES:
                self.audio.value = spoken.path.read_bytes()
                self.audio.format = spoken.path.suffix.lstrip(".")
                self.audio.layout.display = None
            elif spoken.note:
                self.interview.add_note(spoken.note)
                self.notice.value = f"<i>{_esc(spoken.note)}</i>"

    def _set_buttons(self, *, disabled: bool) -> None:
        for button in (self.submit, self.skip, self.pause, self.end):
            button.disabled = disabled
        if not disabled and self.interview.state is InterviewState.PAUSED:
            self.submit.disabled = self.skip.disabled = True
        if self.mic is not None:
            self.mic.enabled = not self.submit.disabled


def report_view(report: SessionReport, where: dict[str, str], skills_png: bytes | None) -> w.Widget:
    """The session report (the same template as the HTML report), a per-skill chart and where it is recorded."""
    parts: list[Any] = [w.HTML(render_html(report, fragment=True))]
    if skills_png:
        chart = base64.b64encode(skills_png).decode()
        parts.append(w.HTML(f"<img alt='per-skill scores' src='data:image/png;base64,{chart}'>"))
    refs = "".join(f"<li>{_esc(k)}: <code>{_esc(v)}</code></li>" for k, v in where.items())
    parts.append(w.HTML(f"<h4>Where this is recorded</h4><ul>{refs}</ul>"))
    return w.VBox(parts)
