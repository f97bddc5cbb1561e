"""Factories the reasoner registry points at (each imports its backend lazily).

The remote reasoners take their configuration from ``options["settings"]``, as every backend factory does; none
is read from the environment here, and a caller that passes none gets a ``ConfigurationError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from interview_lib.reasoning.base import Reasoner
from interview_lib.settings import Settings, reveal, settings_option

if TYPE_CHECKING:
    from interview_lib.reasoning.rubric import RubricReasoner
    from interview_lib.reasoning.score_cache import ScoreCache


def rubric(argument: str | None, **options: Any) -> Reasoner:
    """The offline rubric reasoner (argument: random seed for question choice)."""
    from interview_lib.reasoning.rubric import RubricReasoner

    seed = int(argument) if argument else options.get("seed", 0) or 0
    return RubricReasoner(seed=seed, cache_dir=options.get("cache_dir"))


def scripted(argument: str | None, **options: Any) -> Reasoner:
    """The scripted reasoner (argument: a fixed score for every answer)."""
    from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score

    return ScriptedReasoner(judge=fixed_score(float(argument)) if argument else None)


def _chat_options(settings: Settings) -> dict[str, Any]:
    return {
        "timeout_s": settings.llm_timeout_s,
        "attempts": settings.llm_attempts,
        "json_schema": settings.llm_json_schema,
    }


def databricks(argument: str | None, **options: Any) -> Reasoner:
    """Databricks model serving (argument: one endpoint for every role; default: the three settings)."""
    from interview_lib.reasoning.chat import databricks_client
    from interview_lib.reasoning.llm import LLMReasoner, Models

    settings = settings_option(options, "reasoner", "databricks")
    token = reveal(settings.databricks_token)
    chat = databricks_client(settings.databricks_host, token, settings.databricks_profile, **_chat_options(settings))
    models = Models(
        argument or settings.llm_question_endpoint,
        argument or settings.llm_evaluation_endpoint,
        argument or settings.llm_follow_up_endpoint,
    )
    return LLMReasoner(
        chat,
        models,
        fallback=_offline(options),
        turn_deadline_s=settings.llm_turn_deadline_s,
        cache=_score_cache(options),
    )


def openai(argument: str | None, **options: Any) -> Reasoner:
    """An OpenAI-compatible chat-completions server (argument: the model name)."""
    from interview_lib.reasoning.chat import openai_client
    from interview_lib.reasoning.llm import LLMReasoner, Models

    settings = settings_option(options, "reasoner", "openai")
    chat = openai_client(settings.openai_base_url, reveal(settings.openai_api_key), **_chat_options(settings))
    model = argument or "default"
    return LLMReasoner(
        chat,
        Models(model, model, model),
        fallback=_offline(options),
        turn_deadline_s=settings.llm_turn_deadline_s,
        cache=_score_cache(options),
    )


def _score_cache(options: dict[str, Any]) -> ScoreCache:
    """Model scores remembered under the data root's cache, when there is one (else for this process)."""
    from interview_lib.reasoning.score_cache import ScoreCache

    cache_dir = options.get("cache_dir")
    return ScoreCache(cache_dir / "llm-scores" if cache_dir else None)


def _offline(options: dict[str, Any]) -> RubricReasoner:
    from interview_lib.reasoning.rubric import RubricReasoner

    return RubricReasoner(seed=options.get("seed", 0) or 0, cache_dir=options.get("cache_dir"))
