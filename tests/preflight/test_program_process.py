"""The program's process as preflight runs it: what preflight changes there for speed, and that
the program cannot tell. (``preflight/host/exec_shim.py``)"""

from __future__ import annotations

import gc
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from pulumi.runtime.proto import engine_pb2

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
