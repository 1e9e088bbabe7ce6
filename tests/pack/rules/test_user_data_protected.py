"""residency-user-data-protected."""

import dataclasses

import pytest
from residency_pack.rules.user_data_protected import DELETION_GUARDS, POLICY
from residency_pack.testing import UNKNOWN_BOOL, Resource, analyze, aws_provider, oci_provider

from ..sdk_source import has_property

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
    for token, guard in DELETION_GUARDS.items():
        assert has_property(token, str(guard.path[-1])), token
