"""residency-no-foreign-principals through the policy SDK's own Analyze (camelCase props,
engine unknown sentinels, unknown_checking_proxy applied by the SDK).

Each group starts from one compliant fixture and changes one field per case."""

from __future__ import annotations

import json
from typing import Any

import pytest
from residency_pack.rules import no_foreign_principals as rule
from residency_pack.servicer import ConfigRejected
from residency_pack.testing import (
    UNKNOWN_STRING,
    Diagnostic,
    Resource,
    analyze,
    aws_provider,
    oci_provider,
)

OURS = "111111111111"
OTHER = "999999999999"
ORG = "o-abcdefghij"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaaours"
THEIRS = "ocid1.tenancy.oc1..aaaaaaaatheirs"
AWS = aws_provider("us-east-1", name="us-east-1", allowedAccountIds=[OURS])
OCI = oci_provider("us-ashburn-1", name="primary", tenancyOcid=TENANCY)
# Trust comes from the stack's own config (or the policy config), never from a provider.
STACK = {"aws:allowedAccountIds": json.dumps([OURS]), "oci:tenancyOcid": TENANCY}


def mandatory(diagnostics: list[Diagnostic]) -> list[str]:
    assert all(d.policy == rule.NAME for d in diagnostics)
    assert not [
        d for d in diagnostics if "can't run policy" in d.message and d.enforcement == "mandatory"
    ]
    return [d.message for d in diagnostics if d.enforcement == "mandatory"]


def run(
    resource: Resource, config: dict[str, Any] | None = None, stack: dict[str, str] = STACK
) -> list[str]:
    return mandatory(analyze(rule.POLICY, resource, {rule.NAME: config} if config else None, stack))


def trust_policy(*principals: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": "AssumeFromOwnAccounts",
        "Effect": "Allow",
        "Principal": {"AWS": list(principals)},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def role(policy: Any, provider: Any = AWS) -> Resource:
    return Resource("aws:iam/role:Role", "export-role", {"assumeRolePolicy": policy}, provider)


COMPLIANT_TRUST = trust_policy(f"arn:aws:iam::{OURS}:root")


def test_compliant_role_passes_as_string_and_object() -> None:
    assert run(role(json.dumps(COMPLIANT_TRUST))) == []
    assert run(role(COMPLIANT_TRUST)) == []


def test_trust_comes_from_the_stack_config_never_from_the_provider() -> None:
    # The stack's config sends list config JSON-encoded.
    default = aws_provider("us-east-1", allowedAccountIds=json.dumps([OURS]))
    assert run(role(json.dumps(COMPLIANT_TRUST), default)) == []
    # A partner account listed on the program's provider gains nothing.
    partner = aws_provider("us-east-1", name="partner", allowedAccountIds=[OURS, OTHER])
    [message] = run(role(trust_policy(OTHER), partner))
    assert f"grants account {OTHER}" in message


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (trust_policy(OTHER), f"grants account {OTHER}"),
        (trust_policy(f"arn:aws:iam::{OTHER}:role/partner"), f"grants account {OTHER}"),
        (trust_policy("*"), "grants principal '*' with no condition pinning"),
        (
            {"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": OURS}, "Action": "*"}]},
            "NotPrincipal",
        ),
        ("{this is not json", "not valid JSON"),
    ],
    ids=["foreign-account", "foreign-role-arn", "star", "not-principal", "unparseable"],
)
def test_violating_trust_policies(policy: Any, expected: str) -> None:
    [message] = run(role(json.dumps(policy) if isinstance(policy, dict) else policy))
    assert "`assumeRolePolicy`" in message and expected in message
    assert "Fix:" in message


def test_foreign_message_lists_trusted_accounts_and_empty_trust_says_so() -> None:
    [message] = run(role(trust_policy(OTHER)))
    assert f"Trusted accounts: {OURS}" in message
    # The provider's own allowedAccountIds trust nothing: only the stack or policy config does.
    [message] = run(role(COMPLIANT_TRUST), stack={})
    assert "No account is trusted" in message


def test_pack_config_trusts_more_accounts_and_organizations() -> None:
    assert run(role(trust_policy(OTHER)), {"trustedAccountIds": [OTHER]}) == []
    pinned = trust_policy("*", condition={"StringEquals": {"aws:PrincipalOrgID": ORG}})
    assert len(run(role(pinned))) == 1
    assert run(role(pinned), {"trustedOrganizationIds": [ORG]}) == []


def test_bad_pack_config_is_refused() -> None:
    with pytest.raises(ConfigRejected, match="trustedAccountIds"):
        run(role(COMPLIANT_TRUST), {"trustedAccountIds": ["12"]})


TOPIC_POLICY = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": "*",
            "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:events:us-east-1:{OURS}:rule/*"}},
        }
    ]
}


@pytest.mark.parametrize(
    ("resource_type", "field"),
    [
        ("aws:s3/bucketPolicy:BucketPolicy", "policy"),
        ("aws:kms/key:Key", "policy"),
        ("aws:sns/topicPolicy:TopicPolicy", "policy"),
        ("aws:sqs/queue:Queue", "policy"),
        ("aws:backup/vaultPolicy:VaultPolicy", "policy"),
        ("aws:secretsmanager/secretPolicy:SecretPolicy", "policy"),
        ("aws:ecr/repositoryPolicy:RepositoryPolicy", "policy"),
        ("aws:glacier/vault:Vault", "accessPolicy"),
        ("aws:opensearch/domain:Domain", "accessPolicies"),
        ("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "policyDocument"),
        ("aws:s3tables/tableBucketPolicy:TableBucketPolicy", "resourcePolicy"),
    ],
)
def test_resource_policies_of_every_kind(resource_type: str, field: str) -> None:
    compliant = Resource(resource_type, "r", {field: json.dumps(TOPIC_POLICY)}, AWS)
    assert run(compliant) == []
    foreign = json.loads(json.dumps(TOPIC_POLICY))
    foreign["Statement"][0]["Principal"] = {"AWS": OTHER}
    del foreign["Statement"][0]["Condition"]
    [message] = run(Resource(resource_type, "r", {field: json.dumps(foreign)}, AWS))
    assert f"`{field}`" in message and OTHER in message
    unpinned = json.loads(json.dumps(TOPIC_POLICY))
    del unpinned["Statement"][0]["Condition"]
    [message] = run(Resource(resource_type, "r", {field: json.dumps(unpinned)}, AWS))
    assert "'events.amazonaws.com'" in message and "confused deputy" in message
    assert "aws:SourceAccount" in message.split("Fix:")[1]


def test_nested_policy_field() -> None:
    foreign = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*"}]}
    mrap = "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy"
    props = {"details": {"name": "m", "policy": json.dumps(foreign)}}
    assert len(run(Resource(mrap, "m", props, AWS))) == 1


def test_types_outside_the_tables_are_not_read() -> None:
    # An identity policy document has no principal; a lifecycle "policy" is not IAM at all.
    lifecycle = Resource("aws:ecr/lifecyclePolicy:LifecyclePolicy", "l", {"policy": "{bad"}, AWS)
    assert run(lifecycle) == []


# Direct principal grants: one compliant fixture per type, one field changed per case.
LAMBDA_PERMISSION = {
    "action": "lambda:InvokeFunction",
    "function": "fn",
    "principal": "s3.amazonaws.com",
    "sourceAccount": OURS,
}


@pytest.mark.parametrize(
    ("change", "violations"),
    [
        ({}, 0),
        ({"principal": OURS}, 0),
        ({"principal": OTHER, "sourceAccount": None}, 1),
        ({"principal": "*", "sourceAccount": None}, 1),
        ({"principal": "*"}, 0),  # pinned by sourceAccount
        ({"principal": "*", "sourceAccount": None, "principalOrgId": ORG}, 1),  # org not trusted
        ({"principal": f"arn:aws:iam::{OTHER}:role/x", "sourceAccount": OTHER}, 1),
        # A service principal needs its source pinned (the confused deputy).
        ({"sourceAccount": None}, 1),
        ({"sourceAccount": OTHER}, 1),
        ({"sourceAccount": None, "sourceArn": "arn:aws:s3:::uploads"}, 0),
        ({"sourceAccount": None, "sourceArn": "arn:aws:s3:::*"}, 1),
        (
            {
                "principal": "events.amazonaws.com",
                "sourceAccount": None,
                "sourceArn": f"arn:aws:events:us-east-1:{OURS}:rule/nightly",
            },
            0,
        ),
        (
            {
                "principal": "events.amazonaws.com",
                "sourceAccount": None,
                "sourceArn": f"arn:aws:events:us-east-1:{OTHER}:rule/nightly",
            },
            1,
        ),
        # The organization is not trusted here.
        (
            {"principal": "apigateway.amazonaws.com", "sourceAccount": None, "principalOrgId": ORG},
            1,
        ),
    ],
)
def test_lambda_permission(change: dict[str, Any], violations: int) -> None:
    props = {k: v for k, v in {**LAMBDA_PERMISSION, **change}.items() if v is not None}
    resource = Resource("aws:lambda/permission:Permission", "invoke", props, AWS)
    assert len(run(resource)) == violations


@pytest.mark.parametrize(
    ("resource_type", "field", "trusted", "foreign"),
    [
        ("aws:kms/grant:Grant", "granteePrincipal", f"arn:aws:iam::{OURS}:role/a", OTHER),
        (
            "aws:ram/principalAssociation:PrincipalAssociation",
            "principal",
            OURS,
            f"arn:aws:organizations::{OTHER}:organization/o-zzzzzzzzzz",
        ),
        ("aws:cloudwatch/eventPermission:EventPermission", "principal", OURS, "*"),
        (
            "aws:ec2/vpcEndpointService:VpcEndpointService",
            "allowedPrincipals",
            [f"arn:aws:iam::{OURS}:root"],
            [f"arn:aws:iam::{OURS}:root", f"arn:aws:iam::{OTHER}:root"],
        ),
        ("aws:ec2transitgateway/peeringAttachment:PeeringAttachment", "peerAccountId", OURS, OTHER),
        ("aws:lakeformation/permissions:Permissions", "principal", "IAM_ALLOWED_PRINCIPALS", OTHER),
    ],
)
def test_direct_grants(resource_type: str, field: str, trusted: Any, foreign: Any) -> None:
    assert run(Resource(resource_type, "g", {field: trusted}, AWS)) == []
    [message] = run(Resource(resource_type, "g", {field: foreign}, AWS))
    assert f"`{field}`" in message


def test_ram_share_with_trusted_organization() -> None:
    org_arn = f"arn:aws:organizations::{OURS}:organization/{ORG}"
    share = Resource(
        "aws:ram/principalAssociation:PrincipalAssociation", "s", {"principal": org_arn}, AWS
    )
    assert len(run(share)) == 1
    assert run(share, {"trustedOrganizationIds": [ORG]}) == []


def event_permission(principal: Any, condition: Any = None, **props: Any) -> Resource:
    inputs = {"principal": principal, "statementId": "OrgPut", "eventBusName": "default", **props}
    if condition is not None:
        inputs["condition"] = condition
    return Resource("aws:cloudwatch/eventPermission:EventPermission", "org-put", inputs, AWS)


def org_condition(org: Any, key: str = "aws:PrincipalOrgID", kind: str = "StringEquals") -> Any:
    return {"key": key, "type": kind, "value": org}


def test_event_permission_to_everyone_in_a_trusted_organization_passes() -> None:
    """The documented org-wide grant: its condition is read as the bus policy's condition."""
    grant = event_permission("*", org_condition(ORG))
    assert run(grant, {"trustedOrganizationIds": [ORG]}) == []


@pytest.mark.parametrize(
    ("grant", "config"),
    [
        # The organization the program names is not trusted by that alone.
        (event_permission("*", org_condition(ORG)), None),
        (event_permission("*", org_condition("o-zzzzzzzzzz")), {"trustedOrganizationIds": [ORG]}),
        (
            event_permission("*", org_condition(ORG, kind="StringNotEquals")),
            {"trustedOrganizationIds": [ORG]},
        ),
        (
            event_permission("*", org_condition(ORG, key="aws:ResourceOrgID")),
            {"trustedOrganizationIds": [ORG]},
        ),
        (event_permission("*"), {"trustedOrganizationIds": [ORG]}),
    ],
)
def test_event_permission_with_an_untrusted_or_missing_pin_is_a_violation(
    grant: Resource, config: Any
) -> None:
    [message] = run(grant, config)
    assert "`principal`" in message


def test_event_permission_with_an_unknown_organization_fails_closed_outside_preview() -> None:
    from residency_pack.engine.props import UNKNOWN

    grant = event_permission("*", org_condition(UNKNOWN_STRING))
    assert len(run(grant, {"trustedOrganizationIds": [ORG]})) == 1
    assert rule.event_permission_statement({"principal": "*", "condition": UNKNOWN}) is UNKNOWN
    props = {"principal": OURS, "condition": org_condition(ORG)}
    statement = rule.event_permission_statement(props)
    assert statement["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{OURS}:root"}
    assert statement["Statement"][0]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": ORG}}


# OCI IAM policies.
def oci_policy(*statements: Any, provider: Any = OCI) -> Resource:
    props = {
        "compartmentId": TENANCY,
        "description": "d",
        "name": "p",
        "statements": list(statements),
    }
    return Resource("oci:Identity/policy:Policy", "policy", props, provider)


def test_oci_compliant_policy() -> None:
    assert run(oci_policy("Allow group Admins to manage buckets in compartment UserData")) == []


@pytest.mark.parametrize(
    "statements",
    [
        [
            f"Define tenancy Acme as {THEIRS}",
            "Admit group X of tenancy Acme to read objects in tenancy",
        ],
        [f"define tenancy acme as {THEIRS}"],
        ["ENDORSE GROUP Ops TO MANAGE object-family IN ANY-TENANCY"],
    ],
    ids=["admit", "define-lower-case", "endorse-any-tenancy"],
)
def test_oci_cross_tenancy_violations(statements: list[str]) -> None:
    messages = run(oci_policy(*statements))
    assert messages and all("`statements`" in m for m in messages)


def test_oci_alias_to_trusted_tenancy_and_pack_config_tenancy() -> None:
    own = [f"Define tenancy Self as {TENANCY}", "Endorse group Ops to read objects in tenancy Self"]
    assert run(oci_policy(*own)) == []
    partner = [
        f"Define tenancy Partner as {THEIRS}",
        "Endorse group Ops to read objects in tenancy Partner",
    ]
    assert len(run(oci_policy(*partner))) == 2
    assert run(oci_policy(*partner), {"trustedTenancyOcids": [THEIRS]}) == []


def test_oci_default_provider_uses_stack_tenancy() -> None:
    default = oci_provider("us-ashburn-1", tenancyOcid=TENANCY)
    assert run(oci_policy(f"Define tenancy Self as {TENANCY}", provider=default)) == []


# Unknown values.
def test_known_foreign_principal_is_reported_even_next_to_an_unknown() -> None:
    policy = trust_policy(OTHER, UNKNOWN_STRING)
    messages = run(role(policy))
    assert any(OTHER in m and "fail closed" not in m for m in messages)


def test_unknown_resource_arn_does_not_matter() -> None:
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": OURS},
                "Action": "s3:*",
                "Resource": UNKNOWN_STRING,
            }
        ]
    }
    assert run(Resource("aws:s3/bucketPolicy:BucketPolicy", "p", {"policy": policy}, AWS)) == []


# Data destinations that name an account.
DESTINATIONS: list[tuple[str, dict[str, Any], str]] = [
    (
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        {
            "bucket": "b",
            "role": "r",
            "rules": [
                {
                    "status": "Enabled",
                    "destination": {"bucket": "arn:aws:s3:::dr", "account": "{acct}"},
                }
            ],
        },
        "rules[0].destination.account",
    ),
    (
        "aws:backup/plan:Plan",
        {
            "name": "p",
            "rules": [
                {
                    "ruleName": "r",
                    "targetVaultName": "v",
                    "copyActions": [
                        {"destinationVaultArn": "arn:aws:backup:us-east-1:{acct}:backup-vault:v"}
                    ],
                }
            ],
        },
        "rules[0].copyActions[0].destinationVaultArn",
    ),
    (
        "aws:dlm/lifecyclePolicy:LifecyclePolicy",
        {
            "description": "d",
            "executionRoleArn": "r",
            "policyDetails": {
                "schedules": [{"name": "s", "shareRule": {"targetAccounts": ["{acct}"]}}]
            },
        },
        "policyDetails.schedules[0].shareRule.targetAccounts[0]",
    ),
    (
        "aws:ecr/replicationConfiguration:ReplicationConfiguration",
        {
            "replicationConfiguration": {
                "rules": [{"destinations": [{"region": "us-east-1", "registryId": "{acct}"}]}]
            }
        },
        "replicationConfiguration.rules[0].destinations[0].registryId",
    ),
    (
        "aws:dynamodb/tableExport:TableExport",
        {"tableArn": "t", "s3Bucket": "b", "s3BucketOwner": "{acct}"},
        "s3BucketOwner",
    ),
    (
        "aws:sns/topicSubscription:TopicSubscription",
        {"topic": "t", "protocol": "sqs", "endpoint": "arn:aws:sqs:us-east-1:{acct}:q"},
        "endpoint",
    ),
    (
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        {
            "logGroup": "g",
            "filterPattern": "",
            "destinationArn": "arn:aws:logs:us-east-1:{acct}:destination:d",
        },
        "destinationArn",
    ),
    (
        "aws:cloudwatch/eventTarget:EventTarget",
        {"rule": "r", "arn": "arn:aws:events:us-east-1:{acct}:event-bus/default"},
        "arn",
    ),
]


def with_account(props: dict[str, Any], account: str) -> dict[str, Any]:
    return json.loads(json.dumps(props).replace("{acct}", account))


@pytest.mark.parametrize(
    ("resource_type", "props", "where"),
    DESTINATIONS,
    ids=[d[0].split(":")[1] for d in DESTINATIONS],
)
def test_data_destinations(resource_type: str, props: dict[str, Any], where: str) -> None:
    assert run(Resource(resource_type, "d", with_account(props, OURS), AWS)) == []
    [message] = run(Resource(resource_type, "d", with_account(props, OTHER), AWS))
    assert f"`{where}` sends data to" in message and OTHER in message


def test_destinations_without_an_account_are_not_judged() -> None:
    email = {"topic": "t", "protocol": "email", "endpoint": "ops@example.com"}
    assert run(Resource("aws:sns/topicSubscription:TopicSubscription", "s", email, AWS)) == []


def test_unknown_destination_is_reported() -> None:
    props = {
        "name": "p",
        "rules": [{"ruleName": "r", "copyActions": [{"destinationVaultArn": UNKNOWN_STRING}]}],
    }
    [message] = run(Resource("aws:backup/plan:Plan", "p", props, AWS))
    assert "`rules[0].copyActions[0].destinationVaultArn` is unknown" in message
