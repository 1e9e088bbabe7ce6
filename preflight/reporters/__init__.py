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
    render_module = cast(Callable[..., str], module.render)

    def render_stable(report: Report, *, color: bool = False) -> str:
        # Every format, the same order for the same content: see Report.in_stable_order.
        return render_module(report.in_stable_order(), color=color)

    return render_stable


def render(report: Report, name: str, *, color: bool = False) -> str:
    return renderer(name)(report, color=color)
