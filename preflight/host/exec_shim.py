"""The program's side of a preflight run: what the Python language host's exec script does.

preflight copies this file to a private directory as ``pulumi-language-python-exec`` and runs it
as the language host does, with the same command line::

    python -u pulumi-language-python-exec --monitor ADDR --engine ADDR --project P
        --root_directory DIR --stack S --pwd DIR --dry_run true --parallel N
        --organization O ENTRY_POINT

and ``PULUMI_CONFIG`` / ``PULUMI_CONFIG_SECRET_KEYS`` in the environment. The monitor and engine
are preflight's (``preflight/monitor.py``), in the preflight process. Like the real script it
configures the SDK, changes to ``--pwd``, sets ``sys.argv`` to the entry point, runs the program
with ``runpy.run_path`` inside ``pulumi.runtime.run_in_stack`` on a fresh event loop whose
default executor has ``4 * parallel`` threads, and silences asyncio's logger.

Five things are preflight's own, and none touches what the program can see through the SDK's
public API or its environment:

* each data-source call's place in the program (for the report and for an unanswered invoke's
  message): the SDK's private ``pulumi.runtime.invoke._invoke`` and, for the ``*_output`` form,
  the ``_get_rpc_manager`` it calls when the program calls it, are wrapped; the call travels to
  the monitor as gRPC metadata of the ``Invoke`` request;
* the garbage collector runs in larger batches (:data:`GC_THRESHOLDS`);
* the SDK's debug messages (one per registered resource) are dropped in this process instead of
  crossing to preflight's engine, which never shows them (:class:`_EngineWithoutDebug`);
* once the program's code has returned, what it left running is waited for in linear time before
  the SDK's own wait runs (:func:`_settle`);
* after the program has finished, one report to preflight over the engine's channel (the calls
  seen, and why the program failed, explained by ``preflight.language_host``, which is imported
  only then).

Only the standard library, grpc and the Pulumi SDK are imported before the program runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import gc
import importlib
import itertools
import json
import logging
import os
import runpy
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import FrameType
from typing import Any

import grpc
import pulumi
import pulumi.runtime
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, resource_pb2_grpc

REPORT_METHOD = "/preflight.ProgramHost/Report"
INVOKE_CALL_METADATA = "preflight-invoke-call"
# The language host's exit status for "the error was shown to the user".
EXIT_ERROR_SHOWN = 32

_CALL: contextvars.ContextVar[str | None] = contextvars.ContextVar("invoke_call", default=None)
_numbers = itertools.count(1)
_calls: list[list[Any]] = []
_program_root = Path()


def _user_frame(frame: FrameType | None) -> list[Any] | None:
    """The innermost frame in a file of the program (not a library under the project)."""
    while frame is not None:
        name = frame.f_code.co_filename
        if not name.startswith("<"):
            path = Path(name).resolve()
            if path.is_relative_to(_program_root) and not {"site-packages", "dist-packages"} & set(
                path.parts
            ):
                return [str(path), frame.f_lineno, frame.f_code.co_name]
        frame = frame.f_back
    return None


def _saw_call(token: str, frame: FrameType | None) -> None:
    call = [next(_numbers), token, _user_frame(frame)]
    _calls.append(call)
    _CALL.set(json.dumps(call))


def _watch_invokes() -> None:
    # The module, not the function of the same name pulumi.runtime exports.
    sdk_invoke: Any = importlib.import_module("pulumi.runtime.invoke")
    original_invoke = sdk_invoke._invoke
    original_manager = sdk_invoke._get_rpc_manager
    output_form = sdk_invoke.invoke_output.__code__

    def invoke(tok: str, *args: Any, **kwargs: Any) -> Any:
        caller = sys._getframe(1)
        # The *_output form calls _invoke later, from its own task: its call was seen already.
        if caller.f_code.co_name != "do_invoke_output":
            _saw_call(tok, caller)
        return original_invoke(tok, *args, **kwargs)

    def rpc_manager() -> Any:
        caller = sys._getframe(1)
        if caller.f_code is output_form:
            _saw_call(str(caller.f_locals.get("tok", "")), caller.f_back)
        return original_manager()

    sdk_invoke._invoke = invoke
    sdk_invoke._get_rpc_manager = rpc_manager


class _InvokeCallMetadata(grpc.UnaryUnaryClientInterceptor):
    """Sends the data-source call an ``Invoke`` request answers (see :func:`_watch_invokes`)."""

    def intercept_unary_unary(
        self, continuation: Callable[[Any, Any], Any], details: Any, request: Any
    ) -> Any:
        call = _CALL.get()
        if call is not None and details.method.endswith("/Invoke"):
            metadata = [*(details.metadata or ()), (INVOKE_CALL_METADATA, call)]
            details = details._replace(metadata=metadata)
        return continuation(details, request)


def _monitor(address: str) -> Any:
    channel = grpc.intercept_channel(
        grpc.insecure_channel(address, options=_GRPC_CHANNEL_OPTIONS), _InvokeCallMetadata()
    )
    return resource_pb2_grpc.ResourceMonitorStub(channel)


class _EngineWithoutDebug:
    """The engine client, less the SDK's debug messages.

    The SDK logs a debug line for every resource it registers, each a blocking ``Log`` call: in a
    large program as many round trips as registrations, for lines the CLI shows only at high
    verbosity and preflight never shows. Every other message and call goes to preflight's engine.
    """

    def __init__(self, stub: Any) -> None:
        self._stub = stub

    def Log(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.severity == engine_pb2.DEBUG:
            return None
        return self._stub.Log(request, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stub, name)


def _engine(address: str) -> _EngineWithoutDebug:
    channel = grpc.insecure_channel(address, options=_GRPC_CHANNEL_OPTIONS)
    return _EngineWithoutDebug(engine_pb2_grpc.EngineStub(channel))


def _explain(error: BaseException, args: argparse.Namespace, cwd: str) -> str:
    """Why the program failed, in preflight's words (imported only now: the program is over)."""
    os.chdir(cwd)
    from preflight.language_host import EntryPoint, explain_program_error

    pwd = Path(args.pwd or cwd)
    entry = EntryPoint(project_dir=_program_root, work_dir=pwd, path=pwd / args.PROGRAM)
    return explain_program_error(error, entry, args.stack).message


def _report(engine: str, report: dict[str, Any]) -> None:
    with grpc.insecure_channel(engine) as channel:
        send: Any = channel.unary_unary(REPORT_METHOD)
        send(json.dumps(report).encode(), timeout=30)


# Type token -> the class the program instantiated for it, recorded as resources are created.
_resource_classes: dict[str, type] = {}


def _record_resource_classes() -> None:
    """Remember which class each custom resource type was created from, so that this process,
    which has the SDK subpackages loaded already, can tell preflight each type's computed
    outputs (preflight would otherwise import every subpackage again just to list them)."""
    original = pulumi.CustomResource.__init__

    def init(self: Any, t: str, *args: Any, **kwargs: Any) -> None:
        if isinstance(t, str):
            _resource_classes.setdefault(t, type(self))
        original(self, t, *args, **kwargs)

    pulumi.CustomResource.__init__ = init  # type: ignore[method-assign]


def _computed_outputs() -> dict[str, list[str]]:
    """Per recorded type, the output-only properties of its SDK class (its outputs minus the
    inputs of its ``Args`` class), computed as preflight's ``program_runner.output_names`` does.
    A type whose SDK class or ``Args`` class cannot be found is left out (preflight finds it)."""
    from pulumi import _types

    found: dict[str, list[str]] = {}
    for token, cls in _resource_classes.items():
        for base in cls.__mro__:  # a program's subclass of an SDK class: the SDK class
            module = sys.modules.get(base.__module__)
            args_cls = getattr(module, f"{base.__name__}Args", None) if module else None
            if base.__module__.startswith("pulumi_") and isinstance(args_cls, type):
                outputs = set(_types.resource_pulumi_to_py_names(base))
                inputs = set(_types.input_type_py_to_pulumi_names(args_cls).values())
                found[token] = sorted(outputs - inputs - {"id", "urn"})
                break
    return found


# CPython collects its youngest generation every 700 net allocations (``gc.get_threshold()``). The
# SDK allocates an Output, four futures and a resolver per property of every resource, nearly all
# alive until the program ends, so the default collector keeps re-walking a young generation of
# survivors and, as the heap grows, the whole heap: measured on a 1,000-resource program, the
# collector was 70 % of this process's main-thread time and the process's CPU fell from 9.7 s to
# 4.3-5.0 s with the thresholds below. What is garbage is still collected, only in larger batches.
GC_THRESHOLDS = (20_000, 20, 20)


def _collect_garbage_less_often() -> None:
    """Larger collector batches for the program's run; the SDK and what it imported so far are
    moved out of the collector's reach (``gc.freeze``), as they live until the process ends."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


# How long the settling wait below goes on with nothing finishing before it hands over to the SDK.
SETTLE_STALL_SECONDS = 10.0


async def _settle() -> None:
    """Wait, in linear time, for what the program left running: its registrations in flight and
    the outputs they resolve.

    The SDK's ``wait_for_rpcs`` does this after the program returns too, but it waits for the
    outputs with ``asyncio.wait(FIRST_COMPLETED)`` over all of them and puts the unfinished ones
    back, once per wave of outputs that finish together: a large program's registrations come
    back over gRPC as preflight records them, so tens of thousands of outputs are pending when the
    SDK starts and every wave walks them all (1,000 resources: 35 waits over 507,000 outputs in
    all, up to 27,000 at once). Here each wait is for all of them (``ALL_COMPLETED``), so an
    output is waited for once. Nothing is taken from the SDK's lists and no exception is raised:
    a failed or unfinished output stays for the SDK's own wait, which then reports it as it
    always does; a wait in which nothing finishes for ``SETTLE_STALL_SECONDS`` hands over too,
    so that what finishes only after the program's stack does (its exports) is never waited for
    here."""
    from pulumi.runtime.settings import SETTINGS, _get_rpc_manager

    while True:
        with SETTINGS.lock:
            tracked = [*SETTINGS.outputs, *_get_rpc_manager().rpcs]
        pending = [t for t in tracked if isinstance(t, asyncio.Future) and not t.done()]
        if not pending:
            return
        done, _ = await asyncio.wait(pending, timeout=SETTLE_STALL_SECONDS)
        if not done:
            return


def _die_with_preflight() -> None:
    """The kernel kills this process when preflight dies (Linux), so it never runs on alone."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL


def main() -> None:
    global _program_root
    _die_with_preflight()
    parser = argparse.ArgumentParser(description="Execute a Pulumi Python program")
    for option in (
        "project",
        "root_directory",
        "stack",
        "parallel",
        "dry_run",
        "pwd",
        "monitor",
        "engine",
        "tracing",
        "organization",
    ):
        parser.add_argument(f"--{option}")
    parser.add_argument("PROGRAM")
    parser.add_argument("ARGS", nargs="*")
    args = parser.parse_args()
    started_in = os.getcwd()
    _program_root = Path(args.root_directory or args.pwd or started_in).resolve()

    pulumi.runtime.set_all_config(
        pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env()
    )
    settings = pulumi.runtime.Settings(
        monitor=_monitor(args.monitor),
        engine=_engine(args.engine),
        project=args.project,
        stack=args.stack,
        parallel=int(args.parallel),
        dry_run=args.dry_run == "true",
        organization=args.organization,
        root_directory=args.root_directory,
    )
    pulumi.runtime.configure(settings)
    _watch_invokes()
    _record_resource_classes()

    sys.argv = [args.PROGRAM, *args.ARGS]
    if args.pwd is not None:
        os.chdir(args.pwd)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    executor = ThreadPoolExecutor(max_workers=max(int(args.parallel), 1) * 4)
    loop.set_default_executor(executor)
    # As the language host: asyncio's complaints about futures a failed program left behind
    # are not the user's to read.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    _collect_garbage_less_often()
    exit_code = 1
    failure: BaseException | None = None
    try:

        def run() -> Any:
            runpy.run_path(args.PROGRAM, run_name="__main__")
            return _settle()

        loop.run_until_complete(pulumi.runtime.run_in_stack(run))
        exit_code = 0
    except pulumi.RunError as error:
        failure = error
    except Exception as error:
        failure = error
        exit_code = EXIT_ERROR_SHOWN
    finally:
        executor.shutdown(wait=True)
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()

    report: dict[str, Any] = {"calls": _calls, "error": None}
    try:
        report["outputs"] = _computed_outputs()
    except Exception:  # an optimisation only: preflight computes what is missing itself
        report["outputs"] = {}
    if failure is not None:
        try:
            report["error"] = _explain(failure, args, started_in)
        except Exception:  # the explanation must never hide the failure itself
            report["error"] = "".join(traceback.format_exception(failure)).rstrip()
    try:
        _report(args.engine, report)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    sys.exit(exit_code)


if __name__ == "__main__":
    main()
