"""What the policy config's exemptions did is reported, never silent: each silenced finding
as an advisory note naming the exemption; after the stack policies, a warning for an
exemption that silenced nothing, has expired, or expires within `exemptionWarningDays`."""

from __future__ import annotations

import datetime as dt

import pytest
from pulumi.runtime import proto
from pulumi_policy import Severity
from residency_pack.engine import exemption_log, pack_config
from residency_pack.engine.rule import Finding, RuleSpec, resource_policy, stack_policy
from residency_pack.testing import Resource, _struct, analyze_stack, aws_provider, configure

TODAY = dt.date(2026, 6, 1)
SPEC = RuleSpec("residency-test-rule", "A test rule.", Severity.HIGH, "do the right thing.")
BUCKET = Resource("aws:s3/bucket:Bucket", "data", {"bucket": "data"}, aws_provider())
OTHER = Resource("aws:s3/bucket:Bucket", "logs", {"bucket": "logs"}, aws_provider())


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack_config, "today", lambda: TODAY)


def flag_data(ctx):
    for resource in ctx.resources:
        if resource.name == "data":
            yield Finding(f"{resource.name} is wrong.", urn=resource.urn)


POLICY = stack_policy(SPEC, flag_data)


def exemption(expires: dt.date, name: str = "data") -> dict[str, str]:
    return {
        "policy": SPEC.name, "name": name, "type": BUCKET.type, "reason": "ticket 7",
        "expires": expires.isoformat(),
    }  # fmt: skip


def run(*exemptions: dict[str, str], **settings: int):
    config = {SPEC.name: {"exemptions": list(exemptions), **settings}}
    return analyze_stack(POLICY, [BUCKET, OTHER], config)


def test_a_used_exemption_far_from_expiry_reports_only_what_it_silenced() -> None:
    [note] = run(exemption(TODAY + dt.timedelta(days=60)))
    assert note.enforcement == "advisory" and note.urn == BUCKET.resource_urn()
    assert note.message.startswith("Exempted until 2026-07-31")
    assert "ticket 7" in note.message and "data is wrong." in note.message


def test_an_exemption_matching_nothing_is_a_warning() -> None:
    diags = run(exemption(TODAY + dt.timedelta(days=60), name="nothing-*"))
    mandatory = [d for d in diags if d.enforcement == "mandatory"]
    [warning] = [d for d in diags if d.enforcement == "advisory"]
    assert len(mandatory) == 1  # the finding is not silenced
    assert "silenced no finding" in warning.message and "nothing-*" in warning.message
    assert warning.urn == ""


def test_an_exemption_on_a_compliant_resource_is_unused_too() -> None:
    diags = run(exemption(TODAY + dt.timedelta(days=60), name="logs"))
    assert any("silenced no finding" in d.message for d in diags)


@pytest.mark.parametrize(("days", "warned"), [(0, True), (14, True), (15, False)])
def test_an_exemption_expiring_within_14_days_is_a_warning(days: int, warned: bool) -> None:
    diags = run(exemption(TODAY + dt.timedelta(days=days)))
    expiring = [d for d in diags if "expires on" in d.message]
    assert bool(expiring) == warned
    assert all(d.enforcement == "advisory" for d in diags)


def test_the_warning_horizon_is_configurable() -> None:
    soon = exemption(TODAY + dt.timedelta(days=20))
    assert not any("expires on" in d.message for d in run(soon))
    assert any("in 20 days" in d.message for d in run(soon, exemptionWarningDays=30))


def test_an_expired_exemption_brings_the_finding_back_and_warns() -> None:
    diags = run(exemption(TODAY - dt.timedelta(days=1)))
    [finding] = [d for d in diags if d.enforcement == "mandatory"]
    assert "expired on 2026-05-31" in finding.message
    [warning] = [d for d in diags if d.enforcement == "advisory"]
    assert "expired on 2026-05-31" in warning.message and "violations again" in warning.message


def test_usage_counts_resource_policies_of_the_same_run() -> None:
    """A resource policy's exemption used during Analyze is not reported unused after the
    stack is analysed: usage lasts from Configure to the end of the run."""

    def flag(ctx):
        yield Finding(f"{ctx.name} is wrong.")

    policy = resource_policy(SPEC, flag)
    config = {SPEC.name: {"exemptions": [exemption(TODAY + dt.timedelta(days=60))]}}
    servicer = configure(policy, config)
    analysed = servicer.Analyze(
        proto.AnalyzeRequest(type=BUCKET.type, properties=_struct(BUCKET.props),
                             urn=BUCKET.resource_urn(), name=BUCKET.name),
        None,
    )  # fmt: skip
    assert [d.enforcementLevel for d in analysed.diagnostics] == [proto.ADVISORY]
    stack = servicer.AnalyzeStack(proto.AnalyzeStackRequest(), None)
    assert not any("silenced no finding" in d.message for d in stack.diagnostics)
    # A new Configure starts a new run.
    servicer = configure(policy, config)
    stack = servicer.AnalyzeStack(proto.AnalyzeStackRequest(), None)
    assert any("silenced no finding" in d.message for d in stack.diagnostics)


def test_the_note_carries_its_facts_for_reports() -> None:
    servicer = configure(POLICY, {SPEC.name: {"exemptions": [exemption(TODAY)]}})
    request = proto.AnalyzeStackRequest()
    request.resources.append(
        proto.AnalyzerResource(type=BUCKET.type, properties=_struct(BUCKET.props),
                               urn=BUCKET.resource_urn(), name=BUCKET.name)
    )  # fmt: skip
    response = servicer.AnalyzeStack(request, None)
    facts = [exemption_log.parse_note(d.description) for d in response.diagnostics]
    assert [f["status"] for f in facts if f] == ["exempted", "expiring"]
    assert all(
        f == {"status": f["status"], "rule": f"name data of type {BUCKET.type}",
              "reason": "ticket 7", "expires": "2026-06-01"}
        for f in facts if f
    )  # fmt: skip
    assert exemption_log.parse_note("A policy's own description.") is None
