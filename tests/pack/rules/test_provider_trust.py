"""residency-provider-trust through the pack's analyzer servicer: provider resources as the
engine sends them (explicit ones with the program's inputs, nested inputs JSON-encoded; default
ones with the stack config), trust from the stack config or the policy config only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from residency_pack.rules import provider_trust as rule
from residency_pack.testing import UNKNOWN_STRING, Diagnostic, Resource, analyze

OURS = "111111111111"
PARTNER = "999999999999"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaaours"
VENDOR_TENANCY = "ocid1.tenancy.oc1..aaaaaaaavendor"
STACK = {"aws:allowedAccountIds": json.dumps([OURS]), "oci:tenancyOcid": TENANCY}


def aws(name: str = "east", **inputs: Any) -> Resource:
    props = {"region": "us-east-1", **inputs}
    # The engine sends a provider's nested inputs JSON-encoded.
    encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in props.items()}
    return Resource(rule.AWS_PROVIDER, name, encoded)


def oci(name: str = "ashburn", **inputs: Any) -> Resource:
    return Resource(rule.OCI_PROVIDER, name, {"region": "us-ashburn-1", **inputs})


def findings(
    resource: Resource,
    config: dict[str, Any] | None = None,
    stack: dict[str, str] = STACK,
) -> list[Diagnostic]:
    diagnostics = analyze(rule.POLICY, resource, {rule.NAME: config} if config else None, stack)
    assert all(d.policy == rule.NAME for d in diagnostics)
    return diagnostics


def mandatory(resource: Resource, **kwargs: Any) -> list[str]:
    diagnostics = findings(resource, **kwargs)
    assert all(d.enforcement == "mandatory" for d in diagnostics)
    return [d.message for d in diagnostics]


@pytest.mark.parametrize(
    "provider",
    [
        aws(),
        aws(allowedAccountIds=[OURS]),
        aws(assumeRoles=[{"roleArn": f"arn:aws:iam::{OURS}:role/deploy", "externalId": "x"}]),
        aws(assumeRoles=[{"role_arn": f"arn:aws:iam::{OURS}:role/deploy"}]),  # a Python dict
        aws(assumeRoles=[{"roleArn": ""}]),  # an empty role is no role
        aws(assumeRoleWithWebIdentity={"roleArn": f"arn:aws:iam::{OURS}:role/ci"}),
        aws(endpoints=[{"s3": "https://s3.us-east-1.amazonaws.com"}]),
        aws(endpoints=[{"dynamodb": "https://dynamodb-fips.us-east-1.amazonaws.com"}]),
        aws(endpoints=[{"iam": "https://iam.amazonaws.com", "sts": "https://sts.amazonaws.com"}]),
        aws(ec2MetadataServiceEndpoint="http://169.254.169.254"),
        aws(profile="deploy", stsRegion="us-east-1"),
        # A default provider: its inputs are the stack config, list config JSON-encoded.
        Resource(
            rule.AWS_PROVIDER,
            "default_7_0_0",
            {"region": "us-east-1", "allowedAccountIds": json.dumps([OURS])},
        ),
        oci(),
        oci(tenancyOcid=TENANCY),
        oci(region="iad", tenancyOcid=TENANCY),  # a region key
        oci(region="eu-frankfurt-1"),  # placement is judged by the region rules, not here
        Resource(
            rule.OCI_PROVIDER, "default_5_0_0", {"region": "us-ashburn-1", "tenancyOcid": TENANCY}
        ),
        # Not a provider this rule knows.
        Resource("pulumi:providers:random", "r", {"endpoints": "https://evil.example"}),
    ],
    ids=lambda r: f"{r.type.rsplit(':', 1)[-1]}-{r.name}-{sorted(r.props)}",
)
def test_compliant_providers_pass(provider: Resource) -> None:
    assert findings(provider) == []


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        (aws(allowedAccountIds=[OURS, PARTNER]), f"names account '{PARTNER}'"),
        (
            aws(assumeRoles=[{"roleArn": f"arn:aws:iam::{PARTNER}:role/vendor"}]),
            f"`assumeRoles[0].roleArn` assumes 'arn:aws:iam::{PARTNER}:role/vendor' in account",
        ),
        (
            aws(assumeRoles=[{"role_arn": f"arn:aws:iam::{PARTNER}:role/vendor"}]),
            f"in account {PARTNER}",
        ),
        (aws(assumeRole={"roleArn": f"arn:aws:iam::{PARTNER}:role/x"}), "`assumeRole.roleArn`"),
        (
            aws(assumeRoleWithWebIdentity={"roleArn": f"arn:aws:iam::{PARTNER}:role/ci"}),
            "`assumeRoleWithWebIdentity.roleArn`",
        ),
        (aws(assumeRoles=[{"roleArn": "vendor-role"}]), "is not an IAM role ARN"),
        (
            aws(assumeRoles=[{"roleArn": f"arn:aws-us-gov:iam::{OURS}:role/deploy"}]),
            "in AWS partition `aws-us-gov`, where no account is trusted",
        ),
        (
            aws(assumeRoles=[{"roleArn": f"arn:aws-cn:iam::{OURS}:role/deploy"}]),
            "in AWS partition `aws-cn`, where no account is trusted",
        ),
        (aws(assumeRoles=[{"roleArn": f"arn:aws:s3:::{PARTNER}"}]), "is not an IAM role ARN"),
        (
            aws(endpoints=[{"s3": "https://storage.partner.example"}]),
            "points at `storage.partner.example`, outside AWS",
        ),
        (
            aws(endpoints=[{"s3": "https://s3.eu-west-1.amazonaws.com"}]),
            "points at region eu-west-1, while the provider",
        ),
        (
            aws(endpoints=[{"s3": "https://exfil.s3.us-east-1.amazonaws.com"}]),
            "an AWS customer's resource",
        ),
        (
            aws(endpoints=[{"apigateway": "https://abc123.execute-api.us-east-1.amazonaws.com"}]),
            "an AWS customer's resource",
        ),
        (
            # The query string names our region; only the host counts.
            aws(endpoints=[{"s3": "https://evil.example/?h=s3.us-east-1.amazonaws.com"}]),
            "`evil.example`, outside AWS",
        ),
        (aws(httpsProxy="http://proxy.partner.example:3128"), "`proxy.partner.example`"),
        (aws(ec2MetadataServiceEndpoint="http://imds.partner.example"), "credentials come from"),
        (
            Resource(
                rule.AWS_PROVIDER,
                "default_7_0_0",
                {"allowedAccountIds": json.dumps([OURS, PARTNER])},
            ),
            f"names account '{PARTNER}'",
        ),
        (oci(tenancyOcid=VENDOR_TENANCY), "is not a trusted tenancy"),
        (oci(region="us-langley-1"), "is in realm oc2"),
        (oci(region="mars-central-1"), "is not a known OCI region"),
    ],
    ids=lambda v: v.name if isinstance(v, Resource) else None,
)
def test_violating_providers(provider: Resource, expected: str) -> None:
    [message] = mandatory(provider)
    assert expected in message and "Fix:" in message and f"`{provider.name}`" in message


def test_an_endpoint_without_a_provider_region_must_be_in_a_user_data_region() -> None:
    us_west = Resource(
        rule.AWS_PROVIDER,
        "p",
        {"endpoints": json.dumps([{"s3": "https://s3.us-west-2.amazonaws.com"}])},
    )
    [message] = mandatory(us_west)
    assert "not allowed for `us-user-data`" in message
    config = {"allowedRegions": {"us-user-data": {"aws": ["us-east-1", "us-west-2"]}}}
    assert findings(us_west, config) == []


def test_trust_is_the_stack_config_or_the_policy_config_never_the_provider() -> None:
    partner_listed = aws(allowedAccountIds=[OURS, PARTNER])
    [message] = mandatory(partner_listed)
    assert f"Trusted accounts: {OURS}." in message
    assert (
        findings(partner_listed, stack={"aws:allowedAccountIds": json.dumps([OURS, PARTNER])}) == []
    )
    assert findings(partner_listed, {"trustedAccountIds": [OURS, PARTNER]}) == []
    [message] = mandatory(aws(allowedAccountIds=[OURS]), stack={})
    assert "No account is trusted" in message
    [message] = mandatory(oci(tenancyOcid=TENANCY), stack={})
    assert "No tenancy is trusted" in message
    assert (
        findings(oci(tenancyOcid=VENDOR_TENANCY), {"trustedTenancyOcids": [VENDOR_TENANCY]}) == []
    )


def test_realms_and_egress_hosts_come_from_the_policy_config() -> None:
    gov = oci(region="us-langley-1", tenancyOcid="ocid1.tenancy.oc2..aaaagov")
    trusted = {"trustedRealms": ["oc2"], "trustedTenancyOcids": ["ocid1.tenancy.oc2..aaaagov"]}
    assert findings(gov, trusted) == []
    tenancy_realm, region_realm = mandatory(
        gov, config={"trustedTenancyOcids": ["ocid1.tenancy.oc2..aaaagov"]}
    )
    assert "not a tenancy OCID of a trusted realm" in tenancy_realm
    assert "is in realm oc2" in region_realm
    proxied = aws(httpsProxy="http://proxy.corp.example:3128")
    assert len(mandatory(proxied)) == 1
    assert findings(proxied, {"allowedEgressHosts": ["*.corp.example"]}) == []


def test_a_tenancy_in_another_realm_is_refused_even_when_listed() -> None:
    gov = "ocid1.tenancy.oc2..aaaagov"
    [message] = mandatory(oci(tenancyOcid=gov), config={"trustedTenancyOcids": [gov]})
    assert "trusted realm" in message


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"allowedAccountIds": UNKNOWN_STRING}, "`allowedAccountIds`"),
        ({"assumeRoles": UNKNOWN_STRING}, "`assumeRoles`"),
        ({"endpoints": UNKNOWN_STRING}, "`endpoints`"),
        ({"httpsProxy": UNKNOWN_STRING}, "`httpsProxy`"),
        (
            {"region": UNKNOWN_STRING, "endpoints": '[{"s3": "https://s3.amazonaws.com"}]'},
            "`region`",
        ),
    ],
)
@pytest.mark.parametrize("preview", [True, False])
def test_unknown_values_fail_closed(
    inputs: dict[str, Any], field: str, preview: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_DRY_RUN", "true" if preview else "false")
    [diagnostic] = findings(Resource(rule.AWS_PROVIDER, "p", inputs))
    assert field in diagnostic.message
    assert diagnostic.enforcement == ("advisory" if preview else "mandatory")


def test_unknown_oci_tenancy_and_region_fail_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    diagnostics = findings(oci(region=UNKNOWN_STRING, tenancyOcid=UNKNOWN_STRING))
    assert sorted(d.enforcement for d in diagnostics) == ["mandatory", "mandatory"]
    assert {"`tenancyOcid`", "`region`"} <= {
        field for d in diagnostics for field in ("`tenancyOcid`", "`region`") if field in d.message
    }
