"""What the pack derives from its config (the resolved config, the allowed regions, the trusted
accounts) is derived once per config; a new ``Configure`` or ``ConfigureStack`` is seen."""

from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy import Severity
from residency_pack.engine import pack_config, stack_config
from residency_pack.engine.rule import RuleSpec, resource_policy
from residency_pack.testing import configure, urn_of

SPEC = RuleSpec(
    name="residency-test-memo",
    description="d",
    severity=Severity.LOW,
    remediation="r.",
    config_properties={
        pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema(),
        **pack_config.trust_config_properties(),
    },
)


def _recording_policy():
    seen = []

    def check(ctx):
        seen.append(
            (
                pack_config.allowed_union(ctx.config)["aws"],
                pack_config.allowed_regions(ctx.config, "us-user-data")["aws"],
                pack_config.trusted_account_ids(ctx.config),
            )
        )
        return []

    return resource_policy(SPEC, check), seen


def _struct(value):
    s = struct_pb2.Struct()
    s.update(value)
    return s


def _analyze(servicer):
    request = proto.AnalyzeRequest(
        type="aws:s3/bucket:Bucket",
        properties=_struct({"bucket": "b"}),
        urn=urn_of("aws:s3/bucket:Bucket", "b"),
        name="b",
    )
    servicer.Analyze(request, None)


def _configure(servicer, properties):
    request = proto.ConfigureAnalyzerRequest()
    request.policyConfig[SPEC.name].CopyFrom(
        proto.PolicyConfig(enforcementLevel=proto.MANDATORY, properties=_struct(properties))
    )
    servicer.Configure(request, None)


def _configure_stack(servicer, accounts):
    servicer.ConfigureStack(
        proto.AnalyzerStackConfigureRequest(
            stack="prod", project="p", config={"aws:allowedAccountIds": accounts}
        ),
        None,
    )


def _table(*aws):
    return {"us-user-data": {"aws": list(aws), "oci": ["us-ashburn-1"]}}


def test_a_new_configure_is_seen_by_every_derived_fact():
    policy, seen = _recording_policy()
    first = {pack_config.ALLOWED_REGIONS: _table("us-east-1")}
    servicer = configure([policy], {SPEC.name: first})
    _analyze(servicer)
    _analyze(servicer)
    _configure(servicer, {pack_config.ALLOWED_REGIONS: _table("us-west-2")})
    _analyze(servicer)
    _configure(servicer, first)
    _analyze(servicer)
    east, west = frozenset({"us-east-1"}), frozenset({"us-west-2"})
    assert [s[1] for s in seen] == [east, east, west, east]
    assert ["us-west-2" in s[0] for s in seen] == [False, False, True, False]


def test_a_new_configure_stack_is_seen_by_the_trusted_accounts():
    policy, seen = _recording_policy()
    with stack_config.overridden(None):
        servicer = configure([policy], stack_config={"aws:allowedAccountIds": '["111111111111"]'})
        _analyze(servicer)
        _analyze(servicer)
        _configure_stack(servicer, '["222222222222"]')
        _analyze(servicer)
        _configure(servicer, {pack_config.TRUSTED_ACCOUNT_IDS: ["333333333333"]})
        _analyze(servicer)
        _configure(servicer, {})
        _analyze(servicer)
    assert [s[2] for s in seen] == [
        frozenset({"111111111111"}),
        frozenset({"111111111111"}),
        frozenset({"222222222222"}),
        frozenset({"333333333333"}),
        frozenset({"222222222222"}),
    ]


def test_the_config_is_resolved_once_while_the_sdk_hands_over_the_same_config(monkeypatch):
    calls = []
    real = pack_config.resolve
    monkeypatch.setattr(pack_config, "resolve", lambda *a: calls.append(a[2]) or real(*a))
    resolver = pack_config.ConfigResolver(SPEC.name, SPEC.schema_properties())
    stored = {pack_config.ALLOWED_REGIONS: _table("us-east-1")}  # as the SDK keeps it
    first = resolver(stored.copy())
    assert resolver(stored.copy()) is first
    assert resolver(stored.copy()) is first
    assert len(calls) == 1
    # A new Configure decodes new objects: resolved again, even when only a nested value
    # differs, and back to the first config's memo when it is sent again.
    changed = resolver({pack_config.ALLOWED_REGIONS: _table("us-west-2")})
    assert changed[pack_config.ALLOWED_REGIONS]["us-user-data"]["aws"] == ("us-west-2",)
    assert resolver({pack_config.ALLOWED_REGIONS: _table("us-east-1")}) is first
    assert resolver(None) is not first
    assert len(calls) == 3


def test_a_config_that_can_change_is_never_memoised():
    config = {pack_config.ALLOWED_REGIONS: _table("us-east-1")}
    assert pack_config.allowed_union(config)["aws"] >= {"us-east-1"}
    config[pack_config.ALLOWED_REGIONS] = _table("us-west-2")
    assert "us-west-2" in pack_config.allowed_union(config)["aws"]
    assert pack_config.allowed_regions(config, "us-user-data")["aws"] == {"us-west-2"}
    config[pack_config.TRUSTED_ACCOUNT_IDS] = ["111111111111"]
    assert pack_config.trusted_account_ids(config) == {"111111111111"}
    config[pack_config.TRUSTED_ACCOUNT_IDS] = ["222222222222"]
    assert pack_config.trusted_account_ids(config) == {"222222222222"}


def test_what_a_caller_changes_in_a_derived_table_is_not_remembered():
    resolver = pack_config.ConfigResolver(SPEC.name, SPEC.schema_properties())
    config = resolver({})
    union = pack_config.allowed_union(config)
    union["aws"] = frozenset({"eu-central-1"})
    regions = pack_config.allowed_regions(config, "us-user-data")
    regions["aws"] = frozenset({"eu-central-1"})
    assert "eu-central-1" not in pack_config.allowed_union(config)["aws"]
    assert "eu-central-1" not in pack_config.allowed_regions(config, "us-user-data")["aws"]
