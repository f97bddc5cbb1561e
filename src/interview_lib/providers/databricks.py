"""The Databricks workspace login, in one place: for model serving (chat and speech) and for secret scopes.

Logins (a PAT, OAuth M2M, a CLI profile, notebook-native auth) come from databricks-sdk's unified auth: a host,
token or profile given here is used, and the SDK's own chain (``DATABRICKS_*`` variables, ``~/.databrickscfg``,
the notebook) fills in the rest.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from interview_lib.errors import ConfigurationError
from interview_lib.providers.http import Server

if TYPE_CHECKING:
    from databricks.sdk.core import Config

LOGIN_FIX = (
    "set DATAREADY_DATABRICKS_HOST and DATAREADY_DATABRICKS_TOKEN, or DATAREADY_DATABRICKS_PROFILE, "
    "or run inside a Databricks notebook"
)
SECRET_RETRY_S = 30  # how long the SDK keeps retrying a secret read the workspace answers with 429/503


def workspace_config(
    host: str | None = None, token: str | None = None, profile: str | None = None, **sdk_options: Any
) -> Config:
    """The SDK's login for the workspace; ``ConfigurationError`` naming the settings when there is none."""
    from databricks.sdk.core import Config

    try:
        return Config(host=host, token=token, profile=profile, **sdk_options)
    except Exception as exc:
        raise ConfigurationError(f"cannot configure the Databricks workspace login ({exc}): {LOGIN_FIX}") from exc


def workspace_server(host: str | None = None, token: str | None = None, profile: str | None = None) -> Server:
    """The workspace as a ``Server``: its URL, and headers from the login (OAuth tokens refresh as they expire)."""
    config = workspace_config(host, token, profile)
    return Server(str(config.host).rstrip("/"), config.authenticate)


def read_secrets(
    scope: str, keys: Iterable[str], *, host: str | None, token: str | None, profile: str | None
) -> dict[str, str]:
    """The ``keys`` that the secret ``scope`` holds (a key it lacks is left out), read with the workspace login."""
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.errors import NotFound

    config = workspace_config(host, token, profile, retry_timeout_seconds=SECRET_RETRY_S)
    secrets = WorkspaceClient(config=config).secrets
    found: dict[str, str] = {}
    for key in keys:
        try:
            secret = secrets.get_secret(scope, key)
        except NotFound:
            continue
        except Exception as exc:
            raise ConfigurationError(
                f"cannot read {key!r} from the Databricks secret scope {scope!r} ({exc}): give this login READ on "
                "the scope, or unset DATAREADY_SECRET_SCOPE to take the keys from the environment"
            ) from exc
        if secret.value is not None:  # the REST API sends the value base64-encoded
            found[key] = base64.b64decode(secret.value).decode()
    return found
