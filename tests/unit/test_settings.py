"""Settings: the STT server may differ from the chat server, every DATAREADY_* variable still works, the platform's
Databricks Runtime variable is read here (nowhere else), and a backend factory without settings says so instead of
reading the environment."""

from __future__ import annotations

import os

import pytest
from pydantic import SecretStr

from interview_lib.errors import ConfigurationError
from interview_lib.reasoning import create_reasoner
from interview_lib.settings import Settings, reveal, settings_option
from interview_lib.speech.stt import create_stt
from interview_lib.ui.browser_microphone import microphone

CHAT = "http://chat.internal:8000/v1"
SPEECH = "http://speech.internal:9000/v1"


@pytest.fixture(autouse=True)
def _no_dataready_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("DATAREADY_")]:
        monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("values", "url", "key"),
    [
        ({}, CHAT, "chat-key"),  # one server for both
        ({"stt_base_url": CHAT + "/"}, CHAT + "/", "chat-key"),  # the same server, written with a slash
        ({"stt_base_url": SPEECH}, SPEECH, None),  # another server never gets the chat key
        ({"stt_base_url": SPEECH, "stt_api_key": "speech-key"}, SPEECH, "speech-key"),
        ({"stt_api_key": "speech-key"}, CHAT, "speech-key"),
    ],
)
def test_the_stt_server_defaults_to_the_chat_server(values: dict[str, str], url: str, key: str | None) -> None:
    settings = Settings(openai_base_url=CHAT, openai_api_key=SecretStr("chat-key"), **values)  # type: ignore[arg-type]
    assert settings.stt_server_url == url
    assert reveal(settings.stt_server_key) == key


def test_the_environment_names_keep_working(monkeypatch: pytest.MonkeyPatch) -> None:
    old = {
        "OPENAI_BASE_URL": CHAT,
        "OPENAI_API_KEY": "chat-key",
        "DATABRICKS_HOST": "https://adb-1.azuredatabricks.net",
        "DATABRICKS_TOKEN": "dapi-env",
        "DATABRICKS_PROFILE": "dev",
        "LLM_TIMEOUT_S": "12.5",
        "LLM_ATTEMPTS": "5",
        "STT": "openai:whisper-1",
    }
    for name, value in old.items():
        monkeypatch.setenv(f"DATAREADY_{name}", value)
    settings = Settings()
    assert (settings.openai_base_url, reveal(settings.openai_api_key)) == (CHAT, "chat-key")
    assert (settings.stt_server_url, reveal(settings.stt_server_key)) == (CHAT, "chat-key")
    assert settings.databricks_host == "https://adb-1.azuredatabricks.net" and settings.databricks_profile == "dev"
    assert reveal(settings.databricks_token) == "dapi-env"
    assert (settings.llm_timeout_s, settings.llm_attempts, settings.stt) == (12.5, 5, "openai:whisper-1")


def test_the_databricks_runtime_is_read_from_the_platform_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABRICKS_RUNTIME_VERSION", raising=False)
    assert Settings().databricks_runtime is None
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "16.4")
    assert Settings().databricks_runtime == "16.4"
    mic, why = microphone(Settings().databricks_runtime is not None)  # as the notebook room asks
    assert mic is None and why is not None and "upload a recording or type" in why
    assert microphone(False)[0] is not None


def test_the_new_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAREADY_STT_BASE_URL", SPEECH)
    monkeypatch.setenv("DATAREADY_STT_API_KEY", "speech-key")
    settings = Settings(openai_base_url=CHAT)
    assert (settings.stt_server_url, reveal(settings.stt_server_key)) == (SPEECH, "speech-key")
    assert settings.secret_scope is None


@pytest.mark.parametrize(
    ("create", "spec", "says"),
    [
        (create_reasoner, "openai:llama3", "the 'openai' reasoner backend needs settings"),
        (create_reasoner, "databricks", "the 'databricks' reasoner backend needs settings"),
        (create_stt, "openai:whisper-1", "the 'openai' stt backend needs settings"),
        (create_stt, "databricks:whisper-large-v3", "the 'databricks' stt backend needs settings"),
    ],
)
def test_a_remote_backend_without_settings_names_the_fix(create: object, spec: str, says: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        create(spec)  # type: ignore[operator]
    message = str(caught.value)
    assert says in message and "(none were given)" in message
    port = says.split()[2]
    assert f"pass settings=Settings() to create_{port}(...)" in message


def test_settings_of_another_type_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="got a dict"):
        settings_option({"settings": {"openai_base_url": CHAT}}, "reasoner", "openai")


def test_backends_that_need_no_settings_take_none() -> None:
    assert create_reasoner("scripted:6").name
