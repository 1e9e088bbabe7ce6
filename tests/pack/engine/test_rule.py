"""The rule wrapper, run through the policy SDK's own analyzer servicer."""

import dataclasses
import datetime as dt

import pytest
from pulumi_policy import Severity
from pulumi_policy.proxy import UnknownValueError
from residency_pack.engine import pack_config
from residency_pack.engine.props import UNKNOWN
from residency_pack.engine.rule import Finding, RuleSpec, resource_policy, stack_policy
from residency_pack.testing import UNKNOWN_STRING, Resource, analyze, analyze_stack, aws_provider

SPEC = RuleSpec(
    name="residency-test-rule",
    description="A test rule.",
    severity=Severity.HIGH,
    remediation="do the right thing.",
    config_properties={pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema()},
)
BUCKET = Resource(
    "aws:s3/bucket:Bucket", "data", {"bucket": "b", "kmsKey": UNKNOWN_STRING}, aws_provider()
)
BUCKET2 = Resource("aws:s3/bucket:Bucket", "data2", {"bucket": "b2"}, aws_provider())


def flag_everything(ctx):
    yield Finding(f"{ctx.name} is wrong.")


def test_findings_are_mandatory_with_urn_and_fix():
    [d] = analyze(resource_policy(SPEC, flag_everything), BUCKET)
    assert d.enforcement == "mandatory"
    assert d.urn == BUCKET.resource_urn()
    assert d.message.endswith("data is wrong. Fix: do the right thing.")


def test_check_sees_unknowns_as_the_sentinel_and_the_context_is_filled_in():
    seen = {}

    def check(ctx):
        seen.update(kms=ctx.props["kmsKey"], region=ctx.region.region, provider=ctx.provider_inputs)
        return []

    assert analyze(resource_policy(SPEC, check), BUCKET) == []
    assert seen == {"kms": UNKNOWN, "region": "us-east-1", "provider": {"region": "us-east-1"}}


@pytest.mark.parametrize("error", [UnknownValueError(UNKNOWN_STRING, ["x"]), KeyError("boom")])
def test_a_crashing_check_is_a_mandatory_violation_never_an_advisory(error):
    def check(ctx):
        raise error

    [d] = analyze(resource_policy(SPEC, check), BUCKET)
    assert d.enforcement == "mandatory"
    assert "could not evaluate" in d.message and type(error).__name__ in d.message


def test_bad_config_is_reported_clearly():
    # The pack's servicer refuses bad config in Configure; this is the wrapper's own backstop.
    config = {SPEC.name: {"allowedRegions": {"us-user-data": {"aws": ["mars-1"]}}}}
    [d] = analyze(resource_policy(SPEC, lambda ctx: []), BUCKET, config, sdk_servicer=True)
    assert d.enforcement == "mandatory"
    assert "policy config for `residency-test-rule` is invalid" in d.message
    assert "allowedRegions.us-user-data.aws[0]" in d.message


def exemption(expires, **target):
    return {"policy": SPEC.name, "reason": "approved by DPO", "expires": expires, **target}


def test_active_exemption_suppresses_and_expired_one_says_so(monkeypatch):
    monkeypatch.setattr(pack_config, "today", lambda: dt.date(2026, 6, 1))
    policy = resource_policy(SPEC, flag_everything)
    active = {SPEC.name: {"exemptions": [exemption("2026-06-01", name="da*", type=BUCKET.type)]}}
    # Not enforced, but reported as advisory with the exemption's rule, reason and expiry.
    [note] = analyze(policy, BUCKET, active)
    assert note.enforcement == "advisory" and note.urn == BUCKET.resource_urn()
    assert "Exempted until 2026-06-01" in note.message and "approved by DPO" in note.message
    assert f"name da* of type {BUCKET.type}" in note.message and "data is wrong" in note.message
    expired = {SPEC.name: {"exemptions": [exemption("2026-05-31", urn=BUCKET.resource_urn())]}}
    [d] = analyze(policy, BUCKET, expired)
    assert "expired on 2026-05-31" in d.message and "approved by DPO" in d.message
    other = {SPEC.name: {"exemptions": [exemption("2026-07-01", name="other", type=BUCKET.type)]}}
    assert len(analyze(policy, BUCKET, other)) == 1
    # The same name glob bounded to another type does not exempt this bucket.
    keys = exemption("2026-07-01", name="*", type="aws:kms/key:Key")
    assert len(analyze(policy, BUCKET, {SPEC.name: {"exemptions": [keys]}})) == 1


def test_a_stack_policy_reports_bad_config_once_like_a_resource_policy():
    # Through the SDK's stock servicer, which passes bad config on: the wrapper's backstop.
    bad = {SPEC.name: {"allowedRegions": {"us-user-data": {"aws": ["mars-1"]}}}}
    ran = []
    policy = stack_policy(SPEC, lambda ctx: ran.append(ctx) or [])
    [d] = analyze_stack(policy, [BUCKET, BUCKET2], bad, sdk_servicer=True)
    assert d.enforcement == "mandatory" and d.urn == "" and not ran
    assert "policy config for `residency-test-rule` is invalid" in d.message
    assert "mars-1" in d.message
    assert analyze_stack(policy, [BUCKET, BUCKET2], sdk_servicer=True) == [] and ran


def test_stack_policy_gets_graph_and_reports_per_urn():
    key = Resource("aws:kms/key:Key", "key", {"description": "k"}, aws_provider())
    bucket = Resource(
        "aws:s3/bucket:Bucket", "b", {"kms": UNKNOWN_STRING}, aws_provider(),
        dependencies=[key.resource_urn()], property_dependencies={"kms": [key.resource_urn()]},
    )  # fmt: skip

    def check(ctx):
        b = ctx.by_urn(bucket.resource_urn())
        assert b.property_dependencies == {"kms": (key.resource_urn(),)}
        assert ctx.by_urn(b.property_dependencies["kms"][0]).type == "aws:kms/key:Key"
        yield Finding("bucket flows somewhere.", urn=b.urn)

    [d] = analyze_stack(stack_policy(SPEC, check), [key, bucket])
    assert d.urn == bucket.resource_urn() and d.enforcement == "mandatory"
    assert "Fix: do the right thing." in d.message


def pending_and_known(ctx):
    yield Finding("known problem.")
    yield Finding("principal unknown.", unknown=True)


def test_unknown_findings_are_deferred_to_the_update_in_preview(monkeypatch):
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    diags = analyze(resource_policy(SPEC, pending_and_known), BUCKET)
    assert [(d.enforcement, "known problem." in d.message) for d in diags] == [
        ("mandatory", True),
        ("advisory", False),
    ]
    assert "principal unknown." in diags[1].message
    assert "decided during `pulumi up`" in diags[1].message


def test_unknown_findings_are_mandatory_outside_preview(monkeypatch):
    for value in ("false", None):
        if value is None:
            monkeypatch.delenv("PULUMI_DRY_RUN", raising=False)
        else:
            monkeypatch.setenv("PULUMI_DRY_RUN", value)
        diags = analyze(resource_policy(SPEC, pending_and_known), BUCKET)
        assert [d.enforcement for d in diags] == ["mandatory", "mandatory"]
        assert "fail closed" in diags[1].message


def test_stack_policies_never_defer(monkeypatch):
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    diags = analyze_stack(stack_policy(SPEC, pending_and_known), [BUCKET])
    assert [d.enforcement for d in diags] == ["mandatory", "mandatory"]


def test_a_policy_follows_its_config_when_configure_changes_it():
    # The wrapper memoises the validated config; a new Configure must still take effect.
    def outside_user_data_regions(ctx):
        allowed = pack_config.allowed_regions(ctx.config, "us-user-data")["aws"]
        if ctx.region.region not in allowed:
            yield Finding(f"{ctx.name} is outside {sorted(allowed)}.")

    policy = resource_policy(SPEC, outside_user_data_regions)
    oregon = {SPEC.name: {"allowedRegions": {"us-user-data": {"aws": ["us-west-2"]}}}}
    bad = {SPEC.name: {"allowedRegions": {"us-user-data": {"aws": ["mars-1"]}}}}
    # The stock servicer passes bad config on: the wrapper's backstop reports it.
    assert analyze(policy, BUCKET, sdk_servicer=True) == []
    [d] = analyze(policy, BUCKET, oregon, sdk_servicer=True)
    assert "outside ['us-west-2']" in d.message
    [d] = analyze(policy, BUCKET, bad, sdk_servicer=True)
    assert "is invalid" in d.message and "mars-1" in d.message
    assert analyze(policy, BUCKET, sdk_servicer=True) == []
    [d] = analyze(policy, BUCKET, bad, sdk_servicer=True)
    assert "is invalid" in d.message


def _seen_by(policy_factory, spec_name):
    """A policy whose check records what it saw; the record is returned alongside it."""
    seen = []

    def check(ctx):
        for r in getattr(ctx, "resources", [ctx]):
            seen.append((r.urn, r.region.region, r.classification, r.protect, r.parent_urn))
        return []

    spec = RuleSpec(name=spec_name, description="d", severity=Severity.LOW, remediation="r.")
    return policy_factory(spec, check), seen


def test_resource_context_is_rederived_when_a_resource_with_the_same_urn_changes():
    # The wrapper reuses region and classification across policies for the same resource; a
    # resource under the same URN with other inputs or another provider must not get stale ones.
    policies = [_seen_by(resource_policy, f"residency-test-{i}") for i in range(2)]
    tagged = {"bucket": "b", "tags": {"data-classification": "us-user-data"}}
    public = {"bucket": "b", "tags": {"data-classification": "public"}}
    parent = "urn:pulumi:test::p::my:component::parent"

    def bucket(props, region="us-east-1", **options):
        return Resource("aws:s3/bucket:Bucket", "data", props, aws_provider(region), **options)

    variants = [
        bucket(tagged),
        bucket({**tagged, "region": "ap-southeast-1"}),
        bucket(public),
        bucket(tagged, "ap-southeast-1"),
        bucket(tagged, protect=True, parent=parent),
        bucket(tagged),
    ]
    urn = variants[0].resource_urn()
    for variant in variants:
        assert analyze([p for p, _ in policies], variant) == []
    expected = [
        (urn, "us-east-1", "us-user-data", False, None),
        (urn, "ap-southeast-1", "us-user-data", False, None),
        (urn, "us-east-1", "public", False, None),
        (urn, "ap-southeast-1", "us-user-data", False, None),
        (urn, "us-east-1", "us-user-data", True, parent),
        (urn, "us-east-1", "us-user-data", False, None),
    ]
    for _, seen in policies:
        assert seen == expected


def test_stack_context_is_rederived_when_the_next_stack_changes_a_resource():
    policies = [_seen_by(stack_policy, f"residency-test-stack-{i}") for i in range(2)]
    key = Resource("aws:kms/key:Key", "key", {"description": "k"}, aws_provider("us-east-1"))
    public = {"tags": {"data-classification": "public"}}
    user_data = {"tags": {"data-classification": "us-user-data"}}
    first = Resource("aws:s3/bucket:Bucket", "b", public, aws_provider("us-east-1"))
    second = Resource(
        "aws:s3/bucket:Bucket", "b", user_data, aws_provider("us-east-1"),
        parent=key.resource_urn(),
    )  # fmt: skip
    third = Resource("aws:s3/bucket:Bucket", "b", user_data, aws_provider("ap-southeast-1"))
    for stack in ([key, first], [key, second], [key, third]):
        assert analyze_stack([p for p, _ in policies], stack) == []
    bucket, k = first.resource_urn(), key.resource_urn()
    for _, seen in policies:
        assert seen == [
            (k, "us-east-1", None, False, None),
            (bucket, "us-east-1", "public", False, None),
            (k, "us-east-1", None, False, None),
            (bucket, "us-east-1", "us-user-data", False, k),
            (k, "us-east-1", None, False, None),
            (bucket, "ap-southeast-1", "us-user-data", False, None),
        ]


def test_region_is_derived_once_per_resource_not_once_per_policy(monkeypatch):
    from residency_pack.engine import rule

    calls = []
    real = rule.effective_region
    monkeypatch.setattr(rule, "effective_region", lambda *a: calls.append(a[0]) or real(*a))
    policies = [_seen_by(resource_policy, f"residency-test-once-{i}")[0] for i in range(3)]
    bucket = Resource("aws:s3/bucket:Bucket", "once", {"bucket": "once"}, aws_provider())
    analyze(policies, bucket)
    assert calls == ["aws:s3/bucket:Bucket"]


def test_derived_memo_is_bounded_oldest_first():
    from residency_pack.engine.rule import _DerivedMemo

    memo = _DerivedMemo(limit=2)
    for urn in ("a", "b", "c"):
        memo.put(urn, ("t", {"u": urn}, None), (urn, None))  # type: ignore[arg-type]
    assert memo.get("a", ("t", {"u": "a"}, None)) is None
    assert memo.get("c", ("t", {"u": "c"}, None)) == ("c", None)
    assert memo.get("c", ("t", {"u": "x"}, None)) is None


def test_every_policy_is_tagged_as_the_packs_and_with_its_frameworks():
    spec = RuleSpec(
        name="residency-test-tagged", description="d", severity=Severity.LOW,
        remediation="r.", frameworks=("gdpr",),
    )  # fmt: skip
    assert resource_policy(spec, lambda ctx: []).tags == ["data-residency", "gdpr"]
    assert stack_policy(spec, lambda ctx: []).tags == ["data-residency", "gdpr"]


def test_the_context_names_the_resources_provider():
    seen = {}

    def check(ctx):
        seen.update(
            type=ctx.provider_type, name=ctx.provider_name, urn=ctx.provider.urn,
            resource_type=ctx.provider.resource_type,
        )  # fmt: skip
        return []

    provider = aws_provider(name="eu")
    bucket = Resource("aws:s3/bucket:Bucket", "data", {"bucket": "b"}, provider)
    assert analyze(resource_policy(SPEC, check), bucket) == []
    assert seen == {
        "type": "pulumi:providers:aws", "name": "eu", "urn": provider.urn,
        "resource_type": "pulumi:providers:aws",
    }  # fmt: skip


def test_name_of_urn_is_the_last_segment():
    from residency_pack.engine.rule import name_of_urn

    assert name_of_urn(BUCKET.resource_urn()) == "data"
    assert name_of_urn("urn:pulumi:prod::p::my:component$aws:s3/bucket:Bucket::a-b") == "a-b"
    assert name_of_urn("no-separator") == "no-separator"


def test_a_resource_finding_about_another_resource_is_exempted_by_that_ones_name(monkeypatch):
    monkeypatch.setattr(pack_config, "today", lambda: dt.date(2026, 6, 1))

    def flag_the_other_bucket(ctx):
        yield Finding("the other bucket is wrong.", urn=BUCKET2.resource_urn())

    policy = resource_policy(SPEC, flag_the_other_bucket)
    [d] = analyze(policy, BUCKET)
    assert d.urn == BUCKET2.resource_urn()
    by_name = exemption("2026-07-01", name="data2", type=BUCKET.type)
    [note] = analyze(policy, BUCKET, {SPEC.name: {"exemptions": [by_name]}})
    assert note.enforcement == "advisory" and note.urn == BUCKET2.resource_urn()
    assert "Exempted until 2026-07-01" in note.message
    own_name = exemption("2026-07-01", name="data", type=BUCKET.type)
    [d] = analyze(policy, BUCKET, {SPEC.name: {"exemptions": [own_name]}})
    assert d.enforcement == "mandatory"


def test_a_stack_finding_is_exempted_by_the_name_of_the_resource_it_concerns(monkeypatch):
    monkeypatch.setattr(pack_config, "today", lambda: dt.date(2026, 6, 1))
    policy = stack_policy(SPEC, lambda ctx: [Finding("wrong.", urn=r.urn) for r in ctx.resources])
    config = {SPEC.name: {"exemptions": [exemption("2026-07-01", name="data2", type=BUCKET.type)]}}
    diagnostics = analyze_stack(policy, [BUCKET, BUCKET2], config)
    [d] = [d for d in diagnostics if d.enforcement == "mandatory"]
    assert d.urn == BUCKET.resource_urn()


def test_a_crash_names_where_the_check_failed_and_how_to_report_it():
    def check(ctx):
        raise KeyError("boom")

    line = check.__code__.co_firstlineno + 1
    [d] = analyze(resource_policy(SPEC, check), BUCKET)
    assert f"(KeyError: 'boom' at test_rule.py:{line});" in d.message
    assert "Fix: report this to the policy pack's maintainers" in d.message


def test_a_bad_config_is_reported_on_the_resource():
    config = {SPEC.name: {"allowedRegions": {"us-user-data": {"aws": ["mars-1"]}}}}
    [d] = analyze(resource_policy(SPEC, lambda ctx: []), BUCKET, config, sdk_servicer=True)
    assert d.urn == BUCKET.resource_urn()


def test_every_pending_unknown_is_named_in_the_preview_notice(monkeypatch):
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")

    def two_unknowns(ctx):
        yield Finding("principal unknown.", unknown=True)
        yield Finding("region unknown.", unknown=True)

    [d] = analyze(resource_policy(SPEC, two_unknowns), BUCKET)
    assert d.enforcement == "advisory"
    assert "principal unknown. region unknown. This is decided during `pulumi up`" in d.message


def test_an_unknown_outside_preview_says_why_it_is_mandatory(monkeypatch):
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    unknown = [Finding("principal unknown.", unknown=True)]
    [d] = analyze(resource_policy(SPEC, lambda ctx: unknown), BUCKET)
    assert d.message.endswith(
        "principal unknown. (The value is still unknown outside preview: fail closed.)"
        " Fix: do the right thing."
    )
    [d] = analyze_stack(stack_policy(SPEC, lambda ctx: unknown), [BUCKET])
    assert d.message.endswith(
        "principal unknown. (A stack policy cannot defer an unknown to the update: fail closed.)"
        " Fix: do the right thing."
    )


def test_a_stack_resource_carries_its_options_and_dependencies():
    key = Resource("aws:kms/key:Key", "key", {"description": "k"}, aws_provider())
    bucket = Resource(
        "aws:s3/bucket:Bucket", "b", {"bucket": "b"}, aws_provider(), protect=True,
        dependencies=[key.resource_urn()],
    )  # fmt: skip
    seen = {}

    def check(ctx):
        b = ctx.by_urn(bucket.resource_urn())
        seen.update(protect=b.protect, dependencies=b.dependencies)
        return []

    assert analyze_stack(stack_policy(SPEC, check), [key, bucket]) == []
    assert seen == {"protect": True, "dependencies": (key.resource_urn(),)}


def test_the_memo_keeps_a_resource_put_again_as_the_newest():
    from residency_pack.engine.rule import _DerivedMemo

    memo = _DerivedMemo(limit=3)
    for urn in ("a", "b", "a", "c", "d"):
        memo.put(urn, ("t", {"u": urn}, None), (urn, None))  # type: ignore[arg-type]
    assert memo.get("a", ("t", {"u": "a"}, None)) == ("a", None)
    assert memo.get("b", ("t", {"u": "b"}, None)) is None


def test_a_rule_shipped_advisory_reports_advisory_and_may_be_raised_never_lowered():
    from residency_pack.servicer import ConfigRejected

    advisory = dataclasses.replace(SPEC, advisory=True)
    policy = resource_policy(advisory, flag_everything)
    [d] = analyze(policy, BUCKET)
    assert d.enforcement == "advisory" and "data is wrong" in d.message
    # The engine configures it at its own level; config may raise it to mandatory.
    assert analyze(policy, BUCKET, {SPEC.name: {"enforcementLevel": "advisory"}})
    [raised] = analyze(policy, BUCKET, {SPEC.name: {"enforcementLevel": "mandatory"}})
    assert raised.enforcement == "mandatory"
    # A mandatory rule cannot be lowered to advisory, nor an advisory one disabled.
    mandatory = resource_policy(SPEC, flag_everything)
    with pytest.raises(ConfigRejected, match="switch a residency policy off"):
        analyze(mandatory, BUCKET, {SPEC.name: {"enforcementLevel": "advisory"}})
    with pytest.raises(ConfigRejected, match="switch a residency policy off"):
        analyze(policy, BUCKET, {SPEC.name: {"enforcementLevel": "disabled"}})


def test_a_silenced_finding_is_noted_with_its_plain_message(monkeypatch):
    monkeypatch.setattr(pack_config, "today", lambda: dt.date(2026, 6, 1))
    active = {SPEC.name: {"exemptions": [exemption("2026-06-30", urn=BUCKET.resource_urn())]}}
    [note] = analyze(resource_policy(SPEC, flag_everything), BUCKET, active)
    assert note.enforcement == "advisory"
    assert note.message.endswith("so not enforced: data is wrong. Fix: do the right thing.")
