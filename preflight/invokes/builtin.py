"""The shape shared by every built-in offline answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .provider_settings import ProviderSettings


class NoBuiltinAnswer(Exception):
    """A built-in answer cannot be derived for this call (e.g. no region configured).

    ``reason`` says why; the resolver then looks for a fixture and, failing that, reports it.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


BuiltinAnswer = Callable[[Mapping[str, Any], ProviderSettings], dict[str, Any]]
