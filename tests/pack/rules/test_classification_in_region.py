"""residency-classification-in-region."""

import dataclasses

import pytest
from residency_pack.rules.classification_in_region import POLICY
from residency_pack.testing import UNKNOWN_STRING, Resource, analyze, aws_provider, oci_provider

NAME = "residency-classification-in-region"
USER_DATA_BACKUP = Resource(
    "aws:s3/bucket:Bucket",
    "backups",
    {"bucket": "backups", "tags": {"data-classification": "us-user-data"}},
    aws_provider("us-east-1"),
)
ARTIFACTS_SG = Resource(
    "aws:s3/bucket:Bucket",
    "artifacts",
    {"bucket": "artifacts", "tags": {"data-classification": "non-personal"}},
    aws_provider("ap-southeast-1"),
)


def tagged(resource, value):
    return dataclasses.replace(
        resource, props={**resource.props, "tags": {"data-classification": value}}
    )


def messages(resource, config=None):
    diags = analyze(POLICY, resource, config)
    assert all(d.enforcement == "mandatory" for d in diags)
    return [d.message for d in diags]


@pytest.mark.parametrize(
    "resource", [USER_DATA_BACKUP, ARTIFACTS_SG, tagged(ARTIFACTS_SG, "public")]
)
def test_compliant(resource):
    assert messages(resource) == []


def test_user_data_in_singapore_is_a_violation():
    [message] = messages(tagged(ARTIFACTS_SG, "us-user-data"))
    assert "`ap-southeast-1`" in message and "us-user-data" in message and "us-east-1" in message


def test_user_data_in_an_oci_region_outside_the_us():
    bucket = Resource(
        "oci:ObjectStorage/bucket:Bucket",
        "b",
        {"freeformTags": {"data-classification": "us-user-data"}},
        oci_provider("ca-toronto-1"),
    )
    assert len(messages(bucket)) == 1
    assert messages(dataclasses.replace(bucket, provider=oci_provider("us-chicago-1"))) == []


@pytest.mark.parametrize("value", [UNKNOWN_STRING, "sekret"])
def test_unknown_or_unrecognised_classification_is_held_to_user_data(value):
    [message] = messages(tagged(ARTIFACTS_SG, value))
    assert "held to us-user-data" in message
    assert messages(tagged(USER_DATA_BACKUP, value)) == []


def test_missing_classification_on_a_data_store_is_held_to_user_data():
    bare = dataclasses.replace(ARTIFACTS_SG, props={"bucket": "artifacts"})
    assert "missing" in messages(bare)[0]


def test_resources_holding_no_data_are_checked_only_when_classified():
    vpc = Resource("aws:ec2/vpc:Vpc", "v", {}, aws_provider("ap-southeast-1"))
    assert messages(vpc) == []
    assert (
        len(
            messages(
                dataclasses.replace(vpc, props={"tags": {"data-classification": "us-user-data"}})
            )
        )
        == 1
    )


def test_the_table_is_configurable():
    retired = {NAME: {"allowedRegions": {"non-personal": {"aws": ["us-east-1"]}}}}
    assert len(messages(ARTIFACTS_SG, retired)) == 1


USER_POOL_SG = Resource(
    "aws:cognito/userPool:UserPool",
    "members",
    {"name": "members", "tags": {"data-classification": "non-personal"}},
    aws_provider("ap-southeast-1"),
)


@pytest.mark.parametrize("value", ["non-personal", "public"])
def test_a_user_directory_is_held_to_user_data_whatever_its_tag_says(value):
    [message] = messages(tagged(USER_POOL_SG, value))
    assert "holds personal data by nature" in message
    assert f"(it is `{value}`)" in message and "`ap-southeast-1`" in message
    assert "Fix: move the store to a region allowed for `us-user-data`" in message
    assert "exemption" in message


def test_a_user_directory_in_a_user_data_region_passes_whatever_its_tag_says():
    in_us = dataclasses.replace(USER_POOL_SG, provider=aws_provider("us-east-1"))
    assert messages(in_us) == []


def test_an_oci_identity_domain_is_placed_by_its_home_region_and_held_to_user_data():
    domain = Resource(
        "oci:Identity/domain:Domain",
        "customers",
        {"homeRegion": "eu-frankfurt-1", "freeformTags": {"data-classification": "public"}},
        oci_provider("us-ashburn-1"),
    )
    [message] = messages(domain)
    assert "holds personal data by nature" in message and "`eu-frankfurt-1`" in message
    at_home = dataclasses.replace(domain, props={**domain.props, "homeRegion": "us-phoenix-1"})
    assert messages(at_home) == []


def test_a_store_not_personal_by_nature_keeps_its_tag():
    assert messages(ARTIFACTS_SG) == []


# A Glue catalog table takes no tags: it has the classification of the data at its location,
# which residency-data-flow follows; with no location it is held to us-user-data.
def glue_table(location):
    descriptor = {"columns": [{"name": "duration_ms"}]}
    if location is not None:
        descriptor["location"] = location
    return Resource(
        "aws:glue/catalogTable:CatalogTable",
        "build-metrics",
        {"databaseName": "lake", "name": "build_metrics", "storageDescriptor": descriptor},
        aws_provider("ap-southeast-1"),
    )


def test_a_tagless_table_over_a_location_is_left_to_the_data_flow(monkeypatch):
    assert messages(glue_table("s3://sg-metrics/metrics/")) == []
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    assert messages(glue_table(UNKNOWN_STRING)) == []


def test_a_tagless_table_without_a_known_location_is_held_to_user_data(monkeypatch):
    [message] = messages(glue_table(None))
    assert "build-metrics" in message and "us-user-data" in message
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    assert len(messages(glue_table(UNKNOWN_STRING))) == 1
