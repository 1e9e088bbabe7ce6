"""The flow rules on a real Pulumi program, run offline by preflight as `pulumi preview` would:
the SDK's mock runtime registers the resources (references between them are unknown outputs
with property dependencies), and the pack answers through its own analyzer server. Every
resource of the program is annotated with what the rules must say about it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from preflight.model import Report
from preflight.run import Options, run_preflight

HERE = Path(__file__).parent
PROGRAM = HERE / "programs" / "flows_abroad"
PACK = HERE.parents[2] / "policy_packs" / "residency"
FLOW_POLICIES = {"residency-no-cross-region-copy", "residency-data-flow"}
ANNOTATION = re.compile(r"#\s*(violation|ok):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*$")


def annotations() -> list[tuple[int, str, str]]:
    found = []
    for number, line in enumerate((PROGRAM / "__main__.py").read_text().splitlines(), start=1):
        if match := ANNOTATION.search(line):
            found += [(number, match.group(1), p.strip()) for p in match.group(2).split(",")]
    return found


@pytest.fixture(scope="module")
def report() -> Report:
    return run_preflight(Options(program_dir=PROGRAM, policy_packs=[PACK]))


def test_every_flow_violation_is_annotated(report: Report) -> None:
    expected = {(line, policy) for line, kind, policy in annotations() if kind == "violation"}
    found = {
        (int(v.source.rsplit(":", 1)[1]), v.policy)
        for v in report.mandatory
        if v.policy in FLOW_POLICIES and v.source and v.source.startswith("__main__.py:")
    }
    assert found == expected


@pytest.mark.parametrize(("line", "kind", "policy"), annotations())
def test_annotated_expectations(report: Report, line: int, kind: str, policy: str) -> None:
    at_line = {v.policy for v in report.mandatory if v.source == f"__main__.py:{line}"}
    if kind == "violation":
        assert policy in at_line, f"line {line}: expected {policy}, got {sorted(at_line)}"
    else:
        assert policy not in at_line, f"line {line} must not violate {policy}"
