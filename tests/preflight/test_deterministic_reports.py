"""Reports are deterministic: the same stack gives the same report, byte for byte, in every
format, whatever order the program registered its resources in (reviewers diff reports, caches
key on them, CI compares them).

The program ``fixtures/programs/shuffled`` declares its resources in an order chosen by
``SHUFFLE_SEED``; preflight runs it twice with different seeds and every format must come out
identical (timestamps aside: a report carries none today; an ISO-8601 date-time would be masked).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.model import (
    DataFlow,
    InvokeAnswer,
    PackInfo,
    PolicyInfo,
    Report,
    ResourceSummary,
    Violation,
)
from preflight.reporters import FORMATS, render
from preflight.run import Options, run_preflight

from .conftest import PROGRAMS, REPO

RESIDENCY_PACK = REPO / "policy_packs" / "residency"
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")


def comparable(text: str) -> str:
    return TIMESTAMP.sub("<timestamp>", text)


def run_shuffled(seed: str, monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.setenv("SHUFFLE_SEED", seed)
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    options = Options(
        program_dir=PROGRAMS / "shuffled", stack="test", policy_packs=[RESIDENCY_PACK]
    )
    return run_preflight(options)


def test_two_runs_give_the_same_report_in_every_format(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = run_shuffled("1", monkeypatch), run_shuffled("2", monkeypatch)
    # The runs did register in different orders, with findings, flows and invokes to order.
    assert [r.urn for r in first.resources] != [r.urn for r in second.resources]
    assert {r.urn for r in first.resources} == {r.urn for r in second.resources}
    assert len(first.violations) > len({v.urn for v in first.violations}) > 1
    assert len(first.flows) > 1 and len(first.invokes) > 1
    for name in FORMATS:
        assert comparable(render(first, name)) == comparable(render(second, name)), name


URN = "urn:pulumi:prod::shop::"


def _resource(name: str, type_: str = "aws:s3/bucket:Bucket", **kw: object) -> ResourceSummary:
    values: dict[str, object] = {
        "urn": f"{URN}{type_}::{name}",
        "type": type_,
        "name": name,
        "provider": None,
        "region": "us-east-1",
        "cloud": "aws",
        "classification": "us-user-data",
        "parent": None,
        "source": f"__main__.py:{len(name)}",
        "data_store": True,
        "encryption_key": None,
        "replication_targets": (),
    }
    values.update(kw)
    return ResourceSummary(**values)  # type: ignore[arg-type]


RESOURCES = [
    _resource("a", replication_targets=("c", "b", "eu-west-1")),
    _resource("b"),
    _resource("c", region="eu-west-1"),
    _resource("role", "aws:iam/role:Role", data_store=False),
]
VIOLATIONS = [
    Violation("p-region", "residency", "mandatory", RESOURCES[2].urn, "c is abroad. Fix: x"),
    Violation("p-flow", "residency", "mandatory", RESOURCES[2].urn, "a reaches c. Fix: x"),
    Violation("p-flow", "residency", "mandatory", RESOURCES[2].urn, "b reaches c. Fix: x"),
    Violation("p-flow", "residency", "advisory", RESOURCES[0].urn, "pending. Fix: x"),
    Violation("p-principal", "residency", "mandatory", RESOURCES[3].urn, "foreign. Fix: x"),
    Violation("p-stack", "residency", "mandatory", f"{URN}pulumi:pulumi:Stack::s", "s. Fix: x"),
]
FLOWS = [
    DataFlow(RESOURCES[0].urn, RESOURCES[2].urn, "eu-west-1", "replication"),
    DataFlow(RESOURCES[0].urn, RESOURCES[1].urn, "us-east-1", "replication"),
    DataFlow(RESOURCES[1].urn, None, "eu-west-1", "export"),
    DataFlow(RESOURCES[1].urn, None, None, "export"),
]
INVOKES = [
    InvokeAnswer("aws:index/getRegion:getRegion", "built-in", "__main__.py:3"),
    InvokeAnswer("aws:index/getRegion:getRegion", "built-in", "__main__.py:9"),
    InvokeAnswer("aws:index/getCallerIdentity:getCallerIdentity", "built-in", None),
    InvokeAnswer("aws:index/getRegion:getRegion", "built-in", "__main__.py:3"),
]


def report(
    resources: list[ResourceSummary],
    violations: list[Violation],
    flows: list[DataFlow],
    invokes: list[InvokeAnswer],
) -> Report:
    names = sorted({v.policy for v in violations})
    policies = tuple(PolicyInfo(name, name, "mandatory", "high") for name in names)
    return Report(
        stack="prod",
        project="shop",
        program_dir=str(Path.cwd()),
        packs=[PackInfo("residency", "0.1.0", "/p", policies, handshake=True)],
        resources=resources,
        violations=violations,
        flows=flows,
        invokes=invokes,
        notes=["a note"],
    )


@settings(max_examples=25, deadline=None)
@given(
    st.permutations(RESOURCES),
    st.permutations(VIOLATIONS),
    st.permutations(FLOWS),
    st.permutations(INVOKES),
    st.permutations([0, 1, 2]),
)
def test_every_format_is_independent_of_the_order_of_what_the_run_found(
    resources: list[ResourceSummary],
    violations: list[Violation],
    flows: list[DataFlow],
    invokes: list[InvokeAnswer],
    targets: list[int],
) -> None:
    def targets_shuffled(r: ResourceSummary) -> ResourceSummary:
        if not r.replication_targets:
            return r
        return replace(r, replication_targets=tuple(r.replication_targets[i] for i in targets))

    resources = [targets_shuffled(r) for r in resources]
    given_order = report(resources, violations, flows, invokes)
    reference = report(RESOURCES, VIOLATIONS, FLOWS, INVOKES)
    for name in FORMATS:
        assert render(given_order, name) == render(reference, name), name


def test_the_stable_order_is_by_urn_then_mandatory_first_then_policy() -> None:
    ordered = report(RESOURCES[::-1], VIOLATIONS[::-1], FLOWS[::-1], INVOKES).in_stable_order()
    assert [r.name for r in ordered.resources] == ["role", "a", "b", "c"]  # iam/role < s3/bucket
    assert ordered.resources[1].replication_targets == ("b", "c", "eu-west-1")
    found = [
        (v.urn.rsplit("::", 1)[1], v.enforcement, v.policy, v.message[:1])
        for v in ordered.violations
    ]
    assert found == [
        ("role", "mandatory", "p-principal", "f"),
        ("a", "advisory", "p-flow", "p"),
        ("c", "mandatory", "p-flow", "a"),
        ("c", "mandatory", "p-flow", "b"),
        ("c", "mandatory", "p-region", "c"),
        ("s", "mandatory", "p-stack", "s"),
    ]
    flows = [
        (f.source_urn[-1], f.target_urn and f.target_urn[-1], f.target_region)
        for f in ordered.flows
    ]
    assert flows == [
        ("a", "b", "us-east-1"),
        ("a", "c", "eu-west-1"),
        ("b", None, None),
        ("b", None, "eu-west-1"),
    ]
    sites = [i.call_site for i in ordered.invokes]
    assert sites == [None, "__main__.py:3", "__main__.py:3", "__main__.py:9"]
