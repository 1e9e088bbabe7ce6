"""Where the Python language host starts a program, and one clear message for why it failed.

``main:`` in ``Pulumi.yaml`` may name another directory or a file; the engine then hands the
language host that directory (or the file's) as the working directory and ``.`` (or the file's
name) as the entry point, which the exec script runs with ``runpy.run_path`` (see
``preflight/program_runner.py``). A program's failures become one message each (exit status 2);
the program's own process calls :func:`explain_program_error` once the program is over.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pulumi
from pulumi.config import ConfigMissingError, ConfigTypeError

from preflight.errors import EXIT_NOT_EVALUATED, PreflightError
from preflight.invokes.errors import InvokeError

__all__ = [
    "EntryPoint",
    "ProgramError",
    "engine_pwd_main",
    "entry_point",
    "explain_program_error",
]

EXIT_CANNOT_EVALUATE = EXIT_NOT_EVALUATED


@dataclass(frozen=True)
class EntryPoint:
    project_dir: Path  # holds Pulumi.yaml
    work_dir: Path  # the working directory and first sys.path entry while the program runs
    path: Path  # what runs: a directory with __main__.py, or a .py file


class ProgramError(PreflightError):
    """The program could not be evaluated; ``message`` is the whole explanation (exit status 2)."""


def entry_point(project_dir: Path, main: str | None = None) -> EntryPoint:
    """Where the program starts, honouring ``main:`` as the Pulumi CLI does."""
    project_dir = Path(project_dir).resolve()
    project_file = project_dir / "Pulumi.yaml"
    target = (project_dir / main).resolve() if main else project_dir
    if not target.exists():
        raise ProgramError(
            f"{project_file}: main: {main!r} does not exist (it is resolved against the "
            "directory of Pulumi.yaml)."
        )
    if target.is_dir():
        if not (target / "__main__.py").is_file():
            where = f"main: {main!r}" if main else "the project directory"
            raise ProgramError(
                f"{project_file}: {where} has no __main__.py; the Python language host runs "
                f"{target / '__main__.py'}. Add it, or point main: at the program's file."
            )
        return EntryPoint(project_dir=project_dir, work_dir=target, path=target)
    return EntryPoint(project_dir=project_dir, work_dir=target.parent, path=target)


def engine_pwd_main(entry: EntryPoint) -> tuple[Path, str]:
    """The working directory and entry point the engine hands the language host
    (``getPwdMain``): a directory program runs as ``.`` from that directory, a file program by
    its base name from the file's directory."""
    if entry.path.is_dir():
        return entry.path, "."
    return entry.path.parent, entry.path.name


def _is_within(path: str | None, directory: Path) -> bool:
    if not path:
        return False
    try:
        resolved = Path(path).resolve()
    except OSError:
        return False
    return resolved.is_relative_to(directory) and not any(
        part in ("site-packages", "dist-packages") for part in resolved.parts
    )


# ---------------------------------------------------------------------------------------------
# Explaining failures


_STACK_NAME = re.compile(r"[A-Za-z0-9_.\-/]+")


def _runtime_stack() -> str:
    try:
        return pulumi.get_stack()
    except Exception:  # the runtime was never configured
        return "<stack>"


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _user_frames(
    tb: TracebackType | None, project_dir: Path
) -> list[traceback.FrameSummary]:
    return [
        frame
        for frame in traceback.extract_tb(tb)
        if _is_within(frame.filename, project_dir)
    ]


def _display(path: str) -> str:
    shown = os.path.relpath(path)
    return path if shown.startswith(".." + os.sep + "..") else shown


def _innermost_site(error: BaseException, project_dir: Path) -> str | None:
    frames = _user_frames(error.__traceback__, project_dir)
    if not frames:
        return None
    return f"{_display(frames[-1].filename)}:{frames[-1].lineno}"


def _missing_config(error: ConfigMissingError, entry: EntryPoint, stack: str) -> str:
    stack_file = _display(str(entry.project_dir / f"Pulumi.{stack}.yaml"))
    site = _innermost_site(error, entry.project_dir)
    at = f" (required at {site})" if site else ""
    secret = " --secret" if error.secret else ""
    return (
        f"{stack_file}: missing required configuration value {error.key}{at}. Add it to "
        f"{stack_file} under config:\n\n"
        f"config:\n  {error.key}: <value>\n\n"
        f"or run: pulumi config set{secret} {error.key} <value> --stack {stack}"
    )


def _config_type(error: ConfigTypeError, entry: EntryPoint, stack: str) -> str:
    stack_file = _display(str(entry.project_dir / f"Pulumi.{stack}.yaml"))
    site = _innermost_site(error, entry.project_dir)
    at = f" (read at {site})" if site else ""
    return (
        f"{stack_file}: configuration value {error.key} is {error.value!r}, which is not "
        f"of type {error.expect_type}{at}. Fix it in {stack_file} under config:."
    )


def _module_not_found(error: ModuleNotFoundError, entry: EntryPoint) -> str:
    site = _innermost_site(error, entry.project_dir)
    at = f" (imported at {site})" if site else ""
    requirements = [
        name
        for name in ("requirements.txt", "pyproject.toml")
        if (entry.project_dir / name).is_file()
    ]
    listed = f" listed in {' / '.join(requirements)}" if requirements else ""
    return (
        f"the program imports {error.name!r}, which is not installed in this environment{at}. "
        f"preflight runs the program with its own interpreter ({sys.executable}); the program's "
        f"dependencies{listed} must be installed in this environment (e.g. `uv add` them to "
        "this project, or `uv pip install -r requirements.txt`)."
    )


def _trimmed_traceback(error: BaseException, entry: EntryPoint) -> str:
    frames = _user_frames(error.__traceback__, entry.project_dir)
    lines = ["the program raised an exception. Traceback (the program's own frames only):"]
    if frames:
        shown = [
            traceback.FrameSummary(_display(f.filename), f.lineno, f.name, line=f.line)
            for f in frames
        ]
        lines.extend(line.rstrip("\n") for line in traceback.format_list(shown))
    else:
        lines.append("  (no frame of the program is on the stack: it failed inside a library)")
    lines.extend(
        line.rstrip("\n") for line in traceback.format_exception_only(type(error), error)
    )
    return "\n".join(lines)


def explain_program_error(
    error: BaseException, entry: EntryPoint, stack_name: str | None = None
) -> ProgramError:
    """One clear message for why the program could not be evaluated (exit status 2).

    ``stack_name`` names ``Pulumi.<stack>.yaml`` in the missing-config message; without a valid
    one, the stack the runtime was configured with (``pulumi.get_stack()``) is used.
    """
    stack = stack_name if stack_name and _STACK_NAME.fullmatch(stack_name) else _runtime_stack()
    for link in _chain(error):
        if isinstance(link, InvokeError):
            return ProgramError(link.message)
    for link in _chain(error):
        if isinstance(link, ConfigMissingError):
            return ProgramError(_missing_config(link, entry, stack))
        if isinstance(link, ConfigTypeError):
            return ProgramError(_config_type(link, entry, stack))
        if isinstance(link, ModuleNotFoundError) and link.name:
            return ProgramError(_module_not_found(link, entry))
    if isinstance(error, pulumi.RunError):
        # The language host reports a RunError by its message alone, without a traceback.
        site = _innermost_site(error, entry.project_dir)
        at = f" at {site}" if site else ""
        return ProgramError(f"the program stopped with an error{at}: {error}")
    return ProgramError(_trimmed_traceback(error, entry))
