"""residency-no-foreign-principals: nobody outside the company's accounts and tenancy gets in.

Three kinds of grant are read:

* AWS resource and trust policies (:data:`POLICY_DOCUMENT_FIELDS`): every principal must be a
  trusted account (``pack_config.trusted_account_ids``: the policy config, else the stack's own
  ``aws:allowedAccountIds``; never the program's provider), an AWS service, or
  ``*`` pinned by a condition to a trusted organization / account. See ``engine/iam_policy.py``.
* Single-principal grants (:data:`PRINCIPAL_FIELDS`): Lambda and EventBridge permissions, KMS
  grants, RAM shares, endpoint-service allow lists, cross-account attachments...
  An EventBridge permission with a ``condition`` is judged as the bus-policy statement it
  writes (:func:`event_permission_statement`), like an ``EventBusPolicy`` document.
* Data destinations (:data:`DATA_DESTINATION_FIELDS`): replication, backup copy, snapshot
  sharing, export and subscription inputs that name an account must name a trusted one.
* Federated trust: an OIDC provider's issuer, and the ``sub`` (Cognito: ``aud``) that a role
  trusting it pins, must be declared by the platform team in ``trustedFederatedSubjects``; the
  program cannot vouch for a repository, organization or identity pool. The same holds for every
  other resource that lets an identity provider decide who signs in (:data:`FEDERATION_TYPES`):
  IAM SAML providers (the metadata's ``entityID``), Cognito user pool identity providers (OIDC
  ``oidc_issuer``, SAML ``MetadataURL`` / ``MetadataFile`` entity id, the social providers'
  issuers), identity pool ``supportedLoginProviders``, Verified Access trust providers, ALB
  ``authenticate-oidc`` actions, and OCI identity-domain and IAM identity providers: each issuer
  must be declared (any subject list) in ``trustedFederatedSubjects``.
* OCI IAM policies: no ``define tenancy`` / ``endorse`` / ``admit`` naming a tenancy other than the
  trusted ones (``trustedTenancyOcids``, else the stack's ``oci:tenancyOcid``), and no
  ``allow any-user`` / ``allow any-group`` unless its ``where`` clause pins the caller to a
  principal of the trusted tenancy. See ``engine/oci_statements.py``.

Unknown values (preview): what is known is decided; a known foreign principal is a violation even
next to unknown ones. A deciding value that stays unknown (the whole document built with
``.apply`` from another resource's ARN, an unknown principal) cannot be resolved from the stack
graph, because the literal parts of the document are invisible until the update. It becomes an
*unknown finding* (:func:`unknown_finding`): during preview it does not block, and the pack's
wrapper surfaces it as the SDK's advisory; during ``pulumi up`` every input is known when the
engine calls the analyzer, before the resource is created, so a foreign principal is blocked then,
and a value that is somehow still unknown is a mandatory violation (fail closed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import Severity

from residency_pack.engine import pack_config
from residency_pack.engine.iam_policy import (
    TRUSTED_FEDERATED_SUBJECTS,
    Kind,
    Trust,
    account_of,
    foreign_access,
    is_service_principal,
    principal_verdict,
    source_arn_is_trusted,
)
from residency_pack.engine.oci_statements import Kind as OciKind
from residency_pack.engine.oci_statements import foreign_tenancy_grants
from residency_pack.engine.props import UNKNOWN, get
from residency_pack.engine.rule import Finding, ResourceContext, RuleSpec, resource_policy

NAME: Final = "residency-no-foreign-principals"

# Resource-based and trust policies, by resource type -> the input(s) holding a policy document.
# From the pulumi-aws v7 schema: every input named *policy / *policies / *policyDocument whose
# document names principals. Identity policies (iam Policy / RolePolicy / UserPolicy ...) have no
# Principal and are not listed; neither are look-alike inputs that are not IAM documents
# (lifecycle, redrive, delivery, data-protection, TLS, routing policies).
POLICY_DOCUMENT_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "aws:iam/role:Role": ("assumeRolePolicy",),
    # S3 and S3-adjacent
    "aws:s3/bucket:Bucket": ("policy",),
    "aws:s3/bucketV2:BucketV2": ("policy",),
    "aws:s3/bucketPolicy:BucketPolicy": ("policy",),
    "aws:s3/accessPoint:AccessPoint": ("policy",),
    "aws:s3/filesFileSystemPolicy:FilesFileSystemPolicy": ("policy",),
    "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy": ("policy",),
    "aws:s3control/accessPointPolicy:AccessPointPolicy": ("policy",),
    "aws:s3control/bucketPolicy:BucketPolicy": ("policy",),
    "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy": ("policy",),
    "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy": ("details.policy",),
    "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy": (
        "policy",
    ),
    "aws:s3tables/tableBucketPolicy:TableBucketPolicy": ("resourcePolicy",),
    "aws:s3tables/tablePolicy:TablePolicy": ("resourcePolicy",),
    "aws:glacier/vault:Vault": ("accessPolicy",),
    "aws:glacier/vaultLock:VaultLock": ("policy",),
    "aws:efs/fileSystemPolicy:FileSystemPolicy": ("policy",),
    "aws:backup/vaultPolicy:VaultPolicy": ("policy",),
    # Keys and secrets
    "aws:kms/key:Key": ("policy",),
    "aws:kms/externalKey:ExternalKey": ("policy",),
    "aws:kms/keyPolicy:KeyPolicy": ("policy",),
    "aws:kms/replicaKey:ReplicaKey": ("policy",),
    "aws:kms/replicaExternalKey:ReplicaExternalKey": ("policy",),
    "aws:secretsmanager/secret:Secret": ("policy",),
    "aws:secretsmanager/secretPolicy:SecretPolicy": ("policy",),
    "aws:acmpca/policy:Policy": ("policy",),
    # Messaging and streams
    "aws:sns/topic:Topic": ("policy",),
    "aws:sns/topicPolicy:TopicPolicy": ("policy",),
    "aws:sqs/queue:Queue": ("policy",),
    "aws:sqs/queuePolicy:QueuePolicy": ("policy",),
    "aws:kinesis/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:msk/clusterPolicy:ClusterPolicy": ("policy",),
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": ("policy",),
    "aws:schemas/registryPolicy:RegistryPolicy": ("policy",),
    "aws:pinpoint/smsvoicev2ResourcePolicy:Smsvoicev2ResourcePolicy": ("policy",),
    "aws:ses/identityPolicy:IdentityPolicy": ("policy",),
    "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy": ("policy",),
    # Databases and analytics
    "aws:dynamodb/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:dsql/clusterPolicy:ClusterPolicy": ("policy",),
    "aws:redshift/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:redshiftserverless/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:glue/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:elasticsearch/domain:Domain": ("accessPolicies",),
    "aws:elasticsearch/domainPolicy:DomainPolicy": ("accessPolicies",),
    "aws:opensearch/domain:Domain": ("accessPolicies",),
    "aws:opensearch/domainPolicy:DomainPolicy": ("accessPolicies",),
    "aws:opensearchingest/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:cloudsearch/domainServiceAccessPolicy:DomainServiceAccessPolicy": ("accessPolicy",),
    "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": ("resourcePolicy",),
    "aws:amp/resourcePolicy:ResourcePolicy": ("policyDocument",),
    "aws:bedrock/agentcoreResourcePolicy:AgentcoreResourcePolicy": ("policy",),
    # Logs and observability
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ("policyDocument",),
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": ("accessPolicy",),
    "aws:cloudwatch/logDeliveryDestinationPolicy:LogDeliveryDestinationPolicy": (
        "deliveryDestinationPolicy",
    ),
    "aws:oam/sinkPolicy:SinkPolicy": ("policy",),
    "aws:xray/resourcePolicy:ResourcePolicy": ("policyDocument",),
    # Code, images and APIs
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ("policy",),
    "aws:ecr/registryPolicy:RegistryPolicy": ("policy",),
    "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": ("repositoryPolicy",),
    "aws:ecrpublic/repositoryPolicy:RepositoryPolicy": ("policy",),
    "aws:codeartifact/domainPermissions:DomainPermissions": ("policyDocument",),
    "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy": ("policyDocument",),
    "aws:codebuild/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:lambda/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:apigateway/restApi:RestApi": ("policy",),
    "aws:apigateway/restApiPolicy:RestApiPolicy": ("policy",),
    "aws:apigateway/domainName:DomainName": ("policy",),
    "aws:mediastore/containerPolicy:ContainerPolicy": ("policy",),
    # Networking: endpoint policies decide who may use a path out of the VPC (data perimeter).
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("policy",),
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": ("policy",),
    "aws:vpclattice/authPolicy:AuthPolicy": ("policy",),
    "aws:vpclattice/resourcePolicy:ResourcePolicy": ("policy",),
    "aws:networkfirewall/resourcePolicy:ResourcePolicy": ("policy",),
}


@dataclass(frozen=True)
class PrincipalGrant:
    """A resource whose inputs name principals directly rather than in a document."""

    fields: tuple[str, ...]  # inputs holding one principal or a list of them
    organization_pins: tuple[str, ...] = ()  # inputs that restrict the grant to an org id
    account_pins: tuple[str, ...] = ()  # inputs that restrict the grant to an account id
    # Inputs that restrict a service principal to one source resource (its ARN): the pin AWS
    # documents against the confused deputy (Lambda: `sourceArn`).
    source_arn_pins: tuple[str, ...] = ()
    # Input values that mean "no principal outside the account" rather than a principal.
    benign: frozenset[str] = frozenset()


PRINCIPAL_FIELDS: Final[Mapping[str, PrincipalGrant]] = {
    "aws:lambda/permission:Permission": PrincipalGrant(
        ("principal",),
        organization_pins=("principalOrgId",),
        account_pins=("sourceAccount",),
        source_arn_pins=("sourceArn",),
    ),
    "aws:lambda/layerVersionPermission:LayerVersionPermission": PrincipalGrant(
        ("principal",), organization_pins=("organizationId",)
    ),
    "aws:kms/grant:Grant": PrincipalGrant(("granteePrincipal", "retiringPrincipal")),
    "aws:ram/principalAssociation:PrincipalAssociation": PrincipalGrant(("principal",)),
    "aws:ram/resourceShareAssociationsExclusive:ResourceShareAssociationsExclusive": (
        PrincipalGrant(("principals",))
    ),
    "aws:cloudwatch/eventPermission:EventPermission": PrincipalGrant(("principal",)),
    "aws:ec2/vpcEndpointService:VpcEndpointService": PrincipalGrant(("allowedPrincipals",)),
    "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple": (
        PrincipalGrant(("principalArn",))
    ),
    "aws:ec2/networkInterfacePermission:NetworkInterfacePermission": PrincipalGrant(
        ("awsAccountId",)
    ),
    "aws:ec2transitgateway/peeringAttachment:PeeringAttachment": PrincipalGrant(("peerAccountId",)),
    "aws:globalaccelerator/crossAccountAttachment:CrossAccountAttachment": PrincipalGrant(
        ("principals",)
    ),
    "aws:signer/signingProfilePermission:SigningProfilePermission": PrincipalGrant(("principal",)),
    "aws:lakeformation/permissions:Permissions": PrincipalGrant(
        ("principal",), benign=frozenset({"IAM_ALLOWED_PRINCIPALS"})
    ),
    "aws:servicecatalog/portfolioShare:PortfolioShare": PrincipalGrant(("principalId",)),
}

# Inputs through which a resource sends or shares data with an account: the destination must be a
# trusted account. Paths are camelCase; "[]" walks every element of a list. Only values naming an
# account (an account id, or an ARN with an account segment) are judged: S3 ARNs carry no
# account, and e-mail / URL endpoints are not accounts.
DATA_DESTINATION_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": ("rules[].destination.account",),
    "aws:backup/plan:Plan": ("rules[].copyActions[].destinationVaultArn",),
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": (
        "policyDetails.schedules[].shareRule.targetAccounts[]",
    ),
    "aws:ecr/replicationConfiguration:ReplicationConfiguration": (
        "replicationConfiguration.rules[].destinations[].registryId",
    ),
    "aws:dynamodb/tableExport:TableExport": ("s3BucketOwner",),
    "aws:sns/topicSubscription:TopicSubscription": ("endpoint",),
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": ("destinationArn",),
    "aws:cloudwatch/eventTarget:EventTarget": ("arn",),
}

OCI_POLICY_TYPE: Final = "oci:Identity/policy:Policy"


# Issuer globs (host and path, as IAM names an OIDC provider) and subject globs: `*` and `?`
# only, and never only wildcards (that would trust every issuer or every subject of one).
_SUBJECT_GLOB: Final = r"^[^\[\]\s]*[^*?\[\]\s][^\[\]\s]*$"


def trusted_federated_subjects_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Web-identity federation the platform team vouches for: issuer (host "
        "and path of the OIDC provider, e.g. `token.actions.githubusercontent.com`, "
        "`oidc.eks.us-east-1.amazonaws.com/id/<cluster id>`; `cognito-identity.amazonaws.com` "
        "for identity pools; a glob) -> the `sub` globs it may assert (GitHub "
        "`repo:<org>/<repo>:*`; Cognito: the `aud`, i.e. identity pool ids "
        "`<region>:<pool id>`). Every identity provider (IAM OIDC and SAML providers, Cognito "
        "user pool and identity pool providers, Verified Access trust providers, ALB "
        "authenticate-oidc, OCI identity providers) needs its issuer or SAML entity id "
        "declared here. An OIDC provider of another issuer, or a trust whose "
        "`sub`/`aud` no glob here covers, is a violation. Empty by default: nobody federates "
        "in until the platform team says so.",
        "propertyNames": {"pattern": _SUBJECT_GLOB},
        "additionalProperties": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "pattern": _SUBJECT_GLOB},
        },
        "default": {},
    }


OIDC_PROVIDER: Final = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"

SPEC = RuleSpec(
    name=NAME,
    display_name="No principals outside the company's accounts and tenancy",
    description=(
        "AWS resource and trust policies and direct grants name only trusted accounts, AWS "
        "services, or `*` pinned to a trusted organization or account; OCI IAM policies "
        "define, endorse or admit no tenancy other than the trusted ones."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "grant access only to the company's own accounts (the policy config's "
        "`trustedAccountIds`, else the stack's `aws:allowedAccountIds`) and tenancies "
        "(`trustedTenancyOcids`, else the stack's `oci:tenancyOcid`); pin `*` principals "
        "with a `StringEquals` condition on "
        "`aws:PrincipalOrgID` (listed in `trustedOrganizationIds`) or `aws:PrincipalAccount`."
    ),
    frameworks=("data-residency", "access-control"),
    config_properties={
        **pack_config.trust_config_properties(),
        TRUSTED_FEDERATED_SUBJECTS: trusted_federated_subjects_schema(),
    },
)


COGNITO_IDENTITY: Final = "cognito-identity.amazonaws.com"
COGNITO_GUEST_FIX: Final = (
    'add `"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": '
    '"authenticated"}` to the trust policy\'s condition, so that only signed-in identities '
    "assume the role; a guest (unauthenticated) role of an identity pool must not exist where "
    "user data is (remove `roles.unauthenticated` from the pool's role attachment and set "
    "`allow_unauthenticated_identities=False`), or be exempted with the reason that it reaches "
    "no user data."
)


def unknown_finding(message: str, urn: str | None = None, fix: str | None = None) -> Finding:
    """A finding that hinges on a value unknown during preview (see the module docstring):
    the rule wrapper defers it to the update in preview and reports it mandatory otherwise."""
    return Finding(message, urn=urn, fix=fix, unknown=True)


def trust_of(ctx: ResourceContext) -> Trust:
    """The trusted accounts and organizations (policy config, else the stack's own config)."""
    subjects = ctx.config.get(TRUSTED_FEDERATED_SUBJECTS)
    return Trust.of(
        pack_config.trusted_account_ids(ctx.config),
        pack_config.trusted_organization_ids(ctx.config),
        subjects if isinstance(subjects, Mapping) else None,
        pack_config.trusted_partitions(ctx.config),
    )


def _trusted_hint(trust: Trust) -> str:
    if not trust.accounts:
        return (
            " No account is trusted: the policy config sets no `trustedAccountIds` and the "
            "stack config no `aws:allowedAccountIds`."
        )
    return f" Trusted accounts: {', '.join(sorted(trust.accounts))}."


SERVICE_PIN_FIX: Final = (
    "add a condition to the statement that pins the service to your own resources, as AWS "
    "documents for the confused deputy: `StringEquals` `aws:SourceAccount` = a trusted account "
    "id, and/or `ArnLike` `aws:SourceArn` = the ARN of the source resource (distribution, "
    "bucket, trail, log group ...) in a trusted account; `aws:SourceOrgID` = a trusted "
    "organization also pins."
)

FEDERATION_FIX: Final = (
    "pin the trust to a repository / workload / identity pool the platform team declared in "
    f"`{NAME}`'s `trustedFederatedSubjects` (issuer -> subject globs), or ask them to review "
    "and declare it; the program itself cannot vouch for who federates in."
)

# Role trust policies: a service principal there needs no source pin (iam:PassRole, see
# engine/iam_policy.py).
TRUST_POLICY_FIELDS: Final = frozenset({("aws:iam/role:Role", "assumeRolePolicy")})


def _document_findings(ctx: ResourceContext, field: str, trust: Trust) -> Iterator[Finding]:
    # A dotted field is a path into a nested input (details.policy).
    document = get(ctx.props, *field.split("."))
    trust_policy = (ctx.type, field) in TRUST_POLICY_FIELDS
    yield from _judged_document(document, f"`{field}`", trust, trust_policy=trust_policy)


def _judged_document(
    document: Any, label: str, trust: Trust, *, trust_policy: bool = False
) -> Iterator[Finding]:
    for finding in foreign_access(document, trust, trust_policy=trust_policy):
        what = f"{label} {finding.message}."
        if finding.kind is Kind.UNKNOWN:
            yield unknown_finding(what)
        elif finding.kind in (Kind.FOREIGN, Kind.UNVERIFIABLE):
            yield Finding(what + _trusted_hint(trust))
        elif finding.kind is Kind.UNPINNED_SERVICE:
            yield Finding(what + _trusted_hint(trust), fix=SERVICE_PIN_FIX)
        elif finding.kind is Kind.UNDECLARED_FEDERATION:
            yield Finding(what, fix=FEDERATION_FIX)
        elif finding.kind is Kind.PUBLIC and finding.principal == COGNITO_IDENTITY:
            yield Finding(what, fix=COGNITO_GUEST_FIX)
        else:
            yield Finding(what)


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _pinned(ctx: ResourceContext, grant: PrincipalGrant, trust: Trust) -> bool | Any:
    unknown = False
    for prop, trusted in (
        *((p, trust.organizations) for p in grant.organization_pins),
        *((p, trust.accounts) for p in grant.account_pins),
    ):
        value = ctx.props.get(prop)
        if value is UNKNOWN:
            unknown = True
        elif isinstance(value, str) and value in trusted:
            return True
    return UNKNOWN if unknown else False


def _source_pinned(ctx: ResourceContext, grant: PrincipalGrant, trust: Trust) -> bool | Any:
    """Whether a service principal's grant names its source: a trusted org or account pin, or
    a source ARN of a trusted account (or one literal S3 bucket, whose ARN has no account)."""
    pinned = _pinned(ctx, grant, trust)
    if pinned is True:
        return True
    unknown = pinned is UNKNOWN
    for prop in grant.source_arn_pins:
        value = ctx.props.get(prop)
        if value is UNKNOWN:
            unknown = True
        elif isinstance(value, str) and source_arn_is_trusted(value, trust):
            return True
    return UNKNOWN if unknown else False


def _grant_findings(ctx: ResourceContext, grant: PrincipalGrant, trust: Trust) -> Iterator[Finding]:
    pinned = _pinned(ctx, grant, trust)
    for field in grant.fields:
        yield from _service_grant_findings(ctx, grant, field, trust)
        raw = ctx.props.get(field)
        if raw is UNKNOWN:
            if pinned is not True:
                yield unknown_finding(f"`{field}` is unknown.")
            continue
        for value in _values(raw):
            if isinstance(value, str) and value in grant.benign:
                continue
            verdict = principal_verdict(value, trust)
            if verdict is None or pinned is True:
                continue
            shown = "<unknown>" if value is UNKNOWN else repr(value)
            if verdict is Kind.UNKNOWN or pinned is UNKNOWN:
                yield unknown_finding(f"`{field}` grants {shown}, which may not be trusted.")
            elif verdict is Kind.PUBLIC:
                yield Finding(
                    f"`{field}` grants {shown}: every AWS account, with no trusted "
                    "organization or account pinned."
                )
            elif verdict is Kind.FOREIGN:
                yield Finding(
                    f"`{field}` grants {shown}, outside the trusted accounts and "
                    f"organizations.{_trusted_hint(trust)}"
                )
            else:
                yield Finding(
                    f"`{field}` grants {shown}, which cannot be attributed to a trusted account."
                )


def _service_grant_findings(
    ctx: ResourceContext, grant: PrincipalGrant, field: str, trust: Trust
) -> Iterator[Finding]:
    """A service principal granted with no source pin (the confused deputy): a resource of any
    account can make the service use the grant."""
    services = [v for v in _values(ctx.props.get(field)) if is_service_principal(v)]
    if not services or not grant.source_arn_pins:
        return
    pinned = _source_pinned(ctx, grant, trust)
    if pinned is True:
        return
    pins = ", ".join(f"`{p}`" for p in (*grant.source_arn_pins, *grant.account_pins))
    message = (
        f"`{field}` grants service principal {services[0]!r} with no {pins} naming a resource "
        "or account that is trusted, so the service can use the grant for resources of any AWS "
        "account (the cross-service confused deputy)."
    )
    if pinned is UNKNOWN:
        yield unknown_finding(message)
    else:
        yield Finding(
            message,
            fix=(
                f"set `{grant.source_arn_pins[0]}` to the ARN of the resource that invokes it (in "
                "a trusted account) and `sourceAccount` to a trusted account id."
            ),
        )


def walk(value: Any, path: str, shown: str = "") -> Iterator[tuple[str, Any]]:
    """(concrete path, value) for every value at ``path`` ("a[].b"); UNKNOWN where a step is
    unknown; nothing where a step is absent."""
    if not path:
        yield shown, value
        return
    if value is UNKNOWN:
        yield shown or path, UNKNOWN
        return
    head, _, rest = path.partition(".")
    each = head.endswith("[]")
    key = head.removesuffix("[]")
    child = get(value, key) if key else value
    where = f"{shown}.{key}" if shown and key else (key or shown)
    if child is None:
        return
    if not each:
        yield from walk(child, rest, where)
    elif child is UNKNOWN:
        yield where, UNKNOWN
    elif isinstance(child, list):
        for index, item in enumerate(child):
            yield from walk(item, rest, f"{where}[{index}]")


def _destination_findings(
    ctx: ResourceContext, paths: Sequence[str], trust: Trust
) -> Iterator[Finding]:
    for path in paths:
        for where, value in walk(ctx.props, path):
            if value is UNKNOWN:
                yield unknown_finding(f"`{where}` is unknown; it may name another account.")
                continue
            if not isinstance(value, str) or account_of(value) is None:
                continue
            verdict = principal_verdict(value, trust)
            if verdict is None:
                continue
            yield Finding(
                f"`{where}` sends data to {value!r}, outside the trusted accounts."
                + _trusted_hint(trust)
            )


def _oci_findings(ctx: ResourceContext) -> Iterator[Finding]:
    tenancies = pack_config.trusted_tenancy_ocids(ctx.config)
    for finding in foreign_tenancy_grants(ctx.props.get("statements"), tenancies):
        what = f"`statements` {finding.message}."
        if finding.kind is OciKind.UNKNOWN:
            yield unknown_finding(what)
        elif finding.kind is OciKind.ANY_PRINCIPAL:
            yield Finding(
                what,
                fix="name the group or dynamic group that needs the access instead of "
                f"{finding.statement.split()[1]!r}, or add a `where` clause that pins the "
                "caller, e.g. `where request.principal.type = 'serviceconnector'` or "
                "`where request.principal.id = '<ocid>'`.",
            )
        elif finding.kind is OciKind.FOREIGN_TENANCY and not tenancies:
            yield Finding(
                what + " No tenancy is trusted: the policy config sets no `trustedTenancyOcids` "
                "and the stack config no `oci:tenancyOcid`."
            )
        else:
            yield Finding(what)


def _oidc_provider_findings(ctx: ResourceContext) -> Iterator[Finding]:
    """An IAM OIDC provider lets whoever runs the issuer mint identities that roles may trust:
    the issuer must be one the platform team declared (a partner's IdP is a door into the
    account that the program alone cannot open)."""
    url = get(ctx.props, "url")
    if url is UNKNOWN:
        yield unknown_finding("`url` (the OIDC issuer) is unknown.")
        return
    if not isinstance(url, str) or trust_of(ctx).trusts_issuer(url):
        return
    yield Finding(
        f"`url` {url!r} is an OIDC issuer the platform team has not declared in "
        f"`{TRUSTED_FEDERATED_SUBJECTS}`: whoever runs it could sign identities that roles "
        "of this account trust.",
        fix=f"use an issuer the platform team lists in `{NAME}`'s "
        f"`{TRUSTED_FEDERATED_SUBJECTS}` (with the subjects it may assert), or ask them to "
        "review and add this one.",
    )


# The issuers of the social sign-in providers as their tokens name them.
SOCIAL_ISSUERS: Final[Mapping[str, str]] = {
    "google": "accounts.google.com",
    "facebook": "graph.facebook.com",
    "loginwithamazon": "www.amazon.com",
    "signinwithapple": "appleid.apple.com",
}
_ENTITY_ID: Final = re.compile(r"""entityID\s*=\s*["']([^"']+)["']""")
_ALB_LISTENERS: Final = frozenset({
    "aws:lb/listener:Listener", "aws:alb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule",
})  # fmt: skip
Issuer = tuple[str, Any]  # (input path, issuer value or UNKNOWN; None: cannot be told)


def _saml_entity_ids(path: str, metadata: Any) -> Iterator[Issuer]:
    """The entity ids a SAML metadata document declares (None when it declares none)."""
    if metadata is UNKNOWN:
        yield path, UNKNOWN
        return
    found = _ENTITY_ID.findall(metadata) if isinstance(metadata, str) else []
    yield from ((path, entity) for entity in found) if found else [(path, None)]


def _cognito_idp_issuers(props: Any) -> Iterator[Issuer]:
    kind = get(props, "providerType")
    details = get(props, "providerDetails")
    if kind is UNKNOWN or details is UNKNOWN:
        yield "providerDetails", UNKNOWN
        return
    details = details if isinstance(details, Mapping) else {}
    kind = str(kind or "").lower()
    if kind in SOCIAL_ISSUERS:
        yield "providerType", SOCIAL_ISSUERS[kind]
    elif kind == "oidc":
        yield "providerDetails.oidc_issuer", details.get("oidc_issuer")
    elif kind == "saml":
        if details.get("MetadataURL") is not None:
            yield "providerDetails.MetadataURL", details.get("MetadataURL")
        if details.get("MetadataFile") is not None or details.get("MetadataURL") is None:
            yield from _saml_entity_ids("providerDetails.MetadataFile", details.get("MetadataFile"))
    else:
        yield "providerType", None  # a type nobody reviewed: its issuer cannot be told


def _identity_pool_issuers(props: Any) -> Iterator[Issuer]:
    providers = get(props, "supportedLoginProviders")
    if providers is UNKNOWN:
        yield "supportedLoginProviders", UNKNOWN
    elif isinstance(providers, Mapping):
        for issuer in providers:
            yield f"supportedLoginProviders.{issuer}", str(issuer)


def _verified_access_issuers(props: Any) -> Iterator[Issuer]:
    for field in ("oidcOptions", "nativeApplicationOidcOptions"):
        options = get(props, field)
        if options is UNKNOWN:
            yield field, UNKNOWN
        elif isinstance(options, Mapping):
            yield f"{field}.issuer", options.get("issuer")


def _alb_issuers(props: Any) -> Iterator[Issuer]:
    for field in ("defaultActions", "actions"):
        actions = get(props, field)
        if actions is UNKNOWN:
            yield field, UNKNOWN
            continue
        for index, action in enumerate(actions if isinstance(actions, list) else []):
            oidc = action.get("authenticateOidc") if isinstance(action, Mapping) else None
            if oidc is UNKNOWN:
                yield f"{field}[{index}].authenticateOidc", UNKNOWN
            elif isinstance(oidc, Mapping):
                yield f"{field}[{index}].authenticateOidc.issuer", oidc.get("issuer")


def _appsync_issuers(props: Any) -> Iterator[Issuer]:
    """An AppSync API's OIDC providers (primary and additional; an Event API's auth providers):
    the issuer decides who calls the API."""
    providers: list[tuple[str, Any, str]] = [("", props, "authenticationType")]
    for field, key in (("additionalAuthenticationProviders", "authenticationType"),
                       ("eventConfig.authProviders", "authType")):  # fmt: skip
        items = get(props, *field.split("."))
        if isinstance(items, list):
            providers += [(f"{field}[{i}].", item, key) for i, item in enumerate(items)]
    for prefix, provider, key in providers:
        if not isinstance(provider, Mapping) or get(provider, key) != "OPENID_CONNECT":
            continue
        issuer = get(provider, "openidConnectConfig", "issuer")
        yield f"{prefix}openidConnectConfig.issuer", issuer


def _oci_domain_idp_issuers(props: Any) -> Iterator[Issuer]:
    kind = get(props, "type")
    if kind is UNKNOWN:
        yield "type", UNKNOWN
        return
    if str(kind or "SAML").upper() == "SOCIAL":
        social = get(props, "socialIdentityProvider") or get(
            props, "urnietfparamsscimschemasoracleidcsextensionsocialIdentityProvider"
        )
        name = get(social, "serviceProviderName") if isinstance(social, Mapping) else None
        issuer = SOCIAL_ISSUERS.get(str(name).lower()) if isinstance(name, str) else name
        yield "socialIdentityProvider.serviceProviderName", issuer
        return
    partner = get(props, "partnerProviderId")
    if partner is not None:
        yield "partnerProviderId", partner
    if get(props, "metadata") is not None or partner is None:
        yield from _saml_entity_ids("metadata", get(props, "metadata"))


def _oci_iam_idp_issuers(props: Any) -> Iterator[Issuer]:
    if get(props, "metadataUrl") is not None:
        yield "metadataUrl", get(props, "metadataUrl")
    yield from _saml_entity_ids("metadata", get(props, "metadata"))


FEDERATION_TYPES: Final[Mapping[str, Callable[[Any], Iterator[Issuer]]]] = {
    "aws:iam/samlProvider:SamlProvider": lambda props: _saml_entity_ids(
        "samlMetadataDocument", get(props, "samlMetadataDocument")
    ),
    "aws:cognito/identityProvider:IdentityProvider": _cognito_idp_issuers,
    "aws:cognito/identityPool:IdentityPool": _identity_pool_issuers,
    "aws:verifiedaccess/trustProvider:TrustProvider": _verified_access_issuers,
    "aws:appsync/graphQLApi:GraphQLApi": _appsync_issuers,
    "aws:appsync/api:Api": _appsync_issuers,
    **{token: _alb_issuers for token in _ALB_LISTENERS},
    "oci:Identity/domainsIdentityProvider:DomainsIdentityProvider": _oci_domain_idp_issuers,
    "oci:Identity/identityProvider:IdentityProvider": _oci_iam_idp_issuers,
}
IDP_FIX: Final = (
    f"sign users in through an identity provider the platform team lists in `{NAME}`'s "
    f"`{TRUSTED_FEDERATED_SUBJECTS}` (issuer or SAML entity id -> the subjects it may assert), "
    "or ask them to review and add this one; the program itself cannot vouch for who decides "
    "who gets in."
)


def _federation_findings(ctx: ResourceContext) -> Iterator[Finding]:
    """An identity provider decides who signs in: its issuer must be declared."""
    trust = trust_of(ctx)
    for path, issuer in FEDERATION_TYPES[ctx.type](ctx.props):
        if issuer is UNKNOWN:
            yield unknown_finding(f"`{path}` (the identity provider's issuer) is unknown.",
                                  fix=IDP_FIX)  # fmt: skip
        elif not isinstance(issuer, str) or not issuer.strip():
            yield Finding(
                f"`{path}` does not tell which identity provider issues the identities this "
                f"{ctx.type} lets in (no issuer or SAML entity id), so the pack cannot check "
                "that the platform team declared it.",
                fix=IDP_FIX,
            )
        elif not trust.trusts_issuer(issuer):
            yield Finding(
                f"`{path}` {issuer!r} is an identity provider the platform team has not declared "
                f"in `{TRUSTED_FEDERATED_SUBJECTS}`: whoever runs it decides who signs in "
                f"through {ctx.type} {ctx.name!r}.",
                fix=IDP_FIX,
            )


EVENT_PERMISSION: Final = "aws:cloudwatch/eventPermission:EventPermission"
_ACCOUNT_PRINCIPAL: Final = re.compile(r"^\d{12}$")


def event_permission_statement(props: Any) -> Any:
    """The policy document an EventBridge permission stands for (``PutPermission`` writes it
    into the bus's resource policy): ``principal`` (an account id, or ``*``) allowed ``action``
    (``events:PutEvents`` by default) under ``condition`` (``{type: {key: value}}``; EventBridge
    accepts only ``aws:PrincipalOrgID`` with ``StringEquals``, and the document judges any other
    key or type as it would in a policy). Unknown (preview) when a value that decides is."""
    principal, condition = props.get("principal"), props.get("condition")
    action = props.get("action")
    if principal is UNKNOWN or condition is UNKNOWN or action is UNKNOWN:
        return UNKNOWN
    if not isinstance(condition, Mapping):
        return UNKNOWN
    key, kind, value = (condition.get(name) for name in ("key", "type", "value"))
    if UNKNOWN in (key, kind, value):
        return UNKNOWN
    if isinstance(principal, str) and _ACCOUNT_PRINCIPAL.match(principal):
        principal = {"AWS": f"arn:aws:iam::{principal}:root"}
    elif principal != "*":
        principal = {"AWS": principal}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": principal,
                "Action": action if isinstance(action, str) and action else "events:PutEvents",
                "Resource": "*",
                "Condition": {str(kind): {str(key): value}},
            }
        ],
    }


def check(ctx: ResourceContext) -> Iterator[Finding]:
    if ctx.type in FEDERATION_TYPES:
        yield from _federation_findings(ctx)  # and whatever grants the type carries, below
    if ctx.type == OIDC_PROVIDER:
        yield from _oidc_provider_findings(ctx)
        return
    if ctx.type == OCI_POLICY_TYPE:
        yield from _oci_findings(ctx)
        return
    fields: Sequence[str] = POLICY_DOCUMENT_FIELDS.get(ctx.type, ())
    grant = PRINCIPAL_FIELDS.get(ctx.type)
    destinations = DATA_DESTINATION_FIELDS.get(ctx.type, ())
    if not fields and grant is None and not destinations:
        return
    trust = trust_of(ctx)
    for field in fields:
        yield from _document_findings(ctx, field, trust)
    if ctx.type == EVENT_PERMISSION and ctx.props.get("condition") is not None:
        # The grant with its condition is the statement EventBridge writes into the bus's
        # policy: judged as that document, as an EventBusPolicy's would be.
        document = event_permission_statement(ctx.props)
        yield from _judged_document(document, "`principal` with its `condition`", trust)
    elif grant is not None:
        yield from _grant_findings(ctx, grant, trust)
    yield from _destination_findings(ctx, destinations, trust)


POLICY = resource_policy(SPEC, check)
