"""The HTTP client every remote backend shares, the Databricks workspace login and the secret scope, against
loopback servers (``loopback.py``) that answer as the real ones do."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from interview_lib.errors import ConfigurationError, ProviderError
from interview_lib.providers import HttpClient, Server, workspace_server
from interview_lib.settings import Settings, reveal

from .endpoints import closed_port
from .loopback import FakeServer, Reply, Seen

OK = Reply(body={"ok": True})


def client(server: FakeServer, **options: float) -> HttpClient:
    values = {"timeout_s": 5.0, "attempts": 3, "max_wait_s": 0.05} | options
    return HttpClient("test", Server(server.root), **values)  # type: ignore[arg-type]


def failure(call: Callable[[], object]) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        call()
    return caught.value


# -- retries ------------------------------------------------------------------------------------------------------
RETRIED = [
    Reply(429, {"error": "rate limited"}),
    Reply(500, {"error": "internal"}),
    Reply(502, "<html>Bad Gateway</html>"),
    Reply(503, {"error": "loading"}),
    Reply(408, {"error": "request timeout"}),
    Reply(body={"ok": True}, cut=True),  # the connection dropped mid-reply
]


@pytest.mark.parametrize("first", RETRIED, ids=["429", "500", "502", "503", "408", "cut"])
def test_a_passing_failure_is_tried_again(server: FakeServer, first: Reply) -> None:
    server.play(first, OK)
    assert client(server).post_json("/v1/x", {"a": 1}) == {"ok": True}
    assert [r.json for r in server.requests] == [{"a": 1}, {"a": 1}]


def test_the_last_failure_names_the_call_its_status_and_the_tries(server: FakeServer) -> None:
    server.responder = lambda _seen: Reply(503, {"error": "overloaded"})
    error = failure(lambda: client(server).post_json("/v1/x", {}, what="judge-model"))
    assert error.provider == "test" and error.status == 503
    assert str(error).startswith("test (503): judge-model: HTTP 503") and "(gave up after 3 tries)" in str(error)
    assert len(server.requests) == 3


def test_a_refused_connection_is_tried_again_then_reported() -> None:
    http = HttpClient("test", Server(f"http://127.0.0.1:{closed_port()}"), attempts=2, max_wait_s=0.05)
    error = failure(lambda: http.post_json("/v1/x", {}, what="model-a"))
    assert error.status is None
    assert "model-a: connection to http://127.0.0.1:" in str(error) and "(gave up after 2 tries)" in str(error)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_a_client_error_is_not_tried_again(server: FakeServer, status: int) -> None:
    server.play(Reply(status, {"error": "no"}))
    error = failure(lambda: client(server).post_json("/v1/x", {}, what="judge-model"))
    assert error.status == status and f"judge-model: HTTP {status}" in str(error)
    assert ("check the API key" in str(error)) == (status in (401, 403))
    assert len(server.requests) == 1


@pytest.mark.parametrize(("body", "says"), [("<html>hello</html>", "not JSON"), ([1, 2], "unexpected reply shape")])
def test_a_reply_that_is_not_a_json_object_is_an_error(server: FakeServer, body: object, says: str) -> None:
    server.play(Reply(200, body))
    assert says in str(failure(lambda: client(server).post_json("/v1/x", {})))
    assert len(server.requests) == 1


def test_retry_after_is_waited_for(server: FakeServer) -> None:
    server.play(Reply(429, {"error": "slow down"}, headers={"Retry-After": "1"}), OK)
    client(server, max_wait_s=5.0).post_json("/v1/x", {})
    first, second = server.requests
    assert second.at - first.at >= 1.0  # the backoff alone is at most 0.05 s here


def test_a_long_retry_after_is_cut_to_the_longest_wait(server: FakeServer) -> None:
    server.play(Reply(503, {"error": "maintenance"}, headers={"Retry-After": "120"}), OK)
    client(server, max_wait_s=0.3).post_json("/v1/x", {})
    first, second = server.requests
    assert 0.3 <= second.at - first.at < 5.0


def test_no_try_starts_that_would_end_after_the_deadline(server: FakeServer) -> None:
    server.play(Reply(503, {"error": "loading"}, headers={"Retry-After": "3"}), OK)
    started = time.monotonic()
    error = failure(lambda: client(server, max_wait_s=5.0).post_json("/v1/x", {}, deadline=started + 1.0))
    assert time.monotonic() - started < 1.0  # it gave up at once instead of waiting 3 s past the deadline
    assert error.status == 503 and "gave up after 1 try)" in str(error)
    assert len(server.requests) == 1


def test_a_budget_bounds_a_call_without_a_deadline(server: FakeServer) -> None:
    server.play(Reply(delay_s=10, body={"ok": True}), OK)
    started = time.monotonic()
    error = failure(lambda: client(server, timeout_s=30.0, budget_s=0.5).post_json("/v1/x", {}))
    waited = time.monotonic() - started
    server.release.set()
    assert 0.5 <= waited < 2.0 and "no reply within 0.5 s" in str(error)
    assert len(server.requests) == 1


def test_a_multipart_form_is_sent_whole_on_every_try(server: FakeServer) -> None:
    server.play(Reply(502, "<html>Bad Gateway</html>"), OK)
    wav = b"RIFF" + bytes(range(256)) * 4
    client(server).post_multipart("/v1/audio", {"model": "whisper-1"}, {"file": ("a.wav", wav, "audio/wav")})
    forms = [r.raw.replace(r.headers["content-type"].split("boundary=")[1].encode(), b"") for r in server.requests]
    assert forms[0] == forms[1]  # the same form, each under its own boundary
    assert wav in forms[0] and b'name="model"' in forms[0]


def test_every_try_signs_in_anew(server: FakeServer) -> None:
    tokens = iter(["token-1", "token-2"])
    server.play(Reply(503, {"error": "loading"}), OK)
    http = HttpClient("test", Server(server.root, lambda: {"Authorization": f"Bearer {next(tokens)}"}), max_wait_s=0)
    http.post_json("/v1/x", {})
    assert [r.headers["authorization"] for r in server.requests] == ["Bearer token-1", "Bearer token-2"]


def test_a_failed_sign_in_sends_nothing(server: FakeServer) -> None:
    def expired() -> dict[str, str]:
        raise RuntimeError("token endpoint down")

    http = HttpClient("test", Server(server.root, expired))
    error = failure(lambda: http.post_json("/v1/x", {}))
    assert "could not sign in" in str(error) and "token endpoint down" in str(error)
    assert server.requests == []


# -- the Databricks login -----------------------------------------------------------------------------------------
@pytest.mark.usefixtures("databricks_env")
def test_the_workspace_login_signs_with_its_token(server: FakeServer) -> None:
    server.without_host_metadata()
    workspace = workspace_server(f"{server.root}/", "dapi-test")
    assert workspace.url == server.root
    assert workspace.headers() == {"Authorization": "Bearer dapi-test"}


@pytest.mark.usefixtures("databricks_env")
def test_without_a_workspace_login_the_error_names_the_settings() -> None:
    with pytest.raises(ConfigurationError, match="DATAREADY_DATABRICKS_HOST and DATAREADY_DATABRICKS_TOKEN"):
        workspace_server()


# -- the secret scope ---------------------------------------------------------------------------------------------
SCOPE = "dataready"


def secrets_api(server: FakeServer, held: dict[str, str], status: int = 200) -> None:
    """``GET /api/2.0/secrets/get?scope=&key=`` as a workspace answers it: the value base64-encoded."""
    server.without_host_metadata()

    def answer(seen: Seen) -> Reply:
        url = urlsplit(seen.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        if (seen.method, url.path) != ("GET", "/api/2.0/secrets/get"):
            return Reply(404, {"error_code": "ENDPOINT_NOT_FOUND", "message": f"no {url.path}"})
        if status != 200:
            return Reply(status, {"error_code": "PERMISSION_DENIED", "message": "User cannot read the scope."})
        if query.get("scope") != SCOPE or query.get("key") not in held:
            return Reply(404, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Secret does not exist."})
        value = base64.b64encode(held[query["key"]].encode()).decode()
        return Reply(body={"key": query["key"], "value": value})

    server.responder = answer


def asked_for(server: FakeServer) -> list[str]:
    return sorted(parse_qs(urlsplit(r.path).query)["key"][0] for r in server.requests if "/secrets/" in r.path)


@pytest.mark.usefixtures("databricks_env")
def test_keys_not_given_are_read_from_the_secret_scope(server: FakeServer) -> None:
    secrets_api(server, {"openai-api-key": "sk-from-scope", "stt-api-key": "stt-from-scope"})
    settings = Settings(secret_scope=SCOPE, databricks_host=server.root, databricks_token="dapi-login")
    assert reveal(settings.openai_api_key) == "sk-from-scope"
    assert reveal(settings.stt_api_key) == "stt-from-scope"
    assert reveal(settings.databricks_token) == "dapi-login"  # given as an argument: not looked up
    assert asked_for(server) == ["openai-api-key", "stt-api-key"]
    assert {r.headers["authorization"] for r in server.requests if "/secrets/" in r.path} == {"Bearer dapi-login"}
    assert "sk-from-scope" not in repr(settings)


@pytest.mark.usefixtures("databricks_env")
def test_an_argument_beats_the_scope_and_the_scope_beats_the_environment(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets_api(server, {"openai-api-key": "sk-from-scope"})
    for name, value in {
        "SECRET_SCOPE": SCOPE,
        "DATABRICKS_HOST": server.root,
        "DATABRICKS_TOKEN": "dapi-from-env",
        "OPENAI_API_KEY": "sk-from-env",
        "STT_API_KEY": "stt-from-env",
    }.items():
        monkeypatch.setenv(f"DATAREADY_{name}", value)

    from_scope = Settings()
    assert reveal(from_scope.openai_api_key) == "sk-from-scope"
    assert reveal(from_scope.stt_api_key) == "stt-from-env"  # the scope does not hold it
    assert reveal(from_scope.databricks_token) == "dapi-from-env"
    assert reveal(Settings(openai_api_key="sk-argument").openai_api_key) == "sk-argument"


@pytest.mark.usefixtures("databricks_env")
def test_a_scope_the_login_cannot_read_says_what_to_do(server: FakeServer) -> None:
    secrets_api(server, {}, status=403)
    with pytest.raises(ConfigurationError, match=r"secret scope 'dataready'.*unset DATAREADY_SECRET_SCOPE"):
        Settings(secret_scope=SCOPE, databricks_host=server.root, databricks_token="dapi-login")


def test_without_a_scope_no_secret_is_looked_up(server: FakeServer) -> None:
    settings = Settings(databricks_host=server.root, databricks_token="dapi-login")
    assert settings.openai_api_key is None and server.requests == []
