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
STOCK_SERVICER_PACK = Path(__file__).resolve().parent / "stock_servicer_pack"


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


def residency_policy_counts() -> tuple[int, int]:
    """How many resource and stack policies the residency pack has (for the same-count floor)."""
    from pulumi_policy import StackValidationPolicy
    from residency_pack.policies import all_policies  # type: ignore[import-untyped,unused-ignore]

    policies = all_policies()
    stack = sum(1 for p in policies if isinstance(p, StackValidationPolicy))
    return len(policies) - stack, stack


@contextmanager
def started_packs(run: ProgramRun, stack_config: Any) -> Iterator[dict[str, Pack]]:
    """Started as preflight starts a pack, configured in the engine's order; always stopped.

    ``floor``: one no-op resource policy and one no-op stack policy. ``floor_same_count``: no-op
    policies as many as the residency pack has of each kind. ``pack``: the residency pack.
    ``pack_stock_servicer``: the residency pack with the SDK's own ``Analyze`` and
    ``AnalyzeStack`` (``stock_servicer_pack/``), the "before" of decode-once.
    """
    env = pack_environment(
        config=stack_config.values,
        project=run.project,
        stack=run.stack,
        organization=run.organization,
        dry_run=True,
    )
    resource_count, stack_count = residency_policy_counts()
    same_count_env = {
        **env,
        "NOOP_RESOURCE_POLICIES": str(resource_count),
        "NOOP_STACK_POLICIES": str(stack_count),
    }
    with ExitStack() as stack:
        processes = []
        for label, directory, pack_env in (
            ("floor", NOOP_PACK, env),
            ("floor_same_count", NOOP_PACK, same_count_env),
            ("pack", RESIDENCY_PACK, env),
            ("pack_stock_servicer", STOCK_SERVICER_PACK, env),
        ):
            process = PackProcess(load_policy_project(directory), pack_env)
            stack.enter_context(process)  # all start now, in parallel
            processes.append((label, process))
        packs: dict[str, Pack] = {}
        for label, process in processes:
            client = AnalyzerClient(process)
            stack.callback(client.close)
            packs[label] = Pack(label, process, client, _configure(client, run, stack_config))
        yield packs


@dataclass
class AnalyzeResult:
    resources: int
    per_resource_us: dict[str, float]  # pack label -> median per-resource time, microseconds
    ratio: float  # pack / floor: median of the paired per-chunk ratios
    ratio_same_count: float  # pack / floor_same_count
    sdk_per_policy_ratio: float  # floor_same_count / floor: the SDK's own per-policy cost
    # pack / the pack served by the SDK's own Analyze and AnalyzeStack: what decode-once saves
    ratio_stock_servicer: float
    stock_servicer_ratio: float  # the pack with the SDK's own Analyze / AnalyzeStack / floor
    chunks: int
    diagnostics: list[Any] = field(default_factory=list)  # the pack's, from the last pass


@dataclass
class StackResult:
    resources: int
    seconds: dict[str, float]  # pack label -> median seconds
    ratio: float
    ratio_same_count: float
    sdk_per_policy_ratio: float
    ratio_stock_servicer: float
    stock_servicer_ratio: float
    repetitions: int
    samples: dict[str, list[float]] = field(default_factory=dict)
    diagnostics: list[Any] = field(default_factory=list)


def _time_analyze(pack: Pack, requests: Sequence[Any], keep: list[Any] | None) -> float:
    stub, timeout = pack.client.stub, pack.client.rpc_timeout
    start = time.perf_counter()
    for request in requests:
        response = stub.Analyze(request, timeout=timeout)
        if keep is not None:
            keep.extend(response.diagnostics)
    return time.perf_counter() - start


def _paired(samples: dict[str, list[float]], top: str, bottom: str) -> float:
    return statistics.median(a / b for a, b in zip(samples[top], samples[bottom], strict=True))


def _rotations(packs: Sequence[Pack], turn: int) -> list[Pack]:
    k = turn % len(packs)
    return [*packs[k:], *packs[:k]]


def measure_analyze(
    packs: dict[str, Pack], requests: Sequence[Any], *, passes: int, chunk: int = 100
) -> AnalyzeResult:
    ordered = list(packs.values())
    # Warm-up: first calls pay for lazy imports and caches in every process.
    for pack in ordered:
        _time_analyze(pack, requests[: min(len(requests), 20)], None)
    chunks = [requests[i : i + chunk] for i in range(0, len(requests), chunk)]
    per: dict[str, list[float]] = {p.label: [] for p in ordered}
    diagnostics: list[Any] = []
    turn = 0
    for n in range(passes):
        for part in chunks:
            for pack in _rotations(ordered, turn):
                keep = diagnostics if pack.label == "pack" and n == passes - 1 else None
                per[pack.label].append(_time_analyze(pack, part, keep) / len(part))
            turn += 1
    return AnalyzeResult(
        resources=len(requests),
        per_resource_us={k: statistics.median(v) * 1e6 for k, v in per.items()},
        ratio=_paired(per, "pack", "floor"),
        ratio_same_count=_paired(per, "pack", "floor_same_count"),
        sdk_per_policy_ratio=_paired(per, "floor_same_count", "floor"),
        ratio_stock_servicer=_paired(per, "pack", "pack_stock_servicer"),
        stock_servicer_ratio=_paired(per, "pack_stock_servicer", "floor"),
        chunks=len(per["pack"]),
        diagnostics=diagnostics,
    )


def measure_analyze_stack(
    packs: dict[str, Pack], request: Any, resources: int, *, repetitions: int
) -> StackResult:
    ordered = list(packs.values())
    samples: dict[str, list[float]] = {p.label: [] for p in ordered}
    diagnostics: list[Any] = []
    for rep in range(repetitions):
        for pack in _rotations(ordered, rep):
            start = time.perf_counter()
            response = pack.client.stub.AnalyzeStack(request, timeout=pack.client.rpc_timeout)
            samples[pack.label].append(time.perf_counter() - start)
            if pack.label == "pack" and rep == repetitions - 1:
                diagnostics = list(response.diagnostics)
    return StackResult(
        resources=resources,
        seconds={k: statistics.median(v) for k, v in samples.items()},
        ratio=_paired(samples, "pack", "floor"),
        ratio_same_count=_paired(samples, "pack", "floor_same_count"),
        sdk_per_policy_ratio=_paired(samples, "floor_same_count", "floor"),
        ratio_stock_servicer=_paired(samples, "pack", "pack_stock_servicer"),
        stock_servicer_ratio=_paired(samples, "pack_stock_servicer", "floor"),
        repetitions=repetitions,
        samples=samples,
        diagnostics=diagnostics,
    )
