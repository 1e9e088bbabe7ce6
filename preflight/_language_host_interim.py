"""Interim stand-in for ``preflight.language_host`` (owned by the invokes engineer) until it lands.

Same API, minimal semantics: directory ``main`` runs ``<dir>/__main__.py`` from that directory.
"""

from __future__ import annotations

import os
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path

from preflight.errors import PreflightError


@dataclass(frozen=True)
class EntryPoint:
    work_dir: Path
    path: Path
    project_dir: Path


@dataclass(frozen=True)
class ProgramError:
    message: str
    exit_code: int = 2


def entry_point(project_dir: Path, main: str | None) -> EntryPoint:
    target = (project_dir / (main or ".")).resolve()
    if not target.exists():
        raise PreflightError(f"{project_dir / 'Pulumi.yaml'}: main {main!r} does not exist")
    if target.is_dir():
        return EntryPoint(target, target, project_dir)
    return EntryPoint(project_dir, target, project_dir)


def run_program(entry: EntryPoint) -> None:
    old_cwd, old_path = os.getcwd(), list(sys.path)
    os.chdir(entry.work_dir)
    sys.path.insert(0, str(entry.work_dir))
    try:
        runpy.run_path(str(entry.path), run_name="__main__")
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path


def explain_program_error(exc: BaseException, entry: EntryPoint, stack: str) -> ProgramError:
    root = str(entry.project_dir)
    lines = [line for line in stack.splitlines() if root in line]
    detail = "\n".join(lines[-6:])
    return ProgramError(f"program {entry.path} raised {type(exc).__name__}: {exc}\n{detail}")
