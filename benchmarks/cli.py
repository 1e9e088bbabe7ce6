"""``python -m benchmarks [--quick] [--json]``: what the residency pack and preflight cost.

1. Synthetic programs of each size (``benchmarks.generator``) run through preflight's program
   runner, in this process, under the SDK's mock runtime in preview.
2. The floor (a no-op pack) and the residency pack, each its own process started as preflight
   starts a pack, get the same ``Analyze`` and ``AnalyzeStack`` requests, interleaved.
3. preflight end to end against the same program under the SDK's plain ``set_mocks`` with a
   no-op ``Mocks``, in wall time and peak memory, at every size and on the prod blueprint,
   interleaved (``benchmarks.end_to_end``, ``benchmarks.plain_mocks``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import end_to_end, generator, protocol
from benchmarks.profile import Profile, recording

TARGETS = {
    "analyze_ratio": 1.3,
    "analyze_stack_ratio": 1.5,
    "analyze_stack_growth": 11.0,
    "preflight_time_ratio": 1.3,
    "preflight_memory_ratio": 1.15,
}

BLUEPRINT = 0  # end_to_end_repetitions key of the prod blueprint


@dataclass(frozen=True)
class Mode:
    name: str
    sizes: tuple[int, ...]
    analyze_passes: dict[int, int]
    stack_repetitions: dict[int, int]
    end_to_end_repetitions: dict[int, int]  # by size; BLUEPRINT: the prod blueprint


QUICK = Mode(
    "quick",
    (100, 1000),
    {100: 3, 1000: 1},
    {100: 5, 1000: 3},
    {BLUEPRINT: 1, 100: 1, 1000: 1},
)
FULL = Mode(
    "full",
    (100, 1000, 10000),
    {100: 5, 1000: 2, 10000: 1},
    {100: 9, 1000: 7, 10000: 5},
    {BLUEPRINT: 3, 100: 3, 1000: 3, 10000: 2},
)


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for dist in ("pulumi", "pulumi-policy", "pulumi-aws", "pulumi-oci", "grpcio", "protobuf"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = ""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=protocol.REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "commit": commit,
    }


def _chunk(size: int) -> int:
    return max(25, min(100, size // 10))


def _detection(
    program: generator.Program, names: dict[str, str], diagnostics: Sequence[Any]
) -> dict[str, Any]:
    """Which injected violations the pack reported, and what else it reported: on resources
    that carry an injected violation (a second policy agreeing), or on compliant ones."""
    expected = generator.expected_violations(program)
    found: set[tuple[str, str]] = set()
    also_on_injected: Counter[str] = Counter()
    on_compliant: Counter[str] = Counter()
    for d in diagnostics:
        name = names.get(d.urn, d.urn)
        level = "mandatory" if d.enforcementLevel == 1 else "advisory"
        if expected.get(name) == d.policyName:
            found.add((name, d.policyName))
        elif name in expected:
            also_on_injected[f"{d.policyName} ({level})"] += 1
        else:
            on_compliant[f"{d.policyName} ({level})"] += 1
    missed = sorted(f"{n}: {p}" for n, p in expected.items() if (n, p) not in found)
    return {
        "injected": len(expected),
        "reported": len(found),
        "missed": missed,
        "also_on_injected": dict(sorted(also_on_injected.items())),
        "on_compliant": dict(sorted(on_compliant.items())),
    }


@contextmanager
def _profiled(pack: protocol.Pack, directory: Path | None, name: str) -> Iterator[Profile]:
    if directory is None or pack.process.proc is None:
        yield Profile()
        return
    with recording(pack.process.proc.pid, directory / f"{name}.txt") as profile:
        yield profile


def run(mode: Mode, sizes: Sequence[int], profile_dir: Path | None, log: Any) -> dict[str, Any]:
    from preflight.program_runner import run_program
    from preflight.project import load_project, load_stack_config

    result: dict[str, Any] = {
        "mode": mode.name,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "load_before": list(os.getloadavg()),
        "sizes": {},
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="residency-bench-") as tmp:
        programs: dict[int, tuple[generator.Program, Path]] = {}
        runs = {}
        for size in sizes:
            program = generator.generate(size)
            directory = generator.write_project(program, Path(tmp) / f"p{size}")
            programs[size] = (program, directory)
            project = load_project(directory)
            stack_config = load_stack_config(project, generator.STACK)
            log(f"running the {size}-resource program under the mock runtime")
            t0 = time.perf_counter()
            runs[size] = run_program(project, stack_config)
            result["sizes"][str(size)] = {
                "mix": program.mix(),
                "program_run_s": time.perf_counter() - t0,
            }
        first = runs[sizes[0]]
        stack_config = load_stack_config(load_project(programs[sizes[0]][1]), generator.STACK)
        with protocol.started_packs(first, stack_config) as packs:
            pack = packs["pack"]
            result["policies"] = {label: p.policies for label, p in packs.items()}
            for size in sizes:
                entry = result["sizes"][str(size)]
                requests = protocol.build_requests(runs[size])
                log(f"Analyze x{len(requests.analyze)}: floor and pack, interleaved")
                with _profiled(pack, profile_dir, f"pack-{size}-analyze") as analyze_profile:
                    analyze = protocol.measure_analyze(
                        packs,
                        requests.analyze,
                        passes=mode.analyze_passes.get(size, 1),
                        chunk=_chunk(size),
                    )
                log(f"AnalyzeStack of {size} resources: floor and pack, interleaved")
                with _profiled(pack, profile_dir, f"pack-{size}-stack") as stack_profile:
                    stack = protocol.measure_analyze_stack(
                        packs,
                        requests.stack,
                        size,
                        repetitions=mode.stack_repetitions.get(size, 3),
                    )
                entry["analyze"] = {k: v for k, v in asdict(analyze).items() if k != "diagnostics"}
                entry["analyze_stack"] = {
                    k: v for k, v in asdict(stack).items() if k != "diagnostics"
                }
                entry["detection"] = _detection(
                    programs[size][0], requests.names, [*analyze.diagnostics, *stack.diagnostics]
                )
                if profile_dir is not None:
                    entry["profile"] = {
                        "analyze": asdict(analyze_profile),
                        "analyze_stack": asdict(stack_profile),
                    }
                del requests
        runs.clear()

        result["end_to_end"] = []
        programs_e2e = [
            end_to_end.Program(f"{size:,} resources", programs[size][1], generator.STACK, size)
            for size in sizes
        ]
        for program_e2e in [*programs_e2e, end_to_end.blueprint()]:
            repetitions = mode.end_to_end_repetitions.get(program_e2e.resources, 1)
            log(f"preflight vs plain mocks on the {program_e2e.label} (x{repetitions})")
            measured = end_to_end.measure(program_e2e, repetitions)
            result["end_to_end"].append(asdict(measured))
    result["load_after"] = list(os.getloadavg())
    result["duration_s"] = time.perf_counter() - started
    result["targets"] = evaluate(result)
    return result


def evaluate(result: dict[str, Any]) -> list[dict[str, Any]]:
    sizes = sorted(int(s) for s in result["sizes"])
    by_size = result["sizes"]
    largest = sizes[-1]
    out: list[dict[str, Any]] = []

    def target(name: str, what: str, value: float | None, limit: float, note: str = "") -> None:
        out.append(
            {
                "name": name,
                "what": what,
                "value": value,
                "limit": limit,
                "met": value is not None and value <= limit,
                "note": note,
            }
        )

    worst = max(by_size[str(s)]["analyze"]["ratio"] for s in sizes)
    target(
        "analyze_ratio",
        "per-resource Analyze, pack / floor (worst size)",
        worst,
        TARGETS["analyze_ratio"],
    )
    target(
        "analyze_stack_ratio",
        f"AnalyzeStack at {largest:,}, pack / floor",
        by_size[str(largest)]["analyze_stack"]["ratio"],
        TARGETS["analyze_stack_ratio"],
        "" if largest == 10000 else "the target is set at 10,000 resources (full run)",
    )
    if len(sizes) >= 2:
        low, high = sizes[-2], sizes[-1]
        growth = (
            by_size[str(high)]["analyze_stack"]["seconds"]["pack"]
            / by_size[str(low)]["analyze_stack"]["seconds"]["pack"]
        )
        floor_growth = (
            by_size[str(high)]["analyze_stack"]["seconds"]["floor"]
            / by_size[str(low)]["analyze_stack"]["seconds"]["floor"]
        )
        result["analyze_stack_growth"] = {
            "from": low,
            "to": high,
            "pack": growth,
            "floor": floor_growth,
        }
        target(
            "analyze_stack_growth",
            f"pack AnalyzeStack {high:,} / {low:,} (floor: {floor_growth:.1f}x)",
            growth,
            TARGETS["analyze_stack_growth"] * (high / low) / 10,
            "" if (low, high) == (1000, 10000) else "limit scaled to this size step",
        )
    for e2e in result["end_to_end"]:
        where = e2e["label"]
        failed = f"run failed: {e2e['error']}" if e2e["error"] else ""
        target(
            "preflight_time_ratio",
            f"preflight / plain-mocks run, wall time, {where}",
            None if e2e["error"] else e2e["time_ratio"],
            TARGETS["preflight_time_ratio"],
            failed or f"{e2e['preflight_s']:.2f} s vs {e2e['plain_s']:.2f} s",
        )
        target(
            "preflight_memory_ratio",
            f"preflight / plain-mocks run, peak RSS, {where}",
            None if e2e["error"] else e2e["memory_ratio"],
            TARGETS["preflight_memory_ratio"],
            failed
            or (
                f"{e2e['preflight_mib']:.0f} MiB vs {e2e['plain_mib']:.0f} MiB (the SDK running "
                f"the program); pack process {e2e['pack_mib']:.0f} MiB"
            ),
        )
    return out


def render_table(result: dict[str, Any]) -> str:
    lines: list[str] = []
    m = result["machine"]
    lines.append(
        f"machine: {m['nproc']} CPUs, {m['cpu']}, Python {m['python']}; commit {m['commit']}; "
        f"mode {result['mode']}; load {result['load_before'][0]:.1f} -> "
        f"{result['load_after'][0]:.1f}; {result['duration_s']:.0f}s"
    )
    lines.append("")
    lines.append(
        "Analyze: median us per resource; AnalyzeStack: median s per call. floor = no-op pack "
        "(1 resource + 1 stack policy); same# = no-op pack with the residency pack's policy counts "
        f"{result['policies'].get('floor_same_count')}; ratios are medians of paired samples."
    )
    lines.append(
        f"{'resources':>9} {'aws/oci/viol':>14} | {'Analyze floor':>13} {'same#':>6} {'pack':>6} "
        f"{'p/floor':>7} {'p/same#':>7} | {'Stack floor':>11} {'same#':>6} {'pack':>6} "
        f"{'p/floor':>7} {'p/same#':>7} | {'found':>7}"
    )
    for size in sorted(int(s) for s in result["sizes"]):
        e = result["sizes"][str(size)]
        mix = e["mix"]
        a, s, d = e["analyze"], e["analyze_stack"], e["detection"]
        us, sec = a["per_resource_us"], s["seconds"]
        lines.append(
            f"{size:>9,} {mix['aws']:>5}/{mix['oci']:>5}/{mix['violations']:>2} | "
            f"{us['floor']:>13.0f} {us['floor_same_count']:>6.0f} {us['pack']:>6.0f} "
            f"{a['ratio']:>6.2f}x {a['ratio_same_count']:>6.2f}x | "
            f"{sec['floor']:>11.3f} {sec['floor_same_count']:>6.3f} {sec['pack']:>6.3f} "
            f"{s['ratio']:>6.2f}x {s['ratio_same_count']:>6.2f}x | "
            f"{d['reported']:>3}/{d['injected']:<3}"
        )
    growth = result.get("analyze_stack_growth")
    if growth:
        lines.append(
            f"AnalyzeStack growth {growth['from']:,} -> {growth['to']:,}: pack "
            f"{growth['pack']:.1f}x, floor {growth['floor']:.1f}x"
        )
    lines.append("")
    lines.append(
        "decode-once, same run: the pack with the SDK's own Analyze/AnalyzeStack (before) and "
        "the pack (after)"
    )
    for size, before, after in _decode_once_rows(result):
        lines.append(f"{size:>9,} | {before} -> {after}")
    lines.append("")
    lines.append(
        "preflight end to end vs the same program under the SDK's plain set_mocks (no-op Mocks): "
        "median wall s, median peak RSS MiB (preflight and the program's language-host process, "
        "at once; its pack process apart)"
    )
    lines.append(
        f"{'program':>16} | {'preflight s':>11} {'plain s':>8} {'ratio':>6} | "
        f"{'preflight MiB':>13} {'pack MiB':>8} {'plain MiB':>9} {'ratio':>6} | "
        f"{'cpu s p/plain':>13} | exit"
    )
    for e in result["end_to_end"]:
        lines.append(
            f"{e['label']:>16} | {e['preflight_s']:>11.2f} {e['plain_s']:>8.2f} "
            f"{e['time_ratio']:>5.2f}x | {e['preflight_mib']:>13.0f} {e['pack_mib']:>8.0f} "
            f"{e['plain_mib']:>9.0f} {e['memory_ratio']:>5.2f}x | "
            f"{e['preflight_cpu_s']:>6.1f}/{e['plain_cpu_s']:<6.1f} | {e['exit_codes']}"
            + (f"  [{e['error']}]" if e["error"] else "")
        )
    lines.append("")
    lines.append("targets:")
    for t in result["targets"]:
        value = "n/a" if t["value"] is None else f"{t['value']:.2f}"
        status = "met   " if t["met"] else "MISSED"
        note = f"  ({t['note']})" if t["note"] else ""
        lines.append(f"  {status} {t['what']}: {value} <= {t['limit']:g}{note}")
    for size in sorted(int(s) for s in result["sizes"]):
        d = result["sizes"][str(size)]["detection"]
        if d["missed"] or d["on_compliant"]:
            lines.append(
                f"pack diagnostics at {size:,}: injected violations missed: {d['missed'][:5]}; "
                f"diagnostics on compliant resources: {d['on_compliant']}"
            )
    largest = max(int(s) for s in result["sizes"])
    prof = result["sizes"][str(largest)].get("profile")
    if prof:
        for phase, data in prof.items():
            hot = [
                h
                for h in data["inclusive"]
                if h["function"].startswith(("residency_pack/", "pulumi_policy/", "protobuf/"))
            ][:10]
            lines.append(f"pack process, {phase} at {largest:,} ({data['samples']} samples):")
            lines.extend(
                f"  {h['inclusive']:6.1%} incl {h['self_']:6.1%} self  {h['function']}" for h in hot
            )
    return "\n".join(lines) + "\n"


def _decode_once_rows(result: dict[str, Any]) -> list[tuple[int, str, str]]:
    rows = []
    for size in sorted(int(s) for s in result["sizes"]):
        a = result["sizes"][str(size)]["analyze"]
        st = result["sizes"][str(size)]["analyze_stack"]
        us, sec = a["per_resource_us"], st["seconds"]
        if "pack_stock_servicer" not in us:
            continue
        before = (
            f"Analyze {us['pack_stock_servicer']:.0f} us ({a['stock_servicer_ratio']:.2f}x floor), "
            f"AnalyzeStack {sec['pack_stock_servicer']:.3f} s ({st['stock_servicer_ratio']:.2f}x)"
        )
        after = (
            f"Analyze {us['pack']:.0f} us ({a['ratio']:.2f}x floor; {a['ratio_stock_servicer']:.2f}"
            f"x before), AnalyzeStack {sec['pack']:.3f} s ({st['ratio']:.2f}x; "
            f"{st['ratio_stock_servicer']:.2f}x before)"
        )
        rows.append((size, before, after))
    return rows


def render_markdown(result: dict[str, Any]) -> str:
    """The figures as the README shows them."""
    m = result["machine"]
    out = [
        f"Run {result['started']} (`{result['mode']}` mode, {result['duration_s']:.0f} s), commit "
        f"`{m['commit']}`: {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, "
        f"{m['platform']}; pulumi {m['packages'].get('pulumi')}, pulumi-policy "
        f"{m['packages'].get('pulumi-policy')}, grpcio {m['packages'].get('grpcio')}. Load "
        f"average {result['load_before'][0]:.1f} before, {result['load_after'][0]:.1f} after.",
        "",
        "| resources | AWS / OCI / injected violations | Analyze per resource: floor / same# / "
        "pack (µs) | pack / floor | pack / same# | AnalyzeStack: floor / same# / pack (s) | "
        "pack / floor | pack / same# | injected found |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sorted(int(s) for s in result["sizes"]):
        e = result["sizes"][str(size)]
        mix, a, st, d = e["mix"], e["analyze"], e["analyze_stack"], e["detection"]
        us, sec = a["per_resource_us"], st["seconds"]
        out.append(
            f"| {size:,} | {mix['aws']:,} / {mix['oci']:,} / {mix['violations']} | "
            f"{us['floor']:.0f} / {us['floor_same_count']:.0f} / {us['pack']:.0f} | "
            f"{a['ratio']:.2f}x | {a['ratio_same_count']:.2f}x | "
            f"{sec['floor']:.3f} / {sec['floor_same_count']:.3f} / {sec['pack']:.3f} | "
            f"{st['ratio']:.2f}x | {st['ratio_same_count']:.2f}x | "
            f"{d['reported']}/{d['injected']} |"
        )
    out += [
        "",
        "Decode-once, same run: the pack served by the SDK's own `Analyze` / `AnalyzeStack` "
        "(before) and the pack (after).",
        "",
        "| resources | before | after |",
        "| ---: | --- | --- |",
    ]
    for size, before, after in _decode_once_rows(result):
        out.append(f"| {size:,} | {before} | {after} |")
    growth = result.get("analyze_stack_growth")
    out.append("")
    if growth:
        out.append(
            f"- AnalyzeStack growth {growth['from']:,} → {growth['to']:,} resources: pack "
            f"{growth['pack']:.1f}x, floor {growth['floor']:.1f}x."
        )
    out += [
        "",
        "| program | preflight (s) | plain mocks (s) | ratio | preflight peak (MiB) | its pack "
        "process (MiB) | plain mocks peak (MiB) | ratio | CPU s, preflight / plain |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for e in result["end_to_end"]:
        out.append(
            f"| {e['label']} | {e['preflight_s']:.2f} | {e['plain_s']:.2f} | "
            f"{e['time_ratio']:.2f}x | {e['preflight_mib']:.0f} | {e['pack_mib']:.0f} | "
            f"{e['plain_mib']:.0f} | {e['memory_ratio']:.2f}x | "
            f"{e['preflight_cpu_s']:.1f} / {e['plain_cpu_s']:.1f} |"
        )
    out += ["", "| target | measured | limit | met |", "| --- | ---: | ---: | :---: |"]
    for t in result["targets"]:
        value = "n/a" if t["value"] is None else f"{t['value']:.2f}"
        out.append(
            f"| {t['what']} | {value} | {t['limit']:g} | {'yes' if t['met'] else '**no**'} |"
        )
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 resources; < 1 min")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the figures as benchmarks/README.md shows them",
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="FILE",
        help="render an earlier --json result instead of running",
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", help="program sizes (default: the mode's sizes)"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="record the pack process with py-spy during the protocol measurements; "
        "raw stacks in DIR, hotspots in the JSON",
    )
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    sizes = tuple(sorted(args.sizes)) if args.sizes else mode.sizes

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    if args.from_json is not None:
        result = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        result = run(mode, sizes, args.profile, log)
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.markdown:
        sys.stdout.write(render_markdown(result))
    else:
        sys.stdout.write(render_table(result))
    return 0
