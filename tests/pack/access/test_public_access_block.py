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
    urn_of,
)

AWS = aws_provider("us-east-1", name="us-east-1", allowedAccountIds=["111111111111"])
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


OURS = "111111111111"
PARTNER = "999999999999"
# The stack's own config as the engine sends it to ConfigureStack: trust comes from there.
STACK_CONFIG = {"aws:allowedAccountIds": f'["{OURS}"]'}


def run(
    resources: list[Resource], stack_config: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    stack = STACK_CONFIG if stack_config is None else stack_config
    diagnostics = analyze_stack(rule.POLICY, resources, None, stack)
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
    props = {"bucket": UNKNOWN_STRING, **ALL_ON}
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


# --- Identity first: a block that names a bucket is that bucket's, whatever it depends on.
def test_a_block_naming_another_bucket_does_not_cover_this_one_even_if_it_depends_on_it() -> None:
    named = bucket(bucket="us-backups", bucketPrefix=None)
    decoy = block(bucket="decoy-bucket")  # a property dependency on `backups`, another name
    [(urn, message)] = run([named, decoy])
    assert urn == BUCKET_URN and "has no public access block" in message
    mine = Resource(
        BLOCK_TYPE,
        "mine",
        {"bucket": "us-backups", **ALL_ON},
        AWS,
        property_dependencies={"bucket": [urn_of(BUCKET_TYPE, "unrelated")]},
    )
    assert run([named, mine]) == []


# --- Account-level blocks cover the trusted account they name, and nothing else.
ACCOUNT_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
ROLES_JSON = f'[{{"roleArn": "arn:aws:iam::{PARTNER}:role/a"}}]'


def account_block(provider: Any = AWS, **props: Any) -> Resource:
    return Resource(ACCOUNT_BLOCK, "acct", {**ALL_ON, **props}, provider)


@pytest.mark.parametrize(
    ("block_", "covers"),
    [
        (account_block(accountId=OURS), True),
        (account_block(), True),  # the provider's account (allowedAccountIds)
        (account_block(accountId=PARTNER), False),
        (account_block(aws_provider("us-east-1", name="p", allowedAccountIds=[PARTNER])), False),
        (
            account_block(
                aws_provider("us-east-1", name="r", assumeRoles=[
                    {"roleArn": f"arn:aws:iam::{PARTNER}:role/admin"}
                ])
            ),
            False,
        ),
        (
            account_block(
                aws_provider("us-east-1", name="r", assumeRoles=[
                    {"roleArn": f"arn:aws:iam::{OURS}:role/admin"}
                ])
            ),
            True,
        ),
        # A default provider gets structured stack config as JSON text.
        (
            account_block(
                aws_provider("us-east-1", assumeRoles=ROLES_JSON)
            ),
            False,
        ),
        # No account named anywhere: the stack's own, when it trusts exactly one.
        (account_block(aws_provider("us-east-1", name="plain")), True),
    ],
)  # fmt: skip
def test_account_block_scope(block_: Resource, covers: bool) -> None:
    found = run([bucket(), block_])
    assert (found == []) is covers
    if not covers:
        [(_, message)] = found
        assert "does not cover it" in message and "`acct`" in message


def test_an_account_block_does_not_cover_a_bucket_of_another_account() -> None:
    theirs = Resource(
        BUCKET_TYPE,
        "backups",
        {"bucketPrefix": "b-", "tags": USER_DATA},
        aws_provider("us-east-1", name="p", allowedAccountIds=[PARTNER]),
    )
    assert len(run([theirs, account_block(accountId=OURS)])) == 1


def test_with_no_trusted_account_an_account_block_covers_nothing() -> None:
    assert len(run([bucket(), account_block(accountId=OURS)], stack_config={})) == 1


def test_an_unknown_account_id_is_not_a_cover() -> None:
    [(_, message)] = run([bucket(), account_block(accountId=UNKNOWN_STRING)])
    assert "unknown" in message and "fail closed" in message
