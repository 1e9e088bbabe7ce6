"""residency-no-public-exposure through the policy SDK's own Analyze: one compliant fixture per
resource type, one field changed per case."""

from __future__ import annotations

import json
from typing import Any

import pytest
from residency_pack.rules import no_public_exposure as rule
from residency_pack.servicer import ConfigRejected
from residency_pack.testing import (
    UNKNOWN_STRING,
    Resource,
    analyze,
    analyze_stack,
    aws_provider,
    oci_provider,
)

OURS = "111111111111"
OTHER = "999999999999"
ORG = "o-abcdefghij"
AWS = aws_provider("us-east-1", name="us-east-1", allowedAccountIds=[OURS])
OCI = oci_provider("us-ashburn-1", name="primary", tenancyOcid="ocid1.tenancy.oc1..aaaaours")
USER_DATA_TAGS = {"data-classification": "us-user-data"}
PUBLIC_TAGS = {"data-classification": "public"}


# Trust comes from the stack's own config (or the policy config), never from a provider.
STACK = {"aws:allowedAccountIds": json.dumps([OURS])}


def run(resource: Resource, config: dict[str, Any] | None = None) -> list[str]:
    diagnostics = analyze(rule.POLICY, resource, {rule.NAME: config} if config else None, STACK)
    assert all(d.policy == rule.NAME and d.enforcement == "mandatory" for d in diagnostics)
    return [d.message for d in diagnostics]


def changed(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``change`` applied; a value of None removes the key."""
    merged = {**base, **change}
    return {k: v for k, v in merged.items() if v is not None}


# (resource type, compliant props, provider)
COMPLIANT: dict[str, tuple[str, dict[str, Any], Any]] = {
    "oci-bucket": (
        "oci:ObjectStorage/bucket:Bucket",
        {
            "name": "user-data",
            "namespace": "ns",
            "compartmentId": "ocid1.compartment.oc1..x",
            "accessType": "NoPublicAccess",
            "freeformTags": USER_DATA_TAGS,
        },
        OCI,
    ),
    "s3-bucket": (
        "aws:s3/bucket:Bucket",
        {"bucket": "b", "acl": "private", "tags": USER_DATA_TAGS},
        AWS,
    ),
    "s3-bucket-acl": (
        "aws:s3/bucketAclV2:BucketAclV2",
        {
            "bucket": "b",
            "accessControlPolicy": {
                "owner": {"id": "owner-canonical-id"},
                "grants": [
                    {
                        "grantee": {"type": "CanonicalUser", "id": "owner-canonical-id"},
                        "permission": "FULL_CONTROL",
                    },
                    {
                        "grantee": {
                            "type": "Group",
                            "uri": "http://acs.amazonaws.com/groups/s3/LogDelivery",
                        },
                        "permission": "WRITE",
                    },
                ],
            },
        },
        AWS,
    ),
    "s3-object": (
        "aws:s3/bucketObjectv2:BucketObjectv2",
        {"bucket": "b", "key": "k", "acl": "private", "tags": USER_DATA_TAGS},
        AWS,
    ),
    "rds-snapshot": (
        "aws:rds/snapshot:Snapshot",
        {"dbInstanceIdentifier": "db", "dbSnapshotIdentifier": "s", "sharedAccounts": [OURS]},
        AWS,
    ),
    "rds-cluster-snapshot": (
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        {"dbClusterIdentifier": "c", "dbClusterSnapshotIdentifier": "s"},
        AWS,
    ),
    "ami-launch-permission": (
        "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
        {"imageId": "ami-1", "accountId": OURS},
        AWS,
    ),
    "ebs-volume-permission": (
        "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
        {"snapshotId": "snap-1", "accountId": OURS},
        AWS,
    ),
    "lambda-url": (
        "aws:lambda/functionUrl:FunctionUrl",
        {"functionName": "fn", "authorizationType": "AWS_IAM"},
        AWS,
    ),
    # Network exposure of stores: found by the flag's name, whatever the type.
    "rds-instance": (
        "aws:rds/instance:Instance",
        {
            "engine": "postgres",
            "instanceClass": "db.t4g.small",
            "publiclyAccessible": False,
            "dbSubnetGroupName": "private-subnets",
            "tags": USER_DATA_TAGS,
        },
        AWS,
    ),
    "aurora-instance": (
        "aws:rds/clusterInstance:ClusterInstance",
        {"clusterIdentifier": "c", "instanceClass": "db.r6g.large", "tags": USER_DATA_TAGS},
        AWS,
    ),
    "redshift-serverless": (
        "aws:redshiftserverless/workgroup:Workgroup",
        {"namespaceName": "users", "workgroupName": "w", "tags": USER_DATA_TAGS},
        AWS,
    ),
    "msk": (
        "aws:msk/cluster:Cluster",
        {
            "clusterName": "k",
            "brokerNodeGroupInfo": {
                "instanceType": "kafka.m5.large",
                "connectivityInfo": {"publicAccess": {"type": "DISABLED"}},
            },
            "tags": USER_DATA_TAGS,
        },
        AWS,
    ),
    "opensearch": (
        "aws:opensearch/domain:Domain",
        {"domainName": "search", "vpcOptions": {"subnetIds": ["subnet-1"]}, "tags": USER_DATA_TAGS},
        AWS,
    ),
    "imagebuilder-lifecycle": (  # a filter on public AMIs is not an endpoint
        "aws:imagebuilder/lifecyclePolicy:LifecyclePolicy",
        {"policyDetails": [{"exclusionRules": {"amis": {"isPublic": True}}}]},
        AWS,
    ),
    "oci-adb": (
        "oci:Database/autonomousDatabase:AutonomousDatabase",
        {
            "compartmentId": "ocid1.compartment.oc1..x",
            "dbName": "users",
            "subnetId": "ocid1.subnet.oc1.iad.aaaaprivate",
            "freeformTags": USER_DATA_TAGS,
        },
        OCI,
    ),
    "ec2-instance": (
        "aws:ec2/instance:Instance",
        {
            "ami": "ami-1",
            "subnetId": "subnet-1",
            "associatePublicIpAddress": False,
            "tags": USER_DATA_TAGS,
        },
        AWS,
    ),
    "launch-template": (
        "aws:ec2/launchTemplate:LaunchTemplate",
        {"networkInterfaces": [{"associatePublicIpAddress": "false"}], "tags": USER_DATA_TAGS},
        AWS,
    ),
    "oci-instance": (
        "oci:Core/instance:Instance",
        {
            "compartmentId": "c",
            "createVnicDetails": {"subnetId": "s", "assignPublicIp": "false"},
            "freeformTags": USER_DATA_TAGS,
        },
        OCI,
    ),
    "ssm-document": (
        "aws:ssm/document:Document",
        {
            "documentType": "Command",
            "content": "{}",
            "permissions": {"type": "Share", "account_ids": OURS},
        },
        AWS,
    ),
    "imagebuilder-distribution": (
        "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
        {
            "distributions": [
                {
                    "region": "us-east-1",
                    "amiDistributionConfiguration": {"launchPermission": {"userIds": [OURS]}},
                }
            ]
        },
        AWS,
    ),
    "oci-fss-export": (
        "oci:FileStorage/export:Export",
        {
            "exportSetId": "ocid1.exportset.oc1.iad.x",
            "fileSystemId": "ocid1.filesystem.oc1.iad.x",
            "path": "/users",
            "exportOptions": [{"source": "10.0.0.0/16", "access": "READ_WRITE"}],
        },
        OCI,
    ),
}


def resource(kind: str, change: dict[str, Any] | None = None) -> Resource:
    resource_type, props, provider = COMPLIANT[kind]
    return Resource(resource_type, kind, changed(props, change or {}), provider)


@pytest.mark.parametrize("kind", sorted(COMPLIANT))
def test_compliant_fixture(kind: str) -> None:
    assert run(resource(kind)) == []


PUBLIC_GRANT = {
    "grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"},
    "permission": "READ",
}

VIOLATIONS: list[tuple[str, dict[str, Any], str]] = [
    ("oci-bucket", {"accessType": "ObjectRead"}, "`accessType` is `ObjectRead`"),
    ("oci-bucket", {"accessType": "ObjectReadWithoutList"}, "`us-user-data`, not `public`"),
    (
        "oci-bucket",
        {"accessType": "ObjectRead", "freeformTags": {"data-classification": "non-personal"}},
        "`non-personal`, not `public`",
    ),
    ("oci-bucket", {"accessType": "ObjectRead", "freeformTags": None}, "unclassified"),
    ("s3-bucket", {"acl": "public-read"}, "`acl` is `public-read`"),
    ("s3-bucket", {"acl": "authenticated-read"}, "every AWS account"),
    ("s3-bucket", {"grants": [PUBLIC_GRANT]}, "AllUsers"),
    ("s3-object", {"acl": "public-read-write"}, "`acl` is `public-read-write`"),
    (
        "s3-bucket-acl",
        {"accessControlPolicy": {"owner": {"id": "o"}, "grants": [PUBLIC_GRANT]}},
        "cannot show its bucket's classification",
    ),
    (
        "s3-bucket-acl",
        {
            "accessControlPolicy": {
                "owner": {"id": "o"},
                "grants": [{"grantee": {"type": "CanonicalUser", "id": "x"}, "permission": "READ"}],
            }
        },
        "canonical user 'x'",
    ),
    (
        "s3-bucket-acl",
        {
            "accessControlPolicy": {
                "owner": {"id": "o"},
                "grants": [
                    {
                        "grantee": {"type": "AmazonCustomerByEmail", "emailAddress": "a@b.c"},
                        "permission": "READ",
                    }
                ],
            }
        },
        "e-mail address",
    ),
    ("s3-bucket-acl", {"acl": "public-read", "accessControlPolicy": None}, "public-read"),
    ("rds-snapshot", {"sharedAccounts": ["all"]}, "`sharedAccounts` has `all`"),
    ("rds-snapshot", {"sharedAccounts": [OURS, OTHER]}, f"'{OTHER}'"),
    ("rds-cluster-snapshot", {"sharedAccounts": ["all"]}, "every AWS account"),
    ("ami-launch-permission", {"accountId": None, "group": "all"}, "the image is public"),
    ("ami-launch-permission", {"accountId": OTHER}, f"'{OTHER}'"),
    (
        "ami-launch-permission",
        {"accountId": None, "organizationArn": f"arn:aws:organizations::{OTHER}:organization/o-zz"},
        "not a trusted organization",
    ),
    ("ebs-volume-permission", {"accountId": OTHER}, f"'{OTHER}'"),
    ("lambda-url", {"authorizationType": "NONE"}, "`authorizationType` is `NONE`"),
    ("rds-instance", {"publiclyAccessible": True}, "`publiclyAccessible` gives"),
    ("rds-instance", {"publiclyAccessible": "true"}, "reachable from the internet"),
    ("rds-instance", {"publiclyAccessible": True, "tags": None}, "`unclassified`"),
    ("redshift-serverless", {"publiclyAccessible": True}, "`publiclyAccessible`"),
    (
        "msk",
        {
            "brokerNodeGroupInfo": {
                "instanceType": "kafka.m5.large",
                "connectivityInfo": {"publicAccess": {"type": "SERVICE_PROVIDED_EIPS"}},
            }
        },
        "publicAccess.type",
    ),
    ("opensearch", {"vpcOptions": None}, "public endpoint"),
    ("opensearch", {"vpcOptions": {"subnetIds": []}}, "public endpoint"),
    ("oci-adb", {"whitelistedIps": ["0.0.0.0/0"]}, "the whole internet"),
    ("oci-adb", {"subnetId": None}, "no access control list"),
    ("oci-adb", {"subnetId": None, "whitelistedIps": []}, "no access control list"),
    ("oci-fss-export", {"exportOptions": [{"source": "0.0.0.0/0"}]}, "held to US user data"),
    ("oci-fss-export", {"exportOptions": None}, "OCI exports to 0.0.0.0/0"),
    # Access lists are judged by what they admit, not by spelling the world.
    ("oci-adb", {"subnetId": None, "whitelistedIps": ["0.0.0.0/1", "128.0.0.0/1"]},
     "admits public addresses"),
    ("oci-adb", {"subnetId": None, "whitelistedIps": ["203.0.113.7"]}, "admits public"),
    ("oci-adb", {"subnetId": None, "whitelistedIps": ["203.0.113.0/24"]}, "admits public"),
    ("oci-adb", {"standbyWhitelistedIps": ["10.0.0.0/8", "::ffff:0:0/96"]}, "standbyWhitelist"),
    ("oci-adb", {"subnetId": None, "whitelistedIps": ["my-office"]}, "pack can read"),
    ("oci-fss-export", {"exportOptions": [{"source": "0.0.0.0/1"}, {"source": "128.0.0.0/1"}]},
     "admits public addresses"),
    ("oci-fss-export", {"exportOptions": [{"source": "2000::/3"}]}, "admits public"),
    # Compute with a public address.
    ("ec2-instance", {"associatePublicIpAddress": True}, "`associatePublicIpAddress`"),
    ("ec2-instance", {"associatePublicIpAddress": True, "tags": None}, "`unclassified`"),
    ("ec2-instance", {"associatePublicIpAddress": None, "subnetId": None}, "default subnet"),
    ("launch-template", {"networkInterfaces": [{"associatePublicIpAddress": "true"}]},
     "networkInterfaces[0].associatePublicIpAddress"),
    ("oci-instance", {"createVnicDetails": {"subnetId": "s"}}, "assignPublicIp (unset"),
    ("oci-instance", {"createVnicDetails": {"subnetId": "s", "assignPublicIp": "true"}},
     "assignPublicIp"),
    # RDS's own default: no subnet group and no flag is the default VPC, public.
    ("rds-instance", {"publiclyAccessible": None, "dbSubnetGroupName": None},
     "no `dbSubnetGroupName`"),
    ("rds-instance", {"publiclyAccessible": None, "dbSubnetGroupName": "default"},
     "the `default` DB subnet group"),
    # Shared with everyone.
    ("ssm-document", {"permissions": {"type": "Share", "account_ids": "All"}}, "is `All`"),
    ("ssm-document", {"permissions": {"type": "Share", "accountIds": f"{OURS},{OTHER}"}},
     f"'{OTHER}'"),
    ("imagebuilder-distribution",
     {"distributions": [{"region": "us-east-1", "amiDistributionConfiguration": {
         "launchPermission": {"userGroups": ["all"]}}}]}, "has `all`"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("rds-instance", {"publiclyAccessible": True, "tags": {"data-classification": "public"}}),
        ("rds-instance", {"publiclyAccessible": True,
                          "tags": {"data-classification": "non-personal"}}),
        ("rds-instance", {"publiclyAccessible": "false"}),
        ("oci-adb", {"subnetId": None, "whitelistedIps": ["10.0.0.0/16", "fd00::/8"]}),
        ("oci-fss-export", {"exportOptions": [{"source": "10.0.0.0/8"},
                                              {"source": "127.0.0.1"}]}),
        ("ec2-instance", {"associatePublicIpAddress": True,
                          "tags": {"data-classification": "non-personal"}}),
        ("oci-instance", {"createVnicDetails": {"subnetId": "s", "assignPublicIp": False}}),
        ("rds-instance", {"publiclyAccessible": None, "dbSubnetGroupName": "private-subnets"}),
        ("rds-instance", {"publiclyAccessible": None, "dbSubnetGroupName": UNKNOWN_STRING}),
    ],
)  # fmt: skip
def test_network_public_stores_of_non_personal_data_or_behind_an_acl_pass(
    kind: str, change: dict[str, Any]
) -> None:
    assert run(resource(kind, change)) == []


@pytest.mark.parametrize(
    ("kind", "change", "expected"),
    VIOLATIONS,
    ids=[f"{kind}-{i}" for i, (kind, _, _) in enumerate(VIOLATIONS)],
)
def test_violation(kind: str, change: dict[str, Any], expected: str) -> None:
    [message] = run(resource(kind, change))
    assert expected in message and "Fix:" in message


def test_public_classification_allows_public_buckets_and_objects() -> None:
    assert (
        run(resource("oci-bucket", {"accessType": "ObjectRead", "freeformTags": PUBLIC_TAGS})) == []
    )
    assert run(resource("s3-bucket", {"acl": "public-read", "tags": PUBLIC_TAGS})) == []
    assert run(resource("s3-object", {"acl": "public-read", "tags": PUBLIC_TAGS})) == []


def test_provider_default_tags_classify_the_bucket() -> None:
    provider = aws_provider(
        "us-east-1", name="p", allowedAccountIds=[OURS], defaultTags={"tags": PUBLIC_TAGS}
    )
    bucket = Resource("aws:s3/bucket:Bucket", "b", {"bucket": "b", "acl": "public-read"}, provider)
    assert run(bucket) == []


def test_pack_config_trusts_accounts_and_organizations() -> None:
    assert (
        run(resource("rds-snapshot", {"sharedAccounts": [OTHER]}), {"trustedAccountIds": [OTHER]})
        == []
    )
    org_share = resource(
        "ami-launch-permission",
        {"accountId": None, "organizationArn": f"arn:aws:organizations::{OURS}:organization/{ORG}"},
    )
    assert len(run(org_share)) == 1
    assert run(org_share, {"trustedOrganizationIds": [ORG]}) == []


UNKNOWNS: list[tuple[str, dict[str, Any]]] = [
    ("oci-bucket", {"accessType": UNKNOWN_STRING}),
    ("oci-bucket", {"accessType": "ObjectRead", "freeformTags": UNKNOWN_STRING}),
    ("s3-bucket", {"acl": UNKNOWN_STRING}),
    ("s3-bucket-acl", {"accessControlPolicy": UNKNOWN_STRING}),
    ("rds-snapshot", {"sharedAccounts": UNKNOWN_STRING}),
    ("ami-launch-permission", {"accountId": UNKNOWN_STRING}),
    ("lambda-url", {"authorizationType": UNKNOWN_STRING}),
]


@pytest.mark.parametrize(
    ("kind", "change"), UNKNOWNS, ids=[f"{k}-{i}" for i, (k, _) in enumerate(UNKNOWNS)]
)
def test_unknown_deciding_value_is_reported_never_passed(kind: str, change: dict[str, Any]) -> None:
    # Outside preview (no PULUMI_DRY_RUN) an unknown is a mandatory violation: fail closed.
    [message] = run(resource(kind, change))
    assert "fail closed" in message


def test_unknown_value_that_does_not_decide_is_ignored() -> None:
    assert run(resource("lambda-url", {"functionName": UNKNOWN_STRING})) == []
    assert run(resource("oci-bucket", {"namespace": UNKNOWN_STRING})) == []


OWNER_ID = "a" * 64
CLOUDFRONT_LOG_DELIVERY = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0"


def canonical(grantee_id: str) -> dict[str, Any]:
    return {"id": grantee_id, "type": "CanonicalUser", "permissions": ["FULL_CONTROL"]}


def test_cloudfront_log_delivery_grant_is_not_public_nor_foreign() -> None:
    # CloudFront standard logging (legacy) writes through `awslogsdelivery`, whose canonical id
    # AWS documents (CloudFront Developer Guide, AccessLogs.html).
    resource_type, props, provider = COMPLIANT["s3-bucket-acl"]
    policy = props["accessControlPolicy"]
    grants = [
        *policy["grants"],
        {
            "grantee": {"type": "CanonicalUser", "id": CLOUDFRONT_LOG_DELIVERY},
            "permission": "FULL_CONTROL",
        },
    ]
    acl = changed(props, {"accessControlPolicy": {**policy, "grants": grants}})
    assert run(Resource(resource_type, "r", acl, provider)) == []
    resource_type, props, provider = COMPLIANT["s3-bucket"]
    inline = changed(props, {"grants": [canonical(CLOUDFRONT_LOG_DELIVERY)]})
    assert run(Resource(resource_type, "r", inline, provider)) == []


def test_the_owners_own_inline_grant_is_recognised_from_the_trusted_canonical_ids() -> None:
    resource_type, props, provider = COMPLIANT["s3-bucket"]
    bucket = Resource(
        resource_type, "r", changed(props, {"grants": [canonical(OWNER_ID)]}), provider
    )
    assert run(bucket, {"trustedCanonicalUserIds": [OWNER_ID]}) == []
    # Without the list the pack cannot tell whose id it is, and says so: not "not the owner".
    [message] = run(bucket)
    assert "cannot attribute" in message and "trustedCanonicalUserIds" in message
    what = message[message.index("`grants`") :].split("Fix:")[0]
    assert "not the owner" not in what and "public" not in what.lower()


def test_a_foreign_canonical_grant_on_a_bucket_acl_is_not_called_public() -> None:
    resource_type, props, provider = COMPLIANT["s3-bucket-acl"]
    policy = props["accessControlPolicy"]
    grants = [
        *policy["grants"],
        {"grantee": {"type": "CanonicalUser", "id": "b" * 64}, "permission": "READ"},
    ]
    acl = changed(props, {"accessControlPolicy": {**policy, "grants": grants}})
    [message] = run(Resource(resource_type, "r", acl, provider))
    what = message[message.index("`accessControlPolicy") :].split("Fix:")[0]
    assert "neither the declared owner" in what and "beyond the owner's account" in what
    assert "public grant" not in what
    config = {"trustedCanonicalUserIds": ["b" * 64]}
    assert run(Resource(resource_type, "r", acl, provider), config) == []


def test_trusted_canonical_user_ids_must_be_canonical_ids() -> None:
    resource_type, props, provider = COMPLIANT["s3-bucket"]
    with pytest.raises(ConfigRejected, match="trustedCanonicalUserIds"):
        run(Resource(resource_type, "r", props, provider), {"trustedCanonicalUserIds": ["x"]})


def test_a_public_classification_does_not_excuse_another_accounts_grant() -> None:
    resource_type, props, provider = COMPLIANT["s3-bucket"]
    public_bucket = changed(props, {"tags": PUBLIC_TAGS, "grants": [canonical("b" * 64)]})
    [message] = run(Resource(resource_type, "r", public_bucket, provider))
    assert "cannot attribute" in message
    open_to_all = changed(props, {"tags": PUBLIC_TAGS, "acl": "public-read"})
    assert run(Resource(resource_type, "r", open_to_all, provider)) == []


# --- OCI pre-authenticated requests: judged by the bucket of this stack they name.
OCI_BUCKET = "oci:ObjectStorage/bucket:Bucket"
PAR_TYPE = "oci:ObjectStorage/preauthrequest:Preauthrequest"


@pytest.fixture(autouse=True)
def fresh_stack_buckets() -> Any:
    rule.STACK_OCI_BUCKETS.clear()
    yield
    rule.STACK_OCI_BUCKETS.clear()


def oci_bucket(name: str = "user-data", tags: Any = USER_DATA_TAGS) -> Resource:
    props: dict[str, Any] = {"name": name, "namespace": "ns", "compartmentId": "c"}
    if tags is not None:
        props["freeformTags"] = tags
    return Resource(OCI_BUCKET, name, props, OCI)


def par(bucket_name: Any = "user-data", namespace: Any = "ns") -> Resource:
    props = {"bucket": bucket_name, "namespace": namespace, "name": "share"}
    return Resource(PAR_TYPE, "share", {**props, "accessType": "AnyObjectRead"}, OCI)


def stack_run(*resources: Resource) -> list[str]:
    """Analyse resources one after another, as the engine does, then the whole stack (the
    policy's stack follow-up); the messages about the last one."""
    messages: list[str] = []
    for one in resources:
        messages = run(one)
    last = resources[-1].resource_urn()
    stack = analyze_stack(rule.POLICY, list(resources), None, STACK)
    assert all(d.policy == rule.NAME and d.enforcement == "mandatory" for d in stack)
    return messages + [d.message for d in stack if d.urn == last]


def test_par_on_a_user_data_bucket_is_public_exposure_with_an_oci_fix() -> None:
    [message] = stack_run(oci_bucket(), par())
    assert "US user data" in message
    assert "Fix: serve the objects through authenticated OCI IAM access" in message
    assert "BucketPublicAccessBlock" not in message


@pytest.mark.parametrize("tags", [{"data-classification": "non-personal"}, PUBLIC_TAGS])
def test_par_on_a_non_personal_or_public_bucket_passes(tags: dict[str, str]) -> None:
    assert stack_run(oci_bucket(tags=tags), par()) == []


def test_par_on_an_unclassified_bucket_fails_closed() -> None:
    assert len(stack_run(oci_bucket(tags=None), par())) == 1


def test_par_on_a_bucket_the_stack_does_not_declare_fails_closed() -> None:
    [message] = stack_run(oci_bucket(tags=PUBLIC_TAGS), par("elsewhere"))
    assert "does not declare" in message
    # Same name, another namespace: another bucket.
    assert len(stack_run(oci_bucket(tags=PUBLIC_TAGS), par(namespace="theirs"))) == 1


def test_par_is_judged_by_the_bucket_it_names_among_several() -> None:
    public = oci_bucket("press", PUBLIC_TAGS)
    assert stack_run(oci_bucket(), public, par("press")) == []
    [message] = stack_run(public, oci_bucket(), par("user-data"))
    assert "'user-data'" in message


def test_par_verdict_does_not_depend_on_the_order_of_analysis() -> None:
    # The SDK may register a PAR naming a literal bucket before that bucket: the verdict waits
    # for the whole stack, so both orders say the same.
    for bucket, expected in ((oci_bucket(), 1), (oci_bucket(tags=PUBLIC_TAGS), 0)):
        rule.STACK_OCI_BUCKETS.clear()
        assert len(stack_run(bucket, par())) == expected  # the bucket first
        rule.STACK_OCI_BUCKETS.clear()
        assert run(par()) == []  # the PAR first: pending, nothing yet
        assert run(bucket) == []
        stack = analyze_stack(rule.POLICY, [par(), bucket], None, STACK)
        assert len([d for d in stack if d.urn == par().resource_urn()]) == expected


def test_a_par_analysed_again_after_its_bucket_is_reported_once() -> None:
    assert run(par()) == []
    assert len(stack_run(oci_bucket(), par())) == 1


def test_par_with_an_unknown_bucket_is_decided_by_the_update() -> None:
    # Outside preview an unknown is a mandatory violation: fail closed.
    [message] = stack_run(oci_bucket(tags=PUBLIC_TAGS), par(UNKNOWN_STRING))
    assert "fail closed" in message


# --- AppSync APIs opened with an API key -------------------------------------------------------

GQL = "aws:appsync/graphQLApi:GraphQLApi"


def table(name: str = "users", tags: Any = USER_DATA_TAGS) -> Resource:
    props: dict[str, Any] = {"name": name, "hashKey": "id"}
    if tags is not None:
        props["tags"] = tags
    return Resource("aws:dynamodb/table:Table", name, props, AWS)


def api(mode: str = "API_KEY", **props: Any) -> Resource:
    return Resource(GQL, "gql", {"name": "gql", "authenticationType": mode, **props}, AWS)


def data_source(
    target: Resource | None, api_resource: Resource | None = None, literal: str = "users"
) -> Resource:
    owner = api_resource or api()
    deps: dict[str, list[str]] = {"apiId": [owner.resource_urn()]}
    config: dict[str, Any] = {"tableName": UNKNOWN_STRING if target else literal}
    if target is not None:
        deps["dynamodbConfig"] = [target.resource_urn()]
    props = {"apiId": UNKNOWN_STRING, "name": "users", "type": "AMAZON_DYNAMODB",
             "dynamodbConfig": config}  # fmt: skip
    return Resource("aws:appsync/dataSource:DataSource", "users-ds", props, AWS,
                    property_dependencies=deps)  # fmt: skip


def api_findings(*resources: Resource) -> list[str]:
    diagnostics = analyze_stack(rule.POLICY, list(resources), None, STACK)
    gql = next(r for r in resources if r.type == GQL).resource_urn()
    return [d.message for d in diagnostics if d.urn == gql and d.enforcement == "mandatory"]


def test_an_api_key_api_serving_a_user_table_is_public_exposure() -> None:
    users = table()
    [message] = api_findings(users, api(), data_source(users))
    assert "accepts an API key (`authenticationType` = `API_KEY`)" in message
    assert "`users` (aws:dynamodb/table:Table)" in message and "us-user-data" in message


def test_an_api_key_as_an_additional_provider_counts() -> None:
    users = table()
    extra = api("AWS_IAM", additionalAuthenticationProviders=[{"authenticationType": "API_KEY"}])
    [message] = api_findings(users, extra, data_source(users, extra))
    assert "`additionalAuthenticationProviders[0].authenticationType`" in message


@pytest.mark.parametrize("mode", ["AMAZON_COGNITO_USER_POOLS", "AWS_IAM", "AWS_LAMBDA"])
def test_an_api_authenticated_as_company_identities_passes(mode: str) -> None:
    users = table()
    authenticated = api(mode)
    assert api_findings(users, authenticated, data_source(users, authenticated)) == []


def test_an_api_key_api_serving_only_non_personal_data_passes() -> None:
    catalog = table("catalog", {"data-classification": "non-personal"})
    assert api_findings(catalog, api(), data_source(catalog)) == []
    # Named by a literal that is the stack's non-personal table.
    assert api_findings(catalog, api(), data_source(None, literal="catalog")) == []


def test_an_api_key_api_fails_closed_on_a_store_it_cannot_see() -> None:
    assert len(api_findings(table(tags=None), api(), data_source(table(tags=None)))) == 1
    [message] = api_findings(api(), data_source(None, literal="elsewhere"))
    assert "does not declare" in message


def test_an_api_key_api_with_a_lambda_resolver_is_judged_by_the_function_label() -> None:
    def lambda_source(function: Resource) -> Resource:
        return Resource(
            "aws:appsync/dataSource:DataSource",
            "fn-ds",
            {"apiId": UNKNOWN_STRING, "name": "fn", "type": "AWS_LAMBDA",
             "lambdaConfig": {"functionArn": UNKNOWN_STRING}},
            AWS,
            property_dependencies={"apiId": [api().resource_urn()],
                                   "lambdaConfig": [function.resource_urn()]},
        )  # fmt: skip

    labelled = Resource("aws:lambda/function:Function", "fn", {"tags": PUBLIC_TAGS}, AWS)
    assert api_findings(labelled, api(), lambda_source(labelled)) == []
    unlabelled = Resource("aws:lambda/function:Function", "fn", {}, AWS)
    [message] = api_findings(unlabelled, api(), lambda_source(unlabelled))
    assert "`unclassified`" in message


# --- access lists judged by what they admit; places the config declares --------------------------

DECLARED = {
    "declaredPlaces": [
        {"match": "203.0.113.7", "cloud": "oci", "region": "us-ashburn-1",
         "account": "ocid1.tenancy.oc1..aaaaours", "reason": "our Ashburn office NAT (NET-7)"}
    ],
    "trustedTenancyOcids": ["ocid1.tenancy.oc1..aaaaours"],
}  # fmt: skip


def test_a_public_address_the_config_declares_as_ours_passes() -> None:
    adb = resource("oci-adb", {"subnetId": None, "whitelistedIps": ["203.0.113.7"]})
    assert run(adb, DECLARED) == []
    [message] = run(resource("oci-adb", {"subnetId": None, "whitelistedIps": ["203.0.113.8"]}),
                    DECLARED)  # fmt: skip
    assert "admits public addresses" in message


def test_admits_public_is_network_coverage() -> None:
    import ipaddress

    assert rule.admits_public(ipaddress.ip_network("128.0.0.0/1"))
    assert rule.admits_public(ipaddress.ip_network("10.0.0.0/7"))  # 11.0.0.0/8 is public
    assert not rule.admits_public(ipaddress.ip_network("10.1.0.0/16"))
    assert not rule.admits_public(ipaddress.ip_network("fd12::/16"))


VCN = "oci:Core/vcn:Vcn"
ADB = "oci:Database/autonomousDatabase:AutonomousDatabase"
PARTNER_VCN = "ocid1.vcn.oc1.iad.amaaaaaapartner"
OUR_VCN = "ocid1.vcn.oc1.iad.amaaaaaaours"


def adb_with_acl(*entries: str, deps: tuple[Resource, ...] = ()) -> Resource:
    props = {"compartmentId": "c", "dbName": "users", "whitelistedIps": list(entries),
             "freeformTags": USER_DATA_TAGS}  # fmt: skip
    urns = [d.resource_urn() for d in deps]
    return Resource(ADB, "users", props, OCI, property_dependencies={"whitelistedIps": urns})


def test_a_vcn_of_another_tenancy_in_an_access_list_is_foreign() -> None:
    vcn = Resource(VCN, "vcn", {"compartmentId": "c", "id": OUR_VCN}, OCI)
    [message] = stack_run(vcn, adb_with_acl(PARTNER_VCN))
    assert "no VCN of this stack" in message


def test_a_vcn_of_the_stack_in_an_access_list_passes() -> None:
    vcn = Resource(VCN, "vcn", {"compartmentId": "c", "id": OUR_VCN}, OCI)
    assert stack_run(vcn, adb_with_acl(f"{OUR_VCN};10.0.1.0/24")) == []
    unnamed = Resource(VCN, "vcn", {"compartmentId": "c"}, OCI)
    assert stack_run(unnamed, adb_with_acl(OUR_VCN, deps=(unnamed,))) == []
    # One stack VCN vouches for one entry, not for a partner's next to it.
    assert len(stack_run(unnamed, adb_with_acl(OUR_VCN, PARTNER_VCN, deps=(unnamed,)))) == 1


# --- cross-resource exposure: Elastic IPs, Aurora defaults, OpenSearch Serverless, CloudFront ----


def stack_findings(*resources: Resource, urn_of: Resource) -> list[str]:
    diagnostics = analyze_stack(rule.POLICY, list(resources), None, STACK)
    return [d.message for d in diagnostics
            if d.urn == urn_of.resource_urn() and d.enforcement == "mandatory"]  # fmt: skip


def instance(tags: Any = USER_DATA_TAGS) -> Resource:
    props: dict[str, Any] = {"ami": "ami-1", "subnetId": "subnet-1",
                             "associatePublicIpAddress": False}  # fmt: skip
    if tags is not None:
        props["tags"] = tags
    return Resource("aws:ec2/instance:Instance", "db", props, AWS)


def eip(target: Resource | None, value: str = UNKNOWN_STRING) -> Resource:
    deps = {"instance": [target.resource_urn()]} if target is not None else {}
    return Resource("aws:ec2/eip:Eip", "ip", {"instance": value, "domain": "vpc"}, AWS,
                    property_dependencies=deps)  # fmt: skip


def test_an_elastic_ip_on_a_user_data_or_unknown_instance_is_public() -> None:
    db = instance()
    [message] = stack_findings(db, eip(db), urn_of=eip(db))
    assert "`db` (aws:ec2/instance:Instance, `us-user-data`) a public address" in message
    [message] = stack_findings(eip(None, "i-0123456789abcdef0"), urn_of=eip(None))
    assert "not a resource of this stack" in message


def test_an_elastic_ip_on_a_non_personal_instance_passes() -> None:
    web = instance({"data-classification": "non-personal"})
    assert stack_findings(web, eip(web), urn_of=eip(web)) == []


def cluster(group: str | None) -> Resource:
    props: dict[str, Any] = {"engine": "aurora-postgresql", "tags": USER_DATA_TAGS}
    if group is not None:
        props["dbSubnetGroupName"] = group
    return Resource("aws:rds/cluster:Cluster", "users", props, AWS)


def cluster_instance(owner: Resource) -> Resource:
    return Resource(
        "aws:rds/clusterInstance:ClusterInstance", "users-1",
        {"clusterIdentifier": UNKNOWN_STRING, "instanceClass": "db.r6g.large",
         "tags": USER_DATA_TAGS}, AWS,
        property_dependencies={"clusterIdentifier": [owner.resource_urn()]},
    )  # fmt: skip


def test_an_aurora_instance_in_the_default_vpc_fails_closed() -> None:
    c = cluster(None)
    [message] = stack_findings(c, cluster_instance(c), urn_of=cluster_instance(c))
    assert "default VPC" in message


def test_an_aurora_instance_of_a_cluster_in_a_subnet_group_passes() -> None:
    c = cluster("private-subnets")
    assert stack_findings(c, cluster_instance(c), urn_of=cluster_instance(c)) == []


AOSS_POLICY = "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy"


def collection(name: str = "users", tags: Any = USER_DATA_TAGS) -> Resource:
    return Resource("aws:opensearch/serverlessCollection:ServerlessCollection", name,
                    {"name": name, "type": "SEARCH", "tags": tags}, AWS)  # fmt: skip


def network_policy(pattern: str, public: bool = True) -> Resource:
    document = [{"Rules": [{"ResourceType": "collection", "Resource": [pattern]}],
                 "AllowFromPublic": public}]  # fmt: skip
    return Resource(AOSS_POLICY, "net", {"name": "net", "type": "network",
                                         "policy": json.dumps(document)}, AWS)  # fmt: skip


def test_an_aoss_network_policy_public_on_user_data_is_public_exposure() -> None:
    [message] = stack_findings(collection(), network_policy("collection/users"),
                               urn_of=network_policy("x"))  # fmt: skip
    assert "`AllowFromPublic` true" in message and "`users`" in message
    [message] = stack_findings(network_policy("collection/elsewhere"), urn_of=network_policy("x"))
    assert "does not declare" in message


def test_an_aoss_network_policy_private_or_over_non_personal_data_passes() -> None:
    catalog = collection("catalog", {"data-classification": "non-personal"})
    assert stack_findings(catalog, network_policy("collection/cat*"),
                          urn_of=network_policy("x")) == []  # fmt: skip
    assert stack_findings(collection(), network_policy("collection/users", public=False),
                          urn_of=network_policy("x")) == []  # fmt: skip


def s3_bucket(tags: Any = USER_DATA_TAGS) -> Resource:
    host = "uploads.s3.us-east-1.amazonaws.com"
    props = {"bucket": "uploads", "tags": tags, "bucketRegionalDomainName": host}
    return Resource("aws:s3/bucket:Bucket", "uploads", props, AWS)


def distribution(**behaviour: Any) -> Resource:
    return Resource(
        "aws:cloudfront/distribution:Distribution", "cdn",
        {"enabled": True,
         "origins": [{"domainName": "uploads.s3.us-east-1.amazonaws.com", "originId": "u"}],
         "defaultCacheBehavior": {"targetOriginId": "u", "viewerProtocolPolicy": "https-only",
                                  "cachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
                                  **behaviour}},
        AWS,
    )  # fmt: skip


def test_cloudfront_open_over_a_user_data_bucket_is_public_exposure() -> None:
    [message] = stack_findings(s3_bucket(), distribution(), urn_of=distribution())
    assert "serves a store of US user data to anyone" in message and "`uploads`" in message


def test_cloudfront_with_signed_urls_or_over_public_data_passes() -> None:
    signed = distribution(trustedKeyGroups=["kg-1"])
    assert stack_findings(s3_bucket(), signed, urn_of=signed) == []
    public = s3_bucket({"data-classification": "public"})
    assert stack_findings(public, distribution(), urn_of=distribution()) == []


def subnet(maps: Any) -> Resource:
    return Resource("aws:ec2/subnet:Subnet", "a", {"vpcId": "vpc-1", "cidrBlock": "10.0.1.0/24",
                    "mapPublicIpOnLaunch": maps}, AWS)  # fmt: skip


def instance_in(net: Resource) -> Resource:
    props = {"ami": "ami-1", "subnetId": UNKNOWN_STRING, "tags": USER_DATA_TAGS}
    return Resource("aws:ec2/instance:Instance", "db", props, AWS,
                    property_dependencies={"subnetId": [net.resource_urn()]})  # fmt: skip


def test_an_instance_left_to_a_public_subnets_default_is_public() -> None:
    net = subnet(True)
    [message] = stack_findings(net, instance_in(net), urn_of=instance_in(net))
    assert "`mapPublicIpOnLaunch`" in message


def test_an_instance_left_to_a_private_subnets_default_passes() -> None:
    net = subnet(False)
    assert stack_findings(net, instance_in(net), urn_of=instance_in(net)) == []


# A cluster instance is judged in the stack follow-up, by its own label or, without one, by the
# label it inherits from its cluster (engine/inheritance.py).
def public_cluster_instance(owner: Resource, tags: Any = None) -> Resource:
    props: dict[str, Any] = {"clusterIdentifier": UNKNOWN_STRING, "instanceClass": "db.r6g.large",
                             "publiclyAccessible": True}  # fmt: skip
    if tags is not None:
        props["tags"] = tags
    return Resource(
        "aws:rds/clusterInstance:ClusterInstance", "users-1", props, AWS,
        property_dependencies={"clusterIdentifier": [owner.resource_urn()]},
    )  # fmt: skip


def test_a_public_untagged_instance_of_a_user_data_cluster_inherits_user_data() -> None:
    c = cluster("private-subnets")
    [message] = stack_findings(c, public_cluster_instance(c), urn_of=public_cluster_instance(c))
    assert "`us-user-data`" in message and "publiclyAccessible" in message


def test_a_public_instance_labelled_user_data_fails_in_the_follow_up() -> None:
    c = cluster("private-subnets")
    tagged = public_cluster_instance(c, USER_DATA_TAGS)
    [message] = stack_findings(c, tagged, urn_of=tagged)
    assert "`us-user-data`" in message


def test_a_public_untagged_instance_of_a_non_personal_cluster_passes() -> None:
    c = Resource("aws:rds/cluster:Cluster", "reports",
                 {"engine": "aurora-postgresql", "dbSubnetGroupName": "private-subnets",
                  "tags": {"data-classification": "non-personal"}}, AWS)  # fmt: skip
    assert stack_findings(c, public_cluster_instance(c), urn_of=public_cluster_instance(c)) == []


def test_a_public_instance_of_a_cluster_outside_the_stack_is_unclassified() -> None:
    outside = Resource("aws:rds/clusterInstance:ClusterInstance", "users-1",
                       {"clusterIdentifier": "elsewhere", "instanceClass": "db.r6g.large",
                        "publiclyAccessible": True}, AWS)  # fmt: skip
    [message] = stack_findings(outside, urn_of=outside)
    assert "unclassified" in message


def two_origin_distribution(**assets_behaviour: Any) -> tuple[Resource, Resource, Resource]:
    """A user-data bucket (signed) and a public assets bucket behind one distribution; in
    preview both origins' domains are outputs, so the property dependencies are merged."""
    users = Resource("aws:s3/bucket:Bucket", "media", {"bucket": "media", "tags": USER_DATA_TAGS},
                     AWS)  # fmt: skip
    assets = Resource("aws:s3/bucket:Bucket", "assets", {"bucket": "assets", "tags": PUBLIC_TAGS},
                      AWS)  # fmt: skip
    cdn = Resource(
        "aws:cloudfront/distribution:Distribution", "cdn",
        {"enabled": True,
         "origins": [{"domainName": UNKNOWN_STRING, "originId": "media"},
                     {"domainName": UNKNOWN_STRING, "originId": "assets"}],
         "defaultCacheBehavior": {"targetOriginId": "media", "trustedKeyGroups": ["kg-1"],
                                  "cachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"},
         "orderedCacheBehaviors": [{"pathPattern": "/static/*", "targetOriginId": "assets",
                                    "cachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
                                    **assets_behaviour}]},
        AWS, property_dependencies={"origins": [users.resource_urn(), assets.resource_urn()]},
    )  # fmt: skip
    return users, assets, cdn


def test_merged_origins_in_preview_are_pending_not_a_violation(monkeypatch) -> None:
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    users, assets, cdn = two_origin_distribution()
    assert stack_findings(users, assets, cdn, urn_of=cdn) == []  # the follow-up does not fail
    # The distribution's own check: a pending notice, not a violation.
    [notice] = analyze(rule.POLICY, cdn, None, STACK)
    assert notice.enforcement == "advisory" and "unknown during preview" in notice.message


def test_merged_origins_outside_preview_still_fail_closed(monkeypatch) -> None:
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    users, assets, cdn = two_origin_distribution()
    [message] = stack_findings(users, assets, cdn, urn_of=cdn)
    assert "serves a store of US user data to anyone" in message
    signed = two_origin_distribution(trustedKeyGroups=["kg-1"])
    assert stack_findings(*signed, urn_of=signed[2]) == []
