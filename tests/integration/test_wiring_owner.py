"""The composition root with an owner and overrides: a session opened for a signed-in user has them on its
``sessions`` row and as the ``dataready.owner`` tag of its MLflow run (the real local sqlite store), and
``resume_interview`` takes the same overrides as ``open_interview`` (recogniser, recorder, owner, clock)."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from interview_lib.domain.models import InterviewSetup, Transcript
from interview_lib.errors import ConfigurationError
from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score
from interview_lib.settings import Settings
from interview_lib.speech.audio import DecodedAudio, decode
from interview_lib.speech.tts_piper import PiperSpeech
from interview_lib.store.local import LocalDeltaStore
from interview_lib.wiring import open_interview, open_recorder, resume_interview

OWNER = "ana@example.com"
HEARD = "A broadcast join ships the small table to every executor."


class Heard:
    """A recogniser that hears one fixed sentence (the test's own, so it knows which backend was used)."""

    name = "heard:fixed"

    def __init__(self) -> None:
        self.calls = 0

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        self.calls += 1
        return Transcript(text=HEARD, source="audio", stt_backend=self.name)

    def spoken_language(self, audio: DecodedAudio) -> None:
        return None


@pytest.fixture
def settings(tmp_path: Path, bank_vectors: Path) -> Settings:
    shutil.copytree(bank_vectors, tmp_path / "home" / "cache")
    return Settings(home=tmp_path / "home", tts="silent")


def setup() -> InterviewSetup:
    return InterviewSetup(candidate_id="ana", core_questions=3, max_follow_ups=0, seed=2)


def run_tags(settings: Settings, session_id: str) -> dict[str, str]:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(f"sqlite:///{settings.home.resolve()}/mlruns.db")
    experiment = client.get_experiment_by_name(settings.mlflow_experiment)
    assert experiment is not None
    (run,) = client.search_runs([experiment.experiment_id], f"tags.`dataready.session_id` = '{session_id}'")
    return dict(run.data.tags)


def owner_of(settings: Settings, session_id: str) -> str | None:
    (row,) = LocalDeltaStore(settings.home / "delta").read("sessions", session_id).to_pylist()
    return row["owner"]


def test_a_session_opened_for_a_user_records_them_on_its_row_and_its_run(settings: Settings) -> None:
    reasoner = ScriptedReasoner(judge=fixed_score(6))
    interview = open_interview(setup(), settings, reasoner=reasoner, owner=OWNER)
    interview.answer("A broadcast join avoids a shuffle of the large table.")
    session_id = interview.session.session_id
    assert owner_of(settings, session_id) == OWNER
    assert run_tags(settings, session_id)["dataready.owner"] == OWNER

    anonymous = open_interview(setup(), settings, reasoner=reasoner)  # the CLI and jobs: nobody signed in
    assert owner_of(settings, anonymous.session.session_id) is None
    assert "dataready.owner" not in run_tags(settings, anonymous.session.session_id)


def test_a_resumed_session_takes_the_same_overrides_as_a_new_one(settings: Settings) -> None:
    reasoner = ScriptedReasoner(judge=fixed_score(6))
    first = open_interview(setup(), settings, reasoner=reasoner, owner=OWNER)
    first.answer("A broadcast join avoids a shuffle of the large table.")
    session_id, waiting = first.session.session_id, first.current_question
    assert waiting is not None

    recogniser = Heard()
    resumed_at = datetime(2030, 1, 1, tzinfo=timezone.utc)
    resumed = resume_interview(
        session_id, settings, reasoner=reasoner, stt=recogniser, owner=OWNER, clock=lambda: resumed_at
    )
    assert resumed.current_question == waiting and resumed.session.turns[-1].asked_at == resumed_at
    spoken = decode(PiperSpeech(deterministic=True).synthesize("A broadcast join ships the small table.")).samples
    live = resumed.listen()
    live.feed(spoken)
    outcome = live.finish()
    assert outcome.turn.transcript is not None and outcome.turn.transcript.text == HEARD and recogniser.calls >= 1
    resumed.end()
    assert owner_of(settings, session_id) == OWNER  # every row written after the resume keeps its owner
    tags = run_tags(settings, session_id)
    assert tags["dataready.owner"] == OWNER

    again = resume_interview(session_id, settings, reasoner=reasoner, recorder=open_recorder(settings, owner=OWNER))
    assert again.state.value == "FINISHED"


def test_an_owner_and_a_recorder_of_ones_own_cannot_both_be_given(settings: Settings) -> None:
    with pytest.raises(ConfigurationError, match="pass owner to open_recorder"):
        open_interview(setup(), settings, recorder=open_recorder(settings), owner=OWNER)
