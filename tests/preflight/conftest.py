"""Shared helpers for preflight's tests: fixture paths, the CLI as a subprocess, process checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from preflight.model import Report
from preflight.run import Options, run_preflight

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
PROGRAMS = FIXTURES / "programs"
PACKS = FIXTURES / "packs"
REPO = HERE.parents[1]


def run_cli(
    *args: str | Path, env: Mapping[str, str] | None = None, timeout: float = 90, cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    """``preflight`` as a user runs it, in its own process."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "preflight.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=cwd,
        check=False,
    )


def processes_in(directory: Path) -> list[int]:
    """PIDs of live processes whose working directory is ``directory`` (a pack's process)."""
    target = directory.resolve()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if Path(os.readlink(entry / "cwd")) == target:
                stat = (entry / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.fixture
def echo_pack(tmp_path: Path) -> Path:
    """A private copy of the echo pack: its processes are recognisable by their working dir."""
    return Path(shutil.copytree(PACKS / "echo", tmp_path / "echo-pack"))


@pytest.fixture
def program_copy(tmp_path: Path):
    def copy(name: str) -> Path:
        return Path(shutil.copytree(PROGRAMS / name, tmp_path / name))

    return copy


@pytest.fixture(scope="session")
def faithful_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Report, list[dict[str, Any]]]:
    """One preflight run of ``programs/faithful`` against the echo pack, shared by every test
    that only reads its report or what the pack received (written by the pack to a file)."""
    tmp = tmp_path_factory.mktemp("faithful")
    echo_file = tmp / "echo.jsonl"
    config = tmp / "policy-config.json"
    config.write_text(
        json.dumps({"echo-remediate-owner": "remediate", "echo-limits": {"maxResources": 3}})
    )
    os.environ["PREFLIGHT_ECHO_FILE"] = str(echo_file)
    try:
        report = run_preflight(
            Options(
                program_dir=PROGRAMS / "faithful",
                stack="prod",
                policy_packs=[PACKS / "echo"],
                policy_pack_configs=[config],
            )
        )
    finally:
        del os.environ["PREFLIGHT_ECHO_FILE"]
    records = [json.loads(line) for line in echo_file.read_text().splitlines()]
    return report, records


RESIDENCY_PACK = REPO / "policy_packs" / "residency"


@pytest.fixture(scope="session")
def residency_faithful_run() -> Report:
    """``programs/faithful`` against the residency pack: the residency inventory (regions,
    classifications, flows) is computed only when that pack is loaded."""
    return run_preflight(
        Options(program_dir=PROGRAMS / "faithful", stack="prod", policy_packs=[RESIDENCY_PACK])
    )
