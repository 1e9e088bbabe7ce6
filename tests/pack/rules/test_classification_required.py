"""residency-classification-required."""

import dataclasses

import pytest
from residency_pack.rules.classification_required import POLICY
from residency_pack.testing import (
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
    Resource,
    analyze,
    aws_provider,
    oci_provider,
)

AWS_TABLE = Resource(
    "aws:dynamodb/table:Table",
    "sessions",
    {"hashKey": "id", "tags": {"data-classification": "us-user-data"}},
    aws_provider("us-east-1"),
)
OCI_ADB = Resource(
    "oci:Database/autonomousDatabase:AutonomousDatabase",
    "records",
    {"dbName": "records", "freeformTags": {"data-classification": "non-personal"}},
    oci_provider(),
)


def messages(resource):
    diags = analyze(POLICY, resource)
    assert all(d.enforcement == "mandatory" for d in diags)
    return [d.message for d in diags]


@pytest.mark.parametrize("resource", [AWS_TABLE, OCI_ADB])
def test_compliant(resource):
    assert messages(resource) == []


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (
            dataclasses.replace(AWS_TABLE, props={"hashKey": "id"}),
            "no `data-classification` tag in `tags`",
        ),
        (
            dataclasses.replace(AWS_TABLE, props={"tags": {"data-classification": "secret"}}),
            "not a known classification",
        ),
        # The OCI convention is freeformTags; `tags` does not count there.
        (
            dataclasses.replace(OCI_ADB, props={"tags": {"data-classification": "public"}}),
            "in `freeformTags`",
        ),
        (dataclasses.replace(AWS_TABLE, props={"tags": UNKNOWN_OBJECT}), "unknown during preview"),
        (
            dataclasses.replace(AWS_TABLE, props={"tags": {"data-classification": UNKNOWN_STRING}}),
            "unknown during preview",
        ),
    ],
)
def test_violations(resource, expected):
    [message] = messages(resource)
    assert expected in message
    assert " Fix: " in message and "data-classification" in message.split(" Fix: ")[1]


def test_provider_default_tags_classify_aws_resources():
    provider = aws_provider(
        "us-east-1", defaultTags={"tags": {"data-classification": "non-personal"}}
    )
    assert (
        messages(dataclasses.replace(AWS_TABLE, props={"hashKey": "id"}, provider=provider)) == []
    )


def test_unknown_type_of_a_data_service_fails_closed():
    [message] = messages(Resource("aws:s3/quantumBucket:QuantumBucket", "q", {}, aws_provider()))
    assert "has no reviewed entry in the pack's type catalog" in message


def test_types_that_hold_no_data_need_no_tag():
    for t in ("aws:s3/bucketPolicy:BucketPolicy", "aws:ec2/vpc:Vpc", "oci:Core/subnet:Subnet"):
        assert messages(Resource(t, "x", {}, aws_provider())) == []


def test_data_bearing_types_without_a_tags_input_are_not_asked_for_one():
    policy = Resource(
        "oci:ObjectStorage/replicationPolicy:ReplicationPolicy",
        "to-dr",
        {"bucket": "b"},
        oci_provider(),
    )
    assert messages(policy) == []


# --- a cluster instance without a tag of its own inherits its cluster's classification --------

from residency_pack.testing import analyze_stack  # noqa: E402

US_EAST = aws_provider("us-east-1")
AURORA = Resource(
    "aws:rds/cluster:Cluster",
    "users",
    {"clusterIdentifier": "users", "engine": "aurora-postgresql",
     "tags": {"data-classification": "us-user-data"}},
    US_EAST,
)  # fmt: skip


def cluster_instance(cluster_id, *, depends_on=None, tags=None):
    props = {"clusterIdentifier": cluster_id, "instanceClass": "db.r6g.large",
             "engine": "aurora-postgresql"}  # fmt: skip
    if tags is not None:
        props["tags"] = tags
    deps = {"clusterIdentifier": [depends_on.resource_urn()]} if depends_on else {}
    return Resource(
        "aws:rds/clusterInstance:ClusterInstance", "users-1", props, US_EAST,
        property_dependencies=deps,
    )  # fmt: skip


def whole_stack(*resources):
    """Each resource analysed alone, then the stack (the follow-up): every mandatory message."""
    found = [d for r in resources for d in analyze(POLICY, r)]
    found += analyze_stack(POLICY, list(resources))
    assert all(d.enforcement == "mandatory" for d in found)
    return [d.message for d in found]


def test_an_untagged_cluster_instance_inherits_its_classified_cluster():
    assert whole_stack(AURORA, cluster_instance(UNKNOWN_STRING, depends_on=AURORA)) == []
    assert whole_stack(AURORA, cluster_instance("users")) == []  # named by its identifier


def test_an_untagged_cluster_instance_of_a_cluster_outside_the_stack_is_a_violation():
    [message] = whole_stack(cluster_instance("someone-elses-cluster"))
    assert "users-1" in message and "inherits no classification" in message
    untagged = dataclasses.replace(AURORA, props={**AURORA.props, "tags": {}})
    found = whole_stack(untagged, cluster_instance(UNKNOWN_STRING, depends_on=untagged))
    assert len(found) == 2  # the cluster, and the instance that has nothing to inherit


def test_a_cluster_instance_with_its_own_bad_label_is_judged_by_it():
    instance = cluster_instance(UNKNOWN_STRING, depends_on=AURORA,
                                tags={"data-classification": "secret"})  # fmt: skip
    [message] = whole_stack(AURORA, instance)
    assert "`secret`" in message


def test_without_stack_follow_ups_an_untagged_cluster_instance_is_reported_at_once(monkeypatch):
    from residency_pack.engine import rule

    monkeypatch.setattr(rule._FollowUp, "active", False)  # the SDK's stock servicer runs none
    instance = cluster_instance(UNKNOWN_STRING, depends_on=AURORA)
    [d] = analyze(POLICY, instance, sdk_servicer=True)
    assert "no `data-classification` tag" in d.message


# --- a case variant of the tag key is an ambiguous label -------------------------------------


def test_case_variant_key_next_to_a_provider_default_is_a_violation():
    bucket = Resource(
        "aws:s3/bucket:Bucket",
        "user-exports-sg",
        {"tags": {"Data-Classification": "us-user-data"}},
        aws_provider(
            "ap-southeast-1", "sg", defaultTags={"tags": {"data-classification": "non-personal"}}
        ),
    )
    [d] = analyze(POLICY, bucket)
    assert d.enforcement == "mandatory"
    assert "`Data-Classification`" in d.message and "only in case" in d.message
    assert "rename the key to exactly `data-classification`" in d.message


def test_case_variant_key_on_a_type_that_is_not_data_bearing_is_a_violation():
    role = Resource(
        "aws:iam/role:Role", "app", {"tags": {"DATA-CLASSIFICATION": "public"}}, aws_provider()
    )
    [d] = analyze(POLICY, role)
    assert "`DATA-CLASSIFICATION`" in d.message


def test_case_variant_key_in_provider_default_tags_is_a_violation():
    queue = Resource(
        "aws:sqs/queue:Queue",
        "jobs",
        {"tags": {"data-classification": "non-personal"}},
        aws_provider(defaultTags='{"tags": {"Data-classification": "us-user-data"}}'),
    )
    [d] = analyze(POLICY, queue)
    assert "`Data-classification`" in d.message


@pytest.mark.parametrize("tag_type", ["aws:ec2/tag:Tag", "aws:dynamodb/tag:Tag", "aws:ecs/tag:Tag"])
def test_case_variant_key_written_by_a_tag_resource_is_a_violation(tag_type):
    props = {"resourceId": "vol-0fixture", "key": "Data-Classification", "value": "non-personal"}
    [d] = analyze(POLICY, Resource(tag_type, "relabel", props, aws_provider()))
    assert "`Data-Classification`" in d.message and "only in case" in d.message


def test_a_tag_resource_with_the_exact_key_or_another_key_is_compliant():
    for key in ("data-classification", "owner", "classification"):
        props = {"resourceId": "vol-0fixture", "key": key, "value": "non-personal"}
        assert analyze(POLICY, Resource("aws:ec2/tag:Tag", "t", props, aws_provider())) == []


def test_case_variant_key_in_oci_freeform_tags_is_a_violation():
    adb = dataclasses.replace(
        OCI_ADB,
        props={**OCI_ADB.props, "freeformTags": {"data-classification": "non-personal",
                                                 "Data-Classification": "us-user-data"}},
    )  # fmt: skip
    [d] = analyze(POLICY, adb)
    assert "only in case" in d.message


def test_exact_key_alone_is_compliant():
    tags = {"data-classification": "us-user-data", "classification-owner": "platform"}
    assert messages(dataclasses.replace(AWS_TABLE, props={**AWS_TABLE.props, "tags": tags})) == []
