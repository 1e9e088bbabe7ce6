"""Processes preflight starts (the program's, each pack's) never outlive it, and preflight never
outlives whoever started it.

* Each child runs in its own process group, killed with the group on every way out, and is
  tracked so a last-resort exit (``kill_all``) can kill what is left.
* On Linux each child asks the kernel to SIGKILL it when preflight dies (``PR_SET_PDEATHSIG``).
* preflight itself stops (SIGTERM to itself, which unwinds and stops its children) when its own
  parent dies: a wrapper that kills ``uv run preflight`` on a timeout kills ``uv``, whose child
  would otherwise run on as an orphan, with its packs.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable

PR_SET_PDEATHSIG = 1
PARENT_POLL_SECONDS = 0.5

_live: set[int] = set()
_lock = threading.Lock()


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
        return prctl
    except (OSError, AttributeError):
        return None


# Runs in the child, before it becomes the real command: ask the kernel to SIGKILL it when
# preflight (its parent, argv[1]) dies; if preflight is already gone, never start at all.
_DIE_WITH_PARENT = (
    "import ctypes,os,sys;"
    "ctypes.CDLL(None).prctl(1,9);"
    "os.getppid()==int(sys.argv[1]) or os._exit(1);"
    "os.execvp(sys.argv[2],sys.argv[2:])"
)


def dying_with_parent(command: list[str]) -> list[str]:
    """``command`` behind a short exec trampoline that sets ``PR_SET_PDEATHSIG`` (Linux), so the
    child dies with preflight.

    Not a ``preexec_fn``: with one, CPython forks through ``PyOS_BeforeFork``/``AfterFork_Child``,
    whose fork handlers restart gRPC's poller thread in the child; ``close_fds`` then closes the
    poller's epoll descriptor and the child aborts before it can exec ("epoll_wait error: Bad
    file descriptor", exit status -6; grpc/grpc#43055). The trampoline runs after exec, in a
    fresh interpreter (``-I -S``: no site, no user paths), then execs the real command, whose
    process image and argv are exactly ``command``.
    """
    if _prctl() is None:
        return command
    return [sys.executable, "-I", "-S", "-c", _DIE_WITH_PARENT, str(os.getpid()), *command]


def track(pid: int) -> None:
    with _lock:
        _live.add(pid)


def untrack(pid: int) -> None:
    with _lock:
        _live.discard(pid)


def signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def stop_group(pid: int) -> None:
    """Kill a child's whole group, even if the child itself has exited: nothing it spawned may
    outlive it."""
    signal_group(pid, signal.SIGKILL)


def kill_all() -> None:
    """SIGKILL every tracked child's group: the last resort of an interrupted run."""
    with _lock:
        live = list(_live)
    for pid in live:
        signal_group(pid, signal.SIGKILL)


_watching = False


def stop_when_parent_dies() -> None:
    """Send preflight SIGTERM once the process that started it is gone (idempotent).

    A watch thread, not ``PR_SET_PDEATHSIG`` on preflight itself: the kernel sends that signal
    when the parent *thread* that forked preflight exits, which a multi-threaded parent (``uv``)
    may do while it lives on.
    """
    global _watching
    parent = os.getppid()
    if _watching or parent == 1:
        return  # already watching, or started by init: no parent to lose
    _watching = True

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(PARENT_POLL_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="preflight-parent-watch", daemon=True).start()
