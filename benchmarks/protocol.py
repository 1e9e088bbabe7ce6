"""Analyze and AnalyzeStack through the analyzer protocol: the residency pack against the floor.

Both packs run as their own processes, started and configured exactly as preflight starts them
(``preflight.pack_process``, ``preflight.analyzer_client``, in the engine's call order), and
receive the same requests, built by preflight's own ``analyze_request`` / ``stack_resource``
from the resources preflight's program runner recorded. Requests are built before timing, so
only the round trip (client serialisation, gRPC, the pack's SDK and policies) is timed.

Interleaving: ``Analyze`` is timed in chunks; each chunk goes to the floor and to the pack back to
back (order alternating), so every chunk gives one paired ratio and machine drift cancels out.
``AnalyzeStack`` repetitions alternate floor/pack the same way. Medians throughout.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

from preflight.analyzer_client import AnalyzerClient, analyze_request, stack_resource
from preflight.model import EngineResource
from preflight.pack_process import PackProcess, load_policy_project, pack_environment
from preflight.policy_config import reconcile_policy_config
from preflight.program_runner import ProgramRun

REPO = Path(__file__).resolve().parents[1]
RESIDENCY_PACK = REPO / "policy_packs" / "residency"
NOOP_PACK = Path(__file__).resolve().parent / "noop_pack"


@dataclass
class Pack:
    label: str
    process: PackProcess
    client: AnalyzerClient
    policies: int


@dataclass
class Requests:
    analyze: list[Any]  # analyzer_pb2.AnalyzeRequest, one per analysed resource
    stack: Any  # analyzer_pb2.AnalyzeStackRequest
    names: dict[str, str]  # urn -> resource name


def build_requests(run: ProgramRun) -> Requests:
    """The requests preflight sends for this program (no remediation: properties as recorded)."""
    analysed: list[EngineResource] = [r for r in run.resources if r.analyzed]
    return Requests(
        analyze=[analyze_request(r, r.properties) for r in analysed],
        stack=analyzer_pb2.AnalyzeStackRequest(
            resources=[stack_resource(r, r.outputs) for r in run.resources]
        ),
        names={r.urn: r.name for r in run.resources},
    )


def _configure(client: AnalyzerClient, run: ProgramRun, stack_config: Any) -> int:
    """Handshake, ConfigureStack, GetAnalyzerInfo, Configure: the engine's order."""
    client.handshake("127.0.0.1:0")
    client.configure_stack(
        stack=run.stack,
        project=run.project,
        organization=run.organization,
        config=stack_config.values,
        secret_keys=stack_config.secret_keys,
        dry_run=True,
    )
    info = client.get_analyzer_info()
    if info.supports_config:
        client.configure(
            reconcile_policy_config(
                info.policies,
                info.initial_config,
                None,
                pack=info.name,
                version=info.version,
                source=str(client.pack.project.file),
            )
        )
    return len(info.policies)


@contextmanager
def started_packs(run: ProgramRun, stack_config: Any) -> Iterator[tuple[Pack, Pack]]:
    """The floor and the residency pack, started as preflight starts a pack; always stopped."""
    env = pack_environment(
        config=stack_config.values,
        project=run.project,
        stack=run.stack,
        organization=run.organization,
        dry_run=True,
    )
    with ExitStack() as stack:
        processes = []
        for label, directory in (("floor", NOOP_PACK), ("pack", RESIDENCY_PACK)):
            process = PackProcess(load_policy_project(directory), env)
            stack.enter_context(process)  # both start now, in parallel
            processes.append((label, process))
        packs = []
        for label, process in processes:
            client = AnalyzerClient(process)
            stack.callback(client.close)
            packs.append(Pack(label, process, client, _configure(client, run, stack_config)))
        yield packs[0], packs[1]


@dataclass
class AnalyzeResult:
    resources: int
    floor_us: float  # median per-resource time, microseconds
    pack_us: float
    ratio: float  # median of the paired per-chunk ratios pack/floor
    chunks: int
    diagnostics: list[Any] = field(default_factory=list)  # the pack's, from the last pass


@dataclass
class StackResult:
    resources: int
    floor_s: float
    pack_s: float
    ratio: float
    repetitions: int
    floor_samples: list[float] = field(default_factory=list)
    pack_samples: list[float] = field(default_factory=list)
    diagnostics: list[Any] = field(default_factory=list)


def _time_analyze(pack: Pack, requests: Sequence[Any], keep: list[Any] | None) -> float:
    stub, timeout = pack.client.stub, pack.client.rpc_timeout
    start = time.perf_counter()
    for request in requests:
        response = stub.Analyze(request, timeout=timeout)
        if keep is not None:
            keep.extend(response.diagnostics)
    return time.perf_counter() - start


def measure_analyze(
    floor: Pack, pack: Pack, requests: Sequence[Any], *, passes: int, chunk: int = 100
) -> AnalyzeResult:
    # Warm-up: first calls pay for lazy imports and caches in both processes.
    warm = requests[: min(len(requests), 20)]
    _time_analyze(floor, warm, None)
    _time_analyze(pack, warm, None)
    chunks = [requests[i : i + chunk] for i in range(0, len(requests), chunk)]
    floor_per: list[float] = []
    pack_per: list[float] = []
    ratios: list[float] = []
    diagnostics: list[Any] = []
    turn = 0
    for p in range(passes):
        keep = diagnostics if p == passes - 1 else None
        for part in chunks:
            first, second = (floor, pack) if turn % 2 == 0 else (pack, floor)
            turn += 1
            t_first = _time_analyze(first, part, keep if first is pack else None)
            t_second = _time_analyze(second, part, keep if second is pack else None)
            t_floor, t_pack = (t_first, t_second) if first is floor else (t_second, t_first)
            floor_per.append(t_floor / len(part))
            pack_per.append(t_pack / len(part))
            ratios.append(t_pack / t_floor)
    return AnalyzeResult(
        resources=len(requests),
        floor_us=statistics.median(floor_per) * 1e6,
        pack_us=statistics.median(pack_per) * 1e6,
        ratio=statistics.median(ratios),
        chunks=len(ratios),
        diagnostics=diagnostics,
    )


def measure_analyze_stack(
    floor: Pack, pack: Pack, request: Any, resources: int, *, repetitions: int
) -> StackResult:
    result = StackResult(resources, 0.0, 0.0, 0.0, repetitions)
    ratios: list[float] = []
    for rep in range(repetitions):
        order = (floor, pack) if rep % 2 == 0 else (pack, floor)
        times: dict[str, float] = {}
        for target in order:
            start = time.perf_counter()
            response = target.client.stub.AnalyzeStack(request, timeout=target.client.rpc_timeout)
            times[target.label] = time.perf_counter() - start
            if target is pack and rep == repetitions - 1:
                result.diagnostics = list(response.diagnostics)
        result.floor_samples.append(times["floor"])
        result.pack_samples.append(times["pack"])
        ratios.append(times["pack"] / times["floor"])
    result.floor_s = statistics.median(result.floor_samples)
    result.pack_s = statistics.median(result.pack_samples)
    result.ratio = statistics.median(ratios)
    return result
