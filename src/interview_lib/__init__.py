"""DataReady: spoken mock interviews for data engineers, inside notebooks."""

from interview_lib.bank import QuestionBank, load_bank
from interview_lib.domain.models import Evaluation, InterviewSession, InterviewSetup, Question, Transcript
from interview_lib.domain.report import SessionReport
from interview_lib.domain.states import InterviewState
from interview_lib.errors import InterviewLibError
from interview_lib.interview import Interview, LiveAnswer, TurnOutcome
from interview_lib.reasoning import Reasoner, create_reasoner
from interview_lib.settings import Settings
from interview_lib.simulate import SimulatedCandidate
from interview_lib.speech.stt import create_stt

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
]
__version__ = "0.1.0"
