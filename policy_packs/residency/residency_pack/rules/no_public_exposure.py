"""residency-no-public-exposure: no data store or copy of data is opened to the internet or to
other accounts.

Checked per resource (everything a single resource's inputs can show):

* OCI Object Storage bucket ``accessType`` other than ``NoPublicAccess`` (unless the bucket is
  classified ``public``);
* S3 ACLs: canned ``public-read`` / ``public-read-write`` / ``authenticated-read`` and grants to
  the AllUsers / AuthenticatedUsers groups, to e-mail addresses or to canonical users other than
  the owner, on buckets (``Bucket.acl``/``grants``, ``BucketAcl``) and objects (``BucketObject``);
  a ``BucketAcl`` resource cannot see its bucket's classification, so it fails closed;
* RDS DB and cluster snapshots shared with ``all`` or an untrusted account;
* AMI launch permissions and EBS snapshot create-volume permissions for ``all`` or an untrusted
  account / organization;
* Lambda function URLs with ``authorizationType`` ``NONE``;
* OCI pre-authenticated requests (``oci:ObjectStorage/preauthrequest:Preauthrequest``): a bearer
  URL to objects of a bucket, readable (or writable) by whoever holds the link. A PAR on a bucket
  of US user data, on an unclassified bucket, or on a bucket this stack does not declare (whose
  classification the pack cannot see: fail closed) is a violation. The PAR names its bucket by
  name and namespace only; the bucket is found among the OCI buckets of the same stack this
  rule has already analysed (:data:`STACK_OCI_BUCKETS`): the engine analyses a resource before
  the resources that depend on it, so a PAR built from ``bucket.name`` finds it. A PAR whose
  bucket was not analysed before it (a literal name, no dependency: the order is the SDK's)
  waits for the whole stack: the policy's stack follow-up (``stack_check``, run by the pack's
  servicer in ``AnalyzeStack``) judges it against every OCI bucket of the stack, so the verdict
  does not depend on the order.

* network exposure of a store (:func:`_network_exposure`), found by the flag's name on every
  type rather than a table of types: an input ``publiclyAccessible`` / ``isPubliclyAccessible``
  / ``isPublic`` that is true (at any depth, outside filters and exclusion rules), or a
  ``publicAccess.type`` other than ``DISABLED``, gives the store an internet endpoint. In the
  installed SDKs that is RDS instances, cluster instances, clusters and shard groups, Neptune
  cluster instances, Redshift clusters, Redshift Serverless workgroups, DMS replication instances
  and instance profiles, Amazon MQ brokers, MSK public access, Lightsail databases, Timestream
  for InfluxDB, Mainframe Modernization environments, OCI GoldenGate deployments and container
  repositories. OCI says it in addresses: an Autonomous Database without a private endpoint
  (``subnetId``) and without an access control list (``whitelistedIps``), or whose list has a
  world CIDR, and a File Storage export whose ``exportOptions`` let a world CIDR in (or that
  sets no export options: OCI then exports to ``0.0.0.0/0``); an OpenSearch or Elasticsearch
  domain without ``vpcOptions`` has a public endpoint. Only a store classified
  ``non-personal`` or ``public`` may be reachable from the internet; US user data, an
  unclassified store and a store whose classification cannot be seen (an export) fail closed.

* AppSync APIs that accept ``API_KEY`` (a GraphQL API's primary or additional provider, an Event
  API's auth providers): the key is a bearer secret shipped in clients. Judged by the stack
  follow-up against the API's data sources of the stack (by their ``apiId``'s property
  dependency): one that reaches a store labelled ``us-user-data``, unlabelled, or not declared
  by the stack makes the API a violation. ``AWS_IAM``, Cognito user pools and ``AWS_LAMBDA``
  (the authorizer's ARN is judged for its owner by ``residency-named-places``) pass;
  ``OPENID_CONNECT`` issuers are judged by ``residency-no-foreign-principals``. An HTTP data
  source's far end is judged by the flow and place rules, not here.

* access lists judged by what they admit (:func:`acl_entry_problem`): an ADB's
  ``whitelistedIps``/``standbyWhitelistedIps`` and an export's ``source`` entries are read with
  :mod:`ipaddress`; an entry covering any address outside RFC 1918 / RFC 4193 / loopback is
  public unless ``declaredPlaces`` declares it for a trusted owner; an unreadable entry fails
  closed; a VCN OCID must be a VCN of the stack (stack follow-up, :func:`_foreign_vcn_entries`)
  or be declared for a trusted tenancy.
* compute with a public address (:func:`_compute_public_ip`, :func:`_eip_findings`): EC2
  ``associatePublicIpAddress`` (unset without a subnet: a default subnet), launch-template
  interfaces, Elastic IPs on an instance of the stack, OCI ``assignPublicIp`` unless explicitly
  false; RDS's default-VPC default (:func:`_rds_default_exposure`,
  :func:`_cluster_instance_defaults`).
* sharing with every account: SSM document ``permissions`` ``All``, Image Builder
  ``launchPermission.userGroups`` ``all``.
* stack follow-up: OpenSearch Serverless network policies with ``AllowFromPublic``
  (:func:`_aoss_findings`) and CloudFront behaviours that route to a user-data store of the
  stack without ``trustedKeyGroups``/``trustedSigners`` (:func:`_cloudfront_findings`, origins
  resolved by ``residency-edge-caching``'s own functions).

The other cross-resource part lives in the stack policy ``residency-public-access-block``
(``rules/public_access_block.py``): a user-data S3 bucket needs a public access block.

Unknown values: an unknown deciding input (an ACL, an ``accessType``, an account list, the
classification of a bucket whose access type is public) is an unknown finding, as in
``no_foreign_principals``: not blocking in preview, re-checked with known values by ``pulumi up``
before the resource is created, and a violation if still unknown then.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import re
from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any, Final

from pulumi_policy import Severity

from residency_pack.engine import declared_places, inheritance, pack_config, places, type_catalog
from residency_pack.engine.classification import NON_PERSONAL, PUBLIC, US_USER_DATA
from residency_pack.engine.iam_policy import Kind, Trust, organization_of_arn, principal_verdict
from residency_pack.engine.props import UNKNOWN, get
from residency_pack.engine.rule import (
    Finding,
    ResourceContext,
    RuleSpec,
    StackContext,
    StackResource,
    is_preview,
    resource_policy,
    stack_follow_up_active,
)
from residency_pack.rules import edge_caching
from residency_pack.rules.no_foreign_principals import trust_of, unknown_finding

NAME: Final = "residency-no-public-exposure"

OCI_BUCKET: Final = "oci:ObjectStorage/bucket:Bucket"
OCI_PRIVATE_ACCESS: Final = "NoPublicAccess"
OCI_PAR: Final = "oci:ObjectStorage/preauthrequest:Preauthrequest"
# Classifications whose buckets may carry a PAR.
PAR_ALLOWED: Final = frozenset({NON_PERSONAL, PUBLIC})
PAR_FIX: Final = (
    "serve the objects through authenticated OCI IAM access (a policy for the group or dynamic "
    "group that needs them) and delete the pre-authenticated request; a PAR may open only a "
    "bucket of this stack classified `non-personal` or `public`."
)

S3_BUCKETS: Final = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
S3_BUCKET_ACLS: Final = frozenset({"aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"})
S3_OBJECTS: Final = frozenset(
    {"aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2"}
)
# Canned ACLs that grant beyond the owner's account (AWS S3 "Canned ACL" reference).
PUBLIC_CANNED_ACLS: Final[Mapping[str, str]] = {
    "public-read": "everyone on the internet can read",
    "public-read-write": "everyone on the internet can read and write",
    "authenticated-read": "every AWS account can read",
}
_GROUP_URIS: Final[Mapping[str, str]] = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "everyone on the internet",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "every AWS account",
}

RDS_SNAPSHOTS: Final = frozenset(
    {
        "aws:rds/snapshot:Snapshot",
        "aws:rds/snapshotCopy:SnapshotCopy",
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
    }
)
AMI_LAUNCH_PERMISSION: Final = "aws:ec2/amiLaunchPermission:AmiLaunchPermission"
EBS_VOLUME_PERMISSION: Final = (
    "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission"
)
LAMBDA_FUNCTION_URL: Final = "aws:lambda/functionUrl:FunctionUrl"

# The canonical user id of `awslogsdelivery`, the AWS account that writes CloudFront standard
# (legacy) logs: CloudFront adds this FULL_CONTROL grant to the log bucket's ACL itself, and AWS
# documents adding it by hand ("Permissions required to configure standard logging", CloudFront
# Developer Guide, AccessLogs.html#AccessLogsBucketAndFileOwnership). AWS's own log delivery,
# not the public and not another customer's account.
AWS_LOGS_DELIVERY_CANONICAL_ID: Final = (
    "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0"
)
TRUSTED_CANONICAL_USER_IDS: Final = "trustedCanonicalUserIds"


def trusted_canonical_user_ids_schema() -> dict[str, Any]:
    return {
        "type": "array",
        "description": "S3 canonical user ids of the trusted accounts (`aws s3api "
        "list-buckets --query Owner.ID` in each), so that an ACL grant to one of them, such "
        "as the owner's own FULL_CONTROL grant in a bucket's inline `grants`, is recognised.",
        "items": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "default": [],
    }


SPEC = RuleSpec(
    name=NAME,
    display_name="No public or cross-account exposure of data",
    description=(
        "No public OCI bucket, OCI pre-authenticated request on a bucket of user data, public "
        "S3 ACL, RDS snapshot shared with `all` or another account, AMI or EBS snapshot shared "
        "outside the trusted accounts, Lambda function URL without authentication, or store "
        "of user data (or unclassified) reachable from the internet."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "keep data private: OCI buckets `accessType: NoPublicAccess`, S3 ACLs `private` with "
        "BucketOwnerEnforced ownership, snapshots and images shared only with trusted "
        "accounts (`trustedAccountIds`, else the stack's `aws:allowedAccountIds`), function "
        "URLs with "
        "`authorizationType: AWS_IAM`. A bucket meant for the public must be classified "
        "`public`, or exempted with a reason and an expiry."
    ),
    frameworks=("data-residency", "access-control"),
    config_properties={
        **pack_config.trust_config_properties(),
        TRUSTED_CANONICAL_USER_IDS: trusted_canonical_user_ids_schema(),
        declared_places.DECLARED_PLACES: declared_places.declared_places_schema(),
    },
)


def _classified_public(ctx: ResourceContext) -> bool | Any:
    if ctx.classification is UNKNOWN:
        return UNKNOWN
    return ctx.classification == PUBLIC


def _when_not_public(ctx: ResourceContext, message: str) -> Iterator[Finding]:
    """Report ``message`` unless the resource is classified ``public`` (unknown: defer)."""
    public = _classified_public(ctx)
    if public is True:
        return
    if public is UNKNOWN:
        yield unknown_finding(f"{message} Its `data-classification` is unknown.")
    else:
        shown = ctx.classification or "unclassified"
        yield Finding(f"{message} The resource is `{shown}`, not `public`.")


def _oci_bucket(ctx: ResourceContext) -> Iterator[Finding]:
    access = get(ctx.props, "accessType", default=OCI_PRIVATE_ACCESS)
    if access is UNKNOWN:
        yield unknown_finding("`accessType` is unknown.")
    elif access != OCI_PRIVATE_ACCESS:
        yield from _when_not_public(
            ctx, f"`accessType` is `{access}`: objects can be read without authentication."
        )


class _StackOciBuckets:
    """The classification of each OCI bucket (by namespace and name) of each stack this pack
    process has analysed. A PAR names its bucket by name, and a resource policy sees one
    resource; the engine analyses a bucket before a PAR that depends on it, with its checked
    inputs (tags included), so this is the bucket the PAR opens. Bounded per process; a pack
    process serves one stack operation."""

    _LIMIT: Final = 100_000

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str, str], Any] = {}

    @staticmethod
    def _stack(urn: str) -> str:
        return "::".join(urn.split("::")[:2])

    def note(self, ctx: ResourceContext) -> None:
        name, namespace = get(ctx.props, "name"), get(ctx.props, "namespace")
        if not isinstance(name, str) or not isinstance(namespace, str):
            return
        key = (self._stack(ctx.urn), namespace, name)
        if key in self._buckets or len(self._buckets) < self._LIMIT:
            self._buckets[key] = ctx.classification

    def lookup(self, urn: str, namespace: str, name: str) -> tuple[bool, Any]:
        """(found, classification) of the stack's bucket ``namespace``/``name``."""
        key = (self._stack(urn), namespace, name)
        return key in self._buckets, self._buckets.get(key)

    def clear(self) -> None:
        self._buckets.clear()


STACK_OCI_BUCKETS: Final = _StackOciBuckets()


def _oci_par(ctx: ResourceContext) -> Iterator[Finding]:
    name, namespace = get(ctx.props, "bucket"), get(ctx.props, "namespace")
    what = _par_label(ctx.name, get(ctx.props, "accessType"))
    if name is UNKNOWN or namespace is UNKNOWN:
        yield unknown_finding(f"{what}: its `bucket` or `namespace` is unknown.", fix=PAR_FIX)
        return
    found, classification = STACK_OCI_BUCKETS.lookup(ctx.urn, str(namespace), str(name))
    PENDING_PARS.discard(ctx.urn)  # analysed again: this analysis decides
    if not found and stack_follow_up_active():
        # The engine may analyse the bucket after the PAR when nothing orders them: the verdict
        # waits for the whole stack (see `stack_check`), so it does not depend on that order.
        PENDING_PARS.add(ctx.urn, (str(namespace), str(name), what))
        return
    yield from _par_verdict(what, name, namespace, found, classification, ctx.urn)


def _par_label(name: str, access: Any) -> str:
    shown = access if isinstance(access, str) else "unknown access"
    return f"Pre-authenticated request `{name}` ({shown})"


def _par_verdict(
    what: str, name: Any, namespace: Any, found: bool, classification: Any, urn: str
) -> Iterator[Finding]:
    if not found:
        yield Finding(
            f"{what} is a bearer URL to bucket {name!r} (namespace {namespace!r}), which this "
            "stack does not declare: the pack cannot see the bucket's classification, so it "
            "may hold US user data.",
            urn=urn,
            fix=PAR_FIX,
        )
    elif classification is UNKNOWN:
        yield unknown_finding(
            f"{what} opens bucket {name!r}, whose `data-classification` is unknown.",
            urn=urn,
            fix=PAR_FIX,
        )
    elif classification not in PAR_ALLOWED:
        shown = classification or "unclassified"
        yield Finding(
            f"{what} opens bucket {name!r} ({shown}) to whoever holds the URL"
            + (", including US user data." if shown == US_USER_DATA else "."),
            urn=urn,
            fix=PAR_FIX,
        )


class _PendingPars:
    """PARs whose bucket this process had not analysed yet: (namespace, bucket, label) by URN,
    per stack, decided by the stack follow-up."""

    def __init__(self) -> None:
        self._pending: dict[str, dict[str, tuple[str, str, str]]] = {}

    def add(self, urn: str, par: tuple[str, str, str]) -> None:
        self._pending.setdefault(_StackOciBuckets._stack(urn), {})[urn] = par

    def discard(self, urn: str) -> None:
        self._pending.get(_StackOciBuckets._stack(urn), {}).pop(urn, None)

    def take(self, stack: str) -> list[tuple[str, tuple[str, str, str]]]:
        pending = self._pending.pop(stack, {})
        return sorted(pending.items())

    def clear(self) -> None:
        self._pending.clear()


PENDING_PARS: Final = _PendingPars()


# --- AppSync APIs opened with an API key ---------------------------------------------------------

APPSYNC_GRAPHQL_API: Final = "aws:appsync/graphQLApi:GraphQLApi"
APPSYNC_EVENT_API: Final = "aws:appsync/api:Api"
APPSYNC_DATA_SOURCE: Final = "aws:appsync/dataSource:DataSource"
API_KEY: Final = "API_KEY"
# The inputs of a data source that name what it reads and writes, and, for a literal value, the
# input of a stack resource that holds the same name (a DynamoDB table's `name`).
_DATA_SOURCE_TARGETS: Final[Mapping[str, tuple[str, ...]]] = {
    "dynamodbConfig": ("tableName",),
    "relationalDatabaseConfig": (),
    "elasticsearchConfig": (),
    "opensearchserviceConfig": (),
    "lambdaConfig": (),
}
_TABLE_TYPES: Final = frozenset({"aws:dynamodb/table:Table"})
APPSYNC_FIX: Final = (
    "authenticate callers of an API that reaches US user data as identities of the company: "
    "`AMAZON_COGNITO_USER_POOLS` (a user pool of this stack), `AWS_IAM`, `AWS_LAMBDA` (an "
    "authorizer function of a trusted account), or `OPENID_CONNECT` with an issuer declared in "
    "`residency-no-foreign-principals`' `trustedFederatedSubjects`; remove `API_KEY` from the "
    "primary and the additional providers, or serve only `non-personal`/`public` data sources."
)


def appsync_auth_modes(resource_type: str, props: Any) -> Iterator[tuple[str, Any]]:
    """(input path, authentication type) of every provider an AppSync API accepts: a GraphQL
    API's primary and additional providers, an Event API's auth providers."""
    if resource_type == APPSYNC_GRAPHQL_API:
        yield "authenticationType", get(props, "authenticationType")
        extra = get(props, "additionalAuthenticationProviders")
        key = "authenticationType"
        path = "additionalAuthenticationProviders"
    elif resource_type == APPSYNC_EVENT_API:
        extra = get(props, "eventConfig", "authProviders")
        key = "authType"
        path = "eventConfig.authProviders"
    else:
        return
    if extra is UNKNOWN:
        yield path, UNKNOWN
    elif isinstance(extra, list):
        for index, item in enumerate(extra):
            yield f"{path}[{index}].{key}", get(item, key) if isinstance(item, Mapping) else None


def _reached_by(source: Any, ctx: StackContext) -> list[tuple[str, str]]:
    """(what, why) for each store a data source reaches that may hold US user data: a resource
    of the stack its target inputs depend on that is labelled `us-user-data` or carries no known
    label (fail closed), or a target named by a literal that no resource of the stack holds."""
    out: list[tuple[str, str]] = []
    for field, name_keys in _DATA_SOURCE_TARGETS.items():
        config = get(source.props, field)
        if config is None:
            continue
        urns = source.property_dependencies.get(field, ())
        targets = [r for urn in urns if (r := ctx.by_urn(urn)) is not None]
        if not urns:
            for key in name_keys:
                name = get(config, key) if isinstance(config, Mapping) else None
                if isinstance(name, str):
                    targets += [
                        r for r in ctx.resources
                        if r.type in _TABLE_TYPES and get(r.props, "name") == name
                    ]  # fmt: skip
            if not targets:
                out.append((f"`{field}` of data source `{source.name}`",
                            "a store this stack does not declare, whose label the pack cannot "
                            "see: fail closed"))  # fmt: skip
                continue
        for target in targets:
            role = type_catalog.role_of(target.type)
            if role not in ("stores-data", "moves-data", None):
                continue  # a role, a key, a configuration: not what the data source serves
            label = target.classification
            if label in (NON_PERSONAL, PUBLIC):
                continue
            shown = label if isinstance(label, str) else (
                "unknown" if label is UNKNOWN else "unclassified")  # fmt: skip
            out.append((f"`{target.name}` ({target.type}) through data source `{source.name}`",
                        f"labelled `{shown}`"))  # fmt: skip
    return out


def _appsync_findings(ctx: StackContext) -> Iterator[Finding]:
    """An AppSync API that accepts an API key: the key is a bearer secret, shipped in web and
    mobile clients, that anyone holding it can use from anywhere, outside the company's accounts.
    Judged against the data sources of the stack attached to the API (by property dependency of
    their `apiId`): one that reaches a store that may hold US user data makes it public."""
    sources: dict[str, list[Any]] = {}
    for resource in ctx.resources:
        if resource.type == APPSYNC_DATA_SOURCE:
            for urn in resource.property_dependencies.get("apiId", ()):
                sources.setdefault(urn, []).append(resource)
    for api in ctx.resources:
        if api.type not in (APPSYNC_GRAPHQL_API, APPSYNC_EVENT_API):
            continue
        keyed = [path for path, mode in appsync_auth_modes(api.type, api.props) if mode == API_KEY]
        unknown = [p for p, mode in appsync_auth_modes(api.type, api.props) if mode is UNKNOWN]
        reached = [item for source in sources.get(api.urn, ()) for item in _reached_by(source, ctx)]
        if not reached:
            continue
        what, why = reached[0]
        more = f" (and {len(reached) - 1} more)" if len(reached) > 1 else ""
        if keyed:
            yield Finding(
                f"AppSync API `{api.name}` accepts an API key (`{keyed[0]}` = `API_KEY`): a "
                "bearer secret anyone holding it can use, from outside the company's accounts; "
                f"it serves {what} ({why}){more}, so US user data is open to whoever has the key.",
                urn=api.urn,
                fix=APPSYNC_FIX,
            )
        elif unknown:
            yield unknown_finding(
                f"AppSync API `{api.name}`: `{unknown[0]}` is unknown, and it serves {what} "
                f"({why}).",
                urn=api.urn,
                fix=APPSYNC_FIX,
            )


# --- cross-resource network exposure -------------------------------------------------------------

AOSS_SECURITY_POLICY: Final = "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy"
AOSS_COLLECTION: Final = "aws:opensearch/serverlessCollection:ServerlessCollection"


def _exposed_label(resource: StackResource) -> bool:
    return resource.classification not in NETWORK_PUBLIC_ALLOWED


def _eip_findings(ctx: StackContext) -> Iterator[Finding]:
    """An Elastic IP attached to an instance or network interface gives it a public address: a
    violation when the instance is unlabelled or `us-user-data`, or is not of the stack."""
    for eip in ctx.resources:
        if eip.type not in EC2_EIPS:
            continue
        for field in ("instance", "instanceId", "networkInterface", "networkInterfaceId"):
            value = get(eip.props, field)
            if value is None:
                continue
            targets = [
                r for u in eip.property_dependencies.get(field, ())
                if (r := ctx.by_urn(u)) is not None and type_catalog.cloud_of(r.type) == "aws"
            ]  # fmt: skip
            if not targets:
                if value is UNKNOWN:
                    continue
                yield Finding(
                    f"Elastic IP `{eip.name}` gives {field} {value!r}, which is not a resource "
                    "of this stack (its label cannot be seen), a public address (fail closed).",
                    urn=eip.urn,
                    fix=NETWORK_FIX,
                )
                continue
            for target in targets:
                if _exposed_label(target):
                    shown = target.classification or "unclassified"
                    if shown is UNKNOWN:
                        shown = "of unknown classification"
                    yield Finding(
                        f"Elastic IP `{eip.name}` gives `{target.name}` ({target.type}, "
                        f"`{shown}`) a public address reachable from the internet; only "
                        "`non-personal` or `public` compute and stores may be network-public.",
                        urn=eip.urn,
                        fix=NETWORK_FIX,
                    )


EC2_SUBNET: Final = "aws:ec2/subnet:Subnet"


def _public_subnet_instances(ctx: StackContext) -> Iterator[Finding]:
    """An EC2 instance that leaves `associatePublicIpAddress` unset in a subnet of the stack
    whose `mapPublicIpOnLaunch` is on (or unknown) gets a public IPv4 address at launch."""
    for instance in ctx.resources:
        if instance.type != EC2_INSTANCE or not _exposed_label(instance):
            continue
        if get(instance.props, "associatePublicIpAddress") is not None:
            continue  # judged per resource
        for urn in instance.property_dependencies.get("subnetId", ()):
            subnet = ctx.by_urn(urn)
            if subnet is None or subnet.type != EC2_SUBNET:
                continue
            maps = get(subnet.props, "mapPublicIpOnLaunch")
            if maps is UNKNOWN or _truthy(maps):
                yield Finding(
                    f"EC2 instance `{instance.name}` leaves `associatePublicIpAddress` unset in "
                    f"subnet `{subnet.name}`, which maps a public IPv4 address on launch "
                    "(`mapPublicIpOnLaunch`): the instance is reachable from the internet.",
                    urn=instance.urn,
                    fix="set `associate_public_ip_address=False` and place the instance in a "
                    "private subnet.",
                )
                break


def _aoss_public_rules(document: Any) -> Iterator[list[str]]:
    """The `Resource` patterns of every rule set of an OpenSearch Serverless network policy
    with `AllowFromPublic` true."""
    for rule_set in document if isinstance(document, list) else [document]:
        if not isinstance(rule_set, Mapping) or not _truthy(rule_set.get("AllowFromPublic")):
            continue
        patterns: list[str] = []
        for item in rule_set.get("Rules") or []:
            resources = item.get("Resource") if isinstance(item, Mapping) else None
            for pattern in resources if isinstance(resources, list) else [resources]:
                patterns.append(str(pattern))
        yield patterns


def _aoss_findings(ctx: StackContext) -> Iterator[Finding]:
    """An OpenSearch Serverless network policy with `AllowFromPublic` true opens the collections
    its rules name to the internet: a violation when one is an unlabelled or `us-user-data`
    collection, or when a pattern matches no collection of the stack (fail closed)."""
    collections = [r for r in ctx.resources if r.type == AOSS_COLLECTION]
    for policy in ctx.resources:
        if policy.type != AOSS_SECURITY_POLICY:
            continue
        kind = get(policy.props, "type")
        if isinstance(kind, str) and kind.lower() != "network":
            continue
        text = get(policy.props, "policy")
        if kind is UNKNOWN or text is UNKNOWN:
            yield unknown_finding(
                f"OpenSearch Serverless security policy `{policy.name}`: its `type` or "
                "`policy` is unknown.",
                urn=policy.urn,
                fix=NETWORK_FIX,
            )
            continue
        try:
            document = json.loads(text) if isinstance(text, str) else text
        except ValueError:
            yield Finding(
                f"OpenSearch Serverless network policy `{policy.name}` is not JSON the pack can "
                "read (fail closed).",
                urn=policy.urn,
                fix=NETWORK_FIX,
            )
            continue
        for patterns in _aoss_public_rules(document):
            for pattern in patterns:
                kind_, _, name_glob = pattern.partition("/")
                matched = [
                    c for c in collections
                    if isinstance(n := get(c.props, "name"), str) and fnmatchcase(n, name_glob)
                ]  # fmt: skip
                exposed = [c for c in matched if _exposed_label(c)]
                if matched and not exposed:
                    continue
                why = (
                    f"collection `{exposed[0].name}` ("
                    f"{exposed[0].classification or 'unclassified'})"
                    if exposed
                    else "a collection this stack does not declare (its label cannot be seen: "
                    "fail closed)"
                )
                yield Finding(
                    f"OpenSearch Serverless network policy `{policy.name}` has `AllowFromPublic` "
                    f"true for {pattern!r} ({kind_}): {why} is reachable from the internet.",
                    urn=policy.urn,
                    fix="set `AllowFromPublic` false and list `SourceVPCEs` (VPC endpoints of "
                    "the stack) for collections of US user data; only `non-personal` or "
                    "`public` collections may be public.",
                )
                break


VIEWER_FIX: Final = (
    "require signed URLs or cookies on every cache behaviour that routes to a store of US user "
    "data (`trusted_key_groups` with a key group of the stack; legacy `trusted_signers`), or "
    "serve the store through an authenticated API instead of CloudFront."
)


def _cloudfront_findings(ctx: StackContext) -> Iterator[Finding]:
    """A CloudFront distribution in front of a store of the stack that may hold US user data
    (labelled so, unlabelled, or reached by user data in the data-flow graph): the origin
    access control/identity lets CloudFront read every object, so a behaviour that routes to it
    without a viewer restriction (`trustedKeyGroups`/`trustedSigners`) serves the store to
    anyone. Origins are resolved as `residency-edge-caching` resolves them; an origin outside
    the stack is left to `residency-named-places` and `residency-edge-caching`."""
    distributions = [r for r in ctx.resources if r.type in edge_caching.DISTRIBUTIONS]
    if not distributions:
        return
    reached = edge_caching._reached_by_user_data(ctx.resources)
    by_value = edge_caching._stack_values(ctx.resources)
    for dist in distributions:
        origins, merged = _store_origins(ctx, dist, reached, by_value)
        # Origins whose domains are all unknown in preview share the distribution's property
        # dependencies: which store is behind which origin is told only once the domains are
        # known. A behaviour that routes to user data only through such a merge is pending.
        told = [
            dataclasses.replace(o, carries=None) if id(o) in merged else o for o in origins
        ]  # fmt: skip
        groups = edge_caching._groups(dist)
        for _field, path, behaviour in edge_caching._behaviours(dist):
            routes = edge_caching._targets_user_data(behaviour, origins, groups)
            if routes is None:
                continue
            restricted = _viewer_restricted(behaviour)
            if restricted is True:
                continue
            if restricted is UNKNOWN:
                yield unknown_finding(
                    f"`{dist.name}`.{path}: whether viewers must be signed is unknown; {routes}.",
                    urn=dist.urn,
                    fix=VIEWER_FIX,
                )
                continue
            if (
                merged
                and is_preview()
                and edge_caching._targets_user_data(behaviour, told, groups) is None
            ):
                continue  # the distribution's own check notices it; decided once domains are known
            yield Finding(
                f"`{dist.name}`.{path} serves a store of US user data to anyone on the internet "
                f"(no `trustedKeyGroups` or `trustedSigners`); {routes}.",
                urn=dist.urn,
                fix=VIEWER_FIX,
            )


def _viewer_restricted(behaviour: Any) -> bool | Any:
    if behaviour is UNKNOWN or not isinstance(behaviour, Mapping):
        return UNKNOWN
    seen_unknown = False
    for field in ("trustedKeyGroups", "trustedSigners"):
        value = get(behaviour, field)
        if value is UNKNOWN:
            seen_unknown = True
        elif isinstance(value, list) and value:
            return True
    return UNKNOWN if seen_unknown else False


def _store_origins(
    ctx: StackContext,
    dist: StackResource,
    reached: frozenset[str],
    by_value: Mapping[str, Any],
) -> tuple[list[Any], set[int]]:
    """The distribution's origins (edge_caching's `_Origin`), `carries` set when the origin is a
    store of the stack that may hold US user data; and the ids of the origins that carry it only
    because several origins' domains are unknown (preview) and share their dependencies."""
    origins = get(dist.props, "origins")
    if not isinstance(origins, list):
        origins = [] if origins is None else [UNKNOWN]
    deps = edge_caching._data_candidates(
        ctx, dist.property_dependencies.get("origins", ()), dist.urn
    )
    found = []
    merged: set[int] = set()
    unknown_domains = sum(
        1 for o in origins if not isinstance(d := get(o, "domainName"), str) or not d
    )  # fmt: skip
    for origin in origins:
        origin_id = get(origin, "originId")
        origin_id = origin_id if isinstance(origin_id, str) else get(origin, "id")
        domain = get(origin, "domainName")
        if isinstance(domain, str) and domain:
            named = [u for v in edge_caching._domain_keys(domain) for u in by_value.get(v, ())]
            candidates = edge_caching._data_candidates(ctx, named, dist.urn)
        else:
            candidates = deps
        carries = None
        for urn in candidates:
            store = ctx.by_urn(urn)
            if store is None or type_catalog.role_of(store.type) != "stores-data":
                continue
            if urn in reached or store.classification not in NETWORK_PUBLIC_ALLOWED:
                shown = store.classification or "unclassified"
                if shown is UNKNOWN:
                    shown = "of unknown classification"
                carries = f"`{store.name}` ({store.type}, `{shown}`)"
                break
        told = edge_caching._Origin(origin_id if isinstance(origin_id, str) else None, carries)
        if carries and not (isinstance(domain, str) and domain) and unknown_domains > 1:
            merged.add(id(told))
        found.append(told)
    return found, merged


def stack_check(ctx: StackContext) -> Iterator[Finding]:
    """The PARs whose bucket was not analysed before them, judged against the whole stack; the
    AppSync APIs opened with an API key, judged against their data sources."""
    if not ctx.resources:
        return
    yield from _appsync_findings(ctx)
    yield from _foreign_vcn_entries(ctx)
    yield from _eip_findings(ctx)
    yield from _public_subnet_instances(ctx)
    yield from _cluster_instance_defaults(ctx)
    yield from _aoss_findings(ctx)
    yield from _cloudfront_findings(ctx)
    yield from _part_exposure(ctx)
    stack = _StackOciBuckets._stack(ctx.resources[0].urn)
    buckets = {
        (get(r.props, "namespace"), get(r.props, "name")): r.classification
        for r in ctx.resources
        if r.type == OCI_BUCKET
    }
    for urn, (namespace, name, what) in PENDING_PARS.take(stack):
        found = (namespace, name) in buckets
        yield from _par_verdict(what, name, namespace, found, buckets.get((namespace, name)), urn)


def _part_exposure(ctx: StackContext) -> Iterator[Finding]:
    """A cluster instance reachable from the internet, judged by its own label or, without one,
    by its cluster's (`engine/inheritance.py`: the stack's resources carry what parts inherit)."""
    for resource in ctx.resources:
        if inheritance.names_parent(resource.type, resource.props):
            for found in _network_exposure(resource, follow_up=True):
                yield dataclasses.replace(found, urn=resource.urn)


def _canned_acl(ctx: ResourceContext) -> tuple[str | None, bool]:
    acl = get(ctx.props, "acl")
    if acl is UNKNOWN:
        return None, True
    if isinstance(acl, str) and acl in PUBLIC_CANNED_ACLS:
        return f"`acl` is `{acl}`: {PUBLIC_CANNED_ACLS[acl]}.", False
    return None, False


def _known_grantee(grantee_id: Any, owner_id: Any, trusted_ids: frozenset[str]) -> bool:
    """The owner declared in the ACL, a trusted account's canonical id, or `awslogsdelivery`.
    The declared owner is the bucket's real one: S3 rejects an ACL whose Owner is another
    account (AccessDenied; the "giveaway" cases of ceph/s3-tests)."""
    if not isinstance(grantee_id, str):
        return False
    return grantee_id in (owner_id, AWS_LOGS_DELIVERY_CANONICAL_ID) or grantee_id in trusted_ids


def _unattributed_grant(grantee_id: Any, owner_id: Any) -> str:
    listed = f"listed in `{TRUSTED_CANONICAL_USER_IDS}`"
    if owner_id is None:
        return (
            f"a grant to canonical user {grantee_id!r}, which the pack cannot attribute to a "
            f"trusted account (it is not {listed}, the trusted accounts' canonical ids)"
        )
    return (
        f"a grant to canonical user {grantee_id!r}, which is neither the declared owner "
        f"{owner_id!r} nor {listed}"
    )


def _grant_problems(
    grants: Any, owner_id: Any, trusted_ids: frozenset[str]
) -> Iterator[tuple[str, str] | None]:
    """(``public`` or ``account``, reason) per grant that reaches beyond the owner's account;
    None for an unknown grant. The owner's own grant, a trusted account's canonical id, AWS's
    log-delivery grantees (the LogDelivery group, `awslogsdelivery`) are not problems."""
    for grant in grants if isinstance(grants, list) else []:
        grantee = get(grant, "grantee", default=grant)
        if grant is UNKNOWN or grantee is UNKNOWN:
            yield None
            continue
        kind = get(grantee, "type")
        uri = get(grantee, "uri")
        if kind is UNKNOWN or uri is UNKNOWN:
            yield None
        elif kind == "Group" and isinstance(uri, str) and uri in _GROUP_URIS:
            yield "public", f"a grant to {_GROUP_URIS[uri]} ({uri.rsplit('/', 1)[-1]})"
        elif kind == "AmazonCustomerByEmail":
            yield "account", f"a grant to the e-mail address {get(grantee, 'emailAddress')!r}"
        elif kind == "CanonicalUser":
            grantee_id = get(grantee, "id")
            if grantee_id is UNKNOWN or owner_id is UNKNOWN:
                yield None
            elif _known_grantee(grantee_id, owner_id, trusted_ids):
                continue
            else:
                yield "account", _unattributed_grant(grantee_id, owner_id)


def _s3_acl(ctx: ResourceContext) -> Iterator[Finding]:
    problems: list[tuple[str, str]] = []
    unknown = False
    canned, canned_unknown = _canned_acl(ctx)
    unknown |= canned_unknown
    if canned:
        problems.append(("public", canned))
    if ctx.type in S3_BUCKET_ACLS:
        policy = get(ctx.props, "accessControlPolicy")
        grants = get(policy, "grants") if policy is not UNKNOWN else UNKNOWN
        owner = get(policy, "owner", "id") if policy is not UNKNOWN else UNKNOWN
        field = "accessControlPolicy.grants"
    else:
        grants, owner, field = get(ctx.props, "grants"), None, "grants"
    if grants is UNKNOWN:
        unknown = True
    trusted_ids = frozenset(str(i) for i in ctx.config.get(TRUSTED_CANONICAL_USER_IDS) or [])
    for problem in _grant_problems(grants, owner, trusted_ids):
        if problem is None:
            unknown = True
        else:
            problems.append((problem[0], f"`{field}` has {problem[1]}."))
    if problems:
        message = " ".join(text for _, text in problems)
        if ctx.type in S3_BUCKET_ACLS:
            reach = (
                "public"
                if all(kind == "public" for kind, _ in problems)
                else "beyond the owner's account"
            )
            # The ACL resource names its bucket but does not carry the bucket's tags.
            yield Finding(
                f"{message} A bucket ACL cannot show its bucket's classification, so a grant "
                f"{reach} is a violation here; classify and exempt a truly public bucket."
            )
        else:
            public = " ".join(text for kind, text in problems if kind == "public")
            beyond = " ".join(text for kind, text in problems if kind == "account")
            if public:
                yield from _when_not_public(ctx, public)
            if beyond:
                # Another account's grant is not excused by a `public` classification: it may
                # write, delete or change the ACL.
                yield Finding(beyond)
    elif unknown:
        yield unknown_finding("The ACL or one of its grants is unknown.")


def _untrusted(value: Any, trust: Trust, field: str) -> Finding | None:
    verdict = principal_verdict(value, trust)
    if verdict is None:
        return None
    if verdict is Kind.UNKNOWN:
        return unknown_finding(f"`{field}` is unknown.")
    if verdict is Kind.FOREIGN:
        return Finding(f"`{field}` shares with {value!r}, outside the trusted accounts.")
    return Finding(f"`{field}` shares with {value!r}, which is not a trusted account.")


def _rds_snapshot(ctx: ResourceContext) -> Iterator[Finding]:
    shared = get(ctx.props, "sharedAccounts", default=[])
    if shared is UNKNOWN:
        yield unknown_finding("`sharedAccounts` is unknown.")
        return
    trust = trust_of(ctx)
    for account in shared if isinstance(shared, list) else [shared]:
        if account == "all":
            yield Finding("`sharedAccounts` has `all`: every AWS account can restore the snapshot.")
            continue
        finding = _untrusted(account, trust, "sharedAccounts")
        if finding is not None:
            yield finding


def _ami_launch_permission(ctx: ResourceContext) -> Iterator[Finding]:
    trust = trust_of(ctx)
    group = get(ctx.props, "group")
    if group is UNKNOWN:
        yield unknown_finding("`group` is unknown.")
    elif group == "all":
        yield Finding("`group` is `all`: the image is public.")
    account = get(ctx.props, "accountId")
    if account is not None:
        finding = _untrusted(account, trust, "accountId")
        if finding is not None:
            yield finding
    for field in ("organizationArn", "organizationalUnitArn"):
        arn = get(ctx.props, field)
        if arn is None:
            continue
        if arn is UNKNOWN:
            yield unknown_finding(f"`{field}` is unknown.")
        elif organization_of_arn(str(arn)) not in trust.organizations:
            yield Finding(
                f"`{field}` shares the image with {arn!r}, not a trusted organization "
                f"(`{pack_config.TRUSTED_ORGANIZATION_IDS}`)."
            )


def _ebs_volume_permission(ctx: ResourceContext) -> Iterator[Finding]:
    trust = trust_of(ctx)
    finding = _untrusted(get(ctx.props, "accountId"), trust, "accountId")
    if finding is not None:
        yield finding


def _ssm_document(ctx: ResourceContext) -> Iterator[Finding]:
    """An SSM document's `permissions` (`type: Share`, `accountIds`: comma-separated account ids,
    or `All`, which makes the document public; AWS SSM API ModifyDocumentPermission)."""
    permissions = get(ctx.props, "permissions")
    if permissions is None:
        return
    if not isinstance(permissions, Mapping):
        yield unknown_finding("`permissions` is unknown.")
        return
    # A plain string map: the engine keeps the program's own keys (`account_ids` from Python).
    accounts = next(
        (permissions[k] for k in ("accountIds", "account_ids") if k in permissions), None
    )
    if accounts is UNKNOWN:
        yield unknown_finding("`permissions.accountIds` is unknown.")
        return
    listed = accounts if isinstance(accounts, list) else str(accounts or "").split(",")
    trust = trust_of(ctx)
    for account in (str(a).strip() for a in listed):
        if not account:
            continue
        if account.lower() == "all":
            yield Finding(
                "`permissions.accountIds` is `All`: the document is public, every AWS account "
                "can read and run it."
            )
        elif (finding := _untrusted(account, trust, "permissions.accountIds")) is not None:
            yield finding


def _launch_permission_groups(ctx: ResourceContext) -> Iterator[Finding]:
    """An Image Builder distribution's `launchPermission.userGroups` with `all`: public AMIs."""
    distributions = get(ctx.props, "distributions")
    for index, item in enumerate(distributions if isinstance(distributions, list) else []):
        permission = get(item, "amiDistributionConfiguration", "launchPermission")
        groups = get(permission, "userGroups") if isinstance(permission, Mapping) else None
        if groups is UNKNOWN:
            yield unknown_finding(
                f"`distributions[{index}]...launchPermission.userGroups` is unknown."
            )
        elif isinstance(groups, list) and any(str(g).strip().lower() == "all" for g in groups):
            yield Finding(
                f"`distributions[{index}].amiDistributionConfiguration.launchPermission."
                "userGroups` has `all`: every image it distributes is public."
            )


def _lambda_function_url(ctx: ResourceContext) -> Iterator[Finding]:
    auth = get(ctx.props, "authorizationType")
    if auth is UNKNOWN:
        yield unknown_finding("`authorizationType` is unknown.")
    elif auth != "AWS_IAM":
        yield Finding(
            f"`authorizationType` is `{auth}`: anyone on the internet can invoke the function "
            "and reach the data it serves."
        )


# Input names whose true value gives a store an endpoint on the internet (any type, any depth).
PUBLIC_FLAGS: Final = frozenset({"publiclyAccessible", "isPubliclyAccessible", "isPublic"})
# Ancestors under which a flag selects or filters things rather than configuring this resource
# (an Image Builder lifecycle rule that excludes public AMIs).
_NOT_A_SETTING: Final = ("exclu", "filter", "selection", "condition", "match")
_TRUE_STRINGS: Final = frozenset({"true", "1", "t", "yes"})
NETWORK_PUBLIC_ALLOWED: Final = frozenset({NON_PERSONAL, PUBLIC})
OCI_AUTONOMOUS_DATABASE: Final = "oci:Database/autonomousDatabase:AutonomousDatabase"
OCI_FSS_EXPORT: Final = "oci:FileStorage/export:Export"
# An OpenSearch / Elasticsearch domain without `vpcOptions` gets a public endpoint.
SEARCH_DOMAINS: Final = frozenset(
    {"aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"}
)
NETWORK_FIX: Final = (
    "keep the store on private networking: `publiclyAccessible: false` (or the type's own "
    "private setting: an OCI Autonomous Database with a private endpoint `subnetId`, or an "
    "access control list `whitelistedIps` of your networks; File Storage `exportOptions` with "
    "your VCN's CIDR), and reach it through your VPC/VCN, a VPN or a bastion. Only a store "
    "classified `non-personal` or `public` may have an internet endpoint."
)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_STRINGS
    return value is True or (type(value) is int and value != 0)


def _public_flags(value: Any, path: str, depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(path, value) of every public-endpoint flag in ``value`` that is on or unknown."""
    if depth > 6:
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _public_flags(item, f"{path}[{index}]", depth + 1)
        return
    if not isinstance(value, Mapping):
        return
    for key, item in value.items():
        name = str(key)
        where = f"{path}.{name}" if path else name
        if any(word in name.lower() for word in _NOT_A_SETTING):
            continue
        if name in PUBLIC_FLAGS and (item is UNKNOWN or _truthy(item)):
            yield where, item
        elif name == "publicAccess" and isinstance(item, Mapping):
            kind = item.get("type")
            if kind is UNKNOWN or (isinstance(kind, str) and kind.upper() != "DISABLED"):
                yield f"{where}.type", kind
        elif isinstance(item, Mapping | list):
            yield from _public_flags(item, where, depth + 1)


# Networks whose addresses no host on the internet has: the private ones (RFC 1918, RFC 4193
# unique local: ``places.PRIVATE_NETWORKS``) and loopback. An allow-list entry that admits any
# address outside them admits the internet.
_NON_PUBLIC_NETWORKS: Final = (
    *places.PRIVATE_NETWORKS,
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)
OCI_VCN: Final = "oci:Core/vcn:Vcn"
_VCN_OCID: Final = re.compile(r"^ocid1\.vcn\.", re.IGNORECASE)


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def admits_public(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """True when ``network`` covers any address outside the private, unique-local and loopback
    networks: judged by coverage, so ``0.0.0.0/1`` + ``128.0.0.0/1`` (the world, split) and a
    single partner IP are public just like ``0.0.0.0/0``."""
    return not any(
        network.version == private.version and network.subnet_of(private)  # type: ignore[arg-type]
        for private in _NON_PUBLIC_NETWORKS
    )


def _declared_owner(ctx: ResourceContext, value: str) -> str | None:
    """How `declaredPlaces` vouches for ``value`` (a trusted owner), or None."""
    place = declared_places.find(declared_places.declared_places(ctx.config), value.strip())
    if place is None:
        return None
    trusted = pack_config.trusted_account_ids(ctx.config) | pack_config.trusted_tenancy_ocids(
        ctx.config
    )
    if place.account != declared_places.VOUCHED and place.account not in trusted:
        return None
    return place.describe()


def acl_entry_problem(ctx: ResourceContext, entry: Any) -> str | None:
    """Why an allow-list entry (a CIDR, an IP, an OCI VCN OCID with optional `;`-separated
    addresses inside it) admits someone outside the company, or None. A CIDR or IP is judged by
    what it covers (:func:`admits_public`); a public one passes only when `declaredPlaces`
    declares it with a trusted owner. A VCN OCID is another tenancy's unless it is a VCN of this
    stack (decided by the stack follow-up, see :func:`_foreign_vcn_entries`) or declared.
    Anything else cannot be read and fails closed."""
    if not isinstance(entry, str):
        return f"{entry!r} is not an address the pack can read (fail closed)"
    text = entry.strip()
    head = text.split(";", 1)[0].strip()
    if _VCN_OCID.match(head):
        if stack_follow_up_active() or _declared_owner(ctx, head) is not None:
            return None  # judged against the stack's VCNs (`_foreign_vcn_entries`)
        return f"{entry!r} names a VCN the pack cannot attribute to this stack (fail closed)"
    network = _network(head)
    if network is None:
        return f"{entry!r} is not an address the pack can read (fail closed)"
    if not admits_public(network):
        return None
    if _declared_owner(ctx, head) is not None:
        return None
    if network.prefixlen == 0:
        return f"{entry!r} is the whole internet"
    return (
        f"{entry!r} admits public addresses ({network.num_addresses} of them) that no "
        f"`{declared_places.DECLARED_PLACES}` entry declares as a trusted owner's"
    )


def _acl_problems(ctx: ResourceContext, field: str, values: Any) -> Iterator[tuple[str, Any]]:
    items = values if isinstance(values, list) else [values]
    for index, item in enumerate(items):
        if item is UNKNOWN:
            yield f"{field}[{index}]", UNKNOWN
        elif (problem := acl_entry_problem(ctx, item)) is not None:
            yield f"{field}[{index}] {problem}", True


ACL_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    OCI_AUTONOMOUS_DATABASE: ("whitelistedIps", "standbyWhitelistedIps"),
}


def _foreign_vcn_entries(ctx: StackContext) -> Iterator[Finding]:
    """The VCN OCIDs of an allow list that are no VCN of this stack (by its `id`, or by the
    list's property dependencies on the stack's VCNs, one VCN each) and that `declaredPlaces`
    does not declare as a trusted tenancy's: another tenancy's network, a foreign principal."""
    vcn_ids = {
        vid for r in ctx.resources if r.type == OCI_VCN
        if isinstance(vid := get(r.props, "id"), str) and vid
    }  # fmt: skip
    vcn_urns = {r.urn for r in ctx.resources if r.type == OCI_VCN}
    for resource in ctx.resources:
        for field in ACL_FIELDS.get(resource.type, ()):
            listed = get(resource.props, field)
            if not isinstance(listed, list):
                continue
            heads = [
                head for item in listed
                if isinstance(item, str) and _VCN_OCID.match(head := item.split(";", 1)[0].strip())
            ]  # fmt: skip
            unresolved = [
                h for h in heads if h not in vcn_ids and _declared_owner(resource, h) is None
            ]
            budget = len(vcn_urns.intersection(resource.property_dependencies.get(field, ())))
            for head in unresolved[budget:]:
                if resource.classification in NETWORK_PUBLIC_ALLOWED:
                    break
                yield Finding(
                    f"`{field}` of {resource.type} {resource.name!r} admits VCN {head!r}, which "
                    "is no VCN of this stack and is not declared in "
                    f"`{declared_places.DECLARED_PLACES}` as a trusted tenancy's: another "
                    "tenancy's network can reach the store.",
                    urn=resource.urn,
                    fix=NETWORK_FIX,
                )


def _oci_adb_exposure(ctx: ResourceContext) -> Iterator[tuple[str, Any]]:
    props = ctx.props
    for field in ("whitelistedIps", "standbyWhitelistedIps"):
        listed = get(props, field)
        if listed is UNKNOWN:
            yield field, UNKNOWN
        elif listed:
            yield from _acl_problems(ctx, field, listed)
    if get(props, "subnetId") is not None or get(props, "privateEndpointIp") is not None:
        return  # a private endpoint: reachable only from the VCN
    listed = get(props, "whitelistedIps")
    if listed is not UNKNOWN and not listed:
        yield "subnetId and whitelistedIps (a public endpoint with no access control list)", True


def _oci_export_exposure(ctx: ResourceContext) -> Iterator[tuple[str, Any]]:
    options = get(ctx.props, "exportOptions")
    if options is UNKNOWN:
        yield "exportOptions", UNKNOWN
        return
    if not options:
        yield "exportOptions (none set: OCI exports to 0.0.0.0/0 read-write)", True
        return
    for index, option in enumerate(options if isinstance(options, list) else [options]):
        source = option.get("source") if isinstance(option, Mapping) else None
        if source is UNKNOWN:
            yield f"exportOptions[{index}].source", UNKNOWN
        else:
            yield from _acl_problems(ctx, f"exportOptions[{index}].source", source)


def _search_domain_exposure(props: Any) -> Iterator[tuple[str, Any]]:
    vpc = get(props, "vpcOptions")
    if vpc is UNKNOWN or (isinstance(vpc, Mapping) and get(vpc, "subnetIds")):
        return  # placed in a VPC (or decided by values known at the update)
    yield "vpcOptions (none: the domain has a public endpoint)", True


# RDS: "If DBSubnetGroupName isn't specified, and PubliclyAccessible isn't specified ... If the
# default VPC in the target Region has an internet gateway attached to it, the DB instance is
# public" (RDS API Reference, CreateDBInstance `PubliclyAccessible`; the default VPC has one), and
# a DB subnet group named `default` is the default VPC's. Multi-AZ DB clusters
# (`dbClusterInstanceClass` set) follow the same default (CreateDBCluster).
RDS_INSTANCE: Final = "aws:rds/instance:Instance"
RDS_CLUSTER_INSTANCE: Final = "aws:rds/clusterInstance:ClusterInstance"
RDS_CLUSTER: Final = "aws:rds/cluster:Cluster"
EC2_INSTANCE: Final = "aws:ec2/instance:Instance"
EC2_LAUNCH_TEMPLATE: Final = "aws:ec2/launchTemplate:LaunchTemplate"
OCI_INSTANCE: Final = "oci:Core/instance:Instance"
EC2_EIPS: Final = frozenset({"aws:ec2/eip:Eip", "aws:ec2/eipAssociation:EipAssociation"})
SSM_DOCUMENT: Final = "aws:ssm/document:Document"
IMAGEBUILDER_DISTRIBUTION: Final = (
    "aws:imagebuilder/distributionConfiguration:DistributionConfiguration"
)
_FALSE_STRINGS: Final = frozenset({"false", "0", "f", "no"})


def _explicitly_false(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in _FALSE_STRINGS
    return value is False or (type(value) is int and value == 0)


def _rds_default_exposure(ctx: ResourceContext) -> Iterator[tuple[str, Any]]:
    if ctx.type == RDS_CLUSTER and get(ctx.props, "dbClusterInstanceClass") is None:
        return  # an Aurora cluster: its instances say whether they are public
    if ctx.type not in (RDS_INSTANCE, RDS_CLUSTER):
        return  # a cluster instance is in its cluster's subnet group: `_cluster_instance_defaults`
    if get(ctx.props, "publiclyAccessible") is not None:
        return  # judged by the flag itself
    group = get(ctx.props, "dbSubnetGroupName")
    if _default_vpc_group(group):
        yield (
            "publiclyAccessible (unset, with "
            + ("no `dbSubnetGroupName`" if group is None else "the `default` DB subnet group")
            + ": the default VPC, where AWS makes the database publicly accessible by default)",
            True,
        )


def _default_vpc_group(group: Any) -> bool:
    """No DB subnet group, or the one named `default`: the default VPC's (an unknown value is an
    output of a subnet group of the stack)."""
    return group is None or (isinstance(group, str) and group.strip().lower() == "default")


def _cluster_instance_defaults(ctx: StackContext) -> Iterator[Finding]:
    """An Aurora cluster instance with `publiclyAccessible` unset, in no DB subnet group of its
    own, whose cluster (of the stack, by `clusterIdentifier`) is in none either: the default
    VPC. Fail closed (a cluster the stack does not declare cannot show its subnet group)."""
    for instance in ctx.resources:
        if instance.type != RDS_CLUSTER_INSTANCE or not _exposed_label(instance):
            continue
        if get(instance.props, "publiclyAccessible") is not None:
            continue
        if not _default_vpc_group(get(instance.props, "dbSubnetGroupName")):
            continue
        clusters = [
            r for u in instance.property_dependencies.get("clusterIdentifier", ())
            if (r := ctx.by_urn(u)) is not None and r.type == RDS_CLUSTER
        ]  # fmt: skip
        if clusters and not all(
            _default_vpc_group(get(c.props, "dbSubnetGroupName")) for c in clusters
        ):
            continue
        where = "its cluster is in no DB subnet group either" if clusters else (
            "its cluster is not a cluster of this stack, so its subnet group cannot be seen"
        )  # fmt: skip
        yield Finding(
            f"Cluster instance `{instance.name}` leaves `publiclyAccessible` unset with no "
            f"`dbSubnetGroupName`, and {where}: in the default VPC AWS may make it publicly "
            "accessible (fail closed).",
            urn=instance.urn,
            fix="set `publicly_accessible=False` and place the cluster in a DB subnet group of "
            "private subnets.",
        )


def _compute_public_ip(ctx: ResourceContext) -> Iterator[tuple[str, Any]]:
    """A compute instance's public address: AWS `associatePublicIpAddress` on an instance or a
    launch template's network interfaces, OCI `createVnicDetails.assignPublicIp`, which OCI
    defaults to true (in a public subnet): only an explicit false keeps it private."""
    if ctx.type == EC2_INSTANCE:
        flag = get(ctx.props, "associatePublicIpAddress")
        if flag is UNKNOWN or _truthy(flag):
            yield "associatePublicIpAddress", flag
        elif (
            flag is None
            and get(ctx.props, "subnetId") is None
            and not get(ctx.props, "networkInterfaces")
        ):
            # No subnet: a default subnet of the default VPC, which maps a public IPv4 address
            # on launch (VPC User Guide, "Default subnets").
            yield "associatePublicIpAddress (unset, in a default subnet: a public IP)", True
    elif ctx.type == EC2_LAUNCH_TEMPLATE:
        interfaces = get(ctx.props, "networkInterfaces")
        if interfaces is UNKNOWN:
            yield "networkInterfaces", UNKNOWN
        for index, nic in enumerate(interfaces if isinstance(interfaces, list) else []):
            flag = get(nic, "associatePublicIpAddress") if isinstance(nic, Mapping) else UNKNOWN
            if flag is UNKNOWN or _truthy(flag):
                yield f"networkInterfaces[{index}].associatePublicIpAddress", flag
    elif ctx.type == OCI_INSTANCE:
        vnic = get(ctx.props, "createVnicDetails")
        flag = get(vnic, "assignPublicIp") if isinstance(vnic, Mapping) else vnic
        if flag is UNKNOWN:
            yield "createVnicDetails.assignPublicIp", UNKNOWN
        elif not _explicitly_false(flag):
            shown = "unset: OCI assigns one in a public subnet" if flag is None else repr(flag)
            yield f"createVnicDetails.assignPublicIp ({shown})", True


def _network_exposure(ctx: ResourceContext, *, follow_up: bool = False) -> Iterator[Finding]:
    if not follow_up and inheritance.names_parent(ctx.type, ctx.props) and stack_follow_up_active():
        return  # a cluster instance: judged with the label it inherits, in the stack follow-up
    if ctx.type in SEARCH_DOMAINS:
        exposed = list(_search_domain_exposure(ctx.props))
    elif ctx.type == OCI_AUTONOMOUS_DATABASE:
        exposed = list(_oci_adb_exposure(ctx))
    elif ctx.type == OCI_FSS_EXPORT:
        exposed = list(_oci_export_exposure(ctx))
    elif ctx.type in (EC2_INSTANCE, EC2_LAUNCH_TEMPLATE, OCI_INSTANCE):
        exposed = list(_compute_public_ip(ctx))
    else:
        exposed = list(_public_flags(ctx.props, "")) + list(_rds_default_exposure(ctx))
    if not exposed:
        return
    known = [where for where, value in exposed if value is not UNKNOWN]
    if not known:
        yield unknown_finding(
            f"Whether the store is reachable from the internet is unknown (`{exposed[0][0]}`).",
            fix=NETWORK_FIX,
        )
        return
    classification = ctx.classification
    if classification in NETWORK_PUBLIC_ALLOWED:
        return
    what = f"`{known[0]}` gives {ctx.type} {ctx.name!r} an endpoint reachable from the internet"
    if classification is UNKNOWN:
        yield unknown_finding(f"{what}, and its `data-classification` is unknown.", fix=NETWORK_FIX)
        return
    shown = classification or "unclassified"
    held = (
        " (its classification cannot be seen here, so it is held to US user data)"
        if (ctx.type == OCI_FSS_EXPORT)
        else ""
    )
    yield Finding(
        f"{what}; the store is `{shown}`{held}, and only `non-personal` or "
        f"`public` data may be network-public.",
        fix=NETWORK_FIX,
    )


def _merged_origins(ctx: ResourceContext) -> Iterator[Finding]:
    """A distribution whose origins' domains are outputs (preview) and with a behaviour without
    signed viewers: which store each origin serves is told only once the domains are known (the
    stack follow-up cannot defer), so it is a pending notice here and decided during the update."""
    if not is_preview():
        return
    origins = get(ctx.props, "origins")
    if not isinstance(origins, list):
        return
    unknown = [o for o in origins if not isinstance(get(o, "domainName"), str)]
    if len(unknown) < 2:
        return
    for _field, path, behaviour in edge_caching._behaviours(ctx):  # type: ignore[arg-type]
        if _viewer_restricted(behaviour) is False:
            yield unknown_finding(
                f"`{ctx.name}`.{path} has no `trustedKeyGroups` or `trustedSigners`, and which "
                "store each origin serves is unknown during preview (the domains of several "
                "origins are outputs of the stack's resources).",
                fix=VIEWER_FIX,
            )
            return


def check(ctx: ResourceContext) -> Iterator[Finding]:
    yield from _network_exposure(ctx)
    if ctx.type in (edge_caching.DISTRIBUTION, edge_caching.MULTITENANT_DISTRIBUTION):
        yield from _merged_origins(ctx)
    if ctx.type == OCI_BUCKET:
        STACK_OCI_BUCKETS.note(ctx)
        yield from _oci_bucket(ctx)
    elif ctx.type == OCI_PAR:
        yield from _oci_par(ctx)
    elif ctx.type in S3_BUCKETS or ctx.type in S3_BUCKET_ACLS or ctx.type in S3_OBJECTS:
        yield from _s3_acl(ctx)
    elif ctx.type in RDS_SNAPSHOTS:
        yield from _rds_snapshot(ctx)
    elif ctx.type == AMI_LAUNCH_PERMISSION:
        yield from _ami_launch_permission(ctx)
    elif ctx.type == EBS_VOLUME_PERMISSION:
        yield from _ebs_volume_permission(ctx)
    elif ctx.type == LAMBDA_FUNCTION_URL:
        yield from _lambda_function_url(ctx)
    elif ctx.type == SSM_DOCUMENT:
        yield from _ssm_document(ctx)
    elif ctx.type == IMAGEBUILDER_DISTRIBUTION:
        yield from _launch_permission_groups(ctx)


POLICY = resource_policy(SPEC, check, stack_check)
