"""The one ask → validate → re-ask-once loop that every prompt goes through (``parsing.ask_validated``)."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel

from interview_lib.errors import ProviderError
from interview_lib.reasoning.chat import ChatReply, Message
from interview_lib.reasoning.parsing import ReplyError, TruncatedReply, ask_validated

PROMPT = "Which level does the posting ask for? Reply with JSON."


class Level(BaseModel):
    """The reply the tests' prompt wants."""

    level: Literal["junior", "senior"]


def reply(text: str, *, truncated: bool = False) -> ChatReply:
    return ChatReply(text=text, truncated=truncated, prompt_tokens=10, completion_tokens=5, latency_s=0.1)


class Model:
    """Plays its replies in order and keeps every conversation it was sent."""

    def __init__(self, *replies: ChatReply) -> None:
        self.replies = list(replies)
        self.sent: list[list[Message]] = []

    def __call__(self, messages: list[Message]) -> ChatReply:
        self.sent.append([dict(m) for m in messages])
        return self.replies.pop(0)


def test_a_valid_first_reply_is_returned_after_one_call() -> None:
    model = Model(reply('```json\n{"level": "senior"}\n```'))
    seen: list[ChatReply] = []
    assert ask_validated(model, PROMPT, Level, on_reply=seen.append) == Level(level="senior")
    assert model.sent == [[{"role": "user", "content": PROMPT}]]
    assert [r.text for r in seen] == ['```json\n{"level": "senior"}\n```']


def test_an_invalid_reply_is_asked_again_with_what_was_wrong() -> None:
    model = Model(reply('{"level": "guru"}'), reply('{"level": "junior"}'))
    seen: list[ChatReply] = []
    assert ask_validated(model, PROMPT, Level, on_reply=seen.append) == Level(level="junior")
    first, second = model.sent
    assert first == [{"role": "user", "content": PROMPT}]
    assert second[:2] == [first[0], {"role": "assistant", "content": '{"level": "guru"}'}]
    re_ask = second[2]
    assert re_ask["role"] == "user" and re_ask["content"].startswith("That reply was invalid:")
    assert "does not match Level" in re_ask["content"] and "level:" in re_ask["content"]
    assert len(seen) == 2  # the invalid reply is counted too


def test_an_invalid_reply_twice_raises_with_both_attempts_and_the_last_reply() -> None:
    model = Model(reply('{"level": "guru"}'), reply("I think senior."))
    with pytest.raises(ReplyError) as raised:
        ask_validated(model, PROMPT, Level)
    error = raised.value
    assert type(error) is ReplyError and error.attempts == 2 and error.raw == "I think senior."
    assert "after 2 attempt(s)" in str(error) and "holds no JSON object" in str(error)
    assert len(model.sent) == 2


def test_a_cut_off_reply_is_not_asked_again() -> None:
    model = Model(reply('{"level": "sen', truncated=True), reply('{"level": "senior"}'))
    with pytest.raises(TruncatedReply):
        ask_validated(model, PROMPT, Level)
    assert len(model.sent) == 1


def test_the_check_before_each_call_can_stop_the_re_ask() -> None:
    model = Model(reply('{"level": "guru"}'), reply('{"level": "senior"}'))
    calls: list[int] = []

    def in_time() -> None:
        calls.append(len(model.sent))
        if model.sent:  # time ran out after the first call
            raise ProviderError("test", "no reply within the turn deadline")

    with pytest.raises(ProviderError, match="turn deadline"):
        ask_validated(model, PROMPT, Level, before_call=in_time)
    assert calls == [0, 1] and len(model.sent) == 1
