"""Report formats. Each module exposes ``render(report, *, color=False) -> str``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from preflight.model import Report

FORMATS = ("text", "json", "markdown", "sarif")
_MODULES = {"text": "text", "json": "json_report", "markdown": "markdown", "sarif": "sarif"}


def renderer(name: str) -> Callable[..., str]:
    if name not in _MODULES:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"preflight.reporters.{_MODULES[name]}")
    return cast(Callable[..., str], module.render)


def render(report: Report, name: str, *, color: bool = False) -> str:
    return renderer(name)(report, color=color)
