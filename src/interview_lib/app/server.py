"""The web app: FastAPI routes over the same interviews as the notebook room, the static page, and `serve`.

HTTP: ``POST /api/interview/setup`` → ``{"session_id"}``; ``GET /api/interview/{id}/report`` (JSON) and
``GET /report/{id}`` (the page); ``GET /api/interview/{id}/questions/{turn}/audio`` (the question spoken);
``GET /api/options`` (what the setup form offers), ``GET /api/me``, ``GET /api/health``. WebSocket:
``/ws/interview/{id}`` (see ``protocol.py``). A session is visible to its owner only: anyone else gets 404, and a
WebSocket is closed with 1008 (policy violation).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import AsyncIterator
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request, WebSocket
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from interview_lib.app.identity import same_origin, user_of
from interview_lib.app.protocol import PostingRequest, SetupRequest
from interview_lib.app.room import MAX_TEXT_CHARS, Conversation
from interview_lib.app.sessions import Sessions, off_loop
from interview_lib.app.voices import Voices
from interview_lib.domain.models import CLOUDS, LEVELS, ROLES, InterviewSetup
from interview_lib.domain.skills import SKILLS
from interview_lib.errors import InterviewLibError
from interview_lib.reasoning.base import Reasoner
from interview_lib.reports.render import render_html
from interview_lib.session.recorder import NullRecorder
from interview_lib.settings import Settings
from interview_lib.wiring import open_interview, open_reasoner, open_recorder

log = logging.getLogger(__name__)

STATIC = Path(str(files("interview_lib.app") / "static"))
POLICY_VIOLATION = 1008
DEFAULT_PORT = 8000
# The page loads nothing from anywhere else: scripts, styles, audio and the socket are all this app's own.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)


def listen_address(host: str | None, port: int | None, platform_port: int | None) -> tuple[str, int]:
    """Where to listen: as given; else inside Databricks Apps (``platform_port``: ``DATABRICKS_APP_PORT``, in the
    settings) every interface on the platform's port, elsewhere this machine only on 8000."""
    chosen_port = port if port is not None else platform_port if platform_port is not None else DEFAULT_PORT
    chosen_host = host or ("0.0.0.0" if platform_port is not None else "127.0.0.1")  # the platform's proxy in front
    return chosen_host, chosen_port


def warm_up(settings: Settings, voices: Voices) -> None:
    """Load the scorer with its embeddings of the bank (through a throw-away interview that records nothing), the
    tables and the tracker, the recogniser and the voice, so the first candidate does not wait for them."""
    open_recorder(settings)
    setup = InterviewSetup(candidate_id="warm-up", core_questions=1, max_follow_ups=0)
    interview = open_interview(setup, settings, recorder=NullRecorder())
    question = interview.current_question
    interview.answer("Partitioning by date lets queries skip the files they do not need.")
    voices.recogniser()
    voices.speak(question.text if question else "Welcome to your mock interview.")


class App:
    """The state one server holds: settings, the shared voices and every session."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.voices = Voices(settings)
        self.sessions = Sessions(settings, self.voices)
        self.warm = threading.Event()
        self._reasoner: Reasoner | None = None

    def reasoner(self) -> Reasoner:
        """The settings' reasoner, built once, for reading job postings."""
        if self._reasoner is None:
            self._reasoner = open_reasoner(self.settings)
        return self._reasoner

    def warm_in_background(self) -> None:
        """Warm up in a thread; ``warm`` is set when done (``/api/health`` says so)."""

        def run() -> None:
            try:
                warm_up(self.settings, self.voices)
            except Exception:  # the first session will load what failed here, and say why if it fails again
                log.exception("warm-up failed")
            finally:
                self.warm.set()

        threading.Thread(target=run, name="warm-up", daemon=True).start()


def create_app(settings: Settings | None = None, *, warm: bool = True) -> FastAPI:
    """The FastAPI application (``warm``: load the models in the background at start-up)."""
    state = App(settings or Settings())

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm:
            state.warm_in_background()
        else:
            state.warm.set()
        yield

    app = FastAPI(title="DataReady", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.dataready = state
    _pages(app, state)
    _api(app, state)
    _socket(app, state)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _pages(app: FastAPI, state: App) -> None:
    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": PAGE_POLICY})

    @app.get("/report/{session_id}", include_in_schema=False)
    async def report_page(session_id: str, request: Request) -> HTMLResponse:
        report = await state.sessions.report(user_of(request.headers), session_id)
        if report is None:
            raise HTTPException(404, "no such session")
        html = await off_loop(lambda: render_html(report))
        return HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


def _api(app: FastAPI, state: App) -> None:
    @app.get("/api/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "warm": state.warm.is_set(), "sessions": len(state.sessions)}

    @app.get("/api/me")
    async def me(request: Request) -> dict[str, str]:
        return {"user": user_of(request.headers)}

    @app.get("/api/options")
    async def options() -> dict[str, Any]:
        return {"roles": list(ROLES), "levels": list(LEVELS), "clouds": list(CLOUDS), "skills": dict(SKILLS)}

    @app.post("/api/posting")
    async def posting(request: PostingRequest) -> JSONResponse:
        """What a pasted job posting asks for, read by the settings' reasoner, for the page to show and correct."""
        try:
            profile = await off_loop(lambda: state.reasoner().read_posting(request.text))
        except InterviewLibError as exc:
            raise HTTPException(422, str(exc)) from exc
        return JSONResponse(profile.model_dump(mode="json"))

    @app.post("/api/interview/setup")
    async def setup(request: SetupRequest, http: Request) -> JSONResponse:
        runtime = await state.sessions.open(user_of(http.headers), request)
        return JSONResponse({"session_id": runtime.session_id, "state": runtime.interview.state.value})

    @app.get("/api/interview/{session_id}/report")
    async def report(session_id: str, request: Request) -> JSONResponse:
        found = await state.sessions.report(user_of(request.headers), session_id)
        if found is None:
            raise HTTPException(404, "no such session")
        return JSONResponse(found.model_dump(mode="json"))

    @app.get("/api/interview/{session_id}/questions/{turn_no}/audio")
    async def question_audio(session_id: str, turn_no: int, request: Request) -> Response:
        runtime = await state.sessions.find(user_of(request.headers), session_id)
        turns = runtime.interview.session.turns if runtime else []
        if runtime is None or not 1 <= turn_no <= len(turns) or not runtime.voice:
            raise HTTPException(404, "no such question")
        path, note = await off_loop(lambda: state.voices.speak(turns[turn_no - 1].question.text))
        if path is None:
            return Response(status_code=204, headers={"X-Voice-Note": (note or "no voice")[:200]})
        return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "private, max-age=3600"})


def _socket(app: FastAPI, state: App) -> None:
    @app.websocket("/ws/interview/{session_id}")
    async def interview(websocket: WebSocket, session_id: str) -> None:
        user = user_of(websocket.headers)
        await websocket.accept()
        if not same_origin(websocket.headers):
            await websocket.close(POLICY_VIOLATION, "the page is not this app's")
            return
        runtime = await state.sessions.find(user, session_id)
        if runtime is None:
            await websocket.close(POLICY_VIOLATION, "no such session")
            return
        await Conversation(websocket, runtime, state.sessions, user).run()


def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    """Serve the app with uvicorn until interrupted (see :func:`listen_address`)."""
    # CTranslate2's OpenMP threads spin while idle; one server transcribes from many threads (each live answer's,
    # the thinking checks'), so spinning teams took most of the CPU from the recogniser and a 60 s answer waited
    # 16-37 s for its tail instead of 1.5-6 s (docs/benchmarks.md). Set before the recogniser loads libgomp.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import uvicorn

    chosen_host, chosen_port = listen_address(host, port, settings.databricks_app_port)
    app_log = logging.getLogger("interview_lib.app")
    if not app_log.handlers:  # the app's own lines beside uvicorn's, at the same level
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        app_log.addHandler(handler)
        app_log.setLevel(logging.INFO)
    config = uvicorn.Config(
        create_app(settings),
        host=chosen_host,
        port=chosen_port,
        ws_max_size=2 * MAX_TEXT_CHARS,  # a message too large for the app still gets an `error`, not a closed socket
        ws_ping_interval=20,
        ws_ping_timeout=30,
        proxy_headers=True,
        log_level="info",
    )
    uvicorn.Server(config).run()
