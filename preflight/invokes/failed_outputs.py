"""Clean-up after an invoke that failed inside an Output (the ``get_x_output()`` form).

The run reports the failure once (:class:`UnansweredInvokeError`), but every Output derived from
the failed one still holds the exception and stays registered with the runtime:

- asyncio logs "Future exception was never retrieved", with the whole message, for each of them
  when they are collected (and under pytest on Python 3.11 that logging during collection has
  ended a session in ``SystemError: AST constructor recursion depth mismatch``);
- their tasks stay in the runtime's set of outputs to wait for, tied to the run's event loop, so
  the next run in the same process fails with "Event loop is closed".
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from pulumi.runtime.settings import SETTINGS

from .errors import InvokeError


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def drop_unretrieved_invoke_errors(loop: asyncio.AbstractEventLoop) -> None:
    """Silence asyncio's reports of invoke errors already reported; others go to the default."""

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if any(isinstance(e, InvokeError) for e in _chain(context.get("exception"))):
            return
        loop.default_exception_handler(context)

    loop.set_exception_handler(handler)


def forget_outputs_of_closed_loops() -> None:
    """Drop output tasks an earlier run left behind: their loop is closed, they cannot finish."""
    with SETTINGS.lock:
        stale = {task for task in SETTINGS.outputs if task.get_loop().is_closed()}
        SETTINGS.outputs.difference_update(stale)
