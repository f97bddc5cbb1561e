"""Backends chosen by name (``"kind:argument"``), imported only when chosen."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from interview_lib.errors import ConfigurationError


class Registry:
    """Maps backend names to ``"module:factory"`` paths; a factory takes the part after the colon."""

    def __init__(self, port: str, backends: Mapping[str, str]) -> None:
        self.port = port
        self._backends = dict(backends)

    @property
    def names(self) -> list[str]:
        """Registered backend names."""
        return sorted(self._backends)

    def create(self, spec: str, **options: Any) -> Any:
        """Build the backend ``spec`` names, e.g. ``"rubric"`` or ``"openai:llama3"``."""
        name, _, argument = spec.partition(":")
        target = self._backends.get(name)
        if target is None:
            raise ConfigurationError(f"unknown {self.port} backend {name!r}; choose one of: {', '.join(self.names)}")
        module_name, _, attribute = target.partition(":")
        factory = getattr(importlib.import_module(module_name), attribute)
        return factory(argument or None, **options)
