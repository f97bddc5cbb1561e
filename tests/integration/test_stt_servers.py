"""Speech to text on a server, against loopback servers that speak the real wire formats."""

from __future__ import annotations

import base64
import email
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from interview_lib import Interview, InterviewSetup
from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score
from interview_lib.session.intake import AnswerIntake
from interview_lib.settings import Settings
from interview_lib.speech.stt import create_stt
from interview_lib.speech.tts_piper import PiperSpeech

pytestmark = pytest.mark.slow


class Recorded:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.replies: list[tuple[int, dict[str, Any]]] = []


@pytest.fixture
def server() -> Iterator[tuple[str, Recorded]]:
    recorded = Recorded()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            recorded.requests.append((self.path, dict(self.headers), body))
            status, reply = recorded.replies.pop(0)
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", recorded
    httpd.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def clip() -> bytes:
    return PiperSpeech(deterministic=True).synthesize("A broadcast join sends the small table to every executor.")


def _interview(stt: object) -> Interview:
    setup = InterviewSetup(candidate_id="c", core_questions=2, max_follow_ups=0, seed=1)
    return Interview.start(setup, ScriptedReasoner(judge=fixed_score(7)), intake=AnswerIntake(stt))  # type: ignore[arg-type]


def _multipart(headers: dict[str, str], body: bytes) -> dict[str, bytes]:
    message = email.message_from_bytes(f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode() + body)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.get_payload()
    }


def test_an_openai_compatible_server_transcribes_with_word_timings(server: tuple[str, Recorded], clip: bytes) -> None:
    url, recorded = server
    recorded.replies.append(
        (
            200,
            {
                "text": "A broadcast join sends the small table to every executor.",
                "language": "english",
                "words": [{"word": "A", "start": 0.1, "end": 0.2}, {"word": "broadcast", "start": 0.2, "end": 0.7}],
            },
        )
    )
    stt = create_stt("openai:whisper-1", settings=Settings(openai_base_url=f"{url}/v1", openai_api_key="sk-test"))
    outcome = _interview(stt).answer_audio(clip)
    assert outcome.evaluation is not None and outcome.evaluation.overall == 7
    transcript = outcome.turn.transcript
    assert transcript is not None and transcript.stt_backend == "openai-stt:whisper-1"
    assert [w.text for w in transcript.words] == ["A", "broadcast"]
    path, headers, body = recorded.requests[0]
    assert path == "/v1/audio/transcriptions" and headers["Authorization"] == "Bearer sk-test"
    fields = _multipart(headers, body)
    assert fields["model"] == b"whisper-1" and b"Um, uh" in fields["prompt"]
    assert fields["file"][:4] == b"RIFF" and fields["response_format"] == b"verbose_json"


def test_a_databricks_endpoint_gets_base64_audio_and_the_workspace_token(
    server: tuple[str, Recorded], clip: bytes
) -> None:
    url, recorded = server
    recorded.replies.append((200, {"predictions": ["A broadcast join sends the small table to every executor."]}))
    settings = Settings(databricks_host=url, databricks_token="dapi-test")
    stt = create_stt("databricks:whisper-large-v3", settings=settings)
    outcome = _interview(stt).answer_audio(clip)
    assert outcome.turn.transcript is not None and "broadcast join" in outcome.turn.transcript.text
    path, headers, body = recorded.requests[-1]
    assert path == "/serving-endpoints/whisper-large-v3/invocations"
    assert headers["Authorization"] == "Bearer dapi-test"
    assert base64.b64decode(json.loads(body)["inputs"][0])[:4] == b"RIFF"


def test_a_failing_server_lets_the_candidate_answer_again(server: tuple[str, Recorded], clip: bytes) -> None:
    url, recorded = server
    recorded.replies.append((500, {"error": "overloaded"}))
    stt = create_stt("openai:whisper-1", settings=Settings(openai_base_url=f"{url}/v1"))
    interview = _interview(stt)
    outcome = interview.answer_audio(clip)
    assert outcome.evaluation is None and "Speech recognition failed" in outcome.message
    assert interview.state.value == "LISTENING" and interview.current_question == outcome.turn.question
