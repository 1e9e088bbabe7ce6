"""A pack with its own virtualenv (``virtualenv:`` in ``PulumiPolicy.yaml``) runs in it, as the
CLI runs it: ``<pack>/<virtualenv>/bin/python`` called through the venv (not the base interpreter
its symlink points at), with the CLI's ``ActivateVirtualEnv`` environment."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from preflight.pack_process import activate_virtualenv, load_policy_project, pack_interpreter
from preflight.run import Options, run_preflight

from .conftest import PACKS, PROGRAMS, REPO


def make_venv(directory: Path) -> Path:
    """A real virtualenv without pip; the test environment's packages reach it through a .pth
    file, which only an interpreter started through the venv reads."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(directory)], check=True)
    (site_packages,) = directory.glob("lib/python*/site-packages")
    (site_packages / "test-environment.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    return directory


@pytest.fixture
def pack_with_venv(tmp_path: Path) -> Path:
    pack = Path(shutil.copytree(PACKS / "echo", tmp_path / "echo-venv"))
    policy_file = pack / "PulumiPolicy.yaml"
    policy_file.write_text(
        policy_file.read_text().replace(
            "runtime: python", "runtime:\n  name: python\n  options:\n    virtualenv: venv"
        )
    )
    make_venv(pack / "venv")
    return pack


def test_pack_runs_in_its_virtualenv(
    pack_with_venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    venv = pack_with_venv / "venv"
    assert (venv / "bin" / "python").is_symlink()  # what .resolve() used to follow out of it
    assert pack_interpreter(load_policy_project(pack_with_venv)) == str(venv / "bin" / "python")
    echo_file = tmp_path / "echo.jsonl"
    monkeypatch.setenv("PREFLIGHT_ECHO_FILE", str(echo_file))
    report = run_preflight(
        Options(program_dir=PROGRAMS / "forbidden", policy_packs=[pack_with_venv])
    )
    assert report.packs[0].name == "echo"
    records = [json.loads(line) for line in echo_file.read_text().splitlines()]
    process = next(r["process"] for r in records if r["call"] == "Analyze")
    assert process["executable"] == str(venv / "bin" / "python")
    assert process["prefix"] == str(venv)
    assert process["virtual_env"] == str(venv)
    assert process["path_head"] == str(venv / "bin")


def test_pack_without_its_virtualenv_runs_with_preflights_interpreter(tmp_path: Path) -> None:
    pack = Path(shutil.copytree(PACKS / "echo", tmp_path / "echo-no-venv"))
    (pack / "PulumiPolicy.yaml").write_text(
        "runtime:\n  name: python\n  options:\n    virtualenv: venv\nversion: 0.0.7\n"
    )
    assert pack_interpreter(load_policy_project(pack)) == sys.executable


def test_activate_virtualenv_is_the_clis() -> None:
    venv = Path("/packs/p/venv")
    env = activate_virtualenv(
        {"PATH": "/usr/bin", "PYTHONHOME": "/x", "VIRTUAL_ENV": "/other", "HOME": "/h"}, venv
    )
    assert env == {
        "PATH": f"/packs/p/venv/bin{os.pathsep}/usr/bin",
        "VIRTUAL_ENV": str(venv),
        "HOME": "/h",
    }
    assert activate_virtualenv({}, venv)["PATH"] == "/packs/p/venv/bin"


def test_ci_creates_the_pack_venv_as_its_readme_says() -> None:
    """The new user's path: .ci/run creates the venv with the README's own commands before it
    runs the tests and preflight, so both are checked with the venv present."""
    readme = (REPO / "policy_packs" / "residency" / "README.md").read_text(encoding="utf-8")
    block = readme.split("Create it once", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert commands and all("venv" in c for c in commands)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    positions = [ci.index(command) for command in commands]
    assert positions == sorted(positions)
    assert positions[-1] < ci.index("uv run pytest") < ci.index("uv run preflight")
