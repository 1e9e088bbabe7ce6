"""Report formats. Each module exposes ``render(report, *, color=False) -> str``."""

from __future__ import annotations

from collections.abc import Callable

from preflight.model import Report

FORMATS = ("text", "json", "markdown", "sarif")


def renderer(name: str) -> Callable[..., str]:
    if name == "text":
        from preflight.reporters import text

        return text.render
    if name == "json":
        from preflight.reporters import json_report

        return json_report.render
    if name == "markdown":
        from preflight.reporters import markdown

        return markdown.render
    if name == "sarif":
        from preflight.reporters import sarif

        return sarif.render
    raise ValueError(f"unknown format {name!r}")


def render(report: Report, name: str, *, color: bool = False) -> str:
    return renderer(name)(report, color=color)
