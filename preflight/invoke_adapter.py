"""The seam between the program runner and ``preflight.invokes`` (offline answers to data sources).

``InvokeAnswerer`` wraps ``preflight.invokes.InvokeResolver``; until that package is importable it
answers every invoke with ``{}``, which is what a bare mock runtime does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

try:
    from preflight.invokes import InvokeResultUnknown
except ImportError:  # pragma: no cover - the invokes package ships with preflight

    class InvokeResultUnknown(Exception):  # type: ignore[no-redef]
        """Stand-in: never raised without ``preflight.invokes``."""


class InvokeAnswerer:
    def __init__(self, resolver: Any | None) -> None:
        self._resolver = resolver

    @classmethod
    def for_program(cls, program_dir: Path, stack_config: Mapping[str, Any]) -> InvokeAnswerer:
        try:
            from preflight.invokes import InvokeResolver
        except ImportError:
            return cls(None)
        return cls(InvokeResolver(program_dir, stack_config))

    def answer(
        self, token: str, args: dict[str, Any], provider_inputs: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        if self._resolver is None:
            return {}
        return dict(self._resolver.answer(token, args, provider_inputs))

    @contextlib.contextmanager
    def capturing_call_sites(self) -> Iterator[None]:
        capture = getattr(self._resolver, "capturing_call_sites", None)
        if capture is None:
            yield
            return
        with capture():
            yield

    @property
    def records(self) -> list[Any]:
        if self._resolver is None:
            return []
        return list(self._resolver.records)
