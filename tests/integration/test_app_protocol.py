"""The web app's pure parts: parsing client messages, who a request comes from, where the server listens."""

from __future__ import annotations

import json

import pytest

from interview_lib.app.identity import LOCAL_USER, same_origin, user_of
from interview_lib.app.protocol import Listen, Response, SetupRequest, Start, parse_client
from interview_lib.app.protocol import ProtocolError as Refused
from interview_lib.app.server import listen_address


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{not json", "bad_json"),
        ("[]", "bad_message"),
        ('{"no": "type"}', "bad_message"),
        ('{"type": 3}', "bad_message"),
        ('{"type": "shout"}', "unknown_type"),
        ('{"type": "response"}', "bad_message"),  # neither transcript, audio nor streamed
        ('{"type": "response", "transcript": "a", "audio": "YQ=="}', "bad_message"),
        ('{"type": "start", "extra": 1}', "bad_message"),
        ('{"type": "listen", "silence_s": 0.2}', "bad_message"),
        ('{"type": "listen", "silence_s": 90}', "bad_message"),
        (json.dumps({"type": "response", "transcript": "x" * 20_001}), "bad_message"),
    ],
)
def test_a_message_that_cannot_be_taken_says_why(text: str, code: str) -> None:
    with pytest.raises(Refused) as refused:
        parse_client(text)
    assert refused.value.code == code and str(refused.value)


def test_messages_are_told_apart_by_their_type() -> None:
    assert isinstance(parse_client('{"type": "start"}'), Start)
    response = parse_client('{"type": "response", "streamed": true, "turn_no": 2}')
    assert isinstance(response, Response) and response.streamed and response.turn_no == 2
    listen = parse_client('{"type": "listen", "hands_free": true, "silence_s": 6}')
    assert isinstance(listen, Listen) and listen.hands_free and listen.silence_s == 6


def test_the_setup_request_is_the_interview_setup_and_whether_it_is_spoken() -> None:
    request = SetupRequest.model_validate({"candidate_id": "ana", "core_questions": 2, "voice": False})
    assert request.interview_setup().model_dump()["core_questions"] == 2
    assert "voice" not in request.interview_setup().model_dump()


def test_the_user_is_the_forwarded_identity_or_the_local_user() -> None:
    assert user_of({}) == LOCAL_USER
    assert user_of({"x-forwarded-email": " Ana@Example.COM "}) == "ana@example.com"
    assert user_of({"x-forwarded-user": "4711@1234567890"}) == "4711@1234567890"
    assert user_of({"x-forwarded-email": "", "x-forwarded-preferred-username": "ana"}) == "ana"


def test_a_socket_is_opened_from_the_apps_own_page_only() -> None:
    assert same_origin({"host": "127.0.0.1:8000"})  # no Origin: not a browser page
    assert same_origin({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000"})
    assert same_origin(
        {"host": "10.0.0.5:8000", "x-forwarded-host": "app.example.com", "origin": "https://app.example.com"}
    )
    assert not same_origin({"host": "127.0.0.1:8000", "origin": "http://evil.example"})


def test_the_server_listens_on_the_platform_port_inside_databricks_apps_else_on_loopback_8000() -> None:
    assert listen_address(None, None, None) == ("127.0.0.1", 8000)
    assert listen_address(None, None, 8080) == ("0.0.0.0", 8080)
    assert listen_address("127.0.0.1", 9000, 8080) == ("127.0.0.1", 9000)
