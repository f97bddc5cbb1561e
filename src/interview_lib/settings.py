"""All configuration in one typed object; environment variables use the prefix ``DATAREADY_``.

Secrets (the workspace token and the API keys) resolve in this order: an argument given to ``Settings(...)``,
then the Databricks secret scope named by ``secret_scope`` (when one is set), then the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from interview_lib.errors import ConfigurationError

# The secret settings a secret scope can hold, and the key each one has in the scope.
SCOPE_KEYS = {"databricks_token": "databricks-token", "openai_api_key": "openai-api-key", "stt_api_key": "stt-api-key"}


class Settings(BaseSettings):
    """Where data lives and which backends run. Every default works offline on one machine."""

    model_config = SettingsConfigDict(env_prefix="DATAREADY_", extra="forbid", frozen=True)

    # --- Where data lives ---
    # Data root: MLflow store (mlruns.db, artifacts/), Delta tables (delta/) and audio (audio/) live under it.
    home: Path = Field(default=Path("dataready-data"))

    # --- Who asks and scores: the reasoner, its models and servers, and how remote calls are made ---
    # The reasoner: "rubric" (offline), "databricks" (serving endpoints below) or "openai:<model>".
    reasoner: str = "rubric"
    # Databricks model-serving endpoints: questions and evaluation (Pro), follow-ups (Flash).
    llm_question_endpoint: str = "databricks-gemini-2-5-pro"
    llm_evaluation_endpoint: str = "databricks-gemini-2-5-pro"
    llm_follow_up_endpoint: str = "databricks-gemini-2-5-flash"
    # An OpenAI-compatible chat server (vLLM, Ollama, llama.cpp server, OpenAI): base URL ending in /v1, and key.
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_api_key: SecretStr | None = None
    # Timeout of one try of a chat call, and tries of every remote call, chat or speech (a refused connection, a
    # timeout, 408, 429 or 5xx is tried again after a backoff with jitter, or the server's Retry-After up to 8 s).
    llm_timeout_s: float = 30.0
    llm_attempts: int = 3
    # The longest the candidate waits on a remote model for the next question (score + follow-up or next question,
    # tries included); past it the offline interviewer answers that turn. 0 turns it off (batch re-scoring).
    llm_turn_deadline_s: float = 12.0
    # Ask for JSON-schema structured output (turn off for servers that reject response_format).
    llm_json_schema: bool = True

    # --- Speech: the recogniser and its server, and the interviewer's voice ---
    # Speech to text: "faster-whisper:tiny.en" (offline, shipped model), "faster-whisper:base" or a model folder,
    # "openai:<model>" (an OpenAI-compatible /v1/audio/transcriptions server), "databricks:<serving endpoint>".
    stt: str = "faster-whisper:tiny.en"
    # Prime the recogniser with data-engineering terms (Delta, Z-order, Kafka...); fillers are primed always.
    stt_vocabulary_hint: bool = True
    # The OpenAI-compatible speech-to-text server for stt="openai:<model>": base URL ending in /v1 (empty: the
    # chat server above) and key (empty: the chat key, but only when it is the chat server).
    stt_base_url: str | None = None
    stt_api_key: SecretStr | None = None
    # Text to speech for the interviewer's voice: "piper" (offline), "edge-tts" (needs network) or "silent".
    tts: str = "piper"
    # Longest answer recording that is transcribed; the rest is cut off and the report says so.
    max_audio_seconds: float = 600.0

    # --- The Databricks workspace: login and secrets ---
    # Workspace login; empty values fall through to databricks-sdk's chain (env vars, ~/.databrickscfg, notebook).
    databricks_host: str | None = None
    databricks_token: SecretStr | None = None
    databricks_profile: str | None = None
    # A Databricks secret scope holding the token and keys not given as arguments (keys: databricks-token,
    # openai-api-key, stt-api-key), read with the workspace login above; a key it lacks comes from the environment.
    secret_scope: str | None = None

    # --- Where sessions are recorded: tables and experiment tracking ---
    # Where the tables live: "local" (Delta under `home`) or "spark" (Unity Catalog via the active Spark session).
    store: str = "local"
    # Unity Catalog location of the tables for the spark store.
    uc_catalog: str = "main"
    uc_schema: str = "dataready"
    # MLflow tracking URI; empty means a sqlite store under `home` ("databricks" inside a workspace).
    mlflow_tracking_uri: str = ""
    # MLflow experiment that holds one run per session.
    mlflow_experiment: str = "dataready"
    # The Databricks bundle target (dev/prod) when running as a bundle job; logged as an MLflow tag.
    bundle_target: str | None = None

    # --- Set by the platform, not by users (under the platform's own variable names) ---
    # The Databricks Runtime a notebook or job runs on (None elsewhere). Its notebooks do not render third-party
    # widgets, so the room offers upload and typing instead of its microphone.
    databricks_runtime: str | None = Field(default=None, validation_alias="DATABRICKS_RUNTIME_VERSION")
    # The port Databricks Apps' proxy forwards to (``dataready serve`` listens on it).
    databricks_app_port: int | None = Field(default=None, validation_alias="DATABRICKS_APP_PORT")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments first, then the secret scope, then the environment."""
        scope = _SecretScope(settings_cls, init_settings, env_settings)
        return init_settings, scope, env_settings, dotenv_settings, file_secret_settings

    @property
    def stt_server_url(self) -> str:
        """The speech-to-text server's base URL: ``stt_base_url``, else the chat server's."""
        return self.stt_base_url or self.openai_base_url

    @property
    def stt_server_key(self) -> SecretStr | None:
        """The speech-to-text server's key: ``stt_api_key``, else the chat key when STT runs on the chat server."""
        if self.stt_api_key is not None:
            return self.stt_api_key
        same_server = self.stt_server_url.rstrip("/") == self.openai_base_url.rstrip("/")
        return self.openai_api_key if same_server else None


class _SecretScope(PydanticBaseSettingsSource):
    """The secrets not given as arguments, read from ``secret_scope`` when one is set (by argument or env)."""

    def __init__(
        self, settings_cls: type[BaseSettings], arguments: PydanticBaseSettingsSource, env: PydanticBaseSettingsSource
    ) -> None:
        super().__init__(settings_cls)
        self._arguments = arguments
        self._env = env

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Unused: ``__call__`` reads the scope in one go."""
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        arguments = self._arguments()
        given = {**self._env(), **arguments}
        wanted = {name: key for name, key in SCOPE_KEYS.items() if name not in arguments}
        scope = given.get("secret_scope")
        if not scope or not wanted:
            return {}
        from interview_lib.providers.databricks import read_secrets

        found = read_secrets(
            scope,
            wanted.values(),
            host=given.get("databricks_host"),
            token=reveal(given.get("databricks_token")),
            profile=given.get("databricks_profile"),
        )
        return {name: found[key] for name, key in wanted.items() if key in found}


def reveal(secret: SecretStr | str | None) -> str | None:
    """The plain value of a secret setting (None stays None)."""
    return secret.get_secret_value() if isinstance(secret, SecretStr) else secret


def settings_option(options: Mapping[str, Any], port: str, backend: str) -> Settings:
    """The ``settings`` a backend factory of ``port`` ("reasoner", "stt") was given. There is no default: a factory
    never reads the environment behind its caller's back, so a caller that passes none gets an error saying so."""
    settings = options.get("settings")
    if isinstance(settings, Settings):
        return settings
    given = "none were given" if settings is None else f"got a {type(settings).__name__}"
    raise ConfigurationError(
        f"the {backend!r} {port} backend needs settings ({given}): pass settings=Settings() to create_{port}(...) "
        "to read the DATAREADY_* environment, or settings=Settings(...) with the values"
    )
