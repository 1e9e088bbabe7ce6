"""Where in the user's program an invoke was called.

The mock monitor answers invokes on an executor thread, so the user's frame is not on the stack
that answers. For the plain form (``get_x()``) the main thread is still blocked inside the user's
call and its stack shows the call site. For the ``get_x_output()`` form the main thread has moved
on by then, so :func:`capturing` wraps the SDK's ``pulumi.runtime.invoke*`` functions while the
program runs: each records the caller's stack in a context variable, which asyncio copies into the
task (and executor call) that later performs the invoke.
"""

from __future__ import annotations

import contextvars
import functools
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pulumi.runtime

Frame = tuple[str, int, str]  # file name, line number, function name

_CAPTURED: contextvars.ContextVar[tuple[Frame, ...] | None] = contextvars.ContextVar(
    "preflight_invoke_call_stack", default=None
)
_WRAPPED = ("invoke", "invoke_single", "invoke_output", "invoke_output_single")


def _stack(frame: FrameType | None) -> tuple[Frame, ...]:
    frames = []
    while frame is not None:
        frames.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
        frame = frame.f_back
    return tuple(frames)


def _wrap(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _CAPTURED.set(_stack(sys._getframe(1)))
        try:
            return function(*args, **kwargs)
        finally:
            _CAPTURED.reset(token)

    wrapper.__preflight_wrapped__ = function  # type: ignore[attr-defined]
    return wrapper


@contextmanager
def capturing() -> Iterator[None]:
    """Record call sites of both invoke forms while the block runs."""
    originals = {name: getattr(pulumi.runtime, name) for name in _WRAPPED}
    for name, function in originals.items():
        if not hasattr(function, "__preflight_wrapped__"):
            setattr(pulumi.runtime, name, _wrap(function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(pulumi.runtime, name, function)


def current_stack() -> tuple[Frame, ...]:
    """The stack that made the invoke now being answered (innermost frame first)."""
    captured = _CAPTURED.get()
    if captured is not None:
        return captured
    if threading.current_thread() is not threading.main_thread():
        main_id = threading.main_thread().ident
        main_frame = sys._current_frames().get(main_id) if main_id is not None else None
        return _stack(main_frame)
    return _stack(sys._getframe(1))


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
