"""The program's process as preflight runs it: what preflight changes there for speed, and that
the program cannot tell. (``preflight/host/exec_shim.py``)"""

from __future__ import annotations

import asyncio
import gc
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from pulumi.runtime.proto import engine_pb2
from pulumi.runtime.settings import SETTINGS, _get_rpc_manager

from preflight import monitor as preflight_monitor
from preflight import program_runner
from preflight.host import exec_shim
from preflight.project import load_project, load_stack_config

PROGRAM = textwrap.dedent(
    """
    import gc
    import pulumi

    pulumi.log.debug("debug-marker")
    pulumi.log.info("info-marker")
    pulumi.log.warn("warn-marker")
    pulumi.export("gc_threshold", list(gc.get_threshold()))
    pulumi.export("gc_frozen", gc.get_freeze_count())
    """
)


def _write_program(directory: Path) -> Path:
    (directory / "Pulumi.yaml").write_text("name: process-check\nruntime: python\n")
    (directory / "Pulumi.dev.yaml").write_text("config: {}\n")
    (directory / "__main__.py").write_text(PROGRAM)
    return directory


@pytest.fixture
def engine_messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Every ``Log`` request preflight's engine service receives."""
    received: list[tuple[int, str]] = []
    original = preflight_monitor.EngineService.Log

    def log(self: Any, request: Any, context: Any) -> Any:
        received.append((request.severity, request.message))
        return original(self, request, context)

    monkeypatch.setattr(preflight_monitor.EngineService, "Log", log)
    return received


def _stack_outputs(run: program_runner.ProgramRun) -> dict[str, Any]:
    root = next(r for r in run.resources if r.type == "pulumi:pulumi:Stack")
    return json.loads(json_format.MessageToJson(root.outputs))


def test_debug_messages_stay_in_the_programs_process_and_the_rest_reach_preflight(
    tmp_path: Path, engine_messages: list[tuple[int, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    project = load_project(_write_program(tmp_path))
    program_runner.run_program(project, load_stack_config(project, "dev"))

    by_text = {message: severity for severity, message in engine_messages}
    assert by_text.get("info-marker") == engine_pb2.INFO
    assert by_text.get("warn-marker") == engine_pb2.WARNING
    assert "debug-marker" not in by_text
    assert not any(severity == engine_pb2.DEBUG for severity, _ in engine_messages)
    assert "warning: warn-marker" in capsys.readouterr().err


def test_the_program_runs_with_larger_collector_batches_and_the_sdk_frozen(
    tmp_path: Path,
) -> None:
    project = load_project(_write_program(tmp_path))
    run = program_runner.run_program(project, load_stack_config(project, "dev"))

    outputs = _stack_outputs(run)
    assert tuple(outputs["gc_threshold"]) == exec_shim.GC_THRESHOLDS
    assert exec_shim.GC_THRESHOLDS[0] > gc.get_threshold()[0]  # larger than CPython's default
    assert outputs["gc_frozen"] > 0


def _tracked(loop: asyncio.AbstractEventLoop, count: int) -> list[asyncio.Future[Any]]:
    futures: list[asyncio.Future[Any]] = [loop.create_future() for _ in range(count)]
    with SETTINGS.lock:
        SETTINGS.outputs.update(futures)
    return futures


def test_settling_waits_for_every_output_and_registration_and_takes_none_of_them() -> None:
    loop = asyncio.new_event_loop()
    outputs = _tracked(loop, 50)
    registration: asyncio.Future[Any] = loop.create_future()
    rpcs = _get_rpc_manager().rpcs
    rpcs.append(registration)
    try:
        for i, future in enumerate(outputs):
            loop.call_later(0.001 * (i % 7), future.set_result, i)
        # A registration that finishes after the outputs, and one more output it starts.
        late: list[asyncio.Future[Any]] = []

        def finish_registration() -> None:
            late.extend(_tracked(loop, 1))
            loop.call_later(0.01, late[0].set_result, "late")
            registration.set_result(None)

        loop.call_later(0.02, finish_registration)
        loop.run_until_complete(exec_shim._settle())

        assert all(f.done() for f in [*outputs, registration, *late])
        assert registration in rpcs  # the SDK's own wait still sees it
        with SETTINGS.lock:
            assert set(outputs + late) <= SETTINGS.outputs
    finally:
        with SETTINGS.lock:
            SETTINGS.outputs.difference_update([*outputs])
            SETTINGS.outputs.difference_update(late)
        rpcs.remove(registration)
        loop.close()


def test_settling_hands_a_stalled_or_failed_output_to_the_sdk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exec_shim, "SETTLE_STALL_SECONDS", 0.05)
    loop = asyncio.new_event_loop()
    stalled, failed = _tracked(loop, 2)
    try:
        failed.set_exception(RuntimeError("the program's apply failed"))
        loop.run_until_complete(asyncio.wait_for(exec_shim._settle(), timeout=5))
        assert not stalled.done()
        with SETTINGS.lock:
            assert {stalled, failed} <= SETTINGS.outputs
        failed.exception()  # retrieved: no "never retrieved" warning
    finally:
        with SETTINGS.lock:
            SETTINGS.outputs.difference_update([stalled, failed])
        loop.close()


def test_a_registration_keeps_only_the_stack_frame_its_source_is_read_from(
    tmp_path: Path,
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: frames\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "lib.py").write_text(
        "import pulumi_aws as aws\n\n\ndef queue(name):\n    return aws.sqs.Queue(name)\n"
    )
    (tmp_path / "__main__.py").write_text("import lib\n\nlib.queue('q')\n")
    project = load_project(tmp_path)
    run = program_runner.run_program(project, load_stack_config(project, "dev"))

    [queue] = [r for r in run.resources if r.type == "aws:sqs/queue:Queue"]
    assert queue.source == "lib.py:5"  # the innermost frame in the program's files
    [registration] = [r for r in run.registrations if r.urn == queue.urn]
    frames = registration.request.stackTrace.frames
    assert [f.pc.uri.rsplit("/", 1)[-1] for f in frames] == ["lib.py"]
