"""The library's errors: one root, a few subclasses, messages that name the fix.

This module imports nothing, so the pure ``domain`` package may raise these errors too.
"""

from __future__ import annotations


class InterviewLibError(Exception):
    """Root of every error this library raises on purpose."""


class ConfigurationError(InterviewLibError):
    """A setting is missing or names something that does not exist."""


class InvalidTransition(InterviewLibError):
    """The interview state machine was asked to move along an edge it does not have."""

    def __init__(self, current: str, target: str, hint: str = "") -> None:
        self.current = current
        self.target = target
        message = f"cannot go from {current} to {target}"
        super().__init__(f"{message}: {hint}" if hint else message)


class UsageError(InterviewLibError):
    """The interview was asked for something it cannot do now or in that form: an answer when no question is
    waiting, text and audio together, a resume of what is not paused, a report before the interview ended."""


class BankError(InterviewLibError):
    """The question bank is malformed or cannot answer a request."""


class AudioError(InterviewLibError):
    """Audio could not be decoded or is unusable (empty, corrupt, too long)."""


class ProviderError(InterviewLibError):
    """A remote model or service failed."""

    def __init__(self, provider: str, message: str, status: int | None = None) -> None:
        self.provider = provider
        self.status = status
        prefix = f"{provider} ({status})" if status is not None else provider
        super().__init__(f"{prefix}: {message}")


class StoreError(InterviewLibError):
    """The tables or stored recordings do not hold what was asked for, or are damaged."""
