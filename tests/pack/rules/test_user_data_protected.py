"""residency-user-data-protected."""

import dataclasses

import pytest
from residency_pack.rules.user_data_protected import DELETION_GUARDS, POLICY
from residency_pack.testing import UNKNOWN_BOOL, Resource, analyze, aws_provider, oci_provider

RDS = Resource(
    "aws:rds/instance:Instance",
    "users",
    {"deletionProtection": True, "tags": {"data-classification": "us-user-data"}},
    aws_provider("us-east-1"),
    protect=True,
)
OCI_BUCKET = Resource(
    "oci:ObjectStorage/bucket:Bucket",
    "content",
    {"freeformTags": {"data-classification": "us-user-data"}},
    oci_provider(),
    protect=True,
)


def with_props(resource, **props):
    return dataclasses.replace(resource, props={**resource.props, **props})


def messages(resource):
    diags = analyze(POLICY, resource)
    assert all(d.enforcement == "mandatory" for d in diags)
    return [d.message for d in diags]


@pytest.mark.parametrize("resource", [RDS, OCI_BUCKET])
def test_compliant(resource):
    assert messages(resource) == []


@pytest.mark.parametrize("resource", [RDS, OCI_BUCKET])
def test_missing_protect(resource):
    [message] = messages(dataclasses.replace(resource, protect=False))
    assert "not declared with `protect`" in message and "protect=True" in message


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (with_props(RDS, deletionProtection=False), "`deletionProtection` is False"),
        (with_props(RDS, deletionProtection=UNKNOWN_BOOL), "unknown during preview"),
        (
            dataclasses.replace(RDS, props={"tags": RDS.props["tags"]}),
            "`deletionProtection` is not set",
        ),
        (
            with_props(dataclasses.replace(RDS, type="aws:s3/bucket:Bucket"), forceDestroy=True),
            "`forceDestroy` is True",
        ),
        (
            with_props(
                dataclasses.replace(RDS, type="aws:secretsmanager/secret:Secret"),
                recoveryWindowInDays=0,
            ),
            "`recoveryWindowInDays` is 0",
        ),
    ],
)
def test_service_deletion_protection(resource, expected):
    [message] = messages(resource)
    assert expected in message


def test_only_user_data_is_held_to_it():
    assert (
        messages(
            with_props(
                dataclasses.replace(RDS, protect=False), tags={"data-classification": "public"}
            )
        )
        == []
    )
    assert (
        len(messages(with_props(dataclasses.replace(RDS, protect=False), tags=UNKNOWN_BOOL))) == 1
    )


def test_deletion_guard_properties_exist_in_the_sdk_schema():
    # Whole input paths of the resource itself: a name found elsewhere in the module (DocumentDB
    # elastic clusters have no `deletionProtection`, DocumentDB clusters do) does not count.
    from ..flows.sdk_schema import input_paths

    for token, guards in DELETION_GUARDS.items():
        inputs = set(input_paths(token))
        for guard in guards:
            dotted = ".".join(str(p) for p in guard.path if not isinstance(p, int))
            assert dotted in inputs, (token, dotted)


# The providers read inputs the way cty converts them to the schema's type: "true"/"1" are
# true, "false"/"0" false, "0" is the number 0 and a bool is 1 or 0. `==` missed all of these.
@pytest.mark.parametrize("value", ["false", "0", "FALSE", "no", "", 0, 1, None])
def test_a_required_guard_is_on_only_when_the_provider_reads_true(value):
    [message] = messages(with_props(RDS, deletionProtection=value))
    assert "`deletionProtection`" in message


@pytest.mark.parametrize("value", [True, "true", "1", "True"])
def test_a_required_guard_read_as_true_passes(value):
    assert messages(with_props(RDS, deletionProtection=value)) == []


S3 = dataclasses.replace(RDS, type="aws:s3/bucketV2:BucketV2", props={"tags": RDS.props["tags"]})


@pytest.mark.parametrize("value", [True, "true", "1", "T", "yes", 1])
def test_a_forbidden_true_is_caught_in_every_encoding(value):
    [message] = messages(with_props(S3, forceDestroy=value))
    assert "`forceDestroy`" in message


@pytest.mark.parametrize("value", [False, "false", "0", None])
def test_a_forbidden_guard_read_as_false_passes(value):
    assert messages(with_props(S3, forceDestroy=value)) == []


SECRET = dataclasses.replace(
    RDS, type="aws:secretsmanager/secret:Secret", props={"tags": RDS.props["tags"]}
)


@pytest.mark.parametrize("value", [0, "0", 0.0, "0.0", False, "seven"])
def test_a_zero_recovery_window_in_any_encoding(value):
    [message] = messages(with_props(SECRET, recoveryWindowInDays=value))
    assert "`recoveryWindowInDays`" in message


@pytest.mark.parametrize("value", [7, "30", None])
def test_a_recovery_window_passes(value):
    assert messages(with_props(SECRET, recoveryWindowInDays=value)) == []


def tagged(token):
    key = "freeformTags" if token.startswith("oci:") else "tags"
    return {key: {"data-classification": "us-user-data"}}


@pytest.mark.parametrize(
    ("token", "props", "expected"),
    [
        ("aws:athena/database:Database", {"forceDestroy": "1"}, "`forceDestroy`"),
        ("aws:cognito/userPool:UserPool", {"deletionProtection": "INACTIVE"}, "'ACTIVE'"),
        ("aws:cognito/userPool:UserPool", {"deletionProtection": "active"}, "'ACTIVE'"),
        ("aws:cognito/userPool:UserPool", {}, "not set"),
        (
            "aws:dsql/cluster:Cluster",
            {"deletionProtectionEnabled": True, "forceDestroy": "true"},
            "`forceDestroy`",
        ),
        ("aws:dynamodb/tableReplica:TableReplica", {}, "not set"),
        ("aws:qldb/ledger:Ledger", {"deletionProtection": "false"}, "`deletionProtection`"),
        ("oci:Mysql/replica:Replica", {"isDeleteProtected": "0"}, "`isDeleteProtected`"),
    ],
)  # fmt: skip
def test_more_services_deletion_protection(token, props, expected):
    resource = dataclasses.replace(RDS, type=token, props={**tagged(token), **props})
    found = messages(resource)
    assert found and all(expected in m for m in found), found


@pytest.mark.parametrize(
    ("token", "props"),
    [
        ("aws:athena/database:Database", {"forceDestroy": "false"}),
        ("aws:cognito/userPool:UserPool", {"deletionProtection": "ACTIVE"}),
        ("aws:dsql/cluster:Cluster", {"deletionProtectionEnabled": "true"}),
        ("aws:dynamodb/tableReplica:TableReplica", {"deletionProtectionEnabled": "true"}),
        ("aws:qldb/ledger:Ledger", {}),
        ("oci:Mysql/replica:Replica", {"isDeleteProtected": True}),
    ],
)
def test_more_services_deletion_protection_on(token, props):
    resource = dataclasses.replace(RDS, type=token, props={**tagged(token), **props})
    assert messages(resource) == []


def test_every_guarded_type_is_data_bearing_so_the_guard_is_read():
    from residency_pack.engine import type_catalog

    assert [t for t in DELETION_GUARDS if not type_catalog.is_data_bearing(t)] == []
