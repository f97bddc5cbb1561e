"""The sessions one server holds: each with its interview, its owner, one lock and the connections watching it.

Every session belongs to the user who set it up; the owner is stamped on its ``sessions`` row and tagged on its
MLflow run (by the wiring), so a session the server no longer holds in memory (it restarted) is resumed from the
tables for its owner, and only for them.
Interview calls are blocking (speech, scoring, table writes): they run in worker threads, one at a time per session.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from anyio import to_thread

from interview_lib.app.protocol import ServerMessage, SetupRequest, TranscriptOut
from interview_lib.app.voices import ObservedSpeech, Voices
from interview_lib.domain.report import SessionReport, build_report
from interview_lib.domain.states import TERMINAL
from interview_lib.errors import StoreError
from interview_lib.session.intake import LiveAnswer
from interview_lib.session.interview import Interview, TurnOutcome
from interview_lib.settings import Settings
from interview_lib.speech.end_of_answer import EndOfAnswer
from interview_lib.store.base import Store
from interview_lib.store.resume import load_session
from interview_lib.wiring import open_interview, open_store, resume_interview

T = TypeVar("T")
Send = Callable[[ServerMessage], None]


async def off_loop(work: Callable[[], T]) -> T:
    """Run blocking work in a worker thread, so no candidate's speech or scoring stalls another's socket."""
    return await to_thread.run_sync(work)


@dataclass(eq=False)
class Runtime:
    """One session as the server holds it."""

    interview: Interview
    owner: str
    voice: bool
    loop: asyncio.AbstractEventLoop
    speech: ObservedSpeech | None = None
    started: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    live: LiveAnswer[TurnOutcome] | None = None
    detector: EndOfAnswer | None = None
    listen_closed_at: float = float("-inf")  # when the last live answer closed (late frames are dropped)
    listeners: dict[int, Send] = field(default_factory=dict)  # connection id → how to send to it

    @property
    def session_id(self) -> str:
        """The session's id."""
        return self.interview.session.session_id

    def broadcast(self, message: ServerMessage) -> None:
        """Send to every connection on this session, in order."""
        for send in list(self.listeners.values()):
            send(message)

    def heard_so_far(self, text: str) -> None:
        """A live answer's partial transcript (called from the recogniser's thread)."""
        turn = self.interview.session.current_turn
        message = TranscriptOut(turn_no=turn.turn_no if turn else 0, text=text, final=False)
        self.loop.call_soon_threadsafe(self.broadcast, message)

    def close_live(self) -> LiveAnswer[TurnOutcome] | None:
        """Detach the live answer (if any): frames that arrive after this are dropped."""
        live, self.live, self.detector = self.live, None, None
        if live is not None:
            self.listen_closed_at = time.monotonic()
        return live


class Sessions:
    """Every session this server holds, by id; opens, finds (resuming from the tables) and reports them."""

    def __init__(self, settings: Settings, voices: Voices) -> None:
        self.settings = settings
        self.voices = voices
        self._held: dict[str, Runtime] = {}
        self._finding: dict[str, asyncio.Lock] = {}
        self._lookups: Store | None = None
        self._lookup_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._held)

    async def open(self, owner: str, request: SetupRequest) -> Runtime:
        """A new session for ``owner``, its first question asked (sent when the client says ``start``)."""
        session_id = str(uuid.uuid4())
        loop = asyncio.get_running_loop()
        holder: list[Runtime] = []

        def build() -> Interview:
            speech = self._speech(request.voice, holder)
            interview = open_interview(
                request.interview_setup(), self.settings, session_id=session_id, owner=owner, stt=speech
            )
            holder.append(Runtime(interview, owner, request.voice, loop, speech=speech))
            return interview

        await off_loop(build)
        runtime = holder[0]
        self._held[session_id] = runtime
        return runtime

    async def find(self, owner: str, session_id: str) -> Runtime | None:
        """The session ``session_id`` if ``owner`` owns it: held, or resumed from the tables; else None."""
        held = self._held.get(session_id)
        if held is not None:
            return held if held.owner == owner else None
        lock = self._finding.setdefault(session_id, asyncio.Lock())
        async with lock:
            if session_id in self._held:
                return await self.find(owner, session_id)
            if await off_loop(lambda: self.owner_of(session_id)) != owner:
                return None
            runtime = await self._resume(owner, session_id)
            self._held[session_id] = runtime
            return runtime

    async def _resume(self, owner: str, session_id: str) -> Runtime:
        loop = asyncio.get_running_loop()

        holder: list[Runtime] = []

        def resume() -> Runtime:
            with self._lookup_lock:
                voice = "stt" in load_session(self._store(), session_id).session.backends
            speech = self._speech(voice, holder)
            interview = resume_interview(session_id, self.settings, owner=owner, stt=speech)
            holder.append(Runtime(interview, owner, voice, loop, speech=speech, started=True))
            return holder[0]

        return await off_loop(resume)

    def _speech(self, voice: bool, holder: list[Runtime]) -> ObservedSpeech | None:
        """For a spoken session, the shared recogniser reporting to the session ``holder`` will hold."""
        if not voice:
            return None
        return ObservedSpeech(self.voices.recogniser(), lambda text: holder[0].heard_so_far(text))

    def owner_of(self, session_id: str) -> str | None:
        """Who owns the stored session (None: no such session, or not one the web app set up)."""
        with self._lookup_lock:
            rows = self._store().read("sessions", session_id).to_pylist()
        owner = rows[0].get("owner") if rows else None
        return str(owner) if owner else None

    def _store(self) -> Store:
        if self._lookups is None:
            self._lookups = open_store(self.settings)
        return self._lookups

    async def report(self, owner: str, session_id: str) -> SessionReport | None:
        """The session's report as it stands, for its owner only (None otherwise)."""
        held = self._held.get(session_id)
        if held is not None:
            if held.owner != owner:
                return None
            async with held.lock:
                return await off_loop(held.interview.report)
        if await off_loop(lambda: self.owner_of(session_id)) != owner:
            return None

        def stored() -> SessionReport | None:
            try:
                with self._lookup_lock:
                    return build_report(load_session(self._store(), session_id).session)
            except StoreError:
                return None

        return await off_loop(stored)

    def release(self, runtime: Runtime) -> None:
        """Forget a finished session nobody watches (its report stays readable from the tables)."""
        if not runtime.listeners and runtime.interview.state in TERMINAL and not runtime.lock.locked():
            self._held.pop(runtime.session_id, None)
