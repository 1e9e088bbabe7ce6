import pytest
from residency_pack.engine import type_catalog
from residency_pack.engine.effective_region import effective_region, region_of_reference
from residency_pack.engine.props import UNKNOWN
from residency_pack.testing import aws_provider, oci_provider


class P:
    """A provider as rule.py hands it to the engine: plain inputs."""

    def __init__(self, provider):
        self.resource_type, self.props, self.name = (
            provider.type,
            dict(provider.props),
            provider.name,
        )
        self.urn = provider.urn


def test_aws_resource_region_input_overrides_provider_region():
    er = effective_region("aws:s3/bucket:Bucket", {"region": "ap-southeast-1"}, P(aws_provider()))
    assert er.region == "ap-southeast-1" and er.source == "resource input `region`"


def test_aws_default_provider_carries_stack_config():
    er = effective_region("aws:s3/bucket:Bucket", {}, P(aws_provider("us-east-1")))
    assert er.region == "us-east-1"
    assert "aws:region" in er.source


def test_oci_uses_provider_region_and_ignores_resource_region_fields():
    provider = P(oci_provider("us-phoenix-1", name="dr"))
    er = effective_region("oci:ObjectStorage/bucket:Bucket", {"region": "eu-frankfurt-1"}, provider)
    assert er.region == "us-phoenix-1"
    assert "dr" in er.source


def test_availability_domain_that_contradicts_the_provider_decides_and_both_are_kept():
    er = effective_region(
        "oci:Core/volume:Volume", {"availabilityDomain": "Uocm:PHX-AD-1"}, P(oci_provider())
    )
    assert er.region == "us-phoenix-1"
    assert er.regions == ("us-phoenix-1", "us-ashburn-1")


def test_aws_availability_zone_is_a_location():
    er = effective_region(
        "aws:ebs/volume:Volume", {"availabilityZone": "ap-southeast-1a"}, P(aws_provider())
    )
    assert er.region == "ap-southeast-1" and "us-east-1" in er.regions


def test_unknown_location_field_falls_back_to_the_provider():
    er = effective_region(
        "oci:Core/volume:Volume", {"availabilityDomain": UNKNOWN}, P(oci_provider())
    )
    assert er.region == "us-ashburn-1" and not er.undetermined


@pytest.mark.parametrize(
    ("resource_type", "setting"),
    [("aws:s3/bucket:Bucket", "aws:region"), ("oci:ObjectStorage/bucket:Bucket", "oci:region")],
)
def test_missing_region_is_undetermined_and_names_the_setting(resource_type, setting):
    provider = aws_provider(None) if resource_type.startswith("aws") else oci_provider(None)
    er = effective_region(resource_type, {}, P(provider))
    assert er.undetermined and er.region is None
    assert setting in (er.undetermined_reason or "")
    other_setting = "oci:region" if setting == "aws:region" else "aws:region"
    assert setting in (er.fix or "") and other_setting not in (er.fix or "")


def test_unknown_region_input_is_undetermined():
    er = effective_region("aws:s3/bucket:Bucket", {"region": UNKNOWN}, P(aws_provider()))
    assert er.undetermined and "unknown during preview" in (er.undetermined_reason or "")


def test_no_provider_is_undetermined():
    assert effective_region("oci:Kms/key:Key", {}, None).undetermined


def test_region_neutral_types_have_no_region():
    for t in ("aws:iam/role:Role", "aws:route53/zone:Zone", "oci:Identity/policy:Policy"):
        er = effective_region(t, {}, P(aws_provider("eu-west-1")))
        assert er.neutral and er.region is None and not er.undetermined
    assert not effective_region(
        "aws:route53/resolverEndpoint:ResolverEndpoint", {}, P(aws_provider("eu-west-1"))
    ).neutral


def test_non_cloud_types_are_not_placed():
    er = effective_region("residency:infra:Primary", {}, None)
    assert er.neutral and er.cloud is None


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("ocid1.key.oc1.iad.abcdefg.hijk", ("oci", "us-ashburn-1")),
        ("ocid1.vault.oc1.phx.xyz.abc", ("oci", "us-phoenix-1")),
        ("ocid1.key.oc1.ap-singapore-1.abc.def", ("oci", "ap-singapore-1")),
        ("ocid1.tenancy.oc1..aaaa", None),
        ("arn:aws:kms:ap-southeast-1:111111111111:key/abc", ("aws", "ap-southeast-1")),
        ("arn:aws:s3:::bucket", None),
        ("Uocm:PHX-AD-1", ("oci", "us-phoenix-1")),
        ("fra-ad-2", ("oci", "eu-frankfurt-1")),
        ("Uocm:US-ASHBURN-AD-1", ("oci", "us-ashburn-1")),
        ("Uocm:US-CHICAGO-1-AD-1", ("oci", "us-chicago-1")),
        ("abcd:EU-FRANKFURT-1-AD-3", ("oci", "eu-frankfurt-1")),
        ("Uocm:NOWHERE-AD-1", None),
        ("https://objectstorage.eu-frankfurt-1.oraclecloud.com/n/x", ("oci", "eu-frankfurt-1")),
        ("mybucket.s3.eu-west-1.amazonaws.com", ("aws", "eu-west-1")),
        ("just-a-name", None),
    ],
)
def test_region_of_reference(reference, expected):
    assert region_of_reference(reference) == expected


def test_location_fields_of_another_copy_do_not_move_the_resource():
    props = {
        "availabilityDomain": "Uocm:IAD-AD-1",
        "blockVolumeReplicas": [{"availabilityDomain": "Uocm:PHX-AD-1"}],
        "sourceDetails": {"availabilityDomain": "Uocm:FRA-AD-1"},
    }
    er = effective_region("oci:Core/volume:Volume", props, P(oci_provider()))
    assert er.region == "us-ashburn-1" and er.regions == ("us-ashburn-1",)


def test_a_region_named_outside_the_location_fields_does_not_move_the_resource():
    props = {"bucket": "data", "kmsKeyId": "arn:aws:kms:eu-west-1:111111111111:key/k"}
    er = effective_region("aws:s3/bucket:Bucket", props, P(aws_provider("us-east-1")))
    assert er.region == "us-east-1" and er.regions == ("us-east-1",)


def test_nested_placement_fields_count():
    props = {"nodeConfigDetails": {"placementConfigs": [{"availabilityDomain": "Uocm:FRA-AD-1"}]}}
    er = effective_region("oci:ContainerEngine/nodePool:NodePool", props, P(oci_provider()))
    assert er.region == "eu-frankfurt-1" and "us-ashburn-1" in er.regions


DOMAIN = "oci:Identity/domain:Domain"


def test_a_catalog_location_field_places_the_resource_whatever_the_provider_says():
    er = effective_region(DOMAIN, {"homeRegion": "eu-frankfurt-1"}, P(oci_provider()))
    assert er.region == "eu-frankfurt-1" and er.regions == ("eu-frankfurt-1",)
    assert er.source == "location field `homeRegion`"
    assert not er.neutral and not er.undetermined


def test_a_catalog_location_field_may_name_an_oci_region_key():
    er = effective_region(DOMAIN, {"homeRegion": "FRA"}, P(oci_provider()))
    assert er.region == "eu-frankfurt-1"


def test_an_unset_catalog_location_field_leaves_a_regional_type_to_its_provider():
    er = effective_region(DOMAIN, {"displayName": "users"}, P(oci_provider("us-phoenix-1")))
    assert er.region == "us-phoenix-1"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (UNKNOWN, "its location field `homeRegion` is unknown during preview"),
        ("mars-olympus-1", "its location field `homeRegion` = `mars-olympus-1` is not a region"),
    ],
)
def test_an_unreadable_catalog_location_field_is_undetermined(value, reason):
    er = effective_region(DOMAIN, {"homeRegion": value}, P(oci_provider()))
    assert er.undetermined and er.undetermined_reason.startswith(reason)
    assert er.fix.startswith("set `homeRegion` to")


def test_a_global_type_is_placed_by_its_location_field_and_neutral_without_one(monkeypatch):
    token = "aws:route53/zone:Zone"
    row = {"role": "global", "reason": "r", "location_fields": ["hostedRegion"]}
    monkeypatch.setitem(type_catalog._ROWS, token, row)
    monkeypatch.setattr(type_catalog, "_ENTRIES", {})
    placed = effective_region(token, {"hostedRegion": "eu-west-1"}, P(aws_provider()))
    assert placed.region == "eu-west-1" and not placed.neutral
    unplaced = effective_region(token, {"name": "example.com"}, P(aws_provider()))
    assert unplaced.neutral and unplaced.region is None


def test_a_directory_replica_is_in_the_region_it_names():
    er = effective_region(
        "aws:directoryservice/serviceRegion:ServiceRegion",
        {"regionName": "eu-west-1", "directoryId": "d-1"},
        P(aws_provider("us-east-1")),
    )
    assert er.region == "eu-west-1" and er.regions == ("eu-west-1",)
