"""Smoke tests of the benchmarks' machinery. Nothing here asserts on a time."""

from __future__ import annotations

import asyncio
import json
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import end_to_end, generator, memory, plain_mocks, profile, protocol
from benchmarks.cli import evaluate, render_markdown, render_table

POLICY_NAMES = {
    "residency-region-allowlist",
    "residency-classification-required",
    "residency-classification-in-region",
    "residency-no-cross-region-copy",
    "residency-no-foreign-principals",
    "residency-no-public-exposure",
    "residency-key-locality",
    "residency-user-data-protected",
    "residency-data-flow",
    "residency-named-places",
}


def _refs(value: Any) -> list[generator.Ref]:
    if isinstance(value, generator.Ref):
        return [value]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


def test_generator_is_deterministic_and_seeded() -> None:
    first = generator.generate(500).to_json()
    assert first == generator.generate(500).to_json()
    assert first != generator.generate(500, seed=generator.SEED + 1).to_json()


@pytest.mark.parametrize("size", [100, 1000])
def test_generator_produces_the_requested_mix(size: int) -> None:
    program = generator.generate(size)
    mix = program.mix()
    assert mix["resources"] == size
    assert 0.25 <= mix["aws"] / size <= 0.42
    assert 0.58 <= mix["oci"] / size <= 0.75
    assert {"bucket", "database", "key", "replication", "iam"} <= set(mix["kinds"])
    assert 0.01 <= mix["violations"] / size <= 0.08
    assert set(mix["violations_by_policy"]) <= POLICY_NAMES


def test_generated_program_is_well_formed(tmp_path: Path) -> None:
    program = generator.generate(300)
    seen: set[str] = set()
    for resource in program.resources:
        assert resource.name not in seen, f"duplicate name {resource.name}"
        if resource.provider is not None:
            assert resource.provider in seen, f"{resource.name}: provider declared later"
        for ref in _refs(resource.args):
            assert ref.resource in seen, f"{resource.name}: reference to a later resource"
        seen.add(resource.name)
    directory = generator.write_project(program, tmp_path / "p")
    spec = json.loads((directory / "spec.json").read_text())
    assert len(spec["resources"]) == 300
    assert (directory / "__main__.py").read_text() == Path(generator.__file__).with_name(
        "synthetic_main.py"
    ).read_text()
    assert (directory / f"Pulumi.{generator.STACK}.yaml").is_file()


def test_fold_counts_inclusive_once_per_stack_and_self_on_top() -> None:
    raw = "run (a.py:1);helper (b.py:2);helper (b.py:9) 3\nrun (a.py:1);other (c.py:4) 1\n"
    folded = profile.fold(raw)
    assert folded.samples == 4
    inclusive = {h.function: h.inclusive for h in folded.inclusive}
    self_ = {h.function: h.self_ for h in folded.self_}
    assert inclusive["b.py:helper"] == pytest.approx(0.75)  # recursion counted once
    assert inclusive["a.py:run"] == pytest.approx(1.0)
    assert self_["b.py:helper"] == pytest.approx(0.75)
    assert self_["c.py:other"] == pytest.approx(0.25)


def test_run_measured_reports_exit_status_and_peak_memory(tmp_path: Path) -> None:
    script = "import sys, time; block = bytearray(64 * 1024 * 1024); time.sleep(0.3); sys.exit(3)"
    result = memory.run_measured([sys.executable, "-c", script], cwd=tmp_path)
    assert result.returncode == 3
    assert result.maxrss_kib >= 64 * 1024
    assert result.peak_of(result.pid) >= 64 * 1024
    assert result.group_peaks_kib["all"] >= 64 * 1024
    assert result.cpu_s > 0


@pytest.fixture
def restored_event_loop() -> Iterator[None]:
    """preflight's runner leaves no event loop set; tests that run after this one may rely on
    the thread's loop, so it is put back."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            previous: asyncio.AbstractEventLoop | None = asyncio.get_event_loop()
        except RuntimeError:
            previous = None
    yield
    if previous is not None and not previous.is_closed():
        asyncio.set_event_loop(previous)


@pytest.mark.usefixtures("restored_event_loop")
def test_quick_machinery_on_a_tiny_program(tmp_path: Path) -> None:
    from preflight.program_runner import run_program
    from preflight.project import load_project, load_stack_config

    program = generator.generate(25)
    directory = generator.write_project(program, tmp_path / "tiny")
    project = load_project(directory)
    stack_config = load_stack_config(project, generator.STACK)
    run = run_program(project, stack_config)
    requests = protocol.build_requests(run)
    assert len(requests.analyze) >= 25  # every resource (and the stack) is analysed
    with protocol.started_packs(run, stack_config) as packs:
        assert set(packs) == {"floor", "floor_same_count", "pack", "pack_stock_servicer"}
        assert packs["pack_stock_servicer"].policies == packs["pack"].policies
        assert packs["floor"].policies == 2
        assert packs["floor_same_count"].policies == packs["pack"].policies
        analyze = protocol.measure_analyze(packs, requests.analyze, passes=1, chunk=10)
        stack = protocol.measure_analyze_stack(packs, requests.stack, 25, repetitions=1)
    assert analyze.chunks == len(range(0, len(requests.analyze), 10))
    assert set(analyze.per_resource_us) == set(packs)
    assert analyze.ratio > 0 and stack.ratio > 0
    assert analyze.ratio_stock_servicer > 0 and stack.ratio_stock_servicer > 0
    assert all(len(v) == 1 for v in stack.samples.values())


def _result(analyze_ratio: float, stack_ratio: float, stack_s: tuple[float, float]) -> dict:
    def size(ratio: float, seconds: float) -> dict:
        return {
            "mix": {"aws": 1, "oci": 2, "violations": 0},
            "analyze": {
                "ratio": ratio,
                "ratio_same_count": 1.0,
                "per_resource_us": {"floor": 1, "floor_same_count": 1, "pack": 1},
            },
            "analyze_stack": {
                "ratio": stack_ratio,
                "ratio_same_count": 1.0,
                "seconds": {"floor": 1.0, "floor_same_count": 1.0, "pack": seconds},
            },
            "detection": {
                "reported": 0,
                "injected": 0,
                "missed": [],
                "also_on_injected": {},
                "on_compliant": {},
            },
        }

    return {
        "mode": "test",
        "started": "2026-11-30T00:00:00Z",
        "machine": {
            "nproc": 2,
            "cpu": "cpu",
            "python": "3.11",
            "commit": "x",
            "platform": "linux",
            "packages": {},
        },
        "load_before": [0.0],
        "load_after": [0.0],
        "duration_s": 1.0,
        "policies": {"floor_same_count": 10},
        "sizes": {"1000": size(analyze_ratio, stack_s[0]), "10000": size(1.0, stack_s[1])},
        "end_to_end": [
            _end_to_end("1,000 resources", time_ratio=1.2, memory_ratio=1.1),
            _end_to_end("prod blueprint", time_ratio=1.4, memory_ratio=1.2),
        ],
    }


def _end_to_end(label: str, *, time_ratio: float, memory_ratio: float) -> dict:
    return {
        "label": label,
        "preflight_s": 2.0,
        "plain_s": 1.0,
        "time_ratio": time_ratio,
        "preflight_mib": 300.0,
        "pack_mib": 100.0,
        "plain_mib": 250.0,
        "memory_ratio": memory_ratio,
        "preflight_cpu_s": 2.0,
        "plain_cpu_s": 1.0,
        "exit_codes": [0],
        "error": "",
    }


def test_targets_are_judged_against_their_limits() -> None:
    result = _result(analyze_ratio=1.29, stack_ratio=1.6, stack_s=(1.0, 12.0))
    met = [(t["name"], t["met"]) for t in evaluate(result)]
    assert met == [
        ("analyze_ratio", True),
        ("analyze_stack_ratio", False),
        ("analyze_stack_growth", False),
        ("preflight_time_ratio", True),
        ("preflight_memory_ratio", True),
        ("preflight_time_ratio", False),
        ("preflight_memory_ratio", False),
    ]
    result = _result(analyze_ratio=1.31, stack_ratio=1.4, stack_s=(1.0, 10.5))
    result["end_to_end"][1]["error"] = "preflight exited 2: boom"
    targets = evaluate(result)
    assert [t["value"] for t in targets[-2:]] == [None, None]  # a failed run meets nothing
    assert "boom" in targets[-1]["note"]
    met = {t["name"]: t["met"] for t in targets}
    assert not met["analyze_ratio"] and met["analyze_stack_ratio"]
    assert met["analyze_stack_growth"]
    result["targets"] = evaluate(result)
    assert "MISSED" in render_table(result)
    assert "| prod blueprint | 2.00 | 1.00 |" in render_markdown(result)


def test_detection_separates_injected_from_compliant() -> None:
    from types import SimpleNamespace

    from benchmarks.cli import _detection

    program = generator.generate(200)
    expected = generator.expected_violations(program)
    injected_name, policy = next(iter(expected.items()))
    compliant = next(r.name for r in program.resources if r.name not in expected)
    names = {f"urn:{r.name}": r.name for r in program.resources}

    def diag(name: str, policy_name: str) -> SimpleNamespace:
        return SimpleNamespace(urn=f"urn:{name}", policyName=policy_name, enforcementLevel=1)

    result = _detection(
        program,
        names,
        [
            diag(injected_name, policy),
            diag(injected_name, "residency-data-flow"),
            diag(compliant, "residency-key-locality"),
        ],
    )
    assert result["injected"] == len(expected)
    assert result["reported"] == 1
    assert f"{injected_name}: {policy}" not in result["missed"]
    assert len(result["missed"]) == len(expected) - 1
    assert result["also_on_injected"] == {"residency-data-flow (mandatory)": 1}
    assert result["on_compliant"] == {"residency-key-locality (mandatory)": 1}


class _Commands(end_to_end.Program):
    """A program whose "preflight" and "plain" runs are small scripts, to check the machinery."""

    def preflight(self) -> list[str]:
        # Like preflight: the command, a child running the program, and a pack process apart.
        child = "import time; block = bytearray(64 << 20); time.sleep(0.5)"
        pack = "import time; block = bytearray(128 << 20); time.sleep(0.5)"
        script = (  # the pack is told apart by `pulumi.policy` in its command line only
            "import subprocess, sys, time\n"
            f"marker = 'pulumi' + '.policy'\n"
            f"running = [subprocess.Popen([sys.executable, '-c', {child!r}]),\n"
            f"           subprocess.Popen([sys.executable, '-c', {pack!r}, marker])]\n"
            "block = bytearray(32 << 20)\n"
            "for p in running: p.wait()\n"
        )
        return [sys.executable, "-c", script]

    def plain(self) -> list[str]:
        return [sys.executable, "-c", "import time; block = bytearray(32 << 20); time.sleep(0.3)"]


def test_end_to_end_pairs_the_runs_and_compares_their_peaks(tmp_path: Path) -> None:
    measured = end_to_end.measure(_Commands("tiny", tmp_path, "bench", 3), repetitions=2)
    assert measured.repetitions == 2 and measured.exit_codes == [0, 0] and not measured.error
    assert len(measured.preflight_samples) == len(measured.plain_samples) == 2
    # preflight: the command and its program child at once (32 + 64 MiB); the pack apart.
    assert 96 <= measured.preflight_mib < 128 + 96 and measured.pack_mib >= 128
    assert 32 <= measured.plain_mib < 96
    assert measured.memory_ratio == pytest.approx(measured.preflight_mib / measured.plain_mib)
    assert measured.time_ratio > 0 and measured.preflight_cpu_s > 0


def test_a_failed_run_is_reported_not_measured(tmp_path: Path) -> None:
    class Failing(_Commands):
        def plain(self) -> list[str]:
            return [sys.executable, "-c", "raise SystemExit('no program here')"]

    measured = end_to_end.measure(Failing("tiny", tmp_path, "bench", 3), repetitions=1)
    assert measured.error == "plain exited 1: no program here"


def test_plain_mocks_runs_the_program_under_the_sdks_mocks(tmp_path: Path) -> None:
    program = generator.generate(25)
    directory = generator.write_project(program, tmp_path / "tiny")
    run = memory.run_measured(
        end_to_end.Program("tiny", directory, generator.STACK, 25).plain(),
        cwd=end_to_end.REPO,
        track_memory=False,
    )
    assert run.returncode == 0, run.stderr_tail


def test_plain_mocks_finds_an_invokes_provider_by_its_reference() -> None:
    reference = "urn:pulumi:prod::p::parent:C$pulumi:providers:aws::virginia::04da6b54"
    assert plain_mocks._provider_key(reference) == ("pulumi:providers:aws", "virginia")
