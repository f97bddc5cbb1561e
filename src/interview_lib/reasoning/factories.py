"""Factories the reasoner registry points at (each imports its backend lazily)."""

from __future__ import annotations

from typing import Any

from interview_lib.reasoning.base import Reasoner


def rubric(argument: str | None, **options: Any) -> Reasoner:
    """The offline rubric reasoner (argument: random seed for question choice)."""
    from interview_lib.reasoning.rubric import RubricReasoner

    seed = int(argument) if argument else options.get("seed", 0) or 0
    return RubricReasoner(seed=seed, cache_dir=options.get("cache_dir"))


def scripted(argument: str | None, **options: Any) -> Reasoner:
    """The scripted reasoner (argument: a fixed score for every answer)."""
    from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score

    return ScriptedReasoner(judge=fixed_score(float(argument)) if argument else None)
