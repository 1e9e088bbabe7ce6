"""Where in the user's program an invoke was called.

The program runs in its own process (``preflight/host/exec_shim.py``); its side sees each
data-source call as the program makes it, numbers it, and sends the call's innermost frame in
the program with the ``Invoke`` request it leads to (gRPC metadata), and the list of every call
once the program is over, including calls the SDK never passed on (their arguments were unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

Frame = tuple[str, int, str]  # file name, line number, function name


@dataclass(frozen=True)
class InvokeCall:
    """One data-source call by the program."""

    number: int  # in call order
    token: str
    stack: tuple[Frame, ...]  # innermost first; the program's side sends its innermost frame


def _is_library(path: Path) -> bool:
    return any(part in ("site-packages", "dist-packages") for part in path.parts)


def user_frame(stack: tuple[Frame, ...], program_dir: Path) -> Frame | None:
    """The innermost frame in a file of the user's program."""
    root = program_dir.resolve()
    for filename, line, function in stack:
        if filename.startswith("<"):
            continue
        path = Path(filename).resolve()
        if path.is_relative_to(root) and not _is_library(path):
            return filename, line, function
    return None
