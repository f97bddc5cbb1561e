"""DataReady: spoken mock interviews for data engineers, inside notebooks.

The public names are loaded on first use, so ``import interview_lib`` stays light (no numpy, pyarrow, pandas,
deltalake, onnxruntime, mlflow or torch until a name that needs them is asked for).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from interview_lib.bank import QuestionBank, load_bank
    from interview_lib.domain.models import Evaluation, InterviewSession, InterviewSetup, Question, Transcript
    from interview_lib.domain.report import SessionReport
    from interview_lib.domain.states import InterviewState
    from interview_lib.errors import InterviewLibError
    from interview_lib.reasoning import Reasoner, create_reasoner
    from interview_lib.session.intake import LiveAnswer
    from interview_lib.session.interview import Interview, TurnOutcome
    from interview_lib.settings import Settings
    from interview_lib.simulate.candidates import SimulatedCandidate
    from interview_lib.speech.stt import create_stt
    from interview_lib.wiring import open_interview, resume_interview

_EXPORTS = {
    "Evaluation": "interview_lib.domain.models",
    "Interview": "interview_lib.session.interview",
    "InterviewLibError": "interview_lib.errors",
    "InterviewSession": "interview_lib.domain.models",
    "InterviewSetup": "interview_lib.domain.models",
    "InterviewState": "interview_lib.domain.states",
    "LiveAnswer": "interview_lib.session.intake",
    "Question": "interview_lib.domain.models",
    "QuestionBank": "interview_lib.bank",
    "Reasoner": "interview_lib.reasoning",
    "SessionReport": "interview_lib.domain.report",
    "Settings": "interview_lib.settings",
    "SimulatedCandidate": "interview_lib.simulate.candidates",
    "Transcript": "interview_lib.domain.models",
    "TurnOutcome": "interview_lib.session.interview",
    "create_reasoner": "interview_lib.reasoning",
    "create_stt": "interview_lib.speech.stt",
    "load_bank": "interview_lib.bank",
    "open_interview": "interview_lib.wiring",
    "resume_interview": "interview_lib.wiring",
}

__all__ = [
    "Evaluation",
    "Interview",
    "InterviewLibError",
    "InterviewSession",
    "InterviewSetup",
    "InterviewState",
    "LiveAnswer",
    "Question",
    "QuestionBank",
    "Reasoner",
    "SessionReport",
    "Settings",
    "SimulatedCandidate",
    "Transcript",
    "TurnOutcome",
    "create_reasoner",
    "create_stt",
    "load_bank",
    "open_interview",
    "resume_interview",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'interview_lib' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
