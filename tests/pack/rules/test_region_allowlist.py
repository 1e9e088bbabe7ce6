"""residency-region-allowlist: one compliant fixture, one change per case."""

import dataclasses

import pytest
from residency_pack.rules.region_allowlist import POLICY
from residency_pack.testing import (
    UNKNOWN_STRING,
    Resource,
    analyze,
    aws_provider,
    oci_provider,
)

NAME = "residency-region-allowlist"
OCI_BUCKET = Resource(
    "oci:ObjectStorage/bucket:Bucket",
    "content",
    {"name": "content", "namespace": "ns", "freeformTags": {"data-classification": "us-user-data"}},
    oci_provider("us-ashburn-1", name="primary"),
)
AWS_VPC = Resource(
    "aws:ec2/vpc:Vpc", "net", {"cidrBlock": "10.0.0.0/16"}, aws_provider("us-east-1")
)


def change(resource, **kw):
    return dataclasses.replace(resource, **kw)


def messages(resource, config=None):
    diags = analyze(POLICY, resource, config)
    assert all(d.policy == NAME and d.enforcement == "mandatory" for d in diags)
    return [d.message for d in diags]


@pytest.mark.parametrize("resource", [OCI_BUCKET, AWS_VPC])
def test_compliant(resource):
    assert messages(resource) == []


def test_singapore_is_allowed_for_something_so_it_is_in_the_union():
    assert messages(change(AWS_VPC, provider=aws_provider("ap-southeast-1"))) == []


@pytest.mark.parametrize(
    ("resource", "region"),
    [
        (
            change(OCI_BUCKET, provider=oci_provider("eu-frankfurt-1", name="primary")),
            "eu-frankfurt-1",
        ),
        (change(AWS_VPC, provider=aws_provider("eu-west-1")), "eu-west-1"),
        # A v7 resource's own `region` overrides its provider.
        (change(AWS_VPC, props={**AWS_VPC.props, "region": "ap-northeast-1"}), "ap-northeast-1"),
        # A location field that contradicts the provider.
        (
            change(
                OCI_BUCKET,
                type="oci:Core/volume:Volume",
                props={"availabilityDomain": "Uocm:FRA-AD-1"},
            ),
            "eu-frankfurt-1",
        ),
    ],
)
def test_violation_names_the_region_and_the_fix(resource, region):
    [message] = messages(resource)
    assert f"`{region}`" in message and "not an allowed region" in message and " Fix: " in message


def test_union_follows_config():
    config = {
        NAME: {
            "allowedRegions": {
                "non-personal": {"aws": ["us-east-1"]},
                "public": {"aws": ["us-east-1"]},
            }
        }
    }
    assert len(messages(change(AWS_VPC, provider=aws_provider("ap-southeast-1")), config)) == 1


def test_undeterminable_region_fails_closed_and_names_the_setting():
    [message] = messages(change(AWS_VPC, provider=aws_provider(None)))
    assert "cannot be determined" in message and "aws:region" in message
    [message] = messages(change(OCI_BUCKET, provider=oci_provider(None)))
    assert "oci:region" in message


def test_unknown_region_is_a_violation_not_an_advisory():
    diags = analyze(POLICY, change(AWS_VPC, props={**AWS_VPC.props, "region": UNKNOWN_STRING}))
    assert [d.enforcement for d in diags] == ["mandatory"]
    assert "unknown during preview" in diags[0].message


def test_unknown_location_field_falls_back_to_the_provider():
    volume = change(
        OCI_BUCKET, type="oci:Core/volume:Volume", props={"availabilityDomain": UNKNOWN_STRING}
    )
    assert messages(volume) == []


def test_region_neutral_types_are_not_placed():
    role = Resource("aws:iam/role:Role", "r", {"assumeRolePolicy": "{}"}, aws_provider("eu-west-1"))
    assert messages(role) == []


def test_provider_resource_itself_is_checked_when_it_has_a_region():
    provider = Resource("pulumi:providers:aws", "eu", {"region": "eu-west-1"})
    assert len(messages(provider)) == 1
    assert messages(Resource("pulumi:providers:aws", "regionless", {})) == []


def test_a_misspelt_region_is_named_as_unknown():
    [message] = messages(change(AWS_VPC, provider=aws_provider("us-east-9")))
    assert "not a known aws region" in message
