"""preflight as a user runs it, against a bare import of the SDKs it cannot avoid loading.

Both commands run the venv's interpreter directly (``.venv/bin/preflight`` is the console
script ``uv run preflight`` starts), so ``uv``'s own start-up is in neither figure. Repetitions
alternate bare/preflight; medians.
"""

from __future__ import annotations

import os
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.memory import RunResult, run_measured

REPO = Path(__file__).resolve().parents[1]
BARE_IMPORT = "import pulumi_aws, pulumi_oci, pulumi_policy"


def preflight_command() -> list[str]:
    script = Path(sys.executable).with_name("preflight")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from preflight.cli import main; sys.exit(main())"]


@dataclass
class BlueprintResult:
    preflight_s: float
    bare_import_s: float
    ratio: float
    repetitions: int
    preflight_samples: list[float] = field(default_factory=list)
    bare_samples: list[float] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    error: str = ""


def measure_blueprint(repetitions: int) -> BlueprintResult:
    """``preflight`` on the prod blueprint (the repository's own project, stack prod)."""
    bare: list[float] = []
    full: list[float] = []
    codes: list[int] = []
    error = ""
    env = dict(os.environ)
    env.pop("FORCE_COLOR", None)
    for rep in range(repetitions):
        order = ("bare", "preflight") if rep % 2 == 0 else ("preflight", "bare")
        for which in order:
            if which == "bare":
                run = run_measured(
                    [sys.executable, "-c", BARE_IMPORT], cwd=REPO, env=env, track_memory=False
                )
                if run.returncode != 0:
                    raise RuntimeError(f"bare import failed: {run.stderr_tail}")
                bare.append(run.wall_s)
            else:
                run = run_measured(
                    [*preflight_command(), "--stack", "prod"], cwd=REPO, env=env, track_memory=False
                )
                full.append(run.wall_s)
                codes.append(run.returncode)
                if run.returncode not in (0, 1) and not error:
                    error = run.stderr_tail.splitlines()[-1] if run.stderr_tail else "no stderr"
    preflight_s = statistics.median(full)
    bare_s = statistics.median(bare)
    return BlueprintResult(
        preflight_s=preflight_s,
        bare_import_s=bare_s,
        ratio=preflight_s / bare_s,
        repetitions=repetitions,
        preflight_samples=full,
        bare_samples=bare,
        exit_codes=codes,
        error=error,
    )


@dataclass
class MemoryResult:
    resources: int
    wall_s: float
    exit_code: int
    preflight_mib: float
    pack_mib: float
    maxrss_mib: float
    error: str = ""


def measure_preflight_memory(program_dir: Path, stack: str, resources: int) -> MemoryResult:
    """Peak resident memory of preflight and of the pack process it starts, on one program."""
    pack = REPO / "policy_packs" / "residency"
    command = [
        *preflight_command(),
        "--program",
        str(program_dir),
        "--stack",
        stack,
        "--policy-pack",
        str(pack),
        "--format",
        "json",
    ]
    run: RunResult = run_measured(command, cwd=REPO)
    root = next((p for p in run.peaks.values() if "preflight" in p.command), None)
    root_pid = root.pid if root else -1
    packs = [p for p in run.children_peaks(root_pid) if "pulumi.policy" in p.command]
    error = ""
    if run.returncode not in (0, 1):
        error = run.stderr_tail.splitlines()[-1] if run.stderr_tail else "no stderr"
    return MemoryResult(
        resources=resources,
        wall_s=run.wall_s,
        exit_code=run.returncode,
        preflight_mib=run.peak_of(root_pid) / 1024,
        pack_mib=max((p.peak_kib for p in packs), default=0) / 1024,
        maxrss_mib=run.maxrss_kib / 1024,
        error=error,
    )
