import pytest
from residency_pack.engine import type_catalog
from residency_pack.engine.effective_region import (
    EffectiveRegion,
    effective_region,
    region_of_reference,
)
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


# What a rule shows: the region, every region touched, and the source / reason / fix texts that
# go into its messages. One case per path through effective_region.
AWS_FIX = (
    "set `region` on the resource or on its explicit aws.Provider, or set the stack config "
    "`aws:region` (pulumi config set aws:region us-east-1)"
)
OCI_FIX = (
    "set `region` on its explicit oci.Provider, or set the stack config `oci:region` "
    "(pulumi config set oci:region us-ashburn-1)"
)
AWS_STACK = "stack config `aws:region` (default provider)"
OCI_STACK = "stack config `oci:region` (default provider)"
SUBNET_EU = "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-1"
PROVIDER_FIX = "set the provider's `region` to a literal region name"


def _undetermined(cloud, reason, fix):
    return EffectiveRegion(cloud, None, "undetermined", undetermined_reason=f"{reason}; {fix}",
                           fix=fix)  # fmt: skip


@pytest.mark.parametrize(
    ("resource_type", "props", "provider", "expected"),
    [
        ("acme:index:Thing", {}, None,
         EffectiveRegion(None, None, "not an AWS or OCI resource", neutral=True)),
        ("aws:iam/role:Role", {}, aws_provider(),
         EffectiveRegion("aws", None, "region-neutral global type", neutral=True)),
        ("pulumi:providers:aws", {"region": " EU-West-1 "}, None,
         EffectiveRegion("aws", "eu-west-1", "provider input `region`", regions=("eu-west-1",))),
        ("pulumi:providers:aws", {"region": UNKNOWN}, None,
         EffectiveRegion("aws", None, "provider input `region`", fix=PROVIDER_FIX,
                         undetermined_reason="the provider's `region` is unknown during preview;"
                         " set it to a literal region name")),
        ("pulumi:providers:oci", {"region": "  "}, None,
         EffectiveRegion("oci", None, "provider without `region`", neutral=True)),
        ("aws:s3/bucket:Bucket", {"region": UNKNOWN}, aws_provider(),
         _undetermined("aws", "the resource's `region` input is unknown during preview", AWS_FIX)),
        ("aws:s3/bucket:Bucket", {}, None,
         _undetermined("aws", "the engine passed no provider for the resource", AWS_FIX)),
        ("aws:s3/bucket:Bucket", {}, aws_provider(None),
         _undetermined("aws", f"no region is set: the {AWS_STACK} is missing", AWS_FIX)),
        ("oci:ObjectStorage/bucket:Bucket", {}, oci_provider(None, name="dr"),
         _undetermined("oci", "no region is set: the provider `dr` input `region` is missing",
                       OCI_FIX)),
        ("aws:s3/bucket:Bucket", {}, aws_provider(UNKNOWN, name="eu"),
         _undetermined("aws", "the provider `eu` input `region` is unknown during preview",
                       AWS_FIX)),
        # A default provider of a pinned plugin version is named default_<version>.
        ("aws:s3/bucket:Bucket", {}, aws_provider(name="default_7_0_0"),
         EffectiveRegion("aws", "us-east-1", AWS_STACK, regions=("us-east-1",))),
        ("aws:directoryservice/serviceRegion:ServiceRegion", {"regionName": "mars-1"},
         aws_provider(),
         _undetermined("aws", "its location field `regionName` = `mars-1` is not a region of aws",
                       "set `regionName` to a aws region name (e.g. us-east-1)")),
        ("oci:Identity/domain:Domain", {"homeRegion": "mars-1"}, oci_provider(),
         _undetermined("oci", "its location field `homeRegion` = `mars-1` is not a region of oci",
                       "set `homeRegion` to a oci region name (e.g. us-ashburn-1)")),
        # An empty location field is not set: the provider places the resource.
        ("oci:Identity/domain:Domain", {"homeRegion": ""}, oci_provider("us-phoenix-1"),
         EffectiveRegion("oci", "us-phoenix-1", OCI_STACK, regions=("us-phoenix-1",))),
        ("oci:Identity/domain:Domain", {"homeRegion": "eu-frankfurt-1"}, oci_provider(),
         EffectiveRegion("oci", "eu-frankfurt-1", "location field `homeRegion`",
                         regions=("eu-frankfurt-1",))),
        ("aws:ec2/instance:Instance", {"availabilityZone": "us-east-1b"}, aws_provider(),
         EffectiveRegion("aws", "us-east-1", "location field availabilityZone",
                         regions=("us-east-1",))),
        ("aws:ec2/instance:Instance", {"availabilityZone": "us-west-2a", "subnetId": SUBNET_EU},
         aws_provider(),
         EffectiveRegion("aws", "us-west-2", "location field availabilityZone, subnetId "
                         f"(differs from {AWS_STACK} `us-east-1`)",
                         regions=("us-west-2", "eu-west-1", "us-east-1"))),
        ("aws:rds/cluster:Cluster", {"availabilityZones": ["eu-west-1a", "eu-west-1b"]},
         aws_provider(),
         EffectiveRegion("aws", "eu-west-1", "location field availabilityZones.0, "
                         f"availabilityZones.1 (differs from {AWS_STACK} `us-east-1`)",
                         regions=("eu-west-1", "us-east-1"))),
        ("oci:Core/instance:Instance", {"subnetId": "ocid1.subnet.oc1.phx.aaaa"}, oci_provider(),
         EffectiveRegion("oci", "us-phoenix-1", "location field subnetId (differs from "
                         f"{OCI_STACK} `us-ashburn-1`)", regions=("us-phoenix-1", "us-ashburn-1"))),
        ("oci:Core/instance:Instance", {"vnic": {"subnetIds": ["ocid1.subnet.oc1.fra.aaaa"]}},
         oci_provider(),
         EffectiveRegion("oci", "eu-frankfurt-1", "location field vnic.subnetIds.0 (differs "
                         f"from {OCI_STACK} `us-ashburn-1`)",
                         regions=("eu-frankfurt-1", "us-ashburn-1"))),
        ("oci:Core/subnet:Subnet", {"vcnId": "ocid1.vcn.oc1.phx.aaaa"}, oci_provider(),
         EffectiveRegion("oci", "us-phoenix-1", "location field vcnId (differs from "
                         f"{OCI_STACK} `us-ashburn-1`)", regions=("us-phoenix-1", "us-ashburn-1"))),
        # An AWS zone name means nothing to an OCI resource.
        ("oci:Core/instance:Instance", {"availabilityZone": "us-east-1a"}, oci_provider(),
         EffectiveRegion("oci", "us-ashburn-1", OCI_STACK, regions=("us-ashburn-1",))),
    ],
)  # fmt: skip
def test_what_effective_region_reports(resource_type, props, provider, expected):
    assert effective_region(resource_type, props, P(provider) if provider else None) == expected


def _with_location_fields(monkeypatch, token, *fields):
    row = {"role": "stores-data", "reason": "r", "location_fields": list(fields)}
    monkeypatch.setitem(type_catalog._ROWS, token, row)
    monkeypatch.setattr(type_catalog, "_ENTRIES", {})


def test_every_region_a_list_of_location_values_names_is_kept(monkeypatch):
    token = "aws:s3/bucket:Bucket"
    _with_location_fields(monkeypatch, token, "placement.regions")
    props = {"placement": {"regions": ["eu-west-1", "us-west-2", "eu-west-1"]}}
    er = effective_region(token, props, P(aws_provider()))
    assert er.region == "eu-west-1" and er.regions == ("eu-west-1", "us-west-2")
    assert er.source == "location field `placement.regions`"
    zoned = effective_region(token, {**props, "availabilityZone": "ap-southeast-1a"},
                             P(aws_provider()))  # fmt: skip
    assert zoned.regions == ("ap-southeast-1", "eu-west-1", "us-west-2")


def test_the_source_names_every_location_field_that_placed_the_resource(monkeypatch):
    token = "aws:s3/bucket:Bucket"
    _with_location_fields(monkeypatch, token, "homeRegion", "replicaRegion")
    props = {"homeRegion": "us-east-1", "replicaRegion": "us-west-2"}
    er = effective_region(token, props, P(aws_provider()))
    assert er.source == "location field `homeRegion`, `replicaRegion`"
    assert er.regions == ("us-east-1", "us-west-2")


def test_a_global_type_without_a_location_says_so(monkeypatch):
    token = "aws:route53/zone:Zone"
    row = {"role": "global", "reason": "r", "location_fields": ["hostedRegion"]}
    monkeypatch.setitem(type_catalog._ROWS, token, row)
    monkeypatch.setattr(type_catalog, "_ENTRIES", {})
    assert effective_region(token, {"name": "example.com"}, P(aws_provider())) == EffectiveRegion(
        "aws", None, "global type without a location", neutral=True
    )
