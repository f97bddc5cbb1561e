"""Reasoners: who asks the questions and scores the answers."""

from __future__ import annotations

from typing import Any

from interview_lib.reasoning.base import QuestionRequest, Reasoner
from interview_lib.registry import Registry

REASONERS = Registry(
    "reasoner",
    {
        "rubric": "interview_lib.reasoning.factories:rubric",
        "scripted": "interview_lib.reasoning.factories:scripted",
        "databricks": "interview_lib.reasoning.factories:databricks",
        "openai": "interview_lib.reasoning.factories:openai",
    },
)


def create_reasoner(spec: str, **options: Any) -> Reasoner:
    """The reasoner named by ``spec`` (e.g. ``"rubric"``)."""
    reasoner: Reasoner = REASONERS.create(spec, **options)
    return reasoner


__all__ = ["REASONERS", "QuestionRequest", "Reasoner", "create_reasoner"]
