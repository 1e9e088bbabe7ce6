"""The shipped guardrails project passes preflight (the pack, offline), and a bad setting stops
it with one message naming the key."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pytest
from blueprint.config import ConfigError

from preflight.cli import main

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "guardrails"
PACK = ROOT / "policy_packs" / "residency"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run(program: Path, stack: str, out: Path) -> tuple[int, dict[str, Any] | None, str]:
    argv = ["--program", str(program), "--stack", stack, "--policy-pack", str(PACK),
            "--format", "json", "--output", str(out)]  # fmt: skip
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        code = main(argv)
    report = json.loads(out.read_text()) if out.exists() else None
    return code, report, stderr.getvalue()


def test_shipped_guardrails_pass_the_pack(tmp_path: Path) -> None:
    code, report, stderr = run(PROGRAM, "org", tmp_path / "report.json")
    assert code == 0, stderr
    assert report is not None and report["violations"] == []
    types = [r["type"] for r in report["resources"]]
    assert types.count("aws:organizations/policy:Policy") == 2
    assert types.count("aws:organizations/policyAttachment:PolicyAttachment") == 2
    assert types.count("oci:Limits/quota:Quota") == 12  # 6 families x 2 compartments
    # per compartment: the region-conditioned grants and the deny statements
    assert types.count("oci:Identity/policy:Policy") == 4


def test_a_bad_setting_is_named(guardrails: Any, shipped_config: dict[str, Any]) -> None:
    config = {**shipped_config, "residency-guardrails:userDataOuIds": ["r-root"]}
    with pytest.raises(ConfigError) as raised:
        guardrails(config)
    assert raised.value.keys == ["residency-guardrails:userDataOuIds"]
    assert "r-root" in str(raised.value)


def test_a_home_region_outside_the_table_is_named(
    guardrails: Any, shipped_config: dict[str, Any]
) -> None:
    with pytest.raises(ConfigError) as raised:
        guardrails({**shipped_config, "oci:region": "eu-frankfurt-1"})
    assert raised.value.keys == ["oci:region"]
