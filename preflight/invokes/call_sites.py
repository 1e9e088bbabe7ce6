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
import itertools
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pulumi.runtime

Frame = tuple[str, int, str]  # file name, line number, function name


@dataclass(frozen=True)
class InvokeCall:
    """One call of ``pulumi.runtime.invoke*`` by the program, seen by :func:`capturing`."""

    number: int  # in call order
    token: str
    stack: tuple[Frame, ...]


OnCall = Callable[[InvokeCall], None]

_CAPTURED: contextvars.ContextVar[InvokeCall | None] = contextvars.ContextVar(
    "preflight_invoke_call", default=None
)
_numbers = itertools.count(1)
_WRAPPED = ("invoke", "invoke_single", "invoke_output", "invoke_output_single")


def _stack(frame: FrameType | None) -> tuple[Frame, ...]:
    frames = []
    while frame is not None:
        frames.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
        frame = frame.f_back
    return tuple(frames)


def _wrap(function: Callable[..., Any], on_call: OnCall) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(tok: str, *args: Any, **kwargs: Any) -> Any:
        call = InvokeCall(next(_numbers), tok, _stack(sys._getframe(1)))
        on_call(call)
        context_token = _CAPTURED.set(call)
        try:
            return function(tok, *args, **kwargs)
        finally:
            _CAPTURED.reset(context_token)

    wrapper.__preflight_wrapped__ = function  # type: ignore[attr-defined]
    return wrapper


@contextmanager
def capturing(on_call: OnCall) -> Iterator[None]:
    """Record the calls of both invoke forms while the block runs; ``on_call`` sees each."""
    originals = {name: getattr(pulumi.runtime, name) for name in _WRAPPED}
    for name, function in originals.items():
        if not hasattr(function, "__preflight_wrapped__"):
            setattr(pulumi.runtime, name, _wrap(function, on_call))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(pulumi.runtime, name, function)


def current_call() -> InvokeCall | None:
    """The captured call whose invoke is now being answered, if :func:`capturing` saw it."""
    return _CAPTURED.get()


def current_stack() -> tuple[Frame, ...]:
    """The stack that made the invoke now being answered (innermost frame first)."""
    captured = _CAPTURED.get()
    if captured is not None:
        return captured.stack
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
