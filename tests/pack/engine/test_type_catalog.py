"""The catalog is explicit; these tests hold it to the installed provider SDKs."""

import re
from functools import cache
from pathlib import Path

import pulumi_aws
import pulumi_oci
import pytest
from residency_pack.engine import type_catalog as tc

_TOKEN = re.compile(r'@pulumi\.type_token\("((?:aws|oci):[^"]+)"\)')


@cache
def sdk_resource_sources() -> dict[str, str]:
    """Every resource token of the installed SDKs -> the source of the file that declares it."""
    sources: dict[str, str] = {}
    for package in (pulumi_aws, pulumi_oci):
        for path in Path(package.__file__).parent.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for token in _TOKEN.findall(text):
                # Resource tokens are module/lowerCamel:Name; enums are module/Name.
                if token.split("/", 1)[1][:1].islower():
                    sources[token] = text
    return sources


def sdk_resource_tokens() -> frozenset[str]:
    return frozenset(sdk_resource_sources())


def test_every_catalog_token_exists_in_the_sdks():
    listed = tc.data_bearing_types() | tc.auxiliary_types()
    missing = sorted(listed - sdk_resource_tokens())
    assert not missing, f"tokens not in the installed pulumi-aws / pulumi-oci: {missing}"


def test_every_type_of_a_data_service_is_classified():
    unclassified = sorted(
        t for t in sdk_resource_tokens() if tc.belongs_to_data_service(t) and not tc.is_known(t)
    )
    assert not unclassified, f"classify these as data-bearing or auxiliary: {unclassified}"


def test_data_bearing_and_auxiliary_do_not_overlap():
    assert not tc.data_bearing_types() & tc.auxiliary_types()


@pytest.mark.parametrize(
    "token",
    [
        "aws:s3/bucket:Bucket",
        "aws:rds/instance:Instance",
        "aws:dynamodb/table:Table",
        "aws:kms/key:Key",
        "aws:backup/vault:Vault",
        "aws:cloudwatch/logGroup:LogGroup",
        "oci:ObjectStorage/bucket:Bucket",
        "oci:Database/autonomousDatabase:AutonomousDatabase",
        "oci:Kms/key:Key",
        "oci:Core/volume:Volume",
        "oci:Vault/secret:Secret",
    ],
)
def test_core_stores_are_data_bearing(token):
    assert tc.is_data_bearing(token)


def test_auxiliary_and_network_types_are_not_data_bearing():
    for token in ("aws:s3/bucketPolicy:BucketPolicy", "oci:Core/vcn:Vcn", "aws:iam/role:Role"):
        assert not tc.is_data_bearing(token)


def test_unknown_type_of_a_data_service_fails_closed():
    assert tc.is_data_bearing("aws:s3/quantumBucket:QuantumBucket")
    assert tc.is_unknown_data_service_type("oci:ObjectStorage/newThing:NewThing")
    assert not tc.is_data_bearing("aws:apigateway/newThing:NewThing")


def test_region_neutral_types_take_no_region_input_in_aws_v7():
    # A v7 AWS resource that accepts `region` is regional; the neutral list must not hold one.
    from pulumi_aws import cloudfront, iam, organizations, route53

    for cls in (iam.Role, iam.Policy, route53.Zone, route53.Record, organizations.Account,
                cloudfront.Distribution):  # fmt: skip
        assert "region" not in cls._internal_init.__code__.co_varnames, cls
    assert "region" in route53.ResolverEndpoint._internal_init.__code__.co_varnames


def test_untaggable_list_is_exactly_the_data_bearing_types_without_a_tags_input():
    def takes_tags(token):
        field = "tags" if token.startswith("aws:") else "freeform_tags"
        text = sdk_resource_sources()[token]
        inputs = text[text.find("def _internal_init(") : text.find("def get(")]
        return f'__props__.__dict__["{field}"] = {field}' in inputs

    expected = {t for t in tc.data_bearing_types() if not takes_tags(t)}
    assert tc.untaggable_data_bearing_types() == expected
    assert not tc.takes_classification_tag("oci:ObjectStorage/replicationPolicy:ReplicationPolicy")
    assert tc.takes_classification_tag("oci:ObjectStorage/bucket:Bucket")
