"""residency-public-access-block (stack policy) through the policy SDK's own AnalyzeStack."""

from __future__ import annotations

from typing import Any

import pytest
from residency_pack.rules import public_access_block as rule
from residency_pack.testing import (
    UNKNOWN_BOOL,
    UNKNOWN_STRING,
    Resource,
    analyze_stack,
    aws_provider,
    oci_provider,
    urn_of,
)

AWS = aws_provider("us-east-1", name="us-east-1", allowedAccountIds=["111111111111"])
OCI = oci_provider("us-ashburn-1", name="primary")
USER_DATA = {"data-classification": "us-user-data"}
NON_PERSONAL = {"data-classification": "non-personal"}
BUCKET_TYPE = "aws:s3/bucket:Bucket"
BLOCK_TYPE = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_URN = urn_of(BUCKET_TYPE, "backups")
ALL_ON = {
    "blockPublicAcls": True,
    "blockPublicPolicy": True,
    "ignorePublicAcls": True,
    "restrictPublicBuckets": True,
}


def bucket(**change: Any) -> Resource:
    props = {
        k: v
        for k, v in {"bucketPrefix": "backups-", "tags": USER_DATA, **change}.items()
        if v is not None
    }
    return Resource(BUCKET_TYPE, "backups", props, AWS)


def block(by_dependency: bool = True, **change: Any) -> Resource:
    # In preview `bucket=bucket.id` is unknown; the property dependency names the bucket.
    props = {
        k: v for k, v in {"bucket": UNKNOWN_STRING, **ALL_ON, **change}.items() if v is not None
    }
    deps = {"bucket": [BUCKET_URN]} if by_dependency else {}
    return Resource(BLOCK_TYPE, "backups-block", props, AWS, property_dependencies=deps)


def run(resources: list[Resource]) -> list[tuple[str, str]]:
    diagnostics = analyze_stack(rule.POLICY, resources)
    assert all(d.policy == rule.NAME and d.enforcement == "mandatory" for d in diagnostics)
    return [(d.urn, d.message) for d in diagnostics]


def test_user_data_bucket_with_full_block_passes() -> None:
    assert run([bucket(), block()]) == []


def test_block_matched_by_known_bucket_name() -> None:
    named = Resource(BUCKET_TYPE, "backups", {"bucket": "us-backups", "tags": USER_DATA}, AWS)
    assert run([named, block(by_dependency=False, bucket="us-backups")]) == []
    assert len(run([named, block(by_dependency=False, bucket="someone-else")])) == 1


def test_block_matched_by_plain_dependency_when_no_property_dependencies_were_sent() -> None:
    other = Resource(BUCKET_TYPE, "other", {"bucketPrefix": "o-", "tags": USER_DATA}, AWS)
    props = {"bucket": "opaque-id", **ALL_ON}
    linked = Resource(BLOCK_TYPE, "blk", props, AWS, dependencies=[BUCKET_URN])
    [(urn, _)] = run([bucket(), other, linked])
    assert urn == other.resource_urn()
    # Ambiguous: depends on two buckets, so it covers neither.
    both = Resource(BLOCK_TYPE, "blk", props, AWS, dependencies=[BUCKET_URN, other.resource_urn()])
    assert len(run([bucket(), other, both])) == 2


def test_user_data_bucket_without_block_is_reported_on_the_bucket() -> None:
    [(urn, message)] = run([bucket()])
    assert urn == BUCKET_URN
    assert "has no public access block" in message and "Fix:" in message


@pytest.mark.parametrize("setting", sorted(ALL_ON))
def test_each_setting_must_be_true(setting: str) -> None:
    [(_, message)] = run([bucket(), block(**{setting: False})])
    assert f"`{setting}`" in message
    [(_, message)] = run([bucket(), block(**{setting: None})])  # absent means false
    assert f"`{setting}`" in message


def test_account_block_covers_every_bucket() -> None:
    account = Resource(
        "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "acct", ALL_ON, AWS
    )
    assert run([bucket(), account]) == []
    partial = Resource(
        "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
        "acct",
        {**ALL_ON, "restrictPublicBuckets": False},
        AWS,
    )
    assert len(run([bucket(), partial])) == 1


def test_non_personal_bucket_needs_no_block_but_unclassified_does() -> None:
    assert run([bucket(tags=NON_PERSONAL)]) == []
    [(_, message)] = run([bucket(tags=None)])
    assert "unclassified" in message


def test_unknown_settings_and_classification_are_reported_not_passed() -> None:
    [(_, message)] = run([bucket(), block(blockPublicAcls=UNKNOWN_BOOL)])
    assert "fail closed" in message
    [(_, message)] = run([bucket(tags=UNKNOWN_STRING)])
    assert "fail closed" in message


# OCI pre-authenticated requests.
OCI_BUCKET = "oci:ObjectStorage/bucket:Bucket"
PAR_TYPE = "oci:ObjectStorage/preauthrequest:Preauthrequest"


def oci_bucket(tags: dict[str, str] | None = USER_DATA) -> Resource:
    props: dict[str, Any] = {"name": "user-data", "namespace": "ns", "compartmentId": "c"}
    if tags is not None:
        props["freeformTags"] = tags
    return Resource(OCI_BUCKET, "user-data", props, OCI)


def par(bucket_name: Any = "user-data", dependency: bool = False) -> Resource:
    props = {
        "bucket": bucket_name,
        "namespace": "ns",
        "name": "share",
        "accessType": "AnyObjectRead",
    }
    deps = {"bucket": [urn_of(OCI_BUCKET, "user-data")]} if dependency else {}
    return Resource(PAR_TYPE, "share", props, OCI, property_dependencies=deps)


def test_par_on_user_data_bucket_by_name_and_by_dependency() -> None:
    [(urn, message)] = run([oci_bucket(), par()])
    assert urn == urn_of(PAR_TYPE, "share") and "US user data" in message
    [(_, message)] = run([oci_bucket(), par(UNKNOWN_STRING, dependency=True)])
    assert "US user data" in message


def test_par_on_non_personal_bucket_passes() -> None:
    assert run([oci_bucket(NON_PERSONAL), par()]) == []


def test_par_on_unclassified_or_foreign_bucket_fails_closed() -> None:
    assert len(run([oci_bucket(None), par()])) == 1
    [(_, message)] = run([oci_bucket(NON_PERSONAL), par("elsewhere")])
    assert "not in this stack" in message


def test_par_with_unknown_bucket_and_no_dependency_is_reported() -> None:
    [(_, message)] = run([oci_bucket(NON_PERSONAL), par(UNKNOWN_STRING)])
    assert "fail closed" in message
