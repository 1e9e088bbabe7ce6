"""Table-driven tests of the AWS policy-document reader (engine/iam_policy.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy
from residency_pack.engine.iam_policy import (
    Kind,
    Trust,
    account_of,
    foreign_access,
    glob_covers,
    principal_verdict,
)
from residency_pack.engine.props import get

OURS = "111111111111"
OTHER = "999999999999"
ORG = "o-ourorg1234"
# The federation the platform team vouches for (trustedFederatedSubjects).
FEDERATED_SUBJECTS = {
    "token.actions.githubusercontent.com": ["repo:us/*"],
    "oidc.eks.us-east-1.amazonaws.com/id/*": ["system:serviceaccount:payments:*"],
    "cognito-identity.amazonaws.com": ["us-east-1:pool"],
}
TRUST = Trust.of([OURS, "222222222222"], [ORG], FEDERATED_SUBJECTS)


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(principal: Any, condition: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:GetObject",
    }
    statement["Resource"] = "arn:aws:s3:::bucket/*"
    if condition is not None:
        statement["Condition"] = condition
    statement.update(extra)
    return statement


GITHUB = "token.actions.githubusercontent.com"
GITHUB_PROVIDER = f"arn:aws:iam::{OURS}:oidc-provider/{GITHUB}"
EKS = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
EKS_PROVIDER = f"arn:aws:iam::{OURS}:oidc-provider/{EKS}"

# (case id, document, expected kinds in order)
CASES: list[tuple[str, Any, list[Kind]]] = [
    ("own-account-id", doc(allow({"AWS": OURS})), []),
    ("own-account-root-arn", doc(allow({"AWS": f"arn:aws:iam::{OURS}:root"})), []),
    ("own-role-arn", doc(allow({"AWS": [f"arn:aws:iam::{OURS}:role/app"]})), []),
    ("second-trusted-account", doc(allow({"AWS": "222222222222"})), []),
    ("sts-assumed-role", doc(allow({"AWS": f"arn:aws:sts::{OURS}:assumed-role/r/s"})), []),
    ("foreign-account-id", doc(allow({"AWS": OTHER})), [Kind.FOREIGN]),
    ("foreign-role-arn", doc(allow({"AWS": f"arn:aws:iam::{OTHER}:role/x"})), [Kind.FOREIGN]),
    (
        "one-foreign-among-trusted",
        doc(allow({"AWS": [OURS, f"arn:aws:iam::{OTHER}:root"]})),
        [Kind.FOREIGN],
    ),
    # Service principals in a resource policy need a source pin (the confused deputy).
    (
        "service-principal-unpinned",
        doc(allow({"Service": "cloudtrail.amazonaws.com"})),
        [Kind.UNPINNED_SERVICE],
    ),
    (
        "service-principal-china-unpinned",
        doc(allow({"Service": "ec2.amazonaws.com.cn"})),
        [Kind.UNPINNED_SERVICE],
    ),
    (
        "cloudfront-oac-pinned-by-distribution-arn",
        doc(
            allow(
                {"Service": "cloudfront.amazonaws.com"},
                {"StringEquals": {"AWS:SourceArn": f"arn:aws:cloudfront::{OURS}:distribution/E1"}},
            )
        ),
        [],
    ),
    (
        "cloudfront-oac-distribution-of-another-account",
        doc(
            allow(
                {"Service": "cloudfront.amazonaws.com"},
                {"StringEquals": {"AWS:SourceArn": f"arn:aws:cloudfront::{OTHER}:distribution/E1"}},
            )
        ),
        [Kind.UNPINNED_SERVICE],
    ),
    (
        "cloudfront-oac-any-distribution-of-any-account",
        doc(
            allow(
                {"Service": "cloudfront.amazonaws.com"},
                {"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::*:distribution/*"}},
            )
        ),
        [Kind.UNPINNED_SERVICE],
    ),
    (
        "server-access-logging-pinned-by-source-account",
        doc(
            allow(
                {"Service": "logging.s3.amazonaws.com"},
                {
                    "ArnLike": {"aws:SourceArn": "arn:aws:s3:::source-bucket"},
                    "StringEquals": {"aws:SourceAccount": OURS},
                },
                Action="s3:PutObject",
            )
        ),
        [],
    ),
    (
        "server-access-logging-pinned-by-one-literal-bucket",
        doc(
            allow(
                {"Service": "logging.s3.amazonaws.com"},
                {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::source-bucket"}},
                Action="s3:PutObject",
            )
        ),
        [],
    ),
    (
        "server-access-logging-any-bucket",
        doc(
            allow(
                {"Service": "logging.s3.amazonaws.com"},
                {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}},
                Action="s3:PutObject",
            )
        ),
        [Kind.UNPINNED_SERVICE],
    ),
    (
        "service-pinned-by-source-org",
        doc(allow({"Service": "config.amazonaws.com"}, {"StringEquals": {"aws:SourceOrgID": ORG}})),
        [],
    ),
    (
        "service-pin-with-ifexists-pins-nothing",
        doc(
            allow(
                {"Service": "sns.amazonaws.com"},
                {"StringEqualsIfExists": {"aws:SourceAccount": OURS}},
            )
        ),
        [Kind.UNPINNED_SERVICE],
    ),
    (
        "logs-key-policy-pinned-by-encryption-context",
        doc(
            allow(
                {"Service": "logs.us-east-1.amazonaws.com"},
                {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-east-1:{OURS}:*"
                    }
                },
                Action=["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"],
                Resource="*",
            )
        ),
        [],
    ),
    (
        "logs-key-policy-encryption-context-of-another-account",
        doc(
            allow(
                {"Service": "logs.us-east-1.amazonaws.com"},
                {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-east-1:{OTHER}:*"
                    }
                },
                Action="kms:Decrypt*",
                Resource="*",
            )
        ),
        [Kind.UNPINNED_SERVICE],
    ),
    (
        "encryption-context-does-not-pin-an-aws-principal",
        doc(
            allow(
                {"AWS": "*"},
                {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:*:{OURS}:*"}},
                Action="kms:Decrypt",
            )
        ),
        [Kind.PUBLIC],
    ),
    (
        "service-describing-the-key-needs-no-pin",
        doc(allow({"Service": "cloudtrail.amazonaws.com"}, Action="kms:DescribeKey", Resource="*")),
        [],
    ),
    (
        "log-delivery-acl-check-needs-no-pin",
        doc(allow({"Service": "delivery.logs.amazonaws.com"}, Action="s3:GetBucketAcl")),
        [],
    ),
    (
        "cloudfront-log-delivery-may-generate-data-keys",
        doc(
            allow(
                {"Service": "delivery.logs.amazonaws.com"},
                Action="kms:GenerateDataKey*",
                Resource="*",
            )
        ),
        [],
    ),
    (
        "unpinned-service-may-not-decrypt",
        doc(
            allow(
                {"Service": "delivery.logs.amazonaws.com"},
                Action=["kms:GenerateDataKey*", "kms:Decrypt"],
                Resource="*",
            )
        ),
        [Kind.UNPINNED_SERVICE],
    ),
    (
        "not-action-is-not-harmless",
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "NotAction": "kms:Decrypt",
                    "Resource": "*",
                }
            ]
        },
        [Kind.UNPINNED_SERVICE],
    ),
    # The ALB access-log bucket policy, as AWS documents it (ELB User Guide,
    # enable-access-logging.html): the region's ELB account, or the log-delivery service
    # principal, may put objects under AWSLogs/<your account>/.
    (
        "alb-access-logs-elb-account",
        doc(
            allow(
                {"AWS": "arn:aws:iam::127311923021:root"},
                Action="s3:PutObject",
                Resource=f"arn:aws:s3:::alb-logs/prefix/AWSLogs/{OURS}/*",
            )
        ),
        [],
    ),
    (
        "alb-access-logs-service-principal-no-prefix",
        doc(
            allow(
                {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
                Action="s3:PutObject",
                Resource=f"arn:aws:s3:::alb-logs/AWSLogs/{OURS}/*",
            )
        ),
        [],
    ),
    (
        "alb-access-logs-for-another-accounts-load-balancers",
        doc(
            allow(
                {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
                Action="s3:PutObject",
                Resource=f"arn:aws:s3:::alb-logs/AWSLogs/{OTHER}/*",
            )
        ),
        [Kind.UNPINNED_SERVICE],
    ),
    (
        "alb-access-logs-whole-bucket",
        doc(
            allow(
                {"AWS": "arn:aws:iam::127311923021:root"},
                Action="s3:PutObject",
                Resource="arn:aws:s3:::alb-logs/*",
            )
        ),
        [Kind.FOREIGN],
    ),
    (
        "elb-account-may-not-read",
        doc(
            allow(
                {"AWS": "arn:aws:iam::127311923021:root"},
                Action=["s3:PutObject", "s3:GetObject"],
                Resource=f"arn:aws:s3:::alb-logs/AWSLogs/{OURS}/*",
            )
        ),
        [Kind.FOREIGN],
    ),
    (
        "wildcard-before-the-account-is-not-scoped",
        doc(
            allow(
                {"Service": "delivery.logs.amazonaws.com"},
                Action="s3:PutObject",
                Resource=f"arn:aws:s3:::alb-logs/*/AWSLogs/{OURS}/*",
            )
        ),
        [Kind.UNPINNED_SERVICE],
    ),
    (
        "cloudtrail-write-under-own-awslogs",
        doc(
            allow(
                {"Service": "cloudtrail.amazonaws.com"},
                {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
                Action="s3:PutObject",
                Resource=f"arn:aws:s3:::trail-logs/AWSLogs/{OURS}/*",
            )
        ),
        [],
    ),
    (
        "cloudtrail-write-anywhere-in-the-bucket",
        doc(
            allow(
                {"Service": "cloudtrail.amazonaws.com"},
                Action="s3:PutObject",
                Resource="arn:aws:s3:::trail-logs/*",
            )
        ),
        [Kind.UNPINNED_SERVICE],
    ),
    (
        "the-scoped-write-is-not-for-other-services",
        doc(
            allow(
                {"Service": "cloudfront.amazonaws.com"},
                Action="s3:PutObject",
                Resource=f"arn:aws:s3:::alb-logs/AWSLogs/{OURS}/*",
            )
        ),
        [Kind.UNPINNED_SERVICE],
    ),
    # "Delegate access control to access points" (S3 User Guide).
    (
        "delegate-to-access-points-of-own-account",
        doc(
            allow(
                {"AWS": "*"},
                {"StringEquals": {"s3:DataAccessPointAccount": OURS}},
                Action="*",
                Resource=["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"],
            )
        ),
        [],
    ),
    (
        "delegate-to-access-points-of-another-account",
        doc(
            allow(
                {"AWS": "*"},
                {"StringEquals": {"s3:DataAccessPointAccount": OTHER}},
                Action="*",
            )
        ),
        [Kind.PUBLIC],
    ),
    ("service-wildcard", doc(allow({"Service": "*"})), [Kind.PUBLIC]),
    ("bare-star", doc(allow("*")), [Kind.PUBLIC]),
    ("aws-star", doc(allow({"AWS": "*"})), [Kind.PUBLIC]),
    ("account-wildcard-arn", doc(allow({"AWS": "arn:aws:iam::*:root"})), [Kind.PUBLIC]),
    (
        "star-pinned-by-org-id",
        doc(allow("*", {"StringEquals": {"aws:PrincipalOrgID": ORG}})),
        [],
    ),
    (
        "star-pinned-case-insensitive-key",
        doc(allow({"AWS": "*"}, {"StringEquals": {"AWS:principalorgid": [ORG]}})),
        [],
    ),
    (
        "star-pinned-by-principal-account",
        doc(allow("*", {"StringEquals": {"aws:PrincipalAccount": [OURS, "222222222222"]}})),
        [],
    ),
    (
        "star-pinned-by-source-account",
        doc(allow("*", {"StringEquals": {"aws:SourceAccount": OURS}})),
        [],
    ),
    ("star-pinned-by-source-owner", doc(allow("*", {"StringLike": {"aws:SourceOwner": OURS}})), []),
    (
        "star-pinned-by-principal-arn",
        doc(allow("*", {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{OURS}:role/*"}})),
        [],
    ),
    (
        "star-pinned-by-org-path",
        doc(allow("*", {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": f"{ORG}/r-ab12/*"}})),
        [],
    ),
    (
        "star-org-id-of-another-org",
        doc(allow("*", {"StringEquals": {"aws:PrincipalOrgID": "o-theirs"}})),
        [Kind.PUBLIC],
    ),
    (
        "star-pin-lists-a-foreign-account",
        doc(allow("*", {"StringEquals": {"aws:PrincipalAccount": [OURS, OTHER]}})),
        [Kind.PUBLIC],
    ),
    (
        "star-pin-with-ifexists-pins-nothing",
        doc(allow("*", {"StringEqualsIfExists": {"aws:PrincipalOrgID": ORG}})),
        [Kind.PUBLIC],
    ),
    (
        "star-pin-negated-pins-nothing",
        doc(allow("*", {"StringNotEquals": {"aws:PrincipalOrgID": ORG}})),
        [Kind.PUBLIC],
    ),
    (
        "star-pin-wildcard-org",
        doc(allow("*", {"StringLike": {"aws:PrincipalOrgID": "o-*"}})),
        [Kind.PUBLIC],
    ),
    (
        "star-with-ip-condition-only",
        doc(allow("*", {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
        [Kind.PUBLIC],
    ),
    ("deny-star-is-fine", doc({"Effect": "Deny", "Principal": "*", "Action": "*"}), []),
    (
        "not-principal-allow",
        doc({"Effect": "Allow", "NotPrincipal": {"AWS": OURS}}),
        [Kind.NOT_PRINCIPAL],
    ),
    ("not-principal-deny", doc({"Effect": "Deny", "NotPrincipal": {"AWS": OURS}}), []),
    (
        "identity-policy-no-principal",
        doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
        [],
    ),
    ("single-statement-object", {"Statement": allow({"AWS": OTHER})}, [Kind.FOREIGN]),
    ("no-statement", {"Version": "2012-10-17"}, []),
    ("cloudfront-oai", doc(allow({"AWS": "arn:aws:iam::cloudfront:user/CloudFront OAI E1"})), []),
    (
        "canonical-user",
        doc(allow({"CanonicalUser": "79a59df900b949e55d96a1e698fbace"})),
        [Kind.UNVERIFIABLE],
    ),
    ("unique-id", doc(allow({"AWS": "AROAEXAMPLEID"})), [Kind.UNVERIFIABLE]),
    ("service-name-under-aws", doc(allow({"AWS": "s3.amazonaws.com"})), [Kind.UNVERIFIABLE]),
    ("unknown-principal-category", doc(allow({"Martian": "x"})), [Kind.UNPARSEABLE]),
    ("plain-string-arn-principal", doc(allow(f"arn:aws:iam::{OURS}:root")), [Kind.UNPARSEABLE]),
    ("effect-misspelled", doc({"Effect": "allow", "Principal": "*"}), [Kind.UNPARSEABLE]),
    ("statement-not-object", doc("oops"), [Kind.UNPARSEABLE]),  # type: ignore[arg-type]
    ("statement-not-list", {"Statement": 5}, [Kind.UNPARSEABLE]),
    ("document-not-object", ["not", "a", "policy"], [Kind.UNPARSEABLE]),
    # Federated principals.
    ("saml-provider-own", doc(allow({"Federated": f"arn:aws:iam::{OURS}:saml-provider/Okta"})), []),
    (
        "saml-provider-foreign",
        doc(allow({"Federated": f"arn:aws:iam::{OTHER}:saml-provider/Okta"})),
        [Kind.FOREIGN],
    ),
    (
        "oidc-with-sub",
        doc(
            allow(
                {"Federated": GITHUB_PROVIDER}, {"StringLike": {f"{GITHUB}:sub": "repo:us/app:*"}}
            )
        ),
        [],
    ),
    (
        "oidc-without-sub",
        doc(
            allow(
                {"Federated": GITHUB_PROVIDER},
                {"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"}},
            )
        ),
        [Kind.FOREIGN],
    ),
    (
        "oidc-sub-bare-wildcard",
        doc(allow({"Federated": GITHUB_PROVIDER}, {"StringLike": {f"{GITHUB}:sub": "*"}})),
        [Kind.FOREIGN],
    ),
    *(
        (
            f"github-sub-{sub}",
            doc(allow({"Federated": GITHUB_PROVIDER}, {"StringLike": {f"{GITHUB}:sub": sub}})),
            [Kind.FOREIGN],
        )
        for sub in ("repo:*", "repo:us/*", "repo:us/*:*", "repo:*/app:*", "repo:u?/app:*", "us/app")
    ),
    *(
        (
            f"github-sub-{sub}",
            doc(allow({"Federated": GITHUB_PROVIDER}, {"StringLike": {f"{GITHUB}:sub": sub}})),
            [],
        )
        for sub in ("repo:us/app:ref:refs/heads/main", "repo:us/app", "repo:us/app:environment:*")
    ),
    (
        "github-one-loose-value-among-pinned-ones",
        doc(
            allow(
                {"Federated": GITHUB_PROVIDER},
                {"StringLike": {f"{GITHUB}:sub": ["repo:us/app:*", "repo:*"]}},
            )
        ),
        [Kind.FOREIGN],
    ),
    (
        "github-wildcard-audience",
        doc(
            allow(
                {"Federated": GITHUB_PROVIDER},
                {"StringLike": {f"{GITHUB}:sub": "repo:us/app:*", f"{GITHUB}:aud": "*"}},
            )
        ),
        [Kind.FOREIGN],
    ),
    (
        "github-literal-audience",
        doc(
            allow(
                {"Federated": GITHUB_PROVIDER},
                {
                    "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                    "StringLike": {f"{GITHUB}:sub": "repo:us/app:*"},
                },
            )
        ),
        [],
    ),
    *(
        (
            f"eks-sub-{sub}",
            doc(allow({"Federated": EKS_PROVIDER}, {"StringLike": {f"{EKS}:sub": sub}})),
            expected,
        )
        for sub, expected in (
            ("system:serviceaccount:payments:api", []),
            ("system:serviceaccount:payments:*", []),
            ("system:*", [Kind.FOREIGN]),
            ("*:serviceaccount:payments:api", [Kind.FOREIGN]),
        )
    ),
    (
        "cognito-wildcard-aud",
        doc(
            allow(
                {"Federated": "cognito-identity.amazonaws.com"},
                {"StringLike": {"cognito-identity.amazonaws.com:aud": "us-east-1:*"}},
            )
        ),
        [Kind.FOREIGN],
    ),
    ("google", doc(allow({"Federated": "accounts.google.com"})), [Kind.FOREIGN]),
    # Pinned literally, but to a repository / pool / namespace nobody declared.
    (
        "github-sub-of-another-organization",
        doc(
            allow(
                {"Federated": GITHUB_PROVIDER},
                {"StringEquals": {f"{GITHUB}:sub": "repo:partner/data-sync:ref:refs/heads/main"}},
            )
        ),
        [Kind.UNDECLARED_FEDERATION],
    ),
    (
        "github-one-declared-clause-restricts-the-role",
        doc(
            allow(
                {"Federated": GITHUB_PROVIDER},
                {
                    "StringEquals": {f"{GITHUB}:sub": "repo:us/app:ref:refs/heads/main"},
                    "StringLike": {f"{GITHUB}:sub": "repo:partner/*:*"},
                },
            )
        ),
        [],
    ),
    (
        "eks-sub-other-namespace",
        doc(
            allow(
                {"Federated": EKS_PROVIDER},
                {"StringEquals": {f"{EKS}:sub": "system:serviceaccount:kube-system:x"}},
            )
        ),
        [Kind.UNDECLARED_FEDERATION],
    ),
    (
        "cognito-literal-pool-not-declared",
        doc(
            allow(
                {"Federated": "cognito-identity.amazonaws.com"},
                {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:0b5c7a9e-1"}},
            )
        ),
        [Kind.UNDECLARED_FEDERATION],
    ),
    (
        "cognito-without-aud",
        doc(allow({"Federated": "cognito-identity.amazonaws.com"})),
        [Kind.FOREIGN],
    ),
    # A declared pool without an amr condition admits its guests too: anyone on the internet.
    (
        "cognito-with-aud-and-no-amr",
        doc(
            allow(
                {"Federated": "cognito-identity.amazonaws.com"},
                {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"}},
            )
        ),
        [Kind.PUBLIC],
    ),
    *(
        (
            f"cognito-amr-{operator}-{amr}",
            doc(
                allow(
                    {"Federated": "cognito-identity.amazonaws.com"},
                    {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"},
                        operator: {"cognito-identity.amazonaws.com:amr": amr},
                    },
                )
            ),
            expected,
        )
        for operator, amr, expected in (
            ("ForAnyValue:StringLike", "authenticated", []),
            (
                "ForAnyValue:StringLike",
                ["authenticated", "cognito-idp.us-east-1.amazonaws.com"],
                [],
            ),
            ("ForAnyValue:StringLike", "unauthenticated", [Kind.PUBLIC]),
            ("ForAnyValue:StringLike", "*", [Kind.PUBLIC]),
            ("ForAnyValue:StringLike", "*authenticated", [Kind.PUBLIC]),
            ("ForAnyValue:StringLike", ["authenticated", "unauthenticated"], [Kind.PUBLIC]),
            ("StringNotEquals", "authenticated", [Kind.PUBLIC]),  # a negation pins nothing
        )
    ),
    (
        "two-statements-two-findings",
        doc(allow({"AWS": OTHER}, Sid="A"), allow("*", Sid="B")),
        [Kind.FOREIGN, Kind.PUBLIC],
    ),
]


@pytest.mark.parametrize(
    ("document", "expected"), [(d, e) for _, d, e in CASES], ids=[c[0] for c in CASES]
)
def test_policy_object(document: Any, expected: list[Kind]) -> None:
    assert [f.kind for f in foreign_access(document, TRUST)] == expected


@pytest.mark.parametrize(
    ("document", "expected"), [(d, e) for _, d, e in CASES], ids=[c[0] for c in CASES]
)
def test_policy_json_string_reads_the_same(document: Any, expected: list[Kind]) -> None:
    assert [f.kind for f in foreign_access(json.dumps(document), TRUST)] == expected


def test_no_federated_subjects_declared_trusts_no_federation() -> None:
    document = doc(
        allow({"Federated": GITHUB_PROVIDER}, {"StringEquals": {f"{GITHUB}:sub": "repo:us/app"}})
    )
    [finding] = foreign_access(document, Trust.of([OURS], [ORG]))
    assert finding.kind is Kind.UNDECLARED_FEDERATION
    assert "nothing is declared for 'token.actions.githubusercontent.com'" in finding.detail
    assert foreign_access(document, Trust.of([OURS], [ORG], {GITHUB: ["repo:us/app"]})) == []


@pytest.mark.parametrize(
    ("pattern", "value", "covered"),
    [
        ("repo:us/*", "repo:us/app:ref:refs/heads/main", True),
        ("repo:us/*", "repo:us/app:*", True),
        ("repo:us/*", "repo:partner/app", False),
        ("repo:us/app:?", "repo:us/app:*", False),
        ("repo:us/app:*", "repo:us/app:?", True),
        ("repo:us/app", "repo:us/*", False),
        ("repo:us/*", "repo:us/${aws:username}", True),
        ("repo:us/app", "repo:us/${aws:username}", False),
    ],
)
def test_glob_covers(pattern: str, value: str, covered: bool) -> None:
    assert glob_covers(pattern, value) is covered


def test_policy_through_the_sdk_proxy_reads_the_same() -> None:
    props = unknown_checking_proxy({"policy": doc(allow({"AWS": OTHER}), allow({"AWS": OURS}))})
    findings = foreign_access(props["policy"], TRUST)
    assert [(f.kind, f.principal) for f in findings] == [(Kind.FOREIGN, repr(OTHER))]


def test_message_names_statement_and_account() -> None:
    [finding] = foreign_access(doc(allow({"AWS": OTHER}, Sid="CrossAccount")), TRUST)
    assert "'CrossAccount'" in finding.message and OTHER in finding.message


@pytest.mark.parametrize("text", ["{not json", "[1, 2", "null x"])
def test_invalid_json_fails_closed(text: str) -> None:
    [finding] = foreign_access(text, TRUST)
    assert finding.kind is Kind.UNPARSEABLE
    assert "not valid JSON" in finding.detail


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_absent_policy_grants_nothing(empty: Any) -> None:
    assert foreign_access(empty, TRUST) == []


def test_no_trusted_accounts_makes_every_account_foreign() -> None:
    findings = foreign_access(doc(allow({"AWS": OURS})), Trust.of([]))
    assert [f.kind for f in findings] == [Kind.FOREIGN]


# Unknown values (preview): a document whose deciding value is unknown reports UNKNOWN; what
# does not decide is resolved without it.
UNKNOWN_CASES: list[tuple[str, Any, list[Kind]]] = [
    ("whole-document-string", UNKNOWN_STRING_VALUE, [Kind.UNKNOWN]),
    ("statement-list", {"Statement": UNKNOWN_STRING_VALUE}, [Kind.UNKNOWN]),
    ("one-statement", doc(allow({"AWS": OURS}), UNKNOWN_STRING_VALUE), [Kind.UNKNOWN]),  # type: ignore[arg-type]
    ("principal", doc(allow({"AWS": UNKNOWN_STRING_VALUE})), [Kind.UNKNOWN]),
    ("principal-in-list", doc(allow({"AWS": [OURS, UNKNOWN_STRING_VALUE]})), [Kind.UNKNOWN]),
    ("effect", doc({"Effect": UNKNOWN_STRING_VALUE, "Principal": {"AWS": OURS}}), [Kind.UNKNOWN]),
    (
        "pinning-condition-value",
        doc(allow("*", {"StringEquals": {"aws:PrincipalOrgID": UNKNOWN_STRING_VALUE}})),
        [Kind.UNKNOWN],
    ),
    # Resolved despite the unknown: the resource ARN does not decide who is let in...
    ("unknown-resource", doc(allow({"AWS": OURS}, Resource=UNKNOWN_STRING_VALUE)), []),
    # ...a deny statement never grants...
    ("unknown-in-deny", doc({"Effect": "Deny", "Principal": UNKNOWN_STRING_VALUE}), []),
    # ...a trusted pin covers an unknown principal...
    (
        "pinned-unknown-principal",
        doc(allow({"AWS": UNKNOWN_STRING_VALUE}, {"StringEquals": {"aws:PrincipalOrgID": ORG}})),
        [],
    ),
    # ...and a known foreign principal is foreign whatever else is unknown.
    (
        "known-foreign-next-to-unknown",
        doc(allow({"AWS": [OTHER, UNKNOWN_STRING_VALUE]})),
        [Kind.FOREIGN, Kind.UNKNOWN],
    ),
]


@pytest.mark.parametrize(
    ("document", "expected"),
    [(d, e) for _, d, e in UNKNOWN_CASES],
    ids=[c[0] for c in UNKNOWN_CASES],
)
def test_unknown_values(document: Any, expected: list[Kind]) -> None:
    # Read the way rules read: through props.get, which never raises on the proxy.
    wrapped = unknown_checking_proxy({"policy": document})
    assert [f.kind for f in foreign_access(get(wrapped, "policy"), TRUST)] == expected


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        (OURS, None),
        (f"arn:aws:iam::{OURS}:role/x", None),
        ("s3.amazonaws.com", None),
        (OTHER, Kind.FOREIGN),
        (f"arn:aws:iam::{OTHER}:root", Kind.FOREIGN),
        ("*", Kind.PUBLIC),
        ("arn:aws:iam::*:root", Kind.PUBLIC),
        ("AIDAEXAMPLE", Kind.UNVERIFIABLE),
        ("", Kind.UNPARSEABLE),
        (UNKNOWN_STRING_VALUE, Kind.UNKNOWN),
    ],
)
def test_single_principal_verdict(principal: str, expected: Kind | None) -> None:
    assert principal_verdict(principal, TRUST) is expected


@pytest.mark.parametrize(
    ("value", "account"),
    [
        (OURS, OURS),
        (f"arn:aws:iam::{OTHER}:role/x", OTHER),
        ("arn:aws:s3:::bucket", None),
        ("arn:aws:iam::*:root", None),
        ("not-an-arn", None),
    ],
)
def test_account_of(value: str, account: str | None) -> None:
    assert account_of(value) == account


def test_a_trust_policy_needs_no_source_pin_for_a_service() -> None:
    # A service assumes a role only when a principal of the role's own account passes it.
    lambda_trust = doc(allow({"Service": "lambda.amazonaws.com"}, Action="sts:AssumeRole"))
    assert foreign_access(lambda_trust, TRUST, trust_policy=True) == []
    [finding] = foreign_access(lambda_trust, TRUST)
    assert finding.kind is Kind.UNPINNED_SERVICE and "confused deputy" in finding.detail


def test_unknown_service_pin_is_unknown_not_unpinned() -> None:
    document = doc(
        allow(
            {"Service": "cloudfront.amazonaws.com"},
            {"StringEquals": {"aws:SourceArn": UNKNOWN_STRING_VALUE}},
        )
    )
    wrapped = unknown_checking_proxy({"policy": document})
    assert [f.kind for f in foreign_access(get(wrapped, "policy"), TRUST)] == [Kind.UNKNOWN]


# An account number is unique only within its AWS partition: our number in another partition is
# another account, unless the config allows a region of that partition.
OTHER_PARTITIONS = ["aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b", "aws-iso-f"]


@pytest.mark.parametrize("partition", OTHER_PARTITIONS)
@pytest.mark.parametrize("form", ["root", "role/app", "assumed-role/r/s"])
def test_our_number_in_another_partition_is_foreign(partition: str, form: str) -> None:
    service = "sts" if form.startswith("assumed") else "iam"
    principal = f"arn:{partition}:{service}::{OURS}:{form}"
    [finding] = foreign_access(doc(allow({"AWS": principal})), TRUST)
    assert finding.kind is Kind.FOREIGN
    assert f"partition `{partition}`" in finding.detail
    assert principal_verdict(principal, TRUST) is Kind.FOREIGN


@pytest.mark.parametrize("partition", OTHER_PARTITIONS)
def test_a_pin_of_our_number_in_another_partition_does_not_pin(partition: str) -> None:
    pinned = {"ArnLike": {"aws:PrincipalArn": f"arn:{partition}:iam::{OURS}:role/*"}}
    [finding] = foreign_access(doc(allow("*", pinned)), TRUST)
    assert finding.kind is Kind.PUBLIC


def test_a_trusted_partition_trusts_its_accounts() -> None:
    gov = Trust.of([OURS], [], partitions=["aws", "aws-us-gov"])
    assert foreign_access(doc(allow({"AWS": f"arn:aws-us-gov:iam::{OURS}:root"})), gov) == []
    assert foreign_access(doc(allow({"AWS": f"arn:aws:iam::{OURS}:root"})), gov) == []
    assert principal_verdict(f"arn:aws-cn:iam::{OURS}:root", gov) is Kind.FOREIGN


def test_federated_provider_of_another_partition_is_foreign() -> None:
    principal = {"Federated": f"arn:aws-cn:iam::{OURS}:saml-provider/corp"}
    [finding] = foreign_access(doc(allow(principal, Action="sts:AssumeRoleWithSAML")), TRUST)
    assert finding.kind is Kind.FOREIGN and "aws-cn" in finding.detail


def test_a_cognito_guest_role_reads_as_anyone_on_the_internet() -> None:
    document = doc(
        allow(
            {"Federated": "cognito-identity.amazonaws.com"},
            {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"},
            },
        )
    )
    [finding] = foreign_access(document, TRUST)
    assert finding.kind is Kind.PUBLIC and "unauthenticated (guest) identities" in finding.detail
