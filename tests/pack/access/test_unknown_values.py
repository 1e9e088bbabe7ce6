"""What the access rules do with values that are unknown during preview.

The CLI starts a policy pack with ``PULUMI_DRY_RUN=true`` for a preview and ``false`` for the
update. A deciding value that is unknown in preview (the blueprint's bucket policy built with
``bucket.arn.apply(...)``) does not block the preview; the SDK shows a visible "can't run policy
... during preview" notice instead, and known violations of the same resource stay mandatory.
During the update every input is known before the resource is created; a value still unknown
then is a mandatory violation (fail closed). Stack policies run after the update's resources
exist, so their unknowns are mandatory in both modes.
"""

from __future__ import annotations

import json

import pytest
from residency_pack.rules import no_foreign_principals, no_public_exposure, public_access_block
from residency_pack.testing import (
    UNKNOWN_BOOL,
    UNKNOWN_STRING,
    Diagnostic,
    Resource,
    analyze,
    analyze_stack,
    aws_provider,
    oci_provider,
)

OURS = "111111111111"
OTHER = "999999999999"
AWS = aws_provider("us-east-1", name="us-east-1", allowedAccountIds=[OURS])
STACK = {"aws:allowedAccountIds": json.dumps([OURS])}  # trust: the stack's config, not a provider
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


@pytest.fixture(params=["preview", "update"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PULUMI_DRY_RUN", "true" if request.param == "preview" else "false")
    monkeypatch.setenv("PULUMI_PROJECT", "residency-blueprint")
    monkeypatch.setenv("PULUMI_STACK", "prod")
    return str(request.param)


def levels(diagnostics: list[Diagnostic]) -> list[str]:
    return sorted(d.enforcement for d in diagnostics)


def test_whole_bucket_policy_unknown(mode: str) -> None:
    policy = Resource(
        BUCKET_POLICY, "tls-only", {"bucket": UNKNOWN_STRING, "policy": UNKNOWN_STRING}, AWS
    )
    diagnostics = analyze(no_foreign_principals.POLICY, policy)
    if mode == "preview":
        [notice] = diagnostics
        assert (
            notice.enforcement == "advisory"
            and "whole policy document is unknown" in notice.message
        )
    else:
        [violation] = diagnostics
        assert violation.enforcement == "mandatory" and "fail closed" in violation.message


def test_known_foreign_principal_blocks_even_in_preview(mode: str) -> None:
    document = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": [OTHER, UNKNOWN_STRING]}, "Action": "*"}
        ]
    }
    diagnostics = analyze(
        no_foreign_principals.POLICY, Resource(BUCKET_POLICY, "p", {"policy": document}, AWS)
    )
    mandatory = [d for d in diagnostics if d.enforcement == "mandatory"]
    assert any(OTHER in d.message for d in mandatory)
    assert levels(diagnostics) == (
        ["advisory", "mandatory"] if mode == "preview" else ["mandatory", "mandatory"]
    )


def test_unknown_oci_statements(mode: str) -> None:
    provider = oci_provider("us-ashburn-1", name="primary", tenancyOcid="ocid1.tenancy.oc1..ours")
    policy = Resource("oci:Identity/policy:Policy", "p", {"statements": UNKNOWN_STRING}, provider)
    assert levels(analyze(no_foreign_principals.POLICY, policy)) == (
        ["advisory"] if mode == "preview" else ["mandatory"]
    )


def test_unknown_lambda_url_auth(mode: str) -> None:
    url = Resource(
        "aws:lambda/functionUrl:FunctionUrl",
        "u",
        {"functionName": "f", "authorizationType": UNKNOWN_STRING},
        AWS,
    )
    assert levels(analyze(no_public_exposure.POLICY, url)) == (
        ["advisory"] if mode == "preview" else ["mandatory"]
    )


def test_compliant_known_policy_is_silent_in_both_modes(mode: str) -> None:
    document = json.dumps(
        {"Statement": [{"Effect": "Allow", "Principal": {"AWS": OURS}, "Action": "*"}]}
    )
    assert (
        analyze(
            no_foreign_principals.POLICY,
            Resource(BUCKET_POLICY, "p", {"policy": document}, AWS),
            stack_config=STACK,
        )
        == []
    )


def test_stack_policy_unknowns_stay_mandatory(mode: str) -> None:
    bucket = Resource(
        "aws:s3/bucket:Bucket", "b", {"tags": {"data-classification": "us-user-data"}}, AWS
    )
    block = Resource(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "blk",
        {
            "bucket": UNKNOWN_STRING,
            "blockPublicAcls": UNKNOWN_BOOL,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
        AWS,
        property_dependencies={"bucket": [bucket.resource_urn()]},
    )
    assert levels(analyze_stack(public_access_block.POLICY, [bucket, block])) == ["mandatory"]


def test_blueprint_shaped_preview_passes(mode: str) -> None:
    """The prod stack's AWS backup shape in preview: known key policy and trust policy, a
    bucket policy built from the bucket's ARN (unknown), a full public access block found by
    property dependency. Nothing blocks."""
    roots = [f"arn:aws:iam::{OURS}:root"]
    key_policy = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": roots}, "Action": "kms:*", "Resource": "*"}
            ]
        }
    )
    trust = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": roots}, "Action": "sts:AssumeRole"}
            ]
        }
    )
    tags = {"data-classification": "us-user-data"}
    bucket = Resource("aws:s3/bucket:Bucket", "backups", {"bucketPrefix": "b-", "tags": tags}, AWS)
    resources = [
        Resource("aws:kms/key:Key", "key", {"policy": key_policy, "tags": tags}, AWS),
        bucket,
        Resource(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "block",
            {
                "bucket": UNKNOWN_STRING,
                "blockPublicAcls": True,
                "blockPublicPolicy": True,
                "ignorePublicAcls": True,
                "restrictPublicBuckets": True,
            },
            AWS,
            property_dependencies={"bucket": [bucket.resource_urn()]},
        ),
        Resource(
            BUCKET_POLICY, "tls-only", {"bucket": UNKNOWN_STRING, "policy": UNKNOWN_STRING}, AWS
        ),
        Resource("aws:iam/role:Role", "export-role", {"assumeRolePolicy": trust}, AWS),
    ]
    resource_policies = [no_foreign_principals.POLICY, no_public_exposure.POLICY]
    mandatory = [
        d
        for r in resources
        for d in analyze(resource_policies, r, stack_config=STACK)
        if d.enforcement == "mandatory"
    ]
    mandatory += analyze_stack(public_access_block.POLICY, resources)
    if mode == "preview":
        assert mandatory == []
    else:
        # The update sees the bucket policy's real document; an unknown there is fail-closed.
        assert [d.policy for d in mandatory] == [no_foreign_principals.NAME]
