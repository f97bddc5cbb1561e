"""Defensive parsing of model replies: find the JSON, repair the usual damage, validate with pydantic.

Handles code fences, prose around the object, trailing commas, single-quoted strings, Python literals
(True/None) and smart quotes. A reply cut off by the token limit is its own error (``TruncatedReply``), because
re-asking with the same limit would fail the same way. ``ask_validated`` is the one ask → validate → re-ask-once
loop every prompt of the package goes through.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from interview_lib.errors import InterviewLibError

if TYPE_CHECKING:
    from interview_lib.reasoning.chat import ChatReply, Message

T = TypeVar("T", bound=BaseModel)

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_PY_LITERALS = {r"\bTrue\b": "true", r"\bFalse\b": "false", r"\bNone\b": "null"}


class ReplyError(InterviewLibError):
    """The model's reply could not be turned into the expected object."""

    def __init__(self, message: str, raw: str, attempts: int = 1) -> None:
        self.raw = raw
        self.attempts = attempts
        super().__init__(f"{message} (after {attempts} attempt(s)); reply began: {raw[:200]!r}")


class TruncatedReply(ReplyError):
    """The reply stopped at the token limit before the JSON was complete."""


def _balanced_objects(text: str) -> tuple[list[str], bool]:
    """Every complete top-level {...} in ``text``, in order, and whether a last one never closes."""
    found: list[str] = []
    start = text.find("{")
    while start >= 0:
        end = _closing(text, start)
        if end is None:
            return found, True
        found.append(text[start : end + 1])
        start = text.find("{", end + 1)
    return found, False


def _closing(text: str, start: int) -> int | None:
    """Index of the brace closing the one at ``start``; None when it never closes."""
    depth, in_string, quote, escaped = 0, False, "", False
    for i in range(start, len(text)):
        char = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                in_string = False
        elif char in "\"'":
            in_string, quote = True, char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i
    return None


def _single_to_double_quotes(text: str) -> str:
    out, in_string, quote = [], False, ""
    for char in text:
        if not in_string and char in "\"'":
            in_string, quote = True, char
            out.append('"')
        elif in_string and char == quote:
            in_string = False
            out.append('"')
        elif in_string and quote == "'" and char == '"':
            out.append('\\"')
        else:
            out.append(char)
    return "".join(out)


def _repairs(candidate: str) -> list[str]:
    fixed = candidate.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    fixed = _TRAILING_COMMA.sub(r"\1", fixed)
    for pattern, value in _PY_LITERALS.items():
        fixed = re.sub(pattern, value, fixed)
    return [candidate, fixed, _TRAILING_COMMA.sub(r"\1", _single_to_double_quotes(fixed))]


def extract_json(reply: str, *, truncated: bool = False) -> dict[str, object]:
    """The JSON object in a model reply.

    Args:
        reply: the raw text.
        truncated: the API said the reply stopped at the token limit.

    Raises:
        TruncatedReply: the object never closes (or the API said the reply was cut off).
        ReplyError: there is no parsable object.
    """
    text = reply.strip()
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    elif text.startswith("```"):  # an opening fence that never closed: the reply was cut off
        text = text.split("\n", 1)[-1]
    candidates, unclosed = _balanced_objects(text)
    for candidate in candidates:
        for attempt in _repairs(candidate):
            try:
                value = json.loads(attempt, strict=False)  # strict=False: raw newlines inside strings
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value
            break
    if truncated or (unclosed and not candidates):
        raise TruncatedReply("the reply was cut off before its JSON object closed", reply)
    if not candidates:
        raise ReplyError("the reply holds no JSON object", reply)
    raise ReplyError("the reply's JSON object could not be parsed", reply)


def parse_reply(reply: str, model: type[T], *, truncated: bool = False) -> T:
    """Extract and validate; a ``ValidationError`` names exactly what to fix in a re-ask."""
    data = extract_json(reply, truncated=truncated)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ReplyError(f"the reply does not match {model.__name__}: {_brief(exc)}", reply) from exc


def _brief(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'object'}: {e['msg']}" for e in exc.errors()[:6])


def _nothing(*_: object) -> None:
    return None


def ask_validated(
    send: Callable[[list[Message]], ChatReply],
    prompt: str,
    model: type[T],
    *,
    before_call: Callable[[], None] = _nothing,
    on_reply: Callable[[ChatReply], None] = _nothing,
) -> T:
    """Ask once, validate, and re-ask once with the validation error; a cut-off reply is not re-asked.

    Args:
        send: sends the conversation so far to the model and returns its reply.
        prompt: the first (user) message.
        model: the pydantic model the reply must validate against.
        before_call: runs before each call; raising there stops the loop (e.g. a turn past its deadline).
        on_reply: receives every reply, valid or not (e.g. to count tokens and latency).

    Raises:
        TruncatedReply: a reply stopped at the token limit.
        ReplyError: the re-asked reply was invalid too (``attempts`` 2, ``raw`` the second reply).
    """
    messages: list[Message] = [{"role": "user", "content": prompt}]
    for attempt in (1, 2):
        before_call()
        reply = send(messages)
        on_reply(reply)
        try:
            return parse_reply(reply.text, model, truncated=reply.truncated)
        except TruncatedReply:
            raise
        except ReplyError as exc:
            if attempt == 2:
                raise ReplyError(str(exc), reply.text, attempts=2) from exc
            messages = [
                *messages,
                {"role": "assistant", "content": reply.text},
                {"role": "user", "content": f"That reply was invalid: {exc}. Reply with the JSON only."},
            ]
    raise AssertionError("unreachable")
