"""preflight end to end against the same program under the SDK's plain ``set_mocks``.

The floor is the program itself: ``python -m benchmarks.plain_mocks DIR STACK`` runs it with the
same stack config under ``pulumi.runtime.set_mocks`` in preview with a no-op ``Mocks``, so it
pays what any offline run of that program pays in the Pulumi SDK (importing the SDK subpackages
it uses, an ``Output`` with its futures per output property of every resource). ``preflight``
runs the same program and adds what it is for: recording the requests, answering invokes, the
policy pack process, the analysis and the report.

Both are separate processes started from the repository with the venv's interpreter
(``.venv/bin/preflight`` is the console script ``uv run preflight`` starts; uv's own start-up is
in neither). Repetitions alternate which one runs first; wall time (medians, and the median of
the paired ratios) and peak resident memory (see ``memory.py``) of preflight (its own process
and the language-host process it runs the program in, at once), of its pack process (apart),
and of the plain run.
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.memory import RunResult, run_measured

REPO = Path(__file__).resolve().parents[1]
RESIDENCY_PACK = REPO / "policy_packs" / "residency"


def preflight_command() -> list[str]:
    script = Path(sys.executable).with_name("preflight")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from preflight.cli import main; sys.exit(main())"]


@dataclass(frozen=True)
class Program:
    label: str  # "1,000 resources", "prod blueprint"
    directory: Path
    stack: str
    resources: int  # 0: the blueprint (its size is whatever it declares)

    def preflight(self) -> list[str]:
        return [
            *preflight_command(),
            "--program",
            str(self.directory),
            "--stack",
            self.stack,
            "--policy-pack",
            str(RESIDENCY_PACK),
            "--format",
            "json",
        ]

    def plain(self) -> list[str]:
        return [sys.executable, "-m", "benchmarks.plain_mocks", str(self.directory), self.stack]


def blueprint() -> Program:
    return Program("prod blueprint", REPO, "prod", 0)


@dataclass
class EndToEnd:
    label: str
    resources: int
    repetitions: int
    preflight_s: float  # median wall time
    plain_s: float
    time_ratio: float  # median of the paired preflight / plain ratios
    # Median peak RSS of preflight: its own process and the program's language-host process it
    # runs the program in, summed at each poll (what they hold at once).
    preflight_mib: float
    pack_mib: float  # median peak RSS of the pack process preflight starts
    plain_mib: float  # median peak RSS of the plain-mocks run
    memory_ratio: float  # preflight_mib / plain_mib
    preflight_cpu_s: float  # median user + system time, the pack process included
    plain_cpu_s: float
    exit_codes: list[int] = field(default_factory=list)  # preflight's: 0 or 1 is a finished run
    preflight_samples: list[float] = field(default_factory=list)
    plain_samples: list[float] = field(default_factory=list)
    error: str = ""


def _last_line(run: RunResult) -> str:
    return run.stderr_tail.splitlines()[-1] if run.stderr_tail else "no stderr"


def _is_pack(command: str) -> str:
    return "pack" if "pulumi.policy" in command else "preflight"


def _preflight_peaks(run: RunResult) -> tuple[float, float]:
    """Peak MiB of preflight (its own process and the program's language-host process, at once)
    and of the pack process it started."""
    groups = run.group_peaks_kib
    return groups.get("preflight", 0) / 1024, groups.get("pack", 0) / 1024


def measure(program: Program, repetitions: int) -> EndToEnd:
    """preflight and the plain-mocks run of ``program``, interleaved, ``repetitions`` each."""
    runs: dict[str, list[RunResult]] = {"preflight": [], "plain": []}
    error = ""
    for rep in range(repetitions):
        order = ["preflight", "plain"] if rep % 2 == 0 else ["plain", "preflight"]
        for which in order:
            if which == "preflight":
                run = run_measured(program.preflight(), cwd=REPO, group=_is_pack)
            else:
                run = run_measured(program.plain(), cwd=REPO)
            runs[which].append(run)
            finished = run.returncode in (0, 1) if which == "preflight" else run.returncode == 0
            if not finished and not error:
                error = f"{which} exited {run.returncode}: {_last_line(run)}"
    preflight, plain = runs["preflight"], runs["plain"]
    peaks = [_preflight_peaks(r) for r in preflight]
    plain_mib = statistics.median(r.group_peaks_kib.get("all", 0) / 1024 for r in plain)
    preflight_mib = statistics.median(p for p, _ in peaks)
    return EndToEnd(
        label=program.label,
        resources=program.resources,
        repetitions=repetitions,
        preflight_s=statistics.median(r.wall_s for r in preflight),
        plain_s=statistics.median(r.wall_s for r in plain),
        time_ratio=statistics.median(
            a.wall_s / b.wall_s for a, b in zip(preflight, plain, strict=True)
        ),
        preflight_mib=preflight_mib,
        pack_mib=statistics.median(p for _, p in peaks),
        plain_mib=plain_mib,
        memory_ratio=preflight_mib / plain_mib if plain_mib else float("inf"),
        preflight_cpu_s=statistics.median(r.cpu_s for r in preflight),
        plain_cpu_s=statistics.median(r.cpu_s for r in plain),
        exit_codes=[r.returncode for r in preflight],
        preflight_samples=[r.wall_s for r in preflight],
        plain_samples=[r.wall_s for r in plain],
        error=error,
    )
