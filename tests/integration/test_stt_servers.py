"""Speech to text on a server, against loopback servers that speak the real wire formats."""

from __future__ import annotations

import base64
import email

import pytest
from pydantic import SecretStr

from interview_lib import Interview, InterviewSetup
from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score
from interview_lib.session.intake import AnswerIntake
from interview_lib.settings import Settings
from interview_lib.speech.stt import create_stt
from interview_lib.speech.tts_piper import PiperSpeech

from .loopback import FakeServer, Reply, Seen, serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip() -> bytes:
    return PiperSpeech(deterministic=True).synthesize("A broadcast join sends the small table to every executor.")


def _interview(stt: object) -> Interview:
    setup = InterviewSetup(candidate_id="c", core_questions=2, max_follow_ups=0, seed=1)
    return Interview.start(setup, ScriptedReasoner(judge=fixed_score(7)), intake=AnswerIntake(stt))  # type: ignore[arg-type]


def _multipart(seen: Seen) -> dict[str, bytes]:
    message = email.message_from_bytes(f"Content-Type: {seen.headers['content-type']}\r\n\r\n".encode() + seen.raw)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.get_payload()
    }


TEXT = "A broadcast join sends the small table to every executor."
VERBOSE = {
    "text": TEXT,
    "language": "english",
    "words": [{"word": "A", "start": 0.1, "end": 0.2}, {"word": "broadcast", "start": 0.2, "end": 0.7}],
}


def test_an_openai_compatible_server_transcribes_with_word_timings(server: FakeServer, clip: bytes) -> None:
    server.play(Reply(body=VERBOSE))
    stt = create_stt(
        "openai:whisper-1", settings=Settings(openai_base_url=f"{server.root}/v1", openai_api_key="sk-test")
    )
    outcome = _interview(stt).answer_audio(clip)
    assert outcome.evaluation is not None and outcome.evaluation.overall == 7
    transcript = outcome.turn.transcript
    assert transcript is not None and transcript.stt_backend == "openai-stt:whisper-1"
    assert [w.text for w in transcript.words] == ["A", "broadcast"]
    (sent,) = server.requests
    assert sent.path == "/v1/audio/transcriptions" and sent.headers["authorization"] == "Bearer sk-test"
    fields = _multipart(sent)
    assert fields["model"] == b"whisper-1" and b"Um, uh" in fields["prompt"]
    assert fields["file"][:4] == b"RIFF" and fields["response_format"] == b"verbose_json"


@pytest.mark.usefixtures("databricks_env")
def test_a_databricks_endpoint_gets_base64_audio_and_the_workspace_token(server: FakeServer, clip: bytes) -> None:
    server.without_host_metadata()
    server.play(Reply(body={"predictions": [TEXT]}))
    settings = Settings(databricks_host=server.root, databricks_token="dapi-test")
    stt = create_stt("databricks:whisper-large-v3", settings=settings)
    outcome = _interview(stt).answer_audio(clip)
    assert outcome.turn.transcript is not None and "broadcast join" in outcome.turn.transcript.text
    (sent,) = server.posts_to("/invocations")
    assert sent.path == "/serving-endpoints/whisper-large-v3/invocations"
    assert sent.headers["authorization"] == "Bearer dapi-test"
    assert base64.b64decode(sent.json["inputs"][0])[:4] == b"RIFF"


def test_a_503_is_tried_again_and_the_candidate_is_not_asked_to_repeat(server: FakeServer, clip: bytes) -> None:
    server.play(Reply(503, {"error": "model loading"}), Reply(body=VERBOSE))
    stt = create_stt("openai:whisper-1", settings=Settings(openai_base_url=f"{server.root}/v1"))
    interview = _interview(stt)
    outcome = interview.answer_audio(clip)
    assert outcome.evaluation is not None and outcome.turn.transcript is not None
    assert outcome.turn.transcript.text == TEXT
    first, second = server.posts_to("/audio/transcriptions")
    assert _multipart(first) == _multipart(second)  # the same recording, sent again whole


def test_a_server_that_keeps_failing_lets_the_candidate_answer_again(server: FakeServer, clip: bytes) -> None:
    server.responder = lambda _seen: Reply(500, {"error": "overloaded"})
    stt = create_stt("openai:whisper-1", settings=Settings(openai_base_url=f"{server.root}/v1", llm_attempts=2))
    interview = _interview(stt)
    outcome = interview.answer_audio(clip)
    assert outcome.evaluation is None and "Speech recognition failed" in outcome.message
    assert "gave up after 2 tries" in outcome.message and len(server.requests) == 2
    assert interview.state.value == "LISTENING" and interview.current_question == outcome.turn.question


def test_speech_can_run_on_another_server_than_chat(server: FakeServer, clip: bytes) -> None:
    with serving() as chat:
        server.play(Reply(body=VERBOSE), Reply(body=VERBOSE))
        own_key = Settings(
            openai_base_url=f"{chat.root}/v1", openai_api_key="chat-key", stt_base_url=f"{server.root}/v1/"
        )
        _interview(create_stt("openai:whisper-1", settings=own_key)).answer_audio(clip)
        keyed = own_key.model_copy(update={"stt_api_key": SecretStr("stt-key")})
        _interview(create_stt("openai:whisper-1", settings=keyed)).answer_audio(clip)
        assert chat.requests == []
    without_key, with_key = server.requests
    assert without_key.path == with_key.path == "/v1/audio/transcriptions"
    assert "authorization" not in without_key.headers  # the chat server's key stays with the chat server
    assert with_key.headers["authorization"] == "Bearer stt-key"
