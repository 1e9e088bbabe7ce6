"""residency-key-locality (a stack policy): keys resolved through the stack graph."""

import dataclasses
import datetime as dt

import pytest
from residency_pack.engine import pack_config
from residency_pack.rules.key_locality import POLICY, STORE_KEY_PATHS
from residency_pack.testing import (
    UNKNOWN_ARRAY,
    UNKNOWN_STRING,
    Resource,
    analyze_stack,
    aws_provider,
    oci_provider,
)

from ..sdk_source import has_property

USER = {"data-classification": "us-user-data"}
PRIMARY = oci_provider("us-ashburn-1", name="primary")
OCI_KEY = Resource("oci:Kms/key:Key", "key", {"displayName": "k", "freeformTags": USER}, PRIMARY)
OCI_BUCKET = Resource(
    "oci:ObjectStorage/bucket:Bucket",
    "content",
    {"name": "content", "kmsKeyId": UNKNOWN_STRING, "freeformTags": USER},
    PRIMARY,
    property_dependencies={"kmsKeyId": [OCI_KEY.resource_urn()]},
)

EAST = aws_provider("us-east-1", name="backup")
AWS_KEY = Resource("aws:kms/key:Key", "bkey", {"tags": USER}, EAST)
AWS_BUCKET = Resource("aws:s3/bucket:Bucket", "backups", {"bucketPrefix": "b-", "tags": USER}, EAST)
AWS_SSE = Resource(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "backups-encryption",
    {
        "bucket": UNKNOWN_STRING,
        "rules": [
            {
                "applyServerSideEncryptionByDefault": {
                    "sseAlgorithm": "aws:kms",
                    "kmsMasterKeyId": UNKNOWN_STRING,
                }
            }
        ],
    },
    EAST,
    property_dependencies={
        "bucket": [AWS_BUCKET.resource_urn()],
        "rules": [AWS_KEY.resource_urn()],
    },
)

OCI_STACK = [OCI_KEY, OCI_BUCKET]
AWS_STACK = [AWS_KEY, AWS_BUCKET, AWS_SSE]


def messages(resources, config=None):
    diags = analyze_stack(POLICY, resources, config)
    assert all(d.enforcement == "mandatory" and d.policy == "residency-key-locality" for d in diags)
    return [(d.urn.rsplit("::", 1)[-1], d.message) for d in diags]


def replace(stack, old, **changes):
    return [dataclasses.replace(r, **changes) if r is old else r for r in stack]


@pytest.mark.parametrize("stack", [OCI_STACK, AWS_STACK, OCI_STACK + AWS_STACK])
def test_same_stack_keys_unknown_in_preview_resolve_through_property_dependencies(stack):
    assert messages(stack) == []


def test_key_in_a_region_not_allowed_for_user_data():
    stack = replace(OCI_STACK, OCI_KEY, provider=oci_provider("eu-frankfurt-1", name="fra"))
    [(urn_name, message)] = messages(stack)
    assert urn_name == "content"
    assert "key `key`" in message and "`eu-frankfurt-1`" in message


def test_aws_key_in_singapore_behind_the_s3_encryption_resource():
    stack = replace(AWS_STACK, AWS_KEY, provider=aws_provider("ap-southeast-1", name="sg"))
    [(urn_name, message)] = messages(stack)
    assert urn_name == "backups" and "`ap-southeast-1`" in message


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "arn:aws:kms:ap-southeast-1:111122223333:key/0d2c6d4e-5f1a-4b7e-9c1e-1234567890ab",
            "`ap-southeast-1`",
        ),
        ("alias/aws/s3", "AWS-managed"),
        ("arn:aws:kms:us-east-1:111122223333:alias/aws/s3", "AWS-managed"),
        ("not-a-key", "names no region"),
    ],
)
def test_literal_key_references(key, expected):
    sse = dataclasses.replace(
        AWS_SSE,
        props={
            **AWS_SSE.props,
            "rules": [
                {
                    "applyServerSideEncryptionByDefault": {
                        "sseAlgorithm": "aws:kms",
                        "kmsMasterKeyId": key,
                    }
                }
            ],
        },
    )
    [(_, message)] = messages([AWS_BUCKET, sse])
    assert expected in message


def test_literal_key_in_an_allowed_region_and_a_bare_key_id_resolve_without_the_graph():
    for key in (
        "arn:aws:kms:us-east-1:111122223333:key/0d2c6d4e-5f1a-4b7e-9c1e-1234567890ab",
        "0d2c6d4e-5f1a-4b7e-9c1e-1234567890ab",
        "alias/backups",
    ):
        rds = Resource("aws:rds/instance:Instance", "db", {"kmsKeyId": key, "tags": USER}, EAST)
        assert messages([rds]) == [], key
    oci = dataclasses.replace(
        OCI_BUCKET, props={**OCI_BUCKET.props, "kmsKeyId": "ocid1.key.oc1.iad.abc.def"}
    )
    assert messages([oci]) == []
    oci_sg = dataclasses.replace(oci, props={**oci.props, "kmsKeyId": "ocid1.key.oc1.sin.abc.def"})
    assert "`ap-singapore-1`" in messages([oci_sg])[0][1]


def test_bucket_without_customer_managed_encryption():
    [(_, message)] = messages([AWS_KEY, AWS_BUCKET])
    assert "not encrypted with a customer-managed key" in message
    aes = dataclasses.replace(
        AWS_SSE,
        props={
            **AWS_SSE.props,
            "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}],
        },
    )
    assert len(messages([AWS_KEY, AWS_BUCKET, aes])) == 1
    no_key = dataclasses.replace(OCI_BUCKET, props={"name": "content", "freeformTags": USER})
    assert len(messages([no_key])) == 1


def test_encryption_resource_found_by_literal_bucket_name():
    bucket = dataclasses.replace(AWS_BUCKET, props={"bucket": "named", "tags": USER})
    sse = dataclasses.replace(
        AWS_SSE,
        props={**AWS_SSE.props, "bucket": "named"},
        property_dependencies={"rules": [AWS_KEY.resource_urn()]},
    )
    assert messages([AWS_KEY, bucket, sse]) == []


def test_unknown_key_not_traced_to_the_stack_fails_closed():
    orphan = dataclasses.replace(OCI_BUCKET, property_dependencies={})
    [(_, message)] = messages([orphan])
    assert "unknown during preview" in message and "cannot be decided" in message


def test_unknown_rules_list_resolves_through_the_whole_property():
    sse = dataclasses.replace(AWS_SSE, props={"bucket": UNKNOWN_STRING, "rules": UNKNOWN_ARRAY})
    assert messages([AWS_KEY, AWS_BUCKET, sse]) == []


def test_alias_in_the_stack_is_followed_to_its_key():
    alias = Resource(
        "aws:kms/alias:Alias",
        "alias",
        {"name": "alias/x", "targetKeyId": UNKNOWN_STRING},
        EAST,
        property_dependencies={"targetKeyId": [AWS_KEY.resource_urn()]},
    )
    rds = Resource(
        "aws:rds/instance:Instance",
        "db",
        {"kmsKeyId": UNKNOWN_STRING, "tags": USER},
        EAST,
        property_dependencies={"kmsKeyId": [alias.resource_urn()]},
    )
    assert messages([AWS_KEY, alias, rds]) == []
    far_key = dataclasses.replace(AWS_KEY, provider=aws_provider("eu-west-1", name="eu"))
    assert len(messages([far_key, alias, rds])) == 1


def test_key_whose_region_cannot_be_determined():
    stack = replace(OCI_STACK, OCI_KEY, provider=oci_provider(None, name="nowhere"))
    [(_, message)] = messages(stack)
    assert "cannot be determined" in message


def test_only_user_data_stores_are_held_to_it():
    public = dataclasses.replace(AWS_BUCKET, props={"tags": {"data-classification": "public"}})
    assert messages([public]) == []
    unknown = dataclasses.replace(AWS_BUCKET, props={"tags": UNKNOWN_STRING})
    assert len(messages([unknown])) == 1


def test_exemption_applies_to_the_store_urn():
    config = {
        "residency-key-locality": {
            "exemptions": [
                {
                    "name": "backups",
                    "type": AWS_BUCKET.type,
                    "policy": "residency-key-locality",
                    "reason": "migration ticket 42",
                    "expires": (pack_config.today() + dt.timedelta(days=30)).isoformat(),
                }
            ]
        }
    }
    assert messages([AWS_KEY, AWS_BUCKET], config) == []


def test_store_key_paths_exist_in_the_sdk_schema():
    for token, paths in STORE_KEY_PATHS.items():
        for path in paths:
            for step in path:
                if step != "*":
                    assert has_property(token, str(step)), (token, step)
