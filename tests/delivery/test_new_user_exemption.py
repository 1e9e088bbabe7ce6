"""A new user's exemption, end to end: the program has a violation; the user adds an exemption
to the stack's policy config file and runs `preflight` with no flags. It passes and lists the
exemption; without a reason the config is refused; past its expiry the finding is back and
says the exemption expired."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policy_packs" / "residency"
URN = "urn:pulumi:prod::newuser::aws:sqs/queue:Queue::orders"
# A non-personal queue in eu-west-1: outside the allowed regions (two policies say so).
PROGRAM = """import pulumi_aws as aws

aws.sqs.Queue("orders", tags={"data-classification": "non-personal"}, region="eu-west-1")
"""
FIRING = ("residency-classification-in-region", "residency-region-allowlist")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's repository: the program at the root, the pack (and its virtualenv) where the
    README puts it, and the pack's config file for the stack."""
    root = tmp_path_factory.mktemp("newuser")
    (root / "Pulumi.yaml").write_text("name: newuser\nruntime: python\n", encoding="utf-8")
    (root / "Pulumi.prod.yaml").write_text(
        'config:\n  aws:region: us-east-1\n  aws:allowedAccountIds:\n    - "111122223333"\n',
        "utf-8",
    )
    (root / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    pack = root / "policy_packs" / "residency"
    shutil.copytree(PACK, pack, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    (pack / "venv").symlink_to(PACK / "venv", target_is_directory=True)
    return root


def _config(project: Path, **exemption: Any) -> Path:
    file = project / "policy_packs" / "residency" / "config" / "prod.json"
    document = json.loads((PACK / "config" / "prod.json").read_text(encoding="utf-8"))
    for policy in FIRING:
        entry = {"policy": policy, "urn": URN, **exemption}
        document[policy]["exemptions"] = [{k: v for k, v in entry.items() if v is not None}]
    file.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return file


def _preflight(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "preflight.cli"],
        cwd=project, env={**os.environ, "NO_COLOR": "1"},
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


def _in(days: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)).isoformat()


def test_an_exemption_in_the_stack_config_passes_and_is_listed(project: Path) -> None:
    _config(project, reason="migration to us-east-1, ticket OPS-42", expires=_in(30))
    result = _preflight(project)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "PASS: 0 mandatory" in out and "2 exempted findings (not enforced)" in out
    assert "Exemptions (policy config):" in out
    for policy in FIRING:
        assert (
            f"{policy}: exemption for {URN} (migration to us-east-1, ticket OPS-42), "
            f"expires {_in(30)}: silences" in out
        )
    assert "eu-west-1" in out  # the silenced finding itself is shown
    assert "policy_packs/residency/config/prod.json" in out  # which config was used


def test_an_exemption_without_a_reason_is_refused(project: Path) -> None:
    _config(project, expires=_in(30))
    result = _preflight(project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "'reason' is a required property" in result.stderr
    assert "config/prod.json" in result.stderr


def test_an_expired_exemption_brings_the_finding_back(project: Path) -> None:
    _config(project, reason="migration to us-east-1, ticket OPS-42", expires=_in(-1))
    result = _preflight(project)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "FAIL: 2 mandatory" in out
    assert f"expired on {_in(-1)} and no longer exempts this resource" in out
    assert "2 exemption warnings" in out
