"""One WebSocket connection to a session: it reads the client's messages and the live answer's audio frames,
drives the interview through its public API off the event loop (one action at a time per session) and tells every
connection on the session what happened. A bad message gets an ``error`` and the connection carries on."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import numpy as np
from anyio import to_thread
from starlette.websockets import WebSocket, WebSocketDisconnect

from interview_lib.app import messages
from interview_lib.app.actions import Actions
from interview_lib.app.protocol import (
    ClientMessage,
    Connected,
    CountdownOut,
    Discard,
    End,
    ErrorOut,
    Listen,
    ListeningOut,
    Pause,
    Ping,
    Pong,
    ProtocolError,
    Response,
    Resume,
    ServerMessage,
    Skip,
    Start,
    parse_client,
)
from interview_lib.app.sessions import Runtime, Sessions, off_loop
from interview_lib.errors import InterviewLibError
from interview_lib.session.intake import LiveAnswer
from interview_lib.session.interview import TurnOutcome
from interview_lib.speech.end_of_answer import EndOfAnswer, Listening, Signal
from interview_lib.speech.hands_free import said_thinking, thinking_clip

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 256 * 1024  # one binary frame: 8 s of 16 kHz 16-bit audio (the page sends 0.1 s)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # an uploaded recording (ten minutes of WAV at 16 kHz is 19 MiB)
MAX_TEXT_CHARS = MAX_UPLOAD_BYTES * 4 // 3 + 64 * 1024  # a JSON message: that recording in base64, and room
LATE_FRAMES_S = 3.0  # frames this soon after a live answer closed are the page catching up, not a mistake
THINK_CHECK_TIMEOUT_S = 15.0  # past this a thinking check gives up, and the pause may end the answer
HANDS_FREE_SILENCE_S = Listening().silence_s


class Outbox:
    """What one connection is sent, in order, by one sender task."""

    def __init__(self, websocket: WebSocket) -> None:
        self._websocket = websocket
        self._queue: asyncio.Queue[ServerMessage | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._send_all())

    def put(self, message: ServerMessage) -> None:
        """Queue ``message`` (from the event loop's thread)."""
        self._queue.put_nowait(message)

    async def _send_all(self) -> None:
        while (message := await self._queue.get()) is not None:
            try:
                await self._websocket.send_text(message.model_dump_json())
            except (WebSocketDisconnect, RuntimeError, OSError):
                return  # the client went away; what was queued for it is dropped

    async def close(self) -> None:
        """Send what is queued, then stop."""
        self._queue.put_nowait(None)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._task, timeout=5)


class Conversation:
    """The client on one connection, driving its session."""

    def __init__(self, websocket: WebSocket, runtime: Runtime, sessions: Sessions, user: str) -> None:
        self.websocket = websocket
        self.runtime = runtime
        self.sessions = sessions
        self.user = user
        self.outbox = Outbox(websocket)
        self.actions = Actions(runtime, sessions)
        self._handlers: dict[type[Any], Callable[[Any], Awaitable[None]]] = {
            Start: self._start,
            Response: self._respond,
            Listen: self._listen,
            Discard: self._discard,
            Skip: self._skip,
            Pause: self._pause,
            Resume: self._resume,
            End: self._end,
        }

    async def run(self) -> None:
        """Greet, then take messages until the client goes away."""
        runtime = self.runtime
        runtime.listeners[id(self)] = self.outbox.put
        self.outbox.put(self._connected())
        try:
            await self._receive()
        finally:
            del runtime.listeners[id(self)]
            if not runtime.listeners and (live := runtime.close_live()) is not None:
                live.cancel()  # the only client dropped mid-answer: the question stays open for when it is back
            self.sessions.release(runtime)
            await self.outbox.close()

    async def _receive(self) -> None:
        while True:
            event = await self.websocket.receive()
            if event["type"] == "websocket.disconnect":
                return
            try:
                if event.get("bytes") is not None:
                    await self._audio(event["bytes"])
                elif event.get("text") is not None:
                    await self._text(event["text"])
            except ProtocolError as exc:
                self._error(str(exc), exc.code)
            except InterviewLibError as exc:  # the interview refused (e.g. paused, nothing to answer)
                self._error(str(exc), "refused")
            except Exception as exc:  # keep the connection: one bad turn must not end the interview
                log.exception("session %s: %s failed", self.runtime.session_id, event.get("text", "audio")[:80])
                self._error(f"the server failed on that message ({type(exc).__name__}): try again", "internal")

    def _error(self, message: str, code: str) -> None:
        self.outbox.put(ErrorOut(message=message, code=code))

    async def _text(self, text: str) -> None:
        if len(text) > MAX_TEXT_CHARS:
            raise ProtocolError(
                f"message too large ({len(text) >> 20} MiB; at most {MAX_TEXT_CHARS >> 20})", "too_large"
            )
        message: ClientMessage = parse_client(text)
        if isinstance(message, Ping):
            self.outbox.put(Pong())
            return
        async with self.runtime.lock:
            await self._handlers[type(message)](message)

    # -- what the client asks (the session lock is held) ----------------------------------------------
    def _connected(self) -> Connected:
        runtime = self.runtime
        session = runtime.interview.session
        turn = session.current_turn
        question = None
        if runtime.started and runtime.interview.current_question is not None and turn is not None:
            question = messages.question_message(session, turn, voice=runtime.voice)
        return Connected(
            session_id=session.session_id,
            user=self.user,
            state=session.state.value,
            started=runtime.started,
            voice=runtime.voice,
            question=question,
            progress=messages.progress(session),
            silence_s=HANDS_FREE_SILENCE_S,
        )

    async def _start(self, _message: Start) -> None:
        if self.runtime.started:
            raise ProtocolError("the interview has already started: answer the question", "out_of_order")
        self.runtime.started = True
        await self.actions.next(None)

    def _open_turn(self, turn_no: int | None) -> None:
        runtime = self.runtime
        if not runtime.started:
            raise ProtocolError("send start first", "not_started")
        turn = runtime.interview.session.current_turn
        if runtime.interview.current_question is None or turn is None:
            raise ProtocolError(
                f"no question is open (the interview is {runtime.interview.state.value})", "no_question"
            )
        if turn_no is not None and turn_no != turn.turn_no:
            raise ProtocolError(f"question {turn_no} is no longer open (question {turn.turn_no} is)", "stale")

    async def _respond(self, message: Response) -> None:
        self._open_turn(message.turn_no)
        interview = self.runtime.interview
        if message.streamed:
            live = self.runtime.close_live()
            if live is None:
                raise ProtocolError("no answer is being recorded: send listen, then the audio", "not_listening")
            await self.actions.finish(live)
        elif self.runtime.live is not None:
            raise ProtocolError("an answer is being recorded: finish it (streamed) or discard it first", "out_of_order")
        elif message.audio is not None:
            self._need_voice()
            recording = _decoded(message.audio)
            await self.actions.act(lambda: interview.answer_audio(recording))
        else:
            text = message.transcript or ""
            await self.actions.act(lambda: interview.answer(text))

    def _need_voice(self) -> None:
        if self.runtime.speech is None:
            raise ProtocolError("this interview was set up without voice: type the answer", "no_voice")

    async def _listen(self, message: Listen) -> None:
        self._open_turn(message.turn_no)
        self._need_voice()
        runtime = self.runtime
        if runtime.live is not None:
            raise ProtocolError("already listening: stream the audio, then send response", "out_of_order")
        runtime.live = await off_loop(runtime.interview.listen)
        if runtime.speech is not None:
            runtime.speech.collect()
        runtime.detector = EndOfAnswer(Listening(silence_s=message.silence_s)) if message.hands_free else None
        runtime.broadcast(ListeningOut(active=True, hands_free=message.hands_free, silence_s=message.silence_s))

    async def _discard(self, _message: Discard) -> None:
        live = self.runtime.close_live()
        if live is None:
            raise ProtocolError("no answer is being recorded", "not_listening")
        live.cancel()
        self.actions.stop_listening()

    async def _skip(self, message: Skip) -> None:
        self._open_turn(message.turn_no)
        self.actions.drop_live()
        await self.actions.act(self.runtime.interview.skip)

    async def _pause(self, _message: Pause) -> None:
        self.actions.drop_live()
        await self.actions.transition(self.runtime.interview.pause)

    async def _resume(self, _message: Resume) -> None:
        await self.actions.transition(self.runtime.interview.resume)

    async def _end(self, _message: End) -> None:
        self.actions.drop_live()
        await self.actions.report()

    # -- live audio ----------------------------------------------------------------------------------------
    async def _audio(self, data: bytes) -> None:
        if len(data) > MAX_FRAME_BYTES:
            raise ProtocolError(f"audio frame too large ({len(data)} bytes; at most {MAX_FRAME_BYTES})", "too_large")
        if len(data) % 2:
            raise ProtocolError("audio frames are 16-bit PCM: an even number of bytes", "bad_audio")
        async with self.runtime.lock:
            live, detector = self.runtime.live, self.runtime.detector
            if live is None:
                if time.monotonic() - self.runtime.listen_closed_at < LATE_FRAMES_S:
                    return
                raise ProtocolError("no answer is being recorded: send listen first", "not_listening")
            samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0

            def hear() -> list[Signal]:
                live.feed(samples)
                return detector.feed(samples) if detector is not None else []

            for signal in await off_loop(hear):
                await self._signal(signal, detector, live)

    async def _signal(self, signal: Signal, detector: EndOfAnswer | None, live: LiveAnswer[TurnOutcome]) -> None:
        total = detector.options.silence_s if detector else 0.0
        phase = {"countdown": "started", "cancelled": "cancelled", "held": "held", "ended": "ended"}[signal.kind]
        countdown = CountdownOut(phase=phase, seconds_left=signal.seconds_left, total_s=total, reason=signal.reason)
        self.runtime.broadcast(countdown)
        if signal.kind == "countdown" and detector is not None:
            live.cut()  # the answer may end in a few seconds: its last words are transcribed meanwhile
            detector.checking(signal.pause)  # this pause cannot end the answer before the check says
            self.actions.background(self._thinking(detector, live, signal.pause))
        elif signal.kind == "ended" and self.runtime.close_live() is live:
            await self.actions.finish(live)

    async def _thinking(self, detector: EndOfAnswer, live: LiveAnswer[TurnOutcome], pause: int) -> None:
        """Listen again to the end of what was said before the pause: after "let me think" the pause is held."""
        runtime = self.runtime
        async with runtime.lock:
            if runtime.detector is not detector:
                return
            clip = thinking_clip(detector, live.audio().samples)
        thinking = await self._sounds_like_thinking(clip)
        async with runtime.lock:
            if runtime.detector is detector and (signal := detector.checked(pause, thinking=thinking)) is not None:
                await self._signal(signal, detector, live)

    async def _sounds_like_thinking(self, clip: np.ndarray) -> bool:
        recogniser = self.sessions.voices.recogniser()
        began = time.monotonic()
        try:
            with anyio.fail_after(THINK_CHECK_TIMEOUT_S):  # a stuck recogniser must not keep the answer open
                thinking = await to_thread.run_sync(lambda: said_thinking(recogniser, clip), abandon_on_cancel=True)
        except Exception:  # no verdict: the pause counts as the end of the answer
            log.exception("session %s: the thinking check failed", self.runtime.session_id)
            return False
        log.info("session %s: thinking check %s in %.1f s", self.runtime.session_id, thinking, time.monotonic() - began)
        return thinking


def _decoded(audio: str) -> bytes:
    if len(audio) > MAX_UPLOAD_BYTES * 4 // 3 + 4:
        raise ProtocolError(f"recording too large (at most {MAX_UPLOAD_BYTES >> 20} MiB)", "too_large")
    try:
        return base64.b64decode(audio, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError("audio is not base64", "bad_audio") from exc
