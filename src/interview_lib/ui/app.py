"""``practice_interview()``: the whole room in one widget — setup, interview, report."""

from __future__ import annotations

import ipywidgets as w

from interview_lib.domain.models import InterviewSetup
from interview_lib.domain.report import SessionReport
from interview_lib.reports.plots import session_skills
from interview_lib.settings import Settings
from interview_lib.ui.browser_microphone import microphone
from interview_lib.ui.views import RoomView, SetupView, report_view
from interview_lib.wiring import open_interview, open_reasoner, open_recorder, open_speaker


def backend_status(settings: Settings) -> dict[str, str]:
    """Which reasoner, speech and storage backends are active (and why a fallback would be used)."""
    return {
        "interviewer and scorer": settings.reasoner + ("" if settings.reasoner != "rubric" else " (offline)"),
        "speech to text": settings.stt,
        "interviewer voice": settings.tts + (" — falls back to text if it fails" if settings.tts != "silent" else ""),
        "tables": f"{settings.store} ({settings.home / 'delta'})"
        if settings.store == "local"
        else f"spark: {settings.uc_catalog}.{settings.uc_schema}",
        "MLflow": settings.mlflow_tracking_uri or f"sqlite under {settings.home}",
    }


def practice_interview(settings: Settings | None = None) -> w.Widget:
    """The interactive room: returns one widget to display in the notebook."""
    settings = settings or Settings()
    root = w.VBox()
    recorder = open_recorder(settings)

    def finish(report: SessionReport) -> None:
        where = {
            "session": report.session_id,
            "Delta tables": str(settings.home / "delta"),
            "MLflow experiment": settings.mlflow_experiment,
        }
        root.children = [report_view(report, where, session_skills(report.skills))]

    def start(setup: InterviewSetup, voice: bool) -> None:
        mic, note = microphone(settings.databricks_runtime is not None) if voice else (None, None)
        interview = open_interview(setup, settings, spoken=voice, recorder=recorder)
        speaker = open_speaker(settings) if voice else None
        root.children = [RoomView(interview, speaker, mic, note, finish).widget]

    reader = open_reasoner(settings)  # reads a pasted job posting (the remote model when one is set)
    root.children = [SetupView(backend_status(settings), start, reader.read_posting).widget]
    return root
