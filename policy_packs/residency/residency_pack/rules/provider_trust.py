"""residency-provider-trust: every AWS and OCI provider works in the company's accounts,
tenancy and realms, and talks to the clouds' own endpoints.

A provider decides where everything created through it lives and who owns it: a bucket created
through a provider that assumes a role in a vendor's account is the vendor's bucket, whatever the
bucket's own inputs say. The engine hands every provider to the analyzer as a resource
(``pulumi:providers:aws`` / ``pulumi:providers:oci``): explicit providers with the inputs the
program gave them, default providers with the stack's config of the package. Both are judged
here, against trust that comes from the platform team only (``pack_config``: the policy config,
else the stack's own ``aws:allowedAccountIds`` / ``oci:tenancyOcid``), never from a provider.

AWS provider, a violation when:

* ``allowedAccountIds`` names an untrusted account, or ``forbiddenAccountIds`` forbids every
  trusted account (the provider can then only deploy into an untrusted one);
* a role of ``assumeRoles`` / ``assumeRole`` / ``assumeRoleWithWebIdentity`` is in an untrusted
  account, or its ARN is not an IAM role ARN whose account can be told;
* an ``endpoints`` override is not the AWS service endpoint of the provider's own region (or a
  partition-global one such as ``iam.amazonaws.com``); without a provider region, of a region
  allowed for ``us-user-data``. A customer host under an AWS domain
  (``bucket.s3.us-east-1.amazonaws.com``, ``x.execute-api...``) is not the service's endpoint;
* ``httpProxy`` / ``httpsProxy`` / ``ec2MetadataServiceEndpoint`` send the provider's traffic or
  take its credentials anywhere but the instance metadata service, unless the host is in
  ``allowedEgressHosts``.
* ``ignoreTags`` ``keys`` or ``keyPrefixes`` cover the ``data-classification`` key (a prefix of
  it, the empty prefix included): the provider stops managing the label after creating the
  resource (it drops the key from what it reads back and from ``tagsAll``, which its updates are
  computed from), so a relabel in code never reaches the cloud and a label changed in the cloud
  is never shown or restored. ``defaultTags`` is fine: the provider merges it into every
  resource's tags and applies it (the classification rules read it). The OCI provider's
  ``ignoreDefinedTags`` covers defined tags only, never ``freeformTags``.

OCI provider, a violation when ``tenancyOcid`` is not a trusted tenancy, or it or ``region`` is
outside the trusted realms (``trustedRealms``, default ``oc1``), or ``region`` is not a known
OCI region. The OCI provider has no endpoint override input.

An OCI provider without ``tenancyOcid`` works in the tenancy of its credentials: a violation when
an input chooses them (``auth`` such as ``InstancePrincipal``, ``configFileProfile``, an API key,
a token exchange), or when no trusted tenancy is named (stack ``oci:tenancyOcid`` or the policy
config's ``trustedTenancyOcids``). A token-exchange domain URL must be an OCI identity domain
(or in ``allowedEgressHosts``).

An AWS provider without ``allowedAccountIds`` (absent or empty) is a violation too, whatever else
it sets: it deploys into the account of whatever credentials it runs with (static keys, a profile,
the environment, a role it assumes with them), which no input tells, and ``forbiddenAccountIds``
only rules some accounts out. An explicit provider does not read the stack's ``aws:*`` config, so
the stack's ``aws:allowedAccountIds`` does not cover it; a default provider gets that setting
from the stack config (so a stack without it fails here too). Unknown values in these fields
fail closed: pending in preview, mandatory during the update.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any, Final

from policyuniverse.arn import ARN
from pulumi_policy import Severity

from residency_pack.engine import pack_config, region_catalog
from residency_pack.engine.classification import CLASSIFICATION_TAG, US_USER_DATA
from residency_pack.engine.places import AWS_OWNED, endpoint_of, parse_ocid
from residency_pack.engine.props import UNKNOWN, as_string_list
from residency_pack.engine.rule import Finding, ResourceContext, RuleSpec, resource_policy

NAME: Final = "residency-provider-trust"
AWS_PROVIDER: Final = "pulumi:providers:aws"
OCI_PROVIDER: Final = "pulumi:providers:oci"

# Provider inputs that name a role to assume: (input, whether it is a list). Older pulumi-aws
# versions took one `assumeRole` object; 7.x takes the `assumeRoles` list.
_ROLE_INPUTS: Final = (
    ("assumeRoles", True),
    ("assumeRole", False),
    ("assumeRoleWithWebIdentity", False),
)
_PROXY_INPUTS: Final = ("httpProxy", "httpsProxy")
_METADATA_ENDPOINT: Final = "ec2MetadataServiceEndpoint"
# The EC2 instance metadata service, IPv4 and IPv6 (what the provider uses by default).
_IMDS_HOSTS: Final = frozenset({"169.254.169.254", "fd00:ec2::254", "[fd00:ec2::254]"})

SPEC = RuleSpec(
    name=NAME,
    display_name="Providers stay in the company's accounts, tenancy and cloud endpoints",
    description=(
        "Every AWS and OCI provider (explicit, or default from the stack config) assumes roles "
        "only in trusted accounts, lists only trusted accounts, works in a trusted OCI tenancy "
        "and realm, and overrides no endpoint with anything but the cloud's own service "
        "endpoint for its region."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "create resources only through providers in the company's own accounts and tenancy: "
        "assume roles and list accounts only from the stack's `aws:allowedAccountIds` (or the "
        "policy config's `trustedAccountIds`), use the stack's `oci:tenancyOcid` (or "
        "`trustedTenancyOcids`), and remove endpoint and proxy overrides, or point them at the "
        "cloud's own service endpoint for the provider's region."
    ),
    frameworks=("data-residency", "access-control"),
    config_properties={
        pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema(),
        **pack_config.trust_config_properties(),
    },
)


def _decoded(value: Any) -> Any:
    """A provider input as an object: the engine sends nested provider inputs JSON-encoded."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _field(item: Any, camel: str, snake: str) -> Any:
    """A nested input by its camelCase name, or the snake_case one a Python dict input keeps."""
    if not isinstance(item, dict):
        return None
    return item.get(camel, item.get(snake))


def _unknown(what: str) -> Finding:
    return Finding(
        f"{what} is unknown, so the provider's account, tenancy or endpoint cannot be told.",
        unknown=True,
    )


def _accounts_hint(trusted: frozenset[str]) -> str:
    if not trusted:
        return (
            " No account is trusted: the policy config sets no `trustedAccountIds` and the "
            "stack config no `aws:allowedAccountIds`."
        )
    return f" Trusted accounts: {', '.join(sorted(trusted))}."


def _allowed_account_findings(ctx: ResourceContext, trusted: frozenset[str]) -> Iterator[Finding]:
    listed = as_string_list(ctx.props.get("allowedAccountIds"))
    if listed is UNKNOWN:
        yield _unknown("`allowedAccountIds`")
        return
    if not isinstance(listed, list) or not [a for a in listed if a.strip()]:
        yield Finding(
            f"Provider `{ctx.name}` sets no `allowedAccountIds`: it deploys into the account of "
            "whatever credentials it runs with (static keys, a profile, the environment), which "
            "no input tells, so its resources may land in any account (an explicit provider "
            f"does not read the stack's `aws:allowedAccountIds`).{_accounts_hint(trusted)}",
            fix="set `allowed_account_ids` on the provider to the company's accounts only (read "
            "them from the stack's `aws:allowedAccountIds`, as the blueprint's providers do); "
            "`forbidden_account_ids` alone does not pin the account.",
        )
        return
    for account in listed:
        if account.strip() not in trusted:
            yield Finding(
                f"Provider `{ctx.name}`: `allowedAccountIds` names account {account!r}, which is "
                f"not a trusted account.{_accounts_hint(trusted)}",
                fix="list only the company's accounts; a partner's account must not receive "
                "resources of this stack (if it is the company's, the platform team adds it to "
                "the stack's `aws:allowedAccountIds` or the policy config's `trustedAccountIds`).",
            )


def _forbidden_account_findings(ctx: ResourceContext, trusted: frozenset[str]) -> Iterator[Finding]:
    # A provider that forbids every trusted account can only deploy into an untrusted one.
    listed = as_string_list(ctx.props.get("forbiddenAccountIds"))
    if listed is UNKNOWN:
        yield _unknown("`forbiddenAccountIds`")
        return
    forbidden = {account.strip() for account in listed} if isinstance(listed, list) else set()
    if trusted and trusted <= forbidden:
        yield Finding(
            f"Provider `{ctx.name}`: `forbiddenAccountIds` forbids every trusted account "
            f"({', '.join(sorted(trusted))}), so its resources can only land in an untrusted "
            "account.",
            fix="remove the company's accounts from `forbiddenAccountIds` and list them in "
            "`allowedAccountIds` instead.",
        )


def _roles(ctx: ResourceContext) -> Iterator[tuple[str, Any]]:
    """(where, role ARN value) for every role the provider assumes; UNKNOWN where unknown."""
    for name, is_list in _ROLE_INPUTS:
        value = _decoded(ctx.props.get(name))
        if value is None:
            continue
        if value is UNKNOWN:
            yield f"`{name}`", UNKNOWN
            continue
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            where = f"`{name}[{index}].roleArn`" if is_list else f"`{name}.roleArn`"
            if item is UNKNOWN:
                yield where, UNKNOWN
                continue
            arn = _field(item, "roleArn", "role_arn")
            if arn is not None and arn != "":
                yield where, arn


def _role_findings(ctx: ResourceContext, trusted: frozenset[str]) -> Iterator[Finding]:
    for where, value in _roles(ctx):
        if value is UNKNOWN:
            yield _unknown(where)
            continue
        arn = ARN(str(value))
        account = arn.account_number
        if arn.error or arn.partition is None or arn.tech != "iam" or not account:
            yield Finding(
                f"Provider `{ctx.name}`: {where} {value!r} is not an IAM role ARN whose account "
                "can be told.",
                fix="assume a role by its full ARN (`arn:aws:iam::<account>:role/<name>`) in "
                "one of the company's accounts.",
            )
        elif str(arn.partition).lower() not in pack_config.trusted_partitions(ctx.config):
            yield Finding(
                f"Provider `{ctx.name}`: {where} assumes {value!r} in AWS partition "
                f"`{arn.partition}`, where no account is trusted: an account number in another "
                "partition is another account.",
                fix="assume roles only in the company's own accounts, in the partition of the "
                "allowed regions.",
            )
        elif account not in trusted:
            yield Finding(
                f"Provider `{ctx.name}`: {where} assumes {value!r} in account {account}, which "
                f"is not a trusted account: everything created through this provider would "
                f"belong to that account.{_accounts_hint(trusted)}",
                fix="assume roles only in the company's own accounts.",
            )


def _egress_allowed(host: str, config: Any) -> bool:
    return any(fnmatchcase(host, glob.lower()) for glob in pack_config.allowed_egress_hosts(config))


def _endpoint_problem(
    url: str, provider_region: str | None, allowed: frozenset[str], config: Any
) -> str | None:
    """Why ``url`` is not the AWS service endpoint for the provider's region, or None."""
    endpoint = endpoint_of(url)
    if endpoint is None:
        return "is not a URL or host name"
    if _egress_allowed(endpoint.host, config):
        return None
    if endpoint.cloud != "aws" or endpoint.account != AWS_OWNED:
        owner = (
            "outside AWS"
            if endpoint.cloud != "aws"
            else "a host of an AWS customer's resource, not the service's endpoint"
        )
        return f"points at `{endpoint.host}`, {owner}"
    if endpoint.region is None:
        return None  # a partition-global service endpoint (iam.amazonaws.com)
    if provider_region is not None:
        if endpoint.region != provider_region:
            return (
                f"points at region {endpoint.region}, while the provider (and every rule that "
                f"places its resources) is in {provider_region}"
            )
        return None
    if endpoint.region not in allowed:
        return f"points at region {endpoint.region}, not allowed for `{US_USER_DATA}`"
    return None


def _provider_region(ctx: ResourceContext) -> Any:
    """The provider's region in lower case, None when it sets none, or UNKNOWN."""
    region = ctx.props.get("region")
    if region is UNKNOWN:
        return UNKNOWN
    return str(region).strip().lower() if isinstance(region, str) and region.strip() else None


def _endpoint_findings(ctx: ResourceContext) -> Iterator[Finding]:
    value = _decoded(ctx.props.get("endpoints"))
    if value is None:
        return
    if value is UNKNOWN:
        yield _unknown("`endpoints`")
        return
    region = _provider_region(ctx)
    allowed = pack_config.allowed_regions(ctx.config, US_USER_DATA)["aws"]
    for index, item in enumerate(value if isinstance(value, list) else [value]):
        if item is UNKNOWN:
            yield _unknown(f"`endpoints[{index}]`")
            continue
        for service, url in item.items() if isinstance(item, dict) else []:
            where = f"`endpoints[{index}].{service}`"
            if url is UNKNOWN or region is UNKNOWN:
                yield _unknown(where if url is UNKNOWN else "`region`")
                continue
            if not isinstance(url, str) or not url.strip():
                continue
            problem = _endpoint_problem(url, region, allowed, ctx.config)
            if problem is not None:
                yield Finding(
                    f"Provider `{ctx.name}`: {where} {url!r} {problem}; data sent through it "
                    "would not stay where the pack places it.",
                    fix="remove the endpoint override, or point it at the AWS service endpoint "
                    "of the provider's region (a host outside AWS must be in the policy config's "
                    "`allowedEgressHosts`).",
                )


def _host_findings(ctx: ResourceContext) -> Iterator[Finding]:
    for name in (*_PROXY_INPUTS, _METADATA_ENDPOINT):
        value = ctx.props.get(name)
        if value is None or value == "":
            continue
        if value is UNKNOWN:
            yield _unknown(f"`{name}`")
            continue
        endpoint = endpoint_of(str(value))
        host = endpoint.host if endpoint is not None else str(value).strip().lower()
        if name == _METADATA_ENDPOINT and host in _IMDS_HOSTS:
            continue
        if _egress_allowed(host, ctx.config):
            continue
        what = (
            "its credentials come from"
            if name == _METADATA_ENDPOINT
            else "all its API traffic, data included, goes through"
        )
        yield Finding(
            f"Provider `{ctx.name}`: `{name}` {value!r}: {what} `{host}`, which is not in the "
            "policy config's `allowedEgressHosts`.",
            fix=f"remove `{name}`, or have the platform team add the host to "
            "`allowedEgressHosts` in the policy config.",
        )


def _ignore_tags_findings(ctx: ResourceContext) -> Iterator[Finding]:
    """``ignoreTags`` whose ``keys`` or ``keyPrefixes`` cover the classification tag key: the
    provider stops managing the label. It still sends the label when it creates a resource, but
    it removes the key from what it reads back and from ``tagsAll``, the map its updates are
    computed from (terraform-provider-aws ``tags_interceptor.go``: ``IgnoreConfig`` on read and
    in ``setTagsAll``, not on the create's ``TagsIn``). So a change of the label in code is never
    applied to the cloud, and a label removed or changed in the cloud is neither shown nor
    restored: tag-based guardrails (backup selections, SCP/RCP ``aws:ResourceTag`` conditions,
    audits) see a label the pack did not judge."""
    value = _decoded(ctx.props.get("ignoreTags"))
    if value is UNKNOWN:
        yield _unknown("`ignoreTags`")
        return
    if not isinstance(value, dict):
        return
    for camel, snake, covers in (
        ("keys", "keys", lambda key: key == CLASSIFICATION_TAG),
        ("keyPrefixes", "key_prefixes", lambda key: CLASSIFICATION_TAG.startswith(key)),
    ):
        entries = _decoded(_field(value, camel, snake))
        if entries is UNKNOWN:
            yield _unknown(f"`ignoreTags.{camel}`")
            continue
        if isinstance(entries, str):
            entries = [entries]
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if entry is UNKNOWN:
                yield _unknown(f"`ignoreTags.{camel}[{index}]`")
            elif isinstance(entry, str) and covers(entry):
                yield Finding(
                    f"`ignoreTags.{camel}[{index}]` ({entry!r}) covers the "
                    f"`{CLASSIFICATION_TAG}` tag: the provider stops managing the label, so a "
                    "change of it in code never reaches the cloud and a label changed or removed "
                    "in the cloud is neither shown nor restored; tag-based guardrails and audits "
                    "then see a classification the pack did not judge.",
                    fix=f"remove the entry from `ignoreTags` (or narrow the prefix so that it "
                    f"does not match `{CLASSIFICATION_TAG}`); `defaultTags` is fine.",
                )


def _aws_findings(ctx: ResourceContext) -> Iterator[Finding]:
    trusted = pack_config.trusted_account_ids(ctx.config)
    yield from _allowed_account_findings(ctx, trusted)
    yield from _forbidden_account_findings(ctx, trusted)
    yield from _role_findings(ctx, trusted)
    yield from _endpoint_findings(ctx)
    yield from _host_findings(ctx)
    yield from _ignore_tags_findings(ctx)


def _realm_hint(realms: frozenset[str]) -> str:
    return f"trusted realms: {', '.join(sorted(realms))} (`trustedRealms`)"


# OCI provider inputs that choose the credentials, and with them the tenancy when `tenancyOcid`
# is not set: a config-file profile, an instance/resource/workload principal, an API key of some
# user, a token exchanged at an identity domain.
_OCI_CREDENTIAL_INPUTS: Final = (
    "auth", "configFileProfile", "userOcid", "fingerprint", "privateKey", "privateKeyPath",
    "tokenExchangeDomainUrl", "tokenExchangeClientId", "workloadIdentityTokenPath",
)  # fmt: skip
# OCI provider inputs that name a place its credentials or traffic go through.
_OCI_URL_INPUTS: Final = ("tokenExchangeDomainUrl",)


def _oci_unstated_tenancy(ctx: ResourceContext) -> Iterator[Finding]:
    """A provider without `tenancyOcid` works in the tenancy of its credentials, which no program
    input tells: trusted only when it uses the deployment's own credentials (no input choosing
    others) and the stack or the policy config names the trusted tenancy."""
    chosen = [
        name for name in _OCI_CREDENTIAL_INPUTS if ctx.props.get(name) not in (None, "")
    ]  # fmt: skip
    if chosen:
        shown = ", ".join(f"`{name}`" for name in chosen)
        yield Finding(
            f"Provider `{ctx.name}` sets no `tenancyOcid` and chooses its credentials ({shown}): "
            "it works in whatever tenancy those credentials belong to, which no input of the "
            "program or the stack tells.",
            fix="set the provider's `tenancyOcid` to the company's tenancy (the stack's "
            "`oci:tenancyOcid`).",
        )
    elif not pack_config.trusted_tenancy_ocids(ctx.config):
        yield Finding(
            f"Provider `{ctx.name}` sets no `tenancyOcid`, and neither the stack config "
            "(`oci:tenancyOcid`) nor the policy config (`trustedTenancyOcids`) names the trusted "
            "tenancy: the tenancy it works in cannot be told.",
            fix="set `oci:tenancyOcid` in the stack config and the provider's `tenancyOcid`.",
        )


def _oci_url_findings(ctx: ResourceContext) -> Iterator[Finding]:
    for name in _OCI_URL_INPUTS:
        value = ctx.props.get(name)
        if value is None or value == "":
            continue
        if value is UNKNOWN:
            yield _unknown(f"`{name}`")
            continue
        endpoint = endpoint_of(str(value))
        if endpoint is not None and endpoint.cloud == "oci":
            continue
        host = endpoint.host if endpoint is not None else str(value).strip().lower()
        if _egress_allowed(host, ctx.config):
            continue
        yield Finding(
            f"Provider `{ctx.name}`: `{name}` {value!r}: its credentials are issued at `{host}`, "
            "which is not an OCI identity domain nor in the policy config's "
            "`allowedEgressHosts`.",
            fix=f"exchange tokens at an identity domain of the company's tenancy "
            f"(`https://idcs-<id>.identity.oraclecloud.com`), or remove `{name}`.",
        )


def _oci_findings(ctx: ResourceContext) -> Iterator[Finding]:
    realms = pack_config.trusted_realms(ctx.config)
    tenancy = ctx.props.get("tenancyOcid")
    yield from _oci_url_findings(ctx)
    if tenancy is UNKNOWN:
        yield _unknown("`tenancyOcid`")
    elif tenancy is None or (isinstance(tenancy, str) and not tenancy.strip()):
        yield from _oci_unstated_tenancy(ctx)
    elif isinstance(tenancy, str) and tenancy.strip():
        trusted = pack_config.trusted_tenancy_ocids(ctx.config)
        ocid = parse_ocid(tenancy)
        if tenancy.strip() not in trusted:
            hint = (
                f" Trusted tenancies: {', '.join(sorted(trusted))}."
                if trusted
                else " No tenancy is trusted: the policy config sets no `trustedTenancyOcids` "
                "and the stack config no `oci:tenancyOcid`."
            )
            yield Finding(
                f"Provider `{ctx.name}`: `tenancyOcid` {tenancy!r} is not a trusted tenancy: "
                f"everything created through this provider would belong to it.{hint}",
                fix="use the company's tenancy (the stack's `oci:tenancyOcid`).",
            )
        elif ocid is None or ocid.resource_type != "tenancy" or ocid.realm not in realms:
            yield Finding(
                f"Provider `{ctx.name}`: `tenancyOcid` {tenancy!r} is not a tenancy OCID of a "
                f"trusted realm ({_realm_hint(realms)}).",
                fix="use the company's tenancy in a trusted realm.",
            )
    region = _provider_region(ctx)
    if region is UNKNOWN:
        yield _unknown("`region`")
    elif isinstance(region, str):
        known = region_catalog.lookup("oci", region) or region_catalog.oci_region_by_key(region)
        if known is None:
            yield Finding(
                f"Provider `{ctx.name}`: `region` {region!r} is not a known OCI region, so its "
                "realm cannot be told.",
                fix="set the provider's `region` to an OCI region name such as `us-ashburn-1`.",
            )
        elif known.realm not in realms:
            yield Finding(
                f"Provider `{ctx.name}`: `region` {known.name} is in realm {known.realm}, outside "
                f"the {_realm_hint(realms)}.",
                fix="use a region of a trusted realm, or have the platform team add the realm "
                "to `trustedRealms` in the policy config.",
            )


def check(ctx: ResourceContext) -> Iterator[Finding]:
    if ctx.type == AWS_PROVIDER:
        yield from _aws_findings(ctx)
    elif ctx.type == OCI_PROVIDER:
        yield from _oci_findings(ctx)


POLICY = resource_policy(SPEC, check)
