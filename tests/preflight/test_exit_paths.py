"""Every way out of preflight: the exit status, one clear message, no hang, no process left.

Tests run ``preflight``'s ``main`` in this process (fast), or as its own process where the process
boundary is the point (console script, signals). Each uses a private copy of a pack, so the pack's
processes can be found by their working directory afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from preflight.cli import main

from .conftest import PACKS, PROGRAMS, REPO, processes_in, run_cli


@pytest.fixture
def preflight(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """``preflight`` in-process: returns (exit status, stdout, stderr)."""

    def run(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def assert_no_pack_left(pack: Path) -> None:
    """No live process runs in ``pack`` (or any other directory), allowing a killed one the
    moment it takes, on a loaded machine, to be scheduled and die."""
    deadline = time.monotonic() + 15
    while processes_in(pack) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_in(pack) == []


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("preflight: error:")]
    assert len(lines) == 1, stderr
    return lines[0]


def test_clean_program_exits_0(echo_pack: Path) -> None:
    result = run_cli("--program", PROGRAMS / "faithful", "--policy-pack", echo_pack)
    assert result.returncode == 0, result.stderr
    assert "PASS: 0 mandatory" in result.stdout
    assert_no_pack_left(echo_pack)


def test_mandatory_violation_exits_1_and_names_the_resource(preflight, echo_pack: Path) -> None:
    code, out, err = preflight("--program", PROGRAMS / "forbidden", "--policy-pack", echo_pack)
    assert code == 1, err
    findings = out.split("Residency inventory")[0]
    assert "rejected-bucket" in findings
    assert "echo-forbidden-tag" in findings
    assert "accepted-bucket" not in findings
    assert_no_pack_left(echo_pack)


def test_missing_pulumi_yaml(preflight, tmp_path: Path, echo_pack: Path) -> None:
    code, _out, err = preflight("--program", tmp_path, "--policy-pack", echo_pack)
    assert code == 2
    assert f"{tmp_path}/Pulumi.yaml: not found" in one_error_line(err)
    assert_no_pack_left(echo_pack)


def test_missing_stack_file(preflight, echo_pack: Path) -> None:
    code, _out, err = preflight(
        "--program", PROGRAMS / "faithful", "--stack", "staging", "--policy-pack", echo_pack
    )
    assert code == 2
    assert "Pulumi.staging.yaml: stack 'staging' has no config file" in one_error_line(err)


def test_malformed_stack_yaml(preflight, program_copy, echo_pack: Path) -> None:
    program = program_copy("faithful")
    (program / "Pulumi.prod.yaml").write_text("config:\n  aws:region: [us-east-1\n")
    code, _out, err = preflight("--program", program, "--policy-pack", echo_pack)
    assert code == 2
    assert "Pulumi.prod.yaml:3:1: malformed YAML" in one_error_line(err)
    assert_no_pack_left(echo_pack)


def test_program_that_raises_shows_only_its_own_frames(preflight, echo_pack: Path) -> None:
    code, _out, err = preflight("--program", PROGRAMS / "raises", "--policy-pack", echo_pack)
    assert code == 2
    assert "ValueError: no bucket name for prefix 'x'" in err
    assert "helpers.py" in err and "__main__.py" in err
    assert "site-packages" not in err
    assert_no_pack_left(echo_pack)


def test_pack_that_fails_to_start(preflight) -> None:
    code, _out, err = preflight(
        "--program", PROGRAMS / "faithful", "--policy-pack", PACKS / "broken"
    )
    assert code == 2
    line = one_error_line(err)
    assert "policy pack failed to start" in line
    assert "No module named 'residency_pack_that_does_not_exist'" in line
    assert "broken/__main__.py:3)" in line  # where the pack failed
    assert_no_pack_left(PACKS / "broken")


def test_pack_that_never_prints_its_port_does_not_hang(preflight, tmp_path: Path) -> None:
    pack = Path(shutil.copytree(PACKS / "silent", tmp_path / "silent"))
    code, _out, err = preflight(
        "--program",
        PROGRAMS / "faithful",
        "--policy-pack",
        pack,
        env={"PREFLIGHT_PACK_START_TIMEOUT": "2"},
    )
    assert code == 2
    assert "did not print its port within 2s" in one_error_line(err)
    assert_no_pack_left(pack)


def test_pack_that_crashes_mid_run(preflight, echo_pack: Path) -> None:
    code, _out, err = preflight(
        "--program",
        PROGRAMS / "faithful",
        "--policy-pack",
        echo_pack,
        env={"PREFLIGHT_ECHO_CRASH": "3"},
    )
    assert code == 2
    line = one_error_line(err)
    assert "policy pack 'echo'" in line and "crashed while" in line
    assert_no_pack_left(echo_pack)


def test_policy_config_rejected_by_its_schema(preflight, tmp_path: Path, echo_pack: Path) -> None:
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"echo-limits": {"maxResources": 0}}))
    code, _out, err = preflight(
        "--program",
        PROGRAMS / "faithful",
        "--policy-pack",
        echo_pack,
        "--policy-pack-config",
        config,
    )
    assert code == 2
    line = one_error_line(err)
    assert str(config) in line and "echo-limits: maxResources: 0 is less than" in line
    assert_no_pack_left(echo_pack)


def test_malformed_policy_config(preflight, tmp_path: Path, echo_pack: Path) -> None:
    config = tmp_path / "policy-config.json"
    config.write_text('{"echo-limits": ')
    code, _out, err = preflight(
        "--program",
        PROGRAMS / "faithful",
        "--policy-pack",
        echo_pack,
        "--policy-pack-config",
        config,
    )
    assert code == 2
    assert f"{config}:1:" in one_error_line(err)


def _start_slow(echo_pack: Path, delay: float = 0.5) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "preflight.cli",
            "--program",
            str(PROGRAMS / "slow"),
            "--policy-pack",
            str(echo_pack),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not processes_in(echo_pack):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the pack never started"
        time.sleep(0.05)
    time.sleep(delay)  # 0: mid-startup (imports, the SDK's event loop); 0.5: in the program
    return proc


@pytest.mark.parametrize("delay", [0.0, 0.5])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_stops_the_pack(echo_pack: Path, sig: signal.Signals, delay: float) -> None:
    proc = _start_slow(echo_pack, delay)
    proc.send_signal(sig)
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, stderr = proc.communicate()
        pytest.fail(f"preflight did not stop on {sig.name}:\n{stderr}")
    assert proc.returncode == 130
    assert "interrupted" in stderr
    assert_no_pack_left(echo_pack)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_killed_preflight_takes_its_pack_along(echo_pack: Path) -> None:
    proc = _start_slow(echo_pack)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert_no_pack_left(echo_pack)


LOST_SIGNAL_SCRIPT = """
import os, signal, sys, time
from pathlib import Path
from preflight import cli
from preflight.pack_process import PackProcess, load_policy_project, pack_environment

pack = PackProcess(load_policy_project(Path(sys.argv[1])), pack_environment(
    config={}, project="p", stack="s", organization="o", dry_run=True)).start()
pack.port()
print("ready", flush=True)
try:
    cli._on_signal(signal.SIGTERM, None)
except KeyboardInterrupt:
    pass  # swallowed, as Python does for an exception raised inside an at-fork hook
time.sleep(60)
"""


def test_a_lost_interrupt_still_stops_everything(echo_pack: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", LOST_SIGNAL_SCRIPT, str(echo_pack)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    assert "ready" in proc.stdout, proc.stderr
    assert proc.returncode == 130
    assert "policy pack processes stopped" in proc.stderr
    assert_no_pack_left(echo_pack)


def test_policy_pack_directory_that_does_not_exist(preflight, tmp_path: Path) -> None:
    code, _out, err = preflight(
        "--program", PROGRAMS / "faithful", "--policy-pack", tmp_path / "nope"
    )
    assert code == 2
    assert f"{tmp_path / 'nope'}: no such directory" in one_error_line(err)


def test_policy_pack_of_another_runtime(preflight, tmp_path: Path) -> None:
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: nodejs\n")
    code, _out, err = preflight("--program", PROGRAMS / "faithful", "--policy-pack", tmp_path)
    assert code == 2
    assert "PulumiPolicy.yaml: runtime is 'nodejs'" in one_error_line(err)


def test_policy_config_the_pack_refuses_is_one_config_error_with_the_packs_message(
    preflight, tmp_path: Path
) -> None:
    # The residency pack's Configure refuses to switch a residency policy to advisory
    # (INVALID_ARGUMENT): exit 2, the config file and the pack's own message, not a violation
    # per resource.
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"residency-region-allowlist": "advisory"}))
    code, out, err = preflight(
        "--program",
        PROGRAMS / "references",
        "--policy-pack",
        REPO / "policy_packs" / "residency",
        "--policy-pack-config",
        config,
    )
    assert (code, out) == (2, "")
    line = one_error_line(err)
    assert line.startswith(
        f"preflight: error: {config}: policy config rejected by pack 'residency': "
    )
    assert "residency-region-allowlist" in line


def test_misspelled_policy_in_the_config_is_an_error(preflight, tmp_path: Path) -> None:
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"residency-region-alowlist": {"allowedRegions": {}}}))
    code, _out, err = preflight(
        "--program",
        PROGRAMS / "references",
        "--policy-pack",
        REPO / "policy_packs" / "residency",
        "--policy-pack-config",
        config,
    )
    assert code == 2
    assert "did you mean 'residency-region-allowlist'?" in one_error_line(err)


def test_a_failing_program_leaves_no_stray_asyncio_lines(echo_pack: Path) -> None:
    # The program fails inside an apply while registrations and other applies wait on it:
    # asyncio would log the tasks it destroys; the language host silences that, so does
    # preflight. stderr is the one error, nothing before it.
    result = run_cli("--program", PROGRAMS / "fails_with_pending", "--policy-pack", echo_pack)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("preflight: error: the program raised an exception."), (
        result.stderr
    )
    for noise in ("Task was destroyed", "exception was never retrieved", "most recent call last"):
        assert noise not in result.stderr
    assert result.stderr.rstrip().endswith("invalid literal for int() with base 10: 'large'")
    assert_no_pack_left(echo_pack)


WRAPPER_SCRIPT = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-m", "preflight.cli", *sys.argv[1:]])
print(child.pid, flush=True)
child.wait()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_preflight_stops_with_its_pack_when_its_parent_dies(echo_pack: Path) -> None:
    # A wrapper (`uv run`, a CI step with a timeout) is killed: preflight must not run on as an
    # orphan with its pack and the program's process.
    wrapper = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WRAPPER_SCRIPT,
            "--program",
            str(PROGRAMS / "slow"),
            "--policy-pack",
            str(echo_pack),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert wrapper.stdout is not None
    preflight_pid = int(wrapper.stdout.readline())
    deadline = time.monotonic() + 60
    while not processes_in(echo_pack):
        assert time.monotonic() < deadline, "the pack never started"
        time.sleep(0.05)
    program_dir = (PROGRAMS / "slow").resolve()
    while not processes_in(program_dir):
        assert time.monotonic() < deadline, "the program never started"
        time.sleep(0.05)
    wrapper.kill()
    wrapper.wait(timeout=10)
    deadline = time.monotonic() + 30
    while Path(f"/proc/{preflight_pid}").exists() and time.monotonic() < deadline:
        stat = Path(f"/proc/{preflight_pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            break
        time.sleep(0.05)
    alive = Path(f"/proc/{preflight_pid}").exists() and (
        Path(f"/proc/{preflight_pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    )
    assert not alive, "preflight outlived its parent"
    assert_no_pack_left(echo_pack)
    assert_no_pack_left(program_dir)  # the program's process, killed with preflight
