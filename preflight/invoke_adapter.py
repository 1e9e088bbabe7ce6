"""The seam between the program's monitor and ``preflight.invokes`` (offline answers to data
sources)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from preflight.invokes import InvokeResolver, InvokeResultUnknown
from preflight.invokes.call_sites import InvokeCall
from preflight.invokes.fixtures import Fixtures

__all__ = ["InvokeAnswerer", "InvokeCall", "InvokeResultUnknown"]


class InvokeAnswerer:
    def __init__(self, resolver: InvokeResolver | None) -> None:
        self._resolver = resolver

    @classmethod
    def for_program(cls, program_dir: Path, stack_config: Mapping[str, Any]) -> InvokeAnswerer:
        return cls(InvokeResolver(program_dir, stack_config))

    @property
    def fixtures(self) -> Fixtures:
        return self._resolver.fixtures if self._resolver is not None else Fixtures()

    def answer(
        self,
        token: str,
        args: dict[str, Any],
        provider_inputs: Mapping[str, Any] | None,
        call: InvokeCall | None = None,
    ) -> dict[str, Any]:
        if self._resolver is None:
            return {}
        return dict(self._resolver.answer(token, args, provider_inputs, call))

    def saw_calls(self, calls: list[InvokeCall]) -> None:
        if self._resolver is not None:
            self._resolver.saw_calls(calls)

    @property
    def records(self) -> list[Any]:
        if self._resolver is None:
            return []
        return list(self._resolver.records)
