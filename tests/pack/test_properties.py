"""Property-based tests over every policy of the pack, through the SDK's own analyzer servicer."""

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy
from residency_pack.engine import region_catalog
from residency_pack.engine.pack_config import DEFAULT_ALLOWED_REGIONS
from residency_pack.engine.type_catalog import data_bearing_types
from residency_pack.policies import all_policies
from residency_pack.rules import classification_in_region
from residency_pack.testing import (
    UNKNOWN_ARRAY,
    UNKNOWN_BOOL,
    UNKNOWN_NUMBER,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
    Resource,
    analyze,
    analyze_stack,
    aws_provider,
    oci_provider,
)

POLICIES = all_policies()
RESOURCE_POLICIES = [p for p in POLICIES if isinstance(p, ResourceValidationPolicy)]
STACK_POLICIES = [p for p in POLICIES if isinstance(p, StackValidationPolicy)]

KEYS = st.sampled_from(
    [
        "region", "tags", "freeformTags", "data-classification", "kmsKeyId", "policy",
        "availabilityDomain", "availabilityZone", "replicationConfiguration", "rules",
        "destination", "bucket", "subnetId", "assumeRolePolicy", "statements", "accessType",
    ]
) | st.text(max_size=8)  # fmt: skip
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            UNKNOWN_STRING, UNKNOWN_BOOL, UNKNOWN_NUMBER, UNKNOWN_ARRAY, UNKNOWN_OBJECT,
            "us-user-data", "ap-southeast-1", "Uocm:PHX-AD-1", "ocid1.key.oc1.sin.a.b",
            "arn:aws:kms:eu-west-1:111122223333:key/x", '{"Statement": [{"Principal": "*"}]}',
            "define tenancy Foreign as ocid1.tenancy.oc1..x",
        ]
    )
)  # fmt: skip
BAGS = st.dictionaries(
    KEYS,
    st.recursive(
        LEAVES,
        lambda c: st.lists(c, max_size=3) | st.dictionaries(KEYS, c, max_size=3),
        max_leaves=12,
    ),
    max_size=6,
)
TYPES = st.sampled_from(
    [
        *sorted(data_bearing_types())[::7],
        "aws:iam/role:Role",
        "aws:ec2/vpc:Vpc",
        "oci:Identity/policy:Policy",
        "aws:s3/newThing:NewThing",
    ]
)
PROVIDERS = st.sampled_from(
    [
        aws_provider("us-east-1"),
        aws_provider(None),
        oci_provider("us-phoenix-1"),
        oci_provider("eu-frankfurt-1"),
        None,
    ]
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TYPES, BAGS, PROVIDERS, st.booleans())
def test_no_property_bag_makes_any_policy_raise_or_go_advisory_unexpectedly(
    resource_type, props, provider, protect
):
    resource = Resource(resource_type, "r", props, provider, protect=protect)
    for diagnostic in analyze(RESOURCE_POLICIES, resource):
        # A crash would surface as a "could not evaluate" violation; an advisory may only be the
        # deliberate "decided during `pulumi up`" notice of a deferred unknown.
        assert "could not evaluate" not in diagnostic.message, diagnostic
        if diagnostic.enforcement == "advisory":
            assert "decided during `pulumi up`" in diagnostic.message, diagnostic
    for diagnostic in analyze_stack(
        STACK_POLICIES, [resource, dataclasses.replace(resource, name="s")]
    ):
        assert "could not evaluate" not in diagnostic.message, diagnostic
        assert diagnostic.enforcement == "mandatory"


def _outside(cloud):
    allowed = set(DEFAULT_ALLOWED_REGIONS["us-user-data"][cloud])
    return sorted(set(region_catalog.regions(cloud)) - allowed)


USER_DATA_STORES = st.sampled_from(
    [
        ("aws", "aws:s3/bucket:Bucket", "tags"),
        ("aws", "aws:rds/instance:Instance", "tags"),
        ("aws", "aws:dynamodb/table:Table", "tags"),
        ("oci", "oci:ObjectStorage/bucket:Bucket", "freeformTags"),
        ("oci", "oci:Database/autonomousDatabase:AutonomousDatabase", "freeformTags"),
        ("oci", "oci:Core/volume:Volume", "freeformTags"),
    ]
)


@FAST
@given(USER_DATA_STORES, st.data(), BAGS)
def test_user_data_outside_the_allowed_regions_is_always_reported(store, data, noise):
    cloud, resource_type, tag_field = store
    region = data.draw(st.sampled_from(_outside(cloud)))
    # Whatever else the bag holds, a user-data store placed outside the allowed set is reported.
    props = {
        k: v
        for k, v in noise.items()
        if k not in ("region", "availabilityDomain", "availabilityZone")
    }
    props[tag_field] = {"data-classification": "us-user-data"}
    provider = aws_provider(region) if cloud == "aws" else oci_provider(region)
    diagnostics = analyze(
        classification_in_region.POLICY, Resource(resource_type, "store", props, provider)
    )
    assert any(f"`{region}`" in d.message and d.enforcement == "mandatory" for d in diagnostics)
