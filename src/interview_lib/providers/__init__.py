"""Talking to model servers over HTTP: one client with timeouts, retries and error mapping (``http``), and the
logins that sign its requests: an API key for OpenAI-compatible servers (``openai``), the workspace login for
Databricks (``databricks``). The wire formats (chat completions, transcriptions) live with their backends."""

from interview_lib.providers.databricks import read_secrets, workspace_server
from interview_lib.providers.http import HttpClient, Server
from interview_lib.providers.openai import openai_server

__all__ = ["HttpClient", "Server", "openai_server", "read_secrets", "workspace_server"]
