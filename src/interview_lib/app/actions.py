"""What happens to a session, told to every connection on it: each action runs through the interview off the event
loop, then its transcript, evaluation, transitions and the next question (or the report) are broadcast in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from interview_lib.app import messages
from interview_lib.app.protocol import Complete, Ended, ListeningOut, Notice, TranscriptOut
from interview_lib.app.sessions import Runtime, Sessions, off_loop
from interview_lib.domain.states import TERMINAL
from interview_lib.session.intake import LiveAnswer
from interview_lib.session.interview import TurnOutcome

log = logging.getLogger(__name__)


class Actions:
    """Drives one session's interview for a connection (the caller holds the session's lock)."""

    def __init__(self, runtime: Runtime, sessions: Sessions) -> None:
        self.runtime = runtime
        self.sessions = sessions
        self._tasks: set[asyncio.Future[None]] = set()

    async def finish(self, live: LiveAnswer[TurnOutcome]) -> None:
        """The candidate stopped (or the countdown ran out): score the live answer."""
        self.stop_listening()
        try:
            await self.act(live.finish)
        finally:
            if self.runtime.speech is not None:
                self.runtime.speech.stop()

    def drop_live(self) -> None:
        """Throw away the answer being recorded, if any (skipped, paused or ended while recording)."""
        if (live := self.runtime.close_live()) is not None:
            live.cancel()
            self.stop_listening()

    def stop_listening(self) -> None:
        """Tell the connections the live answer is closed (the page stops its microphone)."""
        self.runtime.broadcast(ListeningOut(active=False))

    async def act(self, work: Callable[[], TurnOutcome]) -> None:
        """Answer or skip (``work``), then tell what came of it: transcript, evaluation, the next question."""
        session = self.runtime.interview.session
        seen, asked = len(session.transitions), len(session.turns)
        outcome = await off_loop(work)
        turn, runtime = outcome.turn, self.runtime
        evaluation = messages.evaluation_message(outcome)
        if evaluation is not None and turn.transcript is not None:
            runtime.broadcast(TranscriptOut(turn_no=turn.turn_no, text=turn.transcript.text, final=True))
            runtime.broadcast(evaluation)
        elif not turn.skipped:  # nothing usable was heard: the same question stays open
            runtime.broadcast(Notice(message=outcome.message))
        self.transitions(seen)
        await self.next(asked)

    async def transition(self, change: Callable[[], None]) -> None:
        """Pause or resume (``change``), then tell the transitions."""
        seen = len(self.runtime.interview.session.transitions)
        await off_loop(change)
        self.transitions(seen)

    def transitions(self, seen: int) -> None:
        """Tell the transitions after the first ``seen``."""
        for change in messages.transitions_since(self.runtime.interview.session, seen):
            self.runtime.broadcast(change)

    async def next(self, asked: int | None) -> None:
        """After an action: the question asked since ``asked`` turns (None: the open one), or the report."""
        runtime = self.runtime
        session, turn = runtime.interview.session, runtime.interview.session.current_turn
        if runtime.interview.current_question is not None and turn is not None:
            if asked is None or len(session.turns) > asked:  # a retry leaves the same question open: not sent again
                runtime.broadcast(messages.question_message(session, turn, voice=runtime.voice))
                self.prepare_voice(turn.question.text)
        elif runtime.interview.state not in TERMINAL:
            runtime.broadcast(Complete(message="That was the last question: here is your report."))
            await self.report()

    def prepare_voice(self, text: str) -> None:
        """Synthesize the question now, so the page's request for its audio finds it ready."""
        if self.runtime.voice:
            self.background(self.speak(text))

    async def speak(self, text: str) -> None:
        """Synthesize ``text`` with the shared voice (cached by text)."""
        with contextlib.suppress(Exception):  # a voice failure shows when the page asks for the audio
            await off_loop(lambda: self.sessions.voices.speak(text))

    def background(self, work: Awaitable[None]) -> None:
        """Run ``work`` alongside, keeping a reference until it is done."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("session %s: %s", self.runtime.session_id, error, exc_info=error)

    async def report(self) -> None:
        """End the interview and send the report."""
        seen = len(self.runtime.interview.session.transitions)
        report = await off_loop(self.runtime.interview.end)
        self.transitions(seen)
        url = f"report/{report.session_id}"
        self.runtime.broadcast(Ended(report=report.model_dump(mode="json"), report_url=url))
