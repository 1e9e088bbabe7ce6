"""Property-based checks of the access readers and rules: nothing random makes them raise, and a
foreign account is always reported wherever it appears."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE
from residency_pack.engine.iam_policy import Kind, Trust, foreign_access
from residency_pack.engine.oci_statements import foreign_tenancy_grants
from residency_pack.rules import no_foreign_principals, no_public_exposure, public_access_block
from residency_pack.testing import Resource, analyze, analyze_stack, aws_provider

OURS = "111111111111"
TRUST = Trust.of([OURS])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=20),
    st.sampled_from(["*", "Allow", "Deny", OURS, UNKNOWN_STRING_VALUE, "arn:aws:iam::*:root"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Statement",
                    "Effect",
                    "Principal",
                    "NotPrincipal",
                    "AWS",
                    "Service",
                    "Condition",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(json_values)
def test_policy_reader_never_raises(document: Any) -> None:
    foreign_access(document, TRUST)
    foreign_access(json.dumps(document), TRUST)


@given(st.lists(st.one_of(st.text(max_size=60), scalars), max_size=5))
def test_statement_reader_never_raises(statements: list[Any]) -> None:
    foreign_tenancy_grants(statements, ["ocid1.tenancy.oc1..ours"])


@given(
    account=st.from_regex(r"\A[0-9]{12}\Z").filter(lambda a: a != OURS),
    as_arn=st.booleans(),
    extra=st.lists(st.sampled_from([OURS, f"arn:aws:iam::{OURS}:role/app"]), max_size=3),
    as_string=st.booleans(),
)
def test_a_foreign_account_is_always_reported(
    account: str, as_arn: bool, extra: list[str], as_string: bool
) -> None:
    principal = f"arn:aws:iam::{account}:root" if as_arn else account
    document: Any = {
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": [*extra, principal]}, "Action": "*"}]
    }
    findings = foreign_access(json.dumps(document) if as_string else document, TRUST)
    assert [f.kind for f in findings] == [Kind.FOREIGN]


TYPES = [
    "aws:iam/role:Role",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:lambda/permission:Permission",
    "oci:Identity/policy:Policy",
    "oci:ObjectStorage/bucket:Bucket",
    "aws:s3/bucketAclV2:BucketAclV2",
    "aws:rds/snapshot:Snapshot",
    "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
    "aws:lambda/functionUrl:FunctionUrl",
]
FIELDS = [
    "assumeRolePolicy",
    "policy",
    "principal",
    "statements",
    "accessType",
    "accessControlPolicy",
    "sharedAccounts",
    "group",
    "authorizationType",
    "tags",
    "freeformTags",
]
bags = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resource_type=st.sampled_from(TYPES), props=bags)
def test_no_random_bag_makes_the_rules_crash(resource_type: str, props: dict[str, Any]) -> None:
    resource = Resource(resource_type, "r", props, aws_provider("us-east-1", name="p"))
    for diagnostic in analyze([no_foreign_principals.POLICY, no_public_exposure.POLICY], resource):
        assert "could not evaluate" not in diagnostic.message
        assert diagnostic.enforcement == "mandatory"


STACK_TYPES = [
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    "oci:ObjectStorage/bucket:Bucket",
    "oci:ObjectStorage/preauthrequest:Preauthrequest",
]
STACK_FIELDS = [
    "bucket",
    "name",
    "namespace",
    "tags",
    "freeformTags",
    "blockPublicAcls",
    "restrictPublicBuckets",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(STACK_TYPES),
            st.dictionaries(st.sampled_from(STACK_FIELDS), json_values, max_size=4),
        ),
        max_size=5,
    )
)
def test_no_random_stack_makes_the_stack_policy_crash(items: list[tuple[str, Any]]) -> None:
    provider = aws_provider("us-east-1", name="p")
    resources = [Resource(t, f"r{i}", props, provider) for i, (t, props) in enumerate(items)]
    for diagnostic in analyze_stack(public_access_block.POLICY, resources):
        assert "could not evaluate" not in diagnostic.message
