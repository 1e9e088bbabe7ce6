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
    """An explicit AWS provider; it lists our account unless ``allowedAccountIds`` is given
    (``None``: left out)."""
    props = {"region": "us-east-1", "allowedAccountIds": [OURS], **inputs}
    props = {k: v for k, v in props.items() if v is not None}
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
        {
            "allowedAccountIds": json.dumps([OURS]),
            "endpoints": json.dumps([{"s3": "https://s3.us-west-2.amazonaws.com"}]),
        },
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
    listed = {"allowedAccountIds": json.dumps([OURS])}
    [diagnostic] = findings(Resource(rule.AWS_PROVIDER, "p", {**listed, **inputs}))
    assert field in diagnostic.message
    assert diagnostic.enforcement == ("advisory" if preview else "mandatory")


def test_unknown_oci_tenancy_and_region_fail_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    diagnostics = findings(oci(region=UNKNOWN_STRING, tenancyOcid=UNKNOWN_STRING))
    assert sorted(d.enforcement for d in diagnostics) == ["mandatory", "mandatory"]
    assert {"`tenancyOcid`", "`region`"} <= {
        field for d in diagnostics for field in ("`tenancyOcid`", "`region`") if field in d.message
    }


def only_message(resource: Resource, **kwargs: Any) -> str:
    """The one finding's text after the policy description the SDK puts first."""
    [message] = mandatory(resource, **kwargs)
    description, _, text = message.partition("\n")
    assert description == rule.SPEC.description
    return text


UNKNOWN_FIX = (
    "Fix: create resources only through providers in the company's own accounts and tenancy: "
    "assume roles and list accounts only from the stack's `aws:allowedAccountIds` (or the "
    "policy config's `trustedAccountIds`), use the stack's `oci:tenancyOcid` (or "
    "`trustedTenancyOcids`), and remove endpoint and proxy overrides, or point them at the "
    "cloud's own service endpoint for the provider's region."
)
ENDPOINT_FIX = (
    "Fix: remove the endpoint override, or point it at the AWS service endpoint of the "
    "provider's region (a host outside AWS must be in the policy config's `allowedEgressHosts`)."
)
LISTED_FIX = (
    "Fix: list only the company's accounts; a partner's account must not receive resources of "
    "this stack (if it is the company's, the platform team adds it to the stack's "
    "`aws:allowedAccountIds` or the policy config's `trustedAccountIds`)."
)
VENDOR_ROLE = f"arn:aws:iam::{PARTNER}:role/vendor"
GOV_TENANCY = "ocid1.tenancy.oc2..aaaagov"


@pytest.mark.parametrize(
    ("provider", "stack", "config", "expected"),
    [
        (aws(allowedAccountIds=[OURS, PARTNER]), STACK, None,
         f"Provider `east`: `allowedAccountIds` names account '{PARTNER}', which is not a trusted "
         f"account. Trusted accounts: {OURS}. {LISTED_FIX}"),
        (aws(allowedAccountIds=[OURS]), {}, None,
         f"Provider `east`: `allowedAccountIds` names account '{OURS}', which is not a trusted "
         "account. No account is trusted: the policy config sets no `trustedAccountIds` and the "
         f"stack config no `aws:allowedAccountIds`. {LISTED_FIX}"),
        (aws(forbiddenAccountIds=[OURS]), STACK, None,
         f"Provider `east`: `forbiddenAccountIds` forbids every trusted account ({OURS}), so its "
         "resources can only land in an untrusted account. Fix: remove the company's accounts "
         "from `forbiddenAccountIds` and list them in `allowedAccountIds` instead."),
        (aws(assumeRoles=[{"roleArn": VENDOR_ROLE}]), STACK, None,
         f"Provider `east`: `assumeRoles[0].roleArn` assumes '{VENDOR_ROLE}' in account {PARTNER},"
         " which is not a trusted account: everything created through this provider would belong"
         f" to that account. Trusted accounts: {OURS}. Fix: assume roles only in the company's "
         "own accounts."),
        (aws(assumeRoles=[{"roleArn": "vendor-role"}]), STACK, None,
         "Provider `east`: `assumeRoles[0].roleArn` 'vendor-role' is not an IAM role ARN whose "
         "account can be told. Fix: assume a role by its full ARN "
         "(`arn:aws:iam::<account>:role/<name>`) in one of the company's accounts."),
        (aws(endpoints=[{"s3": "https://storage.partner.example"}]), STACK, None,
         "Provider `east`: `endpoints[0].s3` 'https://storage.partner.example' points at "
         "`storage.partner.example`, outside AWS; data sent through it would not stay where the "
         f"pack places it. {ENDPOINT_FIX}"),
        (aws(endpoints=[{"s3": "https://exfil.s3.us-east-1.amazonaws.com"}]), STACK, None,
         "Provider `east`: `endpoints[0].s3` 'https://exfil.s3.us-east-1.amazonaws.com' points at"
         " `exfil.s3.us-east-1.amazonaws.com`, a host of an AWS customer's resource, not the "
         "service's endpoint; data sent through it would not stay where the pack places it. "
         f"{ENDPOINT_FIX}"),
        (aws(endpoints=[{"s3": "http://"}]), STACK, None,
         "Provider `east`: `endpoints[0].s3` 'http://' is not a URL or host name; data sent "
         f"through it would not stay where the pack places it. {ENDPOINT_FIX}"),
        (aws(httpsProxy="http://proxy.partner.example:3128"), STACK, None,
         "Provider `east`: `httpsProxy` 'http://proxy.partner.example:3128': all its API traffic,"
         " data included, goes through `proxy.partner.example`, which is not in the policy "
         "config's `allowedEgressHosts`. Fix: remove `httpsProxy`, or have the platform team add "
         "the host to `allowedEgressHosts` in the policy config."),
        (aws(ec2MetadataServiceEndpoint="http://imds.partner.example"), STACK, None,
         "Provider `east`: `ec2MetadataServiceEndpoint` 'http://imds.partner.example': its "
         "credentials come from `imds.partner.example`, which is not in the policy config's "
         "`allowedEgressHosts`. Fix: remove `ec2MetadataServiceEndpoint`, or have the platform "
         "team add the host to `allowedEgressHosts` in the policy config."),
        (oci(tenancyOcid=VENDOR_TENANCY), STACK, None,
         f"Provider `ashburn`: `tenancyOcid` '{VENDOR_TENANCY}' is not a trusted tenancy: "
         f"everything created through this provider would belong to it. Trusted tenancies: "
         f"{TENANCY}. Fix: use the company's tenancy (the stack's `oci:tenancyOcid`)."),
        (oci(tenancyOcid=TENANCY), {}, None,
         f"Provider `ashburn`: `tenancyOcid` '{TENANCY}' is not a trusted tenancy: everything "
         "created through this provider would belong to it. No tenancy is trusted: the policy "
         "config sets no `trustedTenancyOcids` and the stack config no `oci:tenancyOcid`. Fix: "
         "use the company's tenancy (the stack's `oci:tenancyOcid`)."),
        (oci(tenancyOcid=GOV_TENANCY), STACK, {"trustedTenancyOcids": [GOV_TENANCY]},
         f"Provider `ashburn`: `tenancyOcid` '{GOV_TENANCY}' is not a tenancy OCID of a trusted "
         "realm (trusted realms: oc1 (`trustedRealms`)). Fix: use the company's tenancy in a "
         "trusted realm."),
        (oci(region="us-langley-1"), STACK, None,
         "Provider `ashburn`: `region` us-langley-1 is in realm oc2, outside the trusted realms: "
         "oc1 (`trustedRealms`). Fix: use a region of a trusted realm, or have the platform team "
         "add the realm to `trustedRealms` in the policy config."),
        (oci(region="mars-central-1"), STACK, None,
         "Provider `ashburn`: `region` 'mars-central-1' is not a known OCI region, so its realm "
         "cannot be told. Fix: set the provider's `region` to an OCI region name such as "
         "`us-ashburn-1`."),
    ],
    ids=lambda v: v.name if isinstance(v, Resource) else "",
)  # fmt: skip
def test_each_finding_reads_what_is_wrong_and_how_to_fix_it(
    provider: Resource, stack: dict[str, str], config: dict[str, Any] | None, expected: str
) -> None:
    assert only_message(provider, stack=stack, config=config) == expected


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"allowedAccountIds": UNKNOWN_STRING}, "`allowedAccountIds`"),
        ({"forbiddenAccountIds": UNKNOWN_STRING}, "`forbiddenAccountIds`"),
        # Inputs that arrive as lists (not JSON text) may hold an unknown element.
        ({"assumeRoles": [UNKNOWN_STRING]}, "`assumeRoles[0].roleArn`"),
        ({"endpoints": UNKNOWN_STRING}, "`endpoints`"),
        ({"endpoints": [UNKNOWN_STRING]}, "`endpoints[0]`"),
        # A regional endpoint cannot be judged against an unknown provider region.
        ({"region": UNKNOWN_STRING, "endpoints": '[{"s3": "https://s3.us-east-1.amazonaws.com"}]'},
         "`region`"),
        ({"httpsProxy": UNKNOWN_STRING}, "`httpsProxy`"),
    ],
)  # fmt: skip
def test_an_unknown_reads_which_input_and_the_rules_fix(
    inputs: dict[str, Any], field: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    listed = {"allowedAccountIds": json.dumps([OURS])}
    assert only_message(Resource(rule.AWS_PROVIDER, "p", {**listed, **inputs})) == (
        f"{field} is unknown, so the provider's account, tenancy or endpoint cannot be told. "
        f"(The value is still unknown outside preview: fail closed.) {UNKNOWN_FIX}"
    )


@pytest.mark.parametrize(("inputs", "field"), [
    ({"tenancyOcid": UNKNOWN_STRING}, "`tenancyOcid`"), ({"region": UNKNOWN_STRING}, "`region`"),
])  # fmt: skip
def test_an_unknown_oci_input_reads_which_one(
    inputs: dict[str, Any], field: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    assert only_message(oci(**inputs)).startswith(f"{field} is unknown, so the provider's")


@pytest.mark.parametrize(
    "provider",
    [
        aws(forbiddenAccountIds=[PARTNER]),  # forbidding a partner leaves ours
        aws(endpoints=[{"s3": ""}]),  # an empty override is no override
        aws(endpoints=[{"s3": "  "}]),
        aws(httpsProxy=""),
        aws(ec2MetadataServiceEndpoint="http://[fd00:ec2::254]"),
    ],
    ids=lambda r: str(sorted(r.props.items())),
)
def test_what_leaves_the_provider_in_our_accounts_passes(provider: Resource) -> None:
    assert findings(provider) == []


def test_forbidding_only_some_trusted_accounts_passes() -> None:
    stack = {"aws:allowedAccountIds": json.dumps([OURS, "222222222222"])}
    assert findings(aws(forbiddenAccountIds=[OURS]), stack=stack) == []
    assert len(mandatory(aws(forbiddenAccountIds=[OURS, "222222222222"]), stack=stack)) == 1


def test_the_policy_judges_providers_by_their_engine_type_and_reads_its_own_config_section():
    partner = {"region": "us-east-1", "allowedAccountIds": json.dumps([OURS, PARTNER])}
    provider = Resource("pulumi:providers:aws", "east", partner)
    [diagnostic] = analyze(rule.POLICY, provider, None, STACK)
    assert diagnostic.policy == "residency-provider-trust"
    assert diagnostic.message.startswith(
        "Every AWS and OCI provider (explicit, or default from the stack config) assumes roles "
        "only in trusted accounts, lists only trusted accounts, works in a trusted OCI tenancy "
        "and realm, and overrides no endpoint with anything but the cloud's own service "
        "endpoint for its region.\n"
    )
    config = {"residency-provider-trust": {"trustedAccountIds": [OURS, PARTNER]}}
    assert analyze(rule.POLICY, provider, config, STACK) == []
    vendor = Resource("pulumi:providers:oci", "ashburn", {"tenancyOcid": VENDOR_TENANCY})
    assert len(analyze(rule.POLICY, vendor, None, STACK)) == 1


def test_a_plain_http_proxy_is_egress_too():
    [message] = mandatory(aws(httpProxy="http://proxy.partner.example:3128"))
    assert "`httpProxy` 'http://proxy.partner.example:3128': all its API traffic" in message


def test_every_trusted_account_tenancy_and_realm_is_named():
    two_accounts = {"aws:allowedAccountIds": json.dumps(["222222222222", OURS])}
    [listed] = mandatory(aws(allowedAccountIds=[PARTNER]), stack=two_accounts)
    assert f"Trusted accounts: {OURS}, 222222222222." in listed
    [forbidding] = mandatory(aws(forbiddenAccountIds=[OURS, "222222222222"]), stack=two_accounts)
    assert f"forbids every trusted account ({OURS}, 222222222222)" in forbidding
    tenancies = {"trustedTenancyOcids": [TENANCY, "ocid1.tenancy.oc1..aaaaaaaasecond"]}
    [tenancy] = mandatory(oci(tenancyOcid=VENDOR_TENANCY), config=tenancies)
    assert f"Trusted tenancies: {TENANCY}, ocid1.tenancy.oc1..aaaaaaaasecond." in tenancy
    [realm] = mandatory(oci(region="us-langley-1"), config={"trustedRealms": ["oc1", "oc19"]})
    assert "outside the trusted realms: oc1, oc19 (`trustedRealms`)" in realm


# An OCI provider without `tenancyOcid` works in the tenancy of its credentials (red team 3).
@pytest.mark.parametrize(
    ("inputs", "chosen"),
    [
        ({"configFileProfile": "PARTNER"}, "`configFileProfile`"),
        ({"privateKey": "-----BEGIN PRIVATE KEY-----"}, "`privateKey`"),  # an inline API key
        ({"tokenExchangeDomainUrl": "https://idcs-0123456789abcdef.identity.oraclecloud.com"},
         "`tokenExchangeDomainUrl`"),  # the domain's token is some tenancy's
        ({"auth": "InstancePrincipal"}, "`auth`"),
        ({"auth": "ResourcePrincipal"}, "`auth`"),
        ({"userOcid": "ocid1.user.oc1..x", "fingerprint": "aa:bb", "privateKeyPath": "/k.pem"},
         "`userOcid`, `fingerprint`, `privateKeyPath`"),
    ],
)  # fmt: skip
def test_an_oci_provider_choosing_credentials_without_a_tenancy_fails_closed(
    inputs: dict[str, Any], chosen: str
) -> None:
    text = only_message(oci(**inputs))
    assert "sets no `tenancyOcid` and chooses its credentials" in text and chosen in text
    assert "Fix: set the provider's `tenancyOcid` to the company's tenancy" in text
    # Stating the trusted tenancy pins it.
    assert mandatory(oci(tenancyOcid=TENANCY, **inputs)) == []


def test_an_oci_provider_without_a_tenancy_needs_a_trusted_one_named() -> None:
    assert mandatory(oci()) == []  # the deployment's own credentials, the stack's tenancy
    text = only_message(oci(), stack={})
    assert "neither the stack config" in text and "`trustedTenancyOcids`" in text
    assert mandatory(oci(), config={"trustedTenancyOcids": [TENANCY]}, stack={}) == []


@pytest.mark.parametrize(
    ("url", "violations"),
    [
        ("https://idcs-partner.identity.partner.example", 1),
        ("https://idcs-0123abcd.identity.oraclecloud.com", 0),
    ],
)
def test_a_token_exchange_domain_must_be_an_oci_identity_domain(url: str, violations: int) -> None:
    provider = oci(
        tenancyOcid=TENANCY, auth="oci_token_exchange", tokenExchangeDomainUrl=url,
        tokenExchangeClientId="x",
    )  # fmt: skip
    found = mandatory(provider)
    assert len(found) == violations
    assert all("`tokenExchangeDomainUrl`" in m for m in found)


# --- ignoreTags on the classification key: the provider stops managing the label ---------------


@pytest.mark.parametrize(
    "provider",
    [
        aws(ignoreTags={"keys": ["team", "cost-center"]}),
        aws(ignoreTags={"keyPrefixes": ["kubernetes.io/", "data-classification-extra"]}),
        aws(defaultTags={"tags": {"data-classification": "us-user-data"}}),
        Resource(rule.AWS_PROVIDER, "default_7_0_0", {"region": "us-east-1",
                 "allowedAccountIds": json.dumps([OURS]),
                 "ignoreTags": json.dumps({"keyPrefixes": ["aws-cdk:"]})}),
    ],
)  # fmt: skip
def test_ignore_tags_that_leave_the_label_alone_are_compliant(provider: Resource) -> None:
    assert findings(provider) == []


@pytest.mark.parametrize(
    ("ignore_tags", "shown"),
    [
        ({"keys": ["team", "data-classification"]}, "`ignoreTags.keys[1]`"),
        ({"keyPrefixes": ["data-"]}, "`ignoreTags.keyPrefixes[0]`"),
        ({"key_prefixes": ["data-class"]}, "`ignoreTags.keyPrefixes[0]`"),  # a Python dict
        ({"keyPrefixes": [""]}, "`ignoreTags.keyPrefixes[0]`"),  # every key
    ],
)
def test_ignore_tags_covering_the_classification_key_is_a_violation(
    ignore_tags: dict[str, Any], shown: str
) -> None:
    [message] = mandatory(aws(ignoreTags=ignore_tags))
    assert shown in message and "stops managing the label" in message


def test_a_default_provider_ignoring_the_label_from_stack_config_is_a_violation() -> None:
    # The engine sends a default provider with the stack's `aws:` config (`aws:ignoreTags`).
    default = Resource(
        rule.AWS_PROVIDER,
        "default_7_0_0",
        {
            "region": "us-east-1",
            "allowedAccountIds": json.dumps([OURS]),
            "ignoreTags": json.dumps({"keys": ["data-classification"]}),
        },
    )
    [message] = mandatory(default)
    assert "`ignoreTags.keys[0]`" in message


def test_unknown_ignore_tags_fail_closed() -> None:
    [diagnostic] = findings(aws(ignoreTags=UNKNOWN_STRING))
    assert "`ignoreTags`" in diagnostic.message


# --- a provider must pin its account: allowedAccountIds ---------------------------------------


@pytest.mark.parametrize(
    "provider",
    [
        # Static keys of whoever: the account is the keys' (red team 5b t02).
        aws("vendor", allowedAccountIds=None, accessKey="AKIAEXAMPLE", secretKey="x",
            skipRequestingAccountId="true"),
        # A profile with only a deny list (t08).
        aws("ops", allowedAccountIds=None, profile="contractor",
            forbiddenAccountIds=["999988887777"]),
        aws("empty", allowedAccountIds=[]),
        aws("blank", allowedAccountIds=[" "]),
        # A role in our account, assumed with credentials of any account: still no pin.
        aws("roled", allowedAccountIds=None,
            assumeRoles=[{"roleArn": f"arn:aws:iam::{OURS}:role/deploy"}]),
        # A default provider of a stack without `aws:allowedAccountIds`.
        Resource(rule.AWS_PROVIDER, "default_7_0_0", {"region": "us-east-1"}),
    ],
    ids=lambda r: r.name,
)  # fmt: skip
def test_a_provider_that_pins_no_account_is_a_violation(provider: Resource) -> None:
    messages = mandatory(provider)
    assert any("sets no `allowedAccountIds`" in m for m in messages), messages
    assert any("set `allowed_account_ids`" in m for m in messages)


def test_a_provider_that_lists_only_trusted_accounts_passes() -> None:
    assert findings(aws("ours", profile="deploy", forbiddenAccountIds=[PARTNER])) == []


def test_oci_credential_inputs_set_to_empty_strings_choose_nothing() -> None:
    # The stack names the trusted tenancy and the deployment's own credentials are used.
    assert findings(oci(configFileProfile="", auth="", tokenExchangeDomainUrl="")) == []


def test_an_unknown_ignore_tags_entry_fails_closed() -> None:
    provider = Resource(rule.AWS_PROVIDER, "east", {
        "region": "us-east-1", "allowedAccountIds": [OURS],
        "ignoreTags": {"keys": ["team", UNKNOWN_STRING]}})  # fmt: skip
    [diagnostic] = findings(provider)
    assert "`ignoreTags.keys[1]`" in diagnostic.message


def test_a_token_exchange_domain_in_the_egress_allowlist_is_trusted() -> None:
    provider = oci(
        tenancyOcid=TENANCY, auth="oci_token_exchange", tokenExchangeClientId="x",
        tokenExchangeDomainUrl="https://idcs-partner.identity.partner.example",
    )  # fmt: skip
    assert mandatory(provider, config={"allowedEgressHosts": ["*.partner.example"]}) == []
