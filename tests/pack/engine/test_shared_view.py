"""The rule wrapper derives a resource's plain view once per request and shares it between the
pack's policies; no policy can change what the next one sees."""

import pytest
from pulumi_policy import Severity
from residency_pack.engine import rule
from residency_pack.engine.rule import Finding, RuleSpec, resource_policy, stack_policy
from residency_pack.testing import Resource, analyze, analyze_stack, aws_provider

PROPS = {
    "bucket": "b",
    "tags": {"data-classification": "us-user-data"},
    "rules": [{"id": "one", "prefixes": ["a", "b"]}],
}


def _spec(name):
    return RuleSpec(name=name, description="d", severity=Severity.LOW, remediation="r.")


def _vandal(ctx):
    """Changes everything it is given, in place, at every depth."""
    for r in getattr(ctx, "resources", [ctx]):
        r.props["bucket"] = "changed"
        r.props["tags"]["data-classification"] = "public"
        r.props["rules"][0]["prefixes"].append("c")
        r.props["rules"].append({"id": "two"})
        r.props["added"] = True
        r.provider.props["region"] = "ap-southeast-1"
        r.provider_inputs["extra"] = 1
    return []


def _reporter(ctx):
    for r in getattr(ctx, "resources", [ctx]):
        yield Finding(
            f"{r.props} {r.provider.props} {r.provider_inputs} {r.region.region} "
            f"{r.classification}",
            urn=r.urn,
        )


def _bucket():
    return Resource("aws:s3/bucket:Bucket", "data", PROPS, aws_provider("us-east-1"))


@pytest.mark.parametrize("sdk_servicer", [False, True])
def test_a_policy_that_changes_its_resource_changes_nothing_the_next_policy_sees(sdk_servicer):
    alone = analyze([resource_policy(_spec("residency-t-report"), _reporter)], _bucket())
    after = analyze(
        [
            resource_policy(_spec("residency-t-vandal"), _vandal),
            resource_policy(_spec("residency-t-report"), _reporter),
            resource_policy(_spec("residency-t-vandal2"), _vandal),
        ],
        _bucket(),
        sdk_servicer=sdk_servicer,
    )
    assert [d.message for d in after] == [d.message for d in alone]
    assert "changed" not in alone[0].message and "us-user-data" in alone[0].message


@pytest.mark.parametrize("sdk_servicer", [False, True])
def test_a_stack_policy_that_changes_its_resources_changes_nothing_the_next_one_sees(
    sdk_servicer,
):
    stack = [_bucket(), Resource("aws:s3/bucket:Bucket", "other", PROPS, aws_provider())]
    alone = analyze_stack([stack_policy(_spec("residency-t-report"), _reporter)], stack)
    after = analyze_stack(
        [
            stack_policy(_spec("residency-t-vandal"), _vandal),
            stack_policy(_spec("residency-t-report"), _reporter),
        ],
        stack,
        sdk_servicer=sdk_servicer,
    )
    assert len(alone) == 2
    assert sorted(d.message for d in after) == sorted(d.message for d in alone)


def test_the_plain_view_is_derived_once_per_request_not_once_per_policy(monkeypatch):
    derived = []
    real = rule._derive
    monkeypatch.setattr(rule, "_derive", lambda *a: derived.append(a[1]) or real(*a))
    policies = [resource_policy(_spec(f"residency-t-{i}"), _reporter) for i in range(4)]
    assert len(analyze(policies, _bucket())) == 4
    assert len(derived) == 1
    derived.clear()
    stack_policies = [stack_policy(_spec(f"residency-t-s{i}"), _reporter) for i in range(3)]
    other = Resource("aws:s3/bucket:Bucket", "other", PROPS, aws_provider())
    assert len(analyze_stack(stack_policies, [_bucket(), other])) == 6
    assert sorted(derived) == sorted([_bucket().resource_urn(), other.resource_urn()])


def test_each_request_derives_afresh(monkeypatch):
    seen = []
    policy = resource_policy(
        _spec("residency-t-seen"), lambda ctx: seen.append(ctx.classification) or []
    )
    for classification in ("us-user-data", "public"):
        props = {**PROPS, "tags": {"data-classification": classification}}
        analyze([policy], Resource("aws:s3/bucket:Bucket", "data", props, aws_provider()))
    assert seen == ["us-user-data", "public"]
