"""residency-no-foreign-principals: every resource that lets an identity provider decide who
signs in names an issuer the platform team declared in ``trustedFederatedSubjects``. One compliant
fixture per type (its issuer declared), one field changed per case."""

from __future__ import annotations

import json
from typing import Any

import pytest
from residency_pack.rules import no_foreign_principals as rule
from residency_pack.testing import UNKNOWN_STRING, Resource, analyze, aws_provider, oci_provider

OURS = "111111111111"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaaours"
AWS = aws_provider("us-east-1", name="us-east-1", allowedAccountIds=[OURS])
OCI = oci_provider("us-ashburn-1", name="primary", tenancyOcid=TENANCY)
STACK = {"aws:allowedAccountIds": json.dumps([OURS]), "oci:tenancyOcid": TENANCY}
OUR_IDP = "https://sso.acme.example/saml"
OUR_OIDC = "https://login.acme.example"
PARTNER = "https://idp.partner.example/saml"
CONFIG = {
    "trustedFederatedSubjects": {
        "sso.acme.example/saml": ["*@acme.example"],
        "login.acme.example": ["acme-app"],
        "accounts.google.com": ["acme-client-id"],
    }
}


def metadata(entity_id: str) -> str:
    return (
        f'<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">'
        "<IDPSSODescriptor/></EntityDescriptor>"
    )


# (resource type, props whose issuer is declared, provider)
COMPLIANT: dict[str, tuple[str, dict[str, Any], Any]] = {
    "iam-saml": (
        "aws:iam/samlProvider:SamlProvider",
        {"name": "acme-sso", "samlMetadataDocument": metadata(OUR_IDP)},
        AWS,
    ),
    "cognito-oidc": (
        "aws:cognito/identityProvider:IdentityProvider",
        {
            "userPoolId": "us-east-1_x",
            "providerName": "acme",
            "providerType": "OIDC",
            "providerDetails": {"oidc_issuer": OUR_OIDC, "client_id": "c"},
        },
        AWS,
    ),
    "cognito-saml": (
        "aws:cognito/identityProvider:IdentityProvider",
        {
            "userPoolId": "us-east-1_x",
            "providerName": "acme",
            "providerType": "SAML",
            "providerDetails": {"MetadataFile": metadata(OUR_IDP)},
        },
        AWS,
    ),
    "identity-pool": (
        "aws:cognito/identityPool:IdentityPool",
        {"identityPoolName": "p", "supportedLoginProviders": {"accounts.google.com": "acme"}},
        AWS,
    ),
    "verified-access": (
        "aws:verifiedaccess/trustProvider:TrustProvider",
        {
            "policyReferenceName": "acme",
            "trustProviderType": "user",
            "userTrustProviderType": "oidc",
            "oidcOptions": {"issuer": OUR_OIDC},
        },
        AWS,
    ),
    "alb-listener": (
        "aws:lb/listener:Listener",
        {
            "loadBalancerArn": f"arn:aws:elasticloadbalancing:us-east-1:{OURS}:loadbalancer/app/a",
            "defaultActions": [
                {
                    "type": "authenticate-oidc",
                    "authenticateOidc": {
                        "issuer": OUR_OIDC,
                        "clientId": "c",
                        "authorizationEndpoint": f"{OUR_OIDC}/auth",
                        "tokenEndpoint": f"{OUR_OIDC}/token",
                        "userInfoEndpoint": f"{OUR_OIDC}/me",
                    },
                }
            ],
        },
        AWS,
    ),
    "appsync-oidc": (
        "aws:appsync/graphQLApi:GraphQLApi",
        {
            "name": "gql",
            "authenticationType": "AWS_IAM",
            "additionalAuthenticationProviders": [
                {
                    "authenticationType": "OPENID_CONNECT",
                    "openidConnectConfig": {"issuer": OUR_OIDC},
                }
            ],
        },
        AWS,
    ),
    "appsync-event-oidc": (
        "aws:appsync/api:Api",
        {
            "name": "events",
            "eventConfig": {
                "authProviders": [
                    {"authType": "OPENID_CONNECT", "openidConnectConfig": {"issuer": OUR_OIDC}}
                ],
                "connectionAuthModes": [{"authType": "OPENID_CONNECT"}],
                "defaultPublishAuthModes": [{"authType": "OPENID_CONNECT"}],
                "defaultSubscribeAuthModes": [{"authType": "OPENID_CONNECT"}],
            },
        },
        AWS,
    ),
    "oci-domain-idp": (
        "oci:Identity/domainsIdentityProvider:DomainsIdentityProvider",
        {
            "idcsEndpoint": "https://idcs-0123.identity.oraclecloud.com",
            "partnerName": "acme",
            "type": "SAML",
            "partnerProviderId": OUR_IDP,
            "enabled": True,
        },
        OCI,
    ),
    "oci-iam-idp": (
        "oci:Identity/identityProvider:IdentityProvider",
        {
            "compartmentId": TENANCY,
            "name": "acme",
            "productType": "ADFS",
            "protocol": "SAML2",
            "metadata": metadata(OUR_IDP),
            "metadataUrl": f"{OUR_IDP}",
        },
        OCI,
    ),
}


def run(kind: str, change: dict[str, Any] | None = None, config: Any = CONFIG) -> list[str]:
    resource_type, props, provider = COMPLIANT[kind]
    merged = {k: v for k, v in {**props, **(change or {})}.items() if v is not None}
    resource = Resource(resource_type, kind, merged, provider)
    diagnostics = analyze(rule.POLICY, resource, {rule.NAME: config}, STACK)
    return [d.message for d in diagnostics if d.enforcement == "mandatory"]


@pytest.mark.parametrize("kind", sorted(COMPLIANT))
def test_declared_identity_provider_passes(kind: str) -> None:
    assert run(kind) == []


@pytest.mark.parametrize("kind", sorted(COMPLIANT))
def test_nothing_declared_nobody_federates_in(kind: str) -> None:
    [message] = run(kind, config={})[:1]
    assert "has not declared" in message and "trustedFederatedSubjects" in message


PARTNER_OIDC = "https://login.partner.example"
VIOLATIONS: list[tuple[str, dict[str, Any], str]] = [
    ("iam-saml", {"samlMetadataDocument": metadata(PARTNER)}, "idp.partner.example/saml"),
    ("iam-saml", {"samlMetadataDocument": "<EntityDescriptor/>"}, "does not tell"),
    ("cognito-oidc", {"providerDetails": {"oidc_issuer": PARTNER_OIDC}}, "login.partner"),
    ("cognito-saml", {"providerDetails": {"MetadataURL": f"{PARTNER}/md"}}, "MetadataURL"),
    ("cognito-saml", {"providerDetails": {"MetadataFile": metadata(PARTNER)}}, "MetadataFile"),
    ("cognito-oidc", {"providerType": "Facebook"}, "graph.facebook.com"),
    ("identity-pool", {"supportedLoginProviders": {"www.amazon.com": "x"}}, "www.amazon.com"),
    ("verified-access", {"oidcOptions": {"issuer": PARTNER_OIDC}}, "oidcOptions.issuer"),
    (
        "alb-listener",
        {
            "defaultActions": [
                {
                    "type": "authenticate-oidc",
                    "authenticateOidc": {"issuer": PARTNER_OIDC, "clientId": "c"},
                }
            ]
        },
        "authenticateOidc.issuer",
    ),
    (
        "appsync-oidc",
        {"authenticationType": "OPENID_CONNECT", "openidConnectConfig": {"issuer": PARTNER_OIDC}},
        "`openidConnectConfig.issuer` 'https://login.partner",
    ),
    (
        "appsync-oidc",
        {
            "additionalAuthenticationProviders": [
                {
                    "authenticationType": "OPENID_CONNECT",
                    "openidConnectConfig": {"issuer": PARTNER_OIDC},
                }
            ]
        },
        "`additionalAuthenticationProviders[0].openidConnectConfig.issuer`",
    ),
    (
        "appsync-event-oidc",
        {
            "eventConfig": {
                "authProviders": [
                    {"authType": "OPENID_CONNECT", "openidConnectConfig": {"issuer": PARTNER_OIDC}}
                ]
            }
        },
        "`eventConfig.authProviders[0].openidConnectConfig.issuer`",
    ),
    ("oci-domain-idp", {"partnerProviderId": PARTNER}, "partnerProviderId"),
    ("oci-domain-idp", {"partnerProviderId": None}, "does not tell"),
    ("oci-iam-idp", {"metadataUrl": f"{PARTNER}/md"}, "metadataUrl"),
]


@pytest.mark.parametrize(
    ("kind", "change", "expected"),
    VIOLATIONS,
    ids=[f"{kind}-{i}" for i, (kind, _, _) in enumerate(VIOLATIONS)],
)
def test_undeclared_identity_provider_is_a_violation(
    kind: str, change: dict[str, Any], expected: str
) -> None:
    [message] = run(kind, change)
    assert expected in message
    assert "Fix:" in message


def test_alb_cognito_authentication_names_no_issuer() -> None:
    action = {"type": "authenticate-cognito", "authenticateCognito": {
        "userPoolArn": f"arn:aws:cognito-idp:us-east-1:{OURS}:userpool/us-east-1_x",
        "userPoolClientId": "c", "userPoolDomain": "acme"}}  # fmt: skip
    assert run("alb-listener", {"defaultActions": [action]}, config={}) == []


def test_unknown_issuer_fails_closed_outside_preview() -> None:
    [message] = run("verified-access", {"oidcOptions": {"issuer": UNKNOWN_STRING}})
    assert "`oidcOptions.issuer` (the identity provider's issuer) is unknown" in message


def test_appsync_without_oidc_names_no_issuer() -> None:
    for mode in ("AWS_IAM", "AMAZON_COGNITO_USER_POOLS", "AWS_LAMBDA", "API_KEY"):
        change = {"authenticationType": mode, "additionalAuthenticationProviders": None}
        assert run("appsync-oidc", change, config={}) == []
