"""A backend factory without settings says so instead of reading the environment."""

from __future__ import annotations

import pytest

from interview_lib.errors import ConfigurationError
from interview_lib.reasoning import create_reasoner
from interview_lib.settings import settings_option
from interview_lib.speech.stt import create_stt


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
        settings_option({"settings": {"openai_base_url": "http://127.0.0.1:8000/v1"}}, "reasoner", "openai")


def test_backends_that_need_no_settings_take_none() -> None:
    assert create_reasoner("scripted:6").name
