"""preflight as a user runs it, against a bare import of the SDKs it cannot avoid loading.

The target compares preflight with ``python -c "import pulumi_aws, pulumi_oci, pulumi_policy"``.
A second reference imports, in addition, the SDK subpackages the blueprint itself uses: that is
what any runner of the program (``pulumi preview`` too) pays before the first resource exists.
All commands run the venv's interpreter directly (``.venv/bin/preflight`` is the console script
``uv run preflight`` starts), so ``uv``'s own start-up is in no figure. Repetitions rotate the
order of the three commands; medians.
"""

from __future__ import annotations

import importlib.util
import os
import re
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.memory import RunResult, run_measured

REPO = Path(__file__).resolve().parents[1]
BARE_IMPORT = "import pulumi_aws, pulumi_oci, pulumi_policy"
_SDK_USE = re.compile(r"\b(aws|oci)\.([a-z0-9_]+)\.[A-Za-z_]")
_PACKAGES = {"aws": "pulumi_aws", "oci": "pulumi_oci"}


def program_sdk_modules(program_dir: Path) -> list[str]:
    """The SDK subpackages a program uses (``oci.identity.Compartment`` -> ``pulumi_oci.identity``).

    ``import pulumi_oci`` is lazy: a subpackage is loaded on first attribute access, and the
    large ones (identity, database, core) take seconds. A program pays for the ones it uses;
    importing exactly those is the import cost no runner of that program can avoid.
    """
    found: set[str] = set()
    for path in program_dir.rglob("*.py"):
        for cloud, module in _SDK_USE.findall(path.read_text(encoding="utf-8", errors="replace")):
            name = f"{_PACKAGES[cloud]}.{module}"
            if importlib.util.find_spec(name) is not None:
                found.add(name)
    return sorted(found)


def program_import_statement(program_dir: Path) -> str:
    """Import the SDKs and load the subpackages the program uses. The SDKs' subpackages are
    lazy modules: ``import pulumi_oci.identity`` alone loads nothing; the first attribute
    access does, so each one is touched."""
    modules = program_sdk_modules(program_dir)
    return (
        "import importlib, pulumi_aws, pulumi_oci, pulumi_policy\n"
        f"for name in {modules!r}:\n"
        "    getattr(importlib.import_module(name), '_load_', None)\n"
    )


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
    program_import_s: float  # the SDK subpackages the blueprint uses, imported
    ratio_to_program_import: float
    program_modules: list[str]
    repetitions: int
    preflight_samples: list[float] = field(default_factory=list)
    bare_samples: list[float] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    error: str = ""


@dataclass
class MemoryResult:
    resources: int  # 0: the prod blueprint
    wall_s: float
    exit_code: int
    preflight_mib: float
    pack_mib: float
    maxrss_mib: float  # os.wait4's ru_maxrss of preflight (cross-check)
    error: str = ""

    @property
    def peak_mib(self) -> float:
        return max(self.preflight_mib, self.pack_mib)


def _last_line(run: RunResult) -> str:
    return run.stderr_tail.splitlines()[-1] if run.stderr_tail else "no stderr"


def _import_time(statement: str, env: dict[str, str], what: str) -> float:
    run = run_measured([sys.executable, "-c", statement], cwd=REPO, env=env, track_memory=False)
    if run.returncode != 0:
        raise RuntimeError(f"{what} failed: {_last_line(run)}")
    return run.wall_s


def measure_blueprint(
    repetitions: int, *, track_memory: bool = False
) -> tuple[BlueprintResult, MemoryResult | None]:
    """``preflight`` on the prod blueprint (the repository's own project, stack prod).

    With ``track_memory``, the preflight runs also record peak memory (the quick mode's memory
    figure; the sampler reads a few ``/proc`` files every 20 ms)."""
    bare: list[float] = []
    full: list[float] = []
    program: list[float] = []
    program_modules = program_sdk_modules(REPO / "infra")
    program_import = program_import_statement(REPO / "infra")
    codes: list[int] = []
    error = ""
    memory: MemoryResult | None = None
    env = dict(os.environ)
    env.pop("FORCE_COLOR", None)
    for rep in range(repetitions):
        order = ["bare", "program", "preflight"]
        for which in order[rep % 3 :] + order[: rep % 3]:
            if which == "bare":
                bare.append(_import_time(BARE_IMPORT, env, "bare import"))
            elif which == "program":
                program.append(
                    _import_time(program_import, env, "importing the program's SDK modules")
                )
            else:
                run = run_measured(
                    [*preflight_command(), "--stack", "prod"],
                    cwd=REPO,
                    env=env,
                    track_memory=track_memory,
                )
                full.append(run.wall_s)
                codes.append(run.returncode)
                if run.returncode not in (0, 1) and not error:
                    error = _last_line(run)
                if track_memory:
                    measured = _memory_result(run, 0)
                    if memory is None or measured.peak_mib > memory.peak_mib:
                        memory = measured
    preflight_s = statistics.median(full)
    program_s = statistics.median(program)
    result = BlueprintResult(
        preflight_s=preflight_s,
        bare_import_s=statistics.median(bare),
        ratio=preflight_s / statistics.median(bare),
        program_import_s=program_s,
        ratio_to_program_import=preflight_s / program_s,
        program_modules=program_modules,
        repetitions=repetitions,
        preflight_samples=full,
        bare_samples=bare,
        exit_codes=codes,
        error=error,
    )
    return result, memory


def _memory_result(run: RunResult, resources: int) -> MemoryResult:
    root = next((p for p in run.peaks.values() if "preflight" in p.command), None)
    root_pid = root.pid if root else -1
    packs = [p for p in run.children_peaks(root_pid) if "pulumi.policy" in p.command]
    return MemoryResult(
        resources=resources,
        wall_s=run.wall_s,
        exit_code=run.returncode,
        preflight_mib=run.peak_of(root_pid) / 1024,
        pack_mib=max((p.peak_kib for p in packs), default=0) / 1024,
        maxrss_mib=run.maxrss_kib / 1024,
        error=_last_line(run) if run.returncode not in (0, 1) else "",
    )


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
    return _memory_result(run_measured(command, cwd=REPO), resources)
