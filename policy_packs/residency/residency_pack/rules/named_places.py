"""residency-named-places: every place an input value names is allowed for the data and owned by
someone trusted.

A safety net under the per-type rules, with no per-type code: the place-reference scan
(:mod:`residency_pack.engine.places`) finds every ARN, OCID, URL host, host name, IP, account id
(in principal/account/owner fields) and region name (in region fields) in a resource's inputs,
JSON-encoded documents included, and each is judged:

* its region must be allowed for the data that can reach it;
* its owner must be trusted: an AWS account in the trusted accounts, a tenancy in the trusted
  tenancies; its AWS partition must be one of the allowed regions' partitions, its OCI realm a
  trusted realm;
* a host outside AWS and OCI must match ``allowedEgressHosts`` (empty by default).

The data that can reach a resource: its own classification when it is a known one. A type that
stores, moves or holds keys for data (the type catalog's role; a type without a reviewed entry
counts as one) with no known classification is held to ``us-user-data`` (fail closed); one that
cannot carry the tag (a replication configuration, a Lambda destination config) moves the data
of another resource, which one resource cannot see: it is held to the regions allowed for some
classification, and ``residency-data-flow`` judges whether user data reaches them. A
config-only, global or access-granting resource is held to the union of allowed regions.

A place that cannot be told (an account-less S3 bucket ARN or ``s3://`` URL that is not a bucket
of this stack, a customer host of an AWS or OCI service without an account, a raw IP) fails
closed on a resource that data can reach, unless ``declaredPlaces`` declares it; elsewhere only
what the place tells is judged. A place in a field where the resource routes requests or
delivers logs (the type catalog's ``reached_fields``: an ALB's access-log bucket, a listener's
redirect host, a target's or backend's IP, a container's log driver) is reached by the data it
routes whatever the type's role: an untold place or a host outside the clouds fails there too,
except a canonical private address (RFC 1918, IPv6 unique local), a host of the private network
the resource is in. A bucket of this stack is known by name: when the bucket has not
been analysed yet (two independent resources come in either order), the finding waits for the
policy's stack follow-up (:func:`stack_check`), which keeps it only if the stack has no bucket
of that name, so the verdict does not depend on the order. An OCID other than a tenancy's
cannot tell its tenancy: its region and realm are judged, its tenancy is not (every OCID of the
program would fail).

Not judged here: the resource's own location fields (its AWS ``region`` input and the catalog's
location fields; ``residency-region-allowlist`` and ``residency-classification-in-region`` judge
them), principals and conditions of policy documents (``residency-no-foreign-principals`` and
``residency-no-public-exposure``), fields the type catalog marks harmless with a reason, and
``engine.places.GENERIC_HARMLESS_FIELDS`` (tags, descriptions). Provider resources are judged by
``residency-provider-trust``.

Unknowns: during a preview an unknown input is an output of a resource of this stack; its value
is known when ``pulumi up`` analyses this resource again before creating it, and judged then.
A single reference (``kmsKeyId``, ``role``: see ``_resolved_reference``) is resolved through
the stack graph by the stack rules and shows nothing; any other unknown input on a resource data
can reach (a string built with ``apply``/``Output.format`` around an output is unknown as a
whole, and may embed any place) is a visible pending notice in preview
(``Finding(unknown=True)``), never silent.
Outside a preview an unknown input cannot be judged: a violation (``Finding(unknown=True)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Final

from pulumi_policy import Severity

from residency_pack.engine import (
    code_publishers,
    copy_fields,
    declared_places,
    pack_config,
    region_catalog,
    stack_config,
    type_catalog,
)
from residency_pack.engine.classification import CLASSIFICATIONS, US_USER_DATA
from residency_pack.engine.declared_places import DECLARED_PLACES, DeclaredPlace
from residency_pack.engine.places import (
    ACCOUNT_ITSELF,
    AWS_OWNED,
    OCI_OWNED,
    Place,
    endpoint_of,
    in_own_network,
    scan,
)
from residency_pack.engine.props import UNKNOWN
from residency_pack.engine.region_catalog import CLOUDS, Cloud
from residency_pack.engine.rule import (
    Finding,
    ResourceContext,
    RuleSpec,
    StackContext,
    is_preview,
    resource_policy,
    stack_follow_up_active,
)
from residency_pack.engine.stack_buckets import (
    PendingBucketFindings,
    bucket_names,
    oci_bucket_of,
    own_bucket_name,
    stack_of,
)

NAME: Final = "residency-named-places"

SPEC = RuleSpec(
    name=NAME,
    display_name="Every place a value names is allowed and trusted",
    description=(
        "Every ARN, OCID, URL, host, IP, account id and region that a resource's inputs name "
        "is in a region allowed for the data that can reach it, owned by a trusted account or "
        "tenancy, and, outside AWS and OCI, in the egress allowlist; a place that cannot be "
        "told fails closed where data can reach it unless the config declares it."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "point the value at a place in a region allowed for the data, owned by a trusted "
        "account or tenancy; for a host outside the clouds add it to `allowedEgressHosts`, for "
        "a place the value cannot tell declare it in `declaredPlaces`."
    ),
    frameworks=("residency", "gdpr-art-44", "project-texas"),
    config_properties={
        pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema(),
        **pack_config.trust_config_properties(),
        DECLARED_PLACES: declared_places.declared_places_schema(),
        copy_fields.DESTINATION_REGIONS: copy_fields.destination_regions_schema(),
    },
)

_DATA_ROLES: Final = frozenset({"stores-data", "moves-data", "holds-keys"})
_MAX_VALUE: Final = 120
_INDEX: Final = re.compile(r"\[\d+\]")


# --- what the type catalog says -----------------------------------------------------------------


def _entry(resource_type: str) -> Any:
    entry_of = getattr(type_catalog, "entry", None)
    return entry_of(resource_type) if entry_of is not None else None


def _data_reachable(resource_type: str) -> bool:
    """True if data can reach a resource of the type: it stores or moves data or holds keys,
    or nobody reviewed it (fail closed)."""
    role_of = getattr(type_catalog, "role_of", None)
    if role_of is None:  # before the reviewed catalog: its data-bearing list
        return bool(type_catalog.is_data_bearing(resource_type))
    role = role_of(resource_type)
    return role is None or role in _DATA_ROLES


def _taggable(resource_type: str) -> bool:
    entry = _entry(resource_type)
    if entry is not None:
        return bool(entry.taggable)
    return bool(type_catalog.takes_classification_tag(resource_type))


def _own_location_fields(resource_type: str) -> frozenset[str]:
    """Inputs that say where the resource itself is: judged by the region rules, not here."""
    found = _OWN_LOCATION.get(resource_type)
    if found is None:
        entry = _entry(resource_type)
        fields = set(getattr(entry, "location_fields", ()) or ())
        if type_catalog.cloud_of(resource_type) == "aws":
            fields.add("region")  # pulumi-aws v7: the resource's own region
        found = frozenset(fields)
        _OWN_LOCATION[resource_type] = found
    return found


_OWN_LOCATION: dict[str, frozenset[str]] = {}


# --- buckets of this stack -----------------------------------------------------------------------


class _StackBuckets:
    """Names of the S3 buckets of each stack that this pack process has analysed.

    An S3 bucket ARN (``arn:aws:s3:::name``) or ``s3://name`` tells no account, so the scan
    cannot tell a bucket of this stack from someone else's. The engine analyses a resource
    before the resources that depend on it, with its checked inputs (the provider's auto-name
    included), so by the time a value names a bucket of this stack the bucket has been seen.
    Bounded per process; a pack process serves one stack operation."""

    _LIMIT: Final = 100_000

    def __init__(self) -> None:
        self._names: dict[str, set[str]] = {}

    def note(self, ctx: ResourceContext) -> None:
        name = own_bucket_name(ctx.type, ctx.props)
        if name is not None:
            names = self._names.setdefault(stack_of(ctx.urn), set())
            if len(names) < self._LIMIT:
                names.add(name)

    def has(self, urn: str, name: str) -> bool:
        return name in self._names.get(stack_of(urn), ())

    def clear(self) -> None:
        self._names.clear()


STACK_BUCKETS: Final = _StackBuckets()


def _bucket_name(place: Place) -> str | None:
    """The bucket an account-less S3 place names, if it is one; for an OCI Object Storage place
    (``oci://bucket@namespace/``, ``/n/<namespace>/b/<bucket>/``), ``bucket@namespace``."""
    if place.service == "objectstorage":
        return oci_bucket_of(place.value)
    if place.service != "s3":
        return None
    if place.kind == "arn":
        resource = place.value.strip().split(":", 5)[-1]
        return resource.split("/", 1)[0] or None
    if place.host is None:
        return None
    if place.value.strip() == place.host:
        return place.host  # a bare bucket name in a bucket field
    if place.value.strip().lower().startswith(("s3://", "s3a://", "s3n://")):
        return place.host
    for marker in (".s3.", ".s3-", ".s3-website"):
        if marker in place.host:
            return place.host.split(marker, 1)[0]
    if place.value.strip().startswith(f"{place.host}/"):
        return place.host  # an S3 location ``bucket/prefix``
    return None


# Findings on an account-less S3 bucket place whose bucket this process had not seen yet when it
# analysed the resource: the stack follow-up reports them unless the stack has that bucket.
PENDING_BUCKETS: Final = PendingBucketFindings()


class _PendingOutputs:
    """Findings on an untold place whose input is an output of another resource of this stack
    (a property dependency): a key's ``managementEndpoint`` is its vault's host, an API
    gateway's JWT issuer its identity domain's URL. The value names no owner, but the resource
    that produced it is this stack's own, and its own inputs are judged where it is analysed.
    The producer's outputs are known only to the stack follow-up (``pulumi up`` hands the
    stack's outputs to ``AnalyzeStack``), so the finding waits for it. Alongside, the hosts each
    resource's own inputs name: a resource that merely echoes an input (a parameter holding a
    partner's URL) produces nothing of its own. Bounded per process."""

    _LIMIT: Final = 100_000

    def __init__(self) -> None:
        # stack -> (urn, message) -> (top-level input, host, finding)
        self._pending: dict[str, dict[tuple[str, str], tuple[str, str, Finding]]] = {}
        self._input_hosts: dict[str, frozenset[str]] = {}

    def note_inputs(self, urn: str, places: list[Place]) -> None:
        hosts = frozenset(p.host for p in places if p.host)
        if hosts and len(self._input_hosts) < self._LIMIT:
            self._input_hosts[urn] = hosts
        else:
            self._input_hosts.pop(urn, None)

    def input_hosts(self, urn: str) -> frozenset[str]:
        return self._input_hosts.get(urn, frozenset())

    def add(self, urn: str, field: str, host: str, finding: Finding) -> None:
        pending = self._pending.setdefault(stack_of(urn), {})
        if len(pending) < self._LIMIT:
            pending[(urn, finding.message)] = (field, host, finding)

    def discard(self, urn: str) -> None:
        pending = self._pending.get(stack_of(urn))
        if pending:
            for key in [key for key in pending if key[0] == urn]:
                del pending[key]

    def take(self, stack: str) -> list[tuple[str, str, Finding]]:
        pending = self._pending.pop(stack, {})
        return [pending[key] for key in sorted(pending)]

    def clear(self) -> None:
        self._pending.clear()
        self._input_hosts.clear()


PENDING_OUTPUTS: Final = _PendingOutputs()


def _hosts_in(value: Any, depth: int = 0) -> Iterator[str]:
    """The hosts that the strings of an output bag name (URLs and bare host names)."""
    if depth > 8:
        return
    if isinstance(value, str):
        if "." in value and (endpoint := endpoint_of(value)) is not None:
            yield endpoint.host
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _hosts_in(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _hosts_in(item, depth + 1)


def _produced_by_the_stack(ctx: StackContext, urn: str, field: str, host: str) -> bool:
    """True if the input ``field`` of ``urn`` depends on a cloud resource of this stack whose
    outputs, and not its own inputs, name ``host``: the place is that resource's own."""
    resource = ctx.by_urn(urn)
    if resource is None:
        return False
    for dep_urn in dict.fromkeys(resource.property_dependencies.get(field, ())):
        dep = ctx.by_urn(dep_urn)
        if (
            dep is None or dep_urn == urn or type_catalog.is_provider(dep.type)
            or type_catalog.cloud_of(dep.type) is None
            or host in PENDING_OUTPUTS.input_hosts(dep_urn)
        ):  # fmt: skip
            continue
        if host in set(_hosts_in(dep.props)):
            return True
    return False


# --- judging one place ----------------------------------------------------------------------------

UNTOLD: Final = (
    "who owns it cannot be told from the value (no account or tenancy in it), and data can "
    "reach this resource"
)
UNTOLD_ROUTED: Final = (
    "who owns it cannot be told from the value (no account or tenancy in it), and the requests "
    "or logs this resource routes go there"
)
UNTOLD_WRITTEN: Final = (
    "who owns it cannot be told from the value (no account or tenancy in it), and an identity "
    "policy lets its holder write there"
)

_UNTOLD_PROBLEMS: Final = frozenset({UNTOLD, UNTOLD_ROUTED, UNTOLD_WRITTEN})


@dataclass(frozen=True)
class _Settings:
    """What the policy config and the stack config say, derived once per config."""

    allowed: Mapping[str, Mapping[Cloud, frozenset[str]]]  # per classification
    union: Mapping[Cloud, frozenset[str]]
    accounts: frozenset[str]
    tenancies: frozenset[str]
    realms: frozenset[str]
    partitions: frozenset[str]  # of the allowed AWS regions
    egress: tuple[str, ...]
    declared: tuple[DeclaredPlace, ...]
    destination_regions: Mapping[str, str]  # copy destinations declared by value (copy rules' key)


def _derive_settings(config: Mapping[str, Any]) -> _Settings:
    union = pack_config.allowed_union(config)
    partitions = frozenset(
        found.partition
        for name in union["aws"]
        if (found := region_catalog.lookup("aws", name)) is not None and found.partition
    )
    return _Settings(
        {name: pack_config.allowed_regions(config, name) for name in CLASSIFICATIONS}, union,
        pack_config.trusted_account_ids(config), pack_config.trusted_tenancy_ocids(config),
        pack_config.trusted_realms(config), partitions or frozenset({"aws"}),
        pack_config.allowed_egress_hosts(config), declared_places.declared_places(config),
        dict(config.get(copy_fields.DESTINATION_REGIONS) or {}),
    )  # fmt: skip


class _SettingsMemo:
    """The settings of the last (policy config, stack config) pair: the engine configures a pack
    once, so every Analyze call of an operation hands over the same two objects."""

    def __init__(self) -> None:
        self._key: tuple[object, object] | None = None
        self._settings: _Settings | None = None

    def __call__(self, config: Mapping[str, Any]) -> _Settings:
        key = (config, stack_config.current())
        if (
            self._settings is None
            or self._key is None
            or any(a is not b for a, b in zip(self._key, key, strict=True))
        ):
            self._settings, self._key = _derive_settings(config), key
        return self._settings


_SETTINGS: Final = _SettingsMemo()


@dataclass(frozen=True)
class _Context:
    """What one resource's places are judged against (built only when it names a place)."""

    name: str
    urn: str
    data: str  # "`us-user-data` data" / "data of some classification"
    allowed: Mapping[Cloud, frozenset[str]]
    reachable: bool
    settings: _Settings
    # labelled `non-personal` or `public` (a config-only or global resource so labelled runs
    # no code next to user data; any other resource's images are judged)
    labelled_lax: bool = False

    @property
    def accounts(self) -> frozenset[str]:
        return self.settings.accounts

    @property
    def tenancies(self) -> frozenset[str]:
        return self.settings.tenancies

    @property
    def realms(self) -> frozenset[str]:
        return self.settings.realms

    @property
    def partitions(self) -> frozenset[str]:
        return self.settings.partitions

    @property
    def egress(self) -> tuple[str, ...]:
        return self.settings.egress

    def declaration(self, place: Place) -> DeclaredPlace | None:
        found = declared_places.find(self.settings.declared, place.value, place.host)
        if found is not None:
            return found
        bucket = _bucket_name(place)
        if bucket is not None and place.kind != "arn":
            # A bucket named by its bare name or URL is declared as its bucket ARN.
            found = declared_places.find(self.settings.declared, f"arn:aws:s3:::{bucket}")
            if found is not None:
                return found
        region = self.settings.destination_regions.get(place.value.strip())
        if not isinstance(region, str):
            return None
        cloud: Cloud = "aws" if region_catalog.lookup("aws", region) else "oci"
        return DeclaredPlace(
            place.value.strip(),
            cloud,
            region,
            declared_places.VOUCHED,
            "a copy destination the platform team vouches for",
            copy_fields.DESTINATION_REGIONS,
        )


_TYPE_FACTS: dict[str, tuple[bool, bool]] = {}


def _type_facts(resource_type: str) -> tuple[bool, bool]:
    """(data can reach it, it can carry the classification tag), looked up once per type."""
    facts = _TYPE_FACTS.get(resource_type)
    if facts is None:
        facts = _TYPE_FACTS[resource_type] = (
            _data_reachable(resource_type),
            _taggable(resource_type),
        )
    return facts


def _judged_context(ctx: ResourceContext) -> _Context:
    settings = _SETTINGS(ctx.config)
    reachable, taggable = _type_facts(ctx.type)
    value = ctx.classification
    if isinstance(value, str) and value in CLASSIFICATIONS:
        allowed, data = settings.allowed[value], f"`{value}` data"
    elif reachable and taggable:
        shown = "unknown during preview" if value is UNKNOWN else (
            "missing" if value is None else f"`{value}`, not a known classification"
        )  # fmt: skip
        allowed = settings.allowed[US_USER_DATA]
        data = f"`{US_USER_DATA}` data (its classification is {shown}: fail closed)"
    else:
        allowed, data = settings.union, "data of any classification"
    # A resource labelled as holding user data is reached by it, whatever its type's role (a
    # task definition's log router ships what its containers log).
    reachable = reachable or value == US_USER_DATA
    lax = isinstance(value, str) and value in CLASSIFICATIONS and value != US_USER_DATA
    return _Context(ctx.name, ctx.urn, data, allowed, reachable, settings, lax)


def _shown(place: Place) -> str:
    value = place.value.strip()
    if len(value) > _MAX_VALUE:
        value = value[: _MAX_VALUE - 3] + "..."
    what = {
        "arn": "ARN", "ocid": "OCID", "tenancy": "tenancy OCID", "aws-endpoint": "AWS endpoint",
        "oci-endpoint": "OCI endpoint", "external-host": "host", "ip": "IP address",
        "region": "region", "account": "account id",
    }[place.kind]  # fmt: skip
    if place.image is not None:
        what = "container image"
    elif place.service == "s3" and place.host == value:
        what = "S3 bucket name"
    elif (
        place.service == "s3"
        and place.kind == "aws-endpoint"
        and value.startswith(f"{place.host}/")
    ):
        what = "S3 location"
    host = f" (host `{place.host}`)" if place.host and place.host != value else ""
    return f"{what} `{value}`{host} at `{place.path}`"


def _region_problem(j: _Context, cloud: Cloud | None, region: str) -> str | None:
    if cloud is None or cloud not in CLOUDS:
        return f"`{region}` is not a region of AWS or OCI, so it is allowed for no data"
    if region in j.allowed[cloud]:
        return None
    known = region_catalog.lookup(cloud, region) is not None
    where = "" if known else f" (not a known {cloud} region)"
    allowed = ", ".join(sorted(j.allowed[cloud])) or "no region"
    return (
        f"it is in {cloud} region `{region}`{where}; {j.data} may be only in {allowed} on {cloud}"
    )


def _owner_problem(j: _Context, cloud: Cloud | None, account: str) -> str | None:
    if account in (AWS_OWNED, OCI_OWNED, ACCOUNT_ITSELF, declared_places.VOUCHED):
        return None
    if account.startswith("ocid1.tenancy."):
        if account in j.tenancies:
            return None
        return f"it belongs to tenancy `{account}`, which is not a trusted tenancy"
    if account in j.accounts:
        return None
    return f"it belongs to AWS account `{account}`, which is not a trusted account"


def _problems(j: _Context, place: Place) -> list[tuple[str, str]]:
    """``(problem, fix)`` for one place; empty when it is allowed and trusted."""
    if place.image is not None:
        return _image_problems(j, place)
    out: list[tuple[str, str]] = []
    if place.kind == "external-host":
        if _egress_allowed(j, place.host or "") or in_own_network(place):
            return []  # allowed, or a private name routed inside the resource's own network
        declared = j.declaration(place)
        if declared is not None:
            return _declared_problems(j, declared)
        if j.reachable or place.reached:
            out.append((
                "it is a host outside AWS and OCI that is not in `allowedEgressHosts`",
                "send the data only to AWS/OCI endpoints in allowed regions, or have the "
                f"platform team add the host to `allowedEgressHosts` in `{NAME}`'s config.",
            ))  # fmt: skip
        return out
    if place.partition is not None:
        if place.cloud == "aws" and place.partition not in j.partitions:
            out.append((
                f"it is in AWS partition `{place.partition}`, and no allowed region is",
                "use a resource of the partition of the allowed regions.",
            ))  # fmt: skip
        if place.cloud == "oci" and place.partition not in j.realms:
            out.append((
                f"it is in OCI realm `{place.partition}`, which is not a trusted realm",
                "use a resource of a trusted realm (`trustedRealms`).",
            ))  # fmt: skip
    if place.region is not None and (problem := _region_problem(j, place.cloud, place.region)):
        out.append((problem, "point it at a place in a region allowed for the data."))
    if place.read_only:
        return out + _code_owner_problems(j, place)
    if place.account is not None:
        if problem := _owner_problem(j, place.cloud, place.account):
            out.append((problem, "point it at a place owned by a trusted account or tenancy."))
        return out
    if place.kind in ("ocid", "region"):
        return out  # an OCID cannot tell its tenancy; a region has no owner
    if place.kind == "ip" and _egress_allowed(j, place.host or ""):
        return out
    if in_own_network(place):
        # Routed to a private address (RFC 1918 / unique local): a host of the private network
        # the resource is in (a target in the VPC, a backend in the VCN), never the internet.
        return out
    declared = j.declaration(place)
    if declared is not None:
        return out + _declared_problems(j, declared)
    bucket = _bucket_name(place)
    if bucket is not None and STACK_BUCKETS.has(j.urn, bucket):
        return out  # a bucket of this stack: its own rules judge it
    if j.reachable or place.reached or (place.written and bucket is not None):
        reached = UNTOLD if j.reachable else UNTOLD_ROUTED if place.reached else UNTOLD_WRITTEN
        out.append((
            reached,
            "reference the place by a value that carries its owner (an ARN with the account, a "
            "queue URL with the account), by the output of the resource of this stack that "
            "created it (a vault's `managementEndpoint`, an identity domain's `url`), or declare "
            "its region and "
            f"owner in `{NAME}`'s `{DECLARED_PLACES}` config.",
        ))  # fmt: skip
    return out


def _code_owner_problems(j: _Context, place: Place) -> list[tuple[str, str]]:
    """A place code or an image is pulled from (a Lambda layer version, a container or machine
    image): it runs next to the data, so its owner must be trusted like a destination's. AWS's own
    published layers (a reviewed list, :mod:`.code_publishers`) are AWS's; a partner's code is
    accepted only when ``declaredPlaces`` declares it with its owner (the review), and the
    declared region is still judged. An owner the value cannot tell is not judged (an AMI ARN
    carries none)."""
    if place.account is None or not j.reachable:
        return []
    problem = _owner_problem(j, place.cloud, place.account)
    if problem is None or code_publishers.aws_published_layer(place.value) is not None:
        return []
    declared = j.declaration(place)
    if declared is not None and declared.account == place.account:
        found = _region_problem(j, declared.cloud, declared.region)
        fix = f"correct the `{declared.setting}` entry `{declared.match}` or use other code."
        return [] if found is None else [(f"{declared.describe()}: {found}", fix)]
    return [(
        f"{problem}: it is code or an image pulled into the resource, which runs next to the data "
        "it processes",
        "use code published by a trusted account (copy the layer or image into one), or have the "
        f"platform team declare the publisher's place with its owner in `{NAME}`'s "
        f"`{DECLARED_PLACES}` config after review.",
    )]  # fmt: skip


def _image_problems(j: _Context, place: Place) -> list[tuple[str, str]]:
    """A container image in one of the type's ``image_fields``: code the resource runs next to
    the data it reaches, pulled from the image's registry. The registry is judged as a place: its
    region (a private ECR or an OCIR registry tells one) must be allowed for the data, and its
    owner trusted. A private ECR registry tells its account: a trusted one passes, another one
    only when ``declaredPlaces`` declares it with that account (the review, as for a vendor's
    layer). Any other registry tells no owner: OCIR (the namespace's tenancy), Docker Hub (also
    implicit: ``nginx``, ``partnerco/etl``), ECR Public, ``ghcr.io``, ``quay.io``, ``gcr.io``, a
    host of anyone's: code from outside the trusted accounts and tenancies, a violation unless
    ``declaredPlaces`` declares the repository (``docker.io/partnerco/etl``, a prefix glob
    ``iad.ocir.io/ournamespace/*``) with a trusted account or tenancy that vouches for it.
    ``allowedEgressHosts`` does not: it lets data go out to a host, not code come in from it.
    Judged on every resource except a config-only or global one labelled `non-personal` or
    `public` (the image then runs next to no user data: fail closed on an unlabelled one)."""
    if not (j.reachable or not j.labelled_lax):
        return []
    out: list[tuple[str, str]] = []
    if place.partition is not None and place.cloud == "aws" and place.partition not in j.partitions:
        out.append((
            f"it is in AWS partition `{place.partition}`, and no allowed region is",
            "use an image of a registry in the partition of the allowed regions.",
        ))  # fmt: skip
    if place.partition is not None and place.cloud == "oci" and place.partition not in j.realms:
        out.append((
            f"it is in OCI realm `{place.partition}`, which is not a trusted realm",
            "use an image of a registry of a trusted realm (`trustedRealms`).",
        ))  # fmt: skip
    if place.region is not None and (problem := _region_problem(j, place.cloud, place.region)):
        out.append((problem, "use an image of a registry in a region allowed for the data."))
    if place.account is not None and _owner_problem(j, place.cloud, place.account) is None:
        return out
    declared = declared_places.find(j.settings.declared, place.image or "")
    if declared is None and place.account is not None:
        declared = declared_places.find(j.settings.declared, place.value, place.host)
    if declared is not None:
        fix = f"correct the `{declared.setting}` entry `{declared.match}` or use another image."
        if (found := _region_problem(j, declared.cloud, declared.region)) is not None:
            out.append((f"{declared.describe()}: {found}", fix))
        vouched = place.account is not None and declared.account == place.account
        if not vouched and (found := _owner_problem(j, declared.cloud, declared.account)):
            out.append((f"{declared.describe()}: {found}", fix))
        return out
    registry = (place.image or "").split("/", 1)[0]
    if place.account is not None:
        owner = _owner_problem(j, place.cloud, place.account) or ""
        problem = (
            f"{owner}: it is code or an image pulled into the resource (a container image), "
            "which runs next to the data it processes"
        )
    else:
        whose = (
            "an OCIR registry, whose namespace's tenancy the value cannot tell"
            if place.cloud == "oci"
            else "a registry outside the trusted accounts and tenancies"
        )
        problem = (
            f"it is a container image from `{registry}`, {whose}: code a third party can "
            "change runs next to the data the resource reaches"
        )
    return [*out, (
        problem,
        "copy the image into a registry of a trusted account (a private ECR repository, or the "
        "tenancy's OCIR namespace) and reference it there, or have the platform team declare "
        f"the repository (`{place.image}`, or a prefix glob of it) with the trusted account or "
        f"tenancy that vouches for it in `{NAME}`'s `{DECLARED_PLACES}` config after review.",
    )]  # fmt: skip


def _declared_problems(j: _Context, declared: DeclaredPlace) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    fix = f"correct the `{declared.setting}` entry `{declared.match}` or point the value elsewhere."
    if problem := _region_problem(j, declared.cloud, declared.region):
        out.append((f"{declared.describe()}: {problem}", fix))
    if problem := _owner_problem(j, declared.cloud, declared.account):
        out.append((f"{declared.describe()}: {problem}", fix))
    return out


def _egress_allowed(j: _Context, host: str) -> bool:
    return bool(host) and any(fnmatchcase(host, pattern.lower()) for pattern in j.egress)


# --- the check ------------------------------------------------------------------------------------


def check(ctx: ResourceContext) -> Iterator[Finding]:
    STACK_BUCKETS.note(ctx)
    PENDING_BUCKETS.discard(ctx.urn)
    PENDING_OUTPUTS.discard(ctx.urn)
    if type_catalog.is_provider(ctx.type):
        return  # residency-provider-trust judges providers
    found = scan(ctx.type, ctx.props)
    PENDING_OUTPUTS.note_inputs(ctx.urn, found.places)
    if not found.places and not found.unknown:
        return
    judge = _judged_context(ctx)
    own = _own_location_fields(ctx.type)
    seen: set[tuple[str, str]] = set()
    for place in found.places:
        if place.kind == "region" and _INDEX.sub("[]", place.path) in own:
            continue
        for problem, fix in _problems(judge, place):
            if (place.path, problem) in seen:
                continue
            seen.add((place.path, problem))
            finding = Finding(
                f"{ctx.type} `{ctx.name}` names {_shown(place)}: {problem}.", urn=ctx.urn, fix=fix
            )
            bucket = _bucket_name(place) if problem in _UNTOLD_PROBLEMS else None
            if bucket is not None and stack_follow_up_active():
                # Decided once the stack is known.
                PENDING_BUCKETS.add(ctx.urn, finding.message, bucket, finding)
                continue
            if (
                bucket is None and problem in _UNTOLD_PROBLEMS and place.host
                and stack_follow_up_active()
            ):  # fmt: skip
                # Perhaps an output of a resource of this stack: decided once the stack is known.
                field = re.split(r"[.\[]", place.path, maxsplit=1)[0]
                PENDING_OUTPUTS.add(ctx.urn, field, place.host, finding)
                continue
            yield finding
    if found.unknown and is_preview():
        composed = [path for path in found.unknown if not _resolved_reference(path)]
        if composed and judge.reachable:
            shown = ", ".join(f"`{path}`" for path in composed[:5])
            more = f" and {len(composed) - 5} more" if len(composed) > 5 else ""
            yield Finding(
                f"{ctx.type} `{ctx.name}` has inputs that can name a place and are unknown during "
                f"preview ({shown}{more}), and data can reach it: a value built with `apply` or "
                "`Output.format` around another resource's output is unknown as a whole, so the "
                "places it names cannot be checked yet.",
                fix="nothing now if the value names only allowed places; it is judged during "
                "`pulumi up`, when the value is known. To see the verdict in preview, write the "
                "place as a literal or from stack config.",
                unknown=True,
            )
    if found.unknown and not is_preview():
        shown = ", ".join(f"`{path}`" for path in found.unknown[:5])
        more = f" and {len(found.unknown) - 5} more" if len(found.unknown) > 5 else ""
        yield Finding(
            f"{ctx.type} `{ctx.name}` has inputs that are still unknown outside a preview "
            f"({shown}{more}): the places they name cannot be checked.",
            fix="make the inputs known values (literals or outputs of resources created before "
            "this one).",
            unknown=True,
        )


# Which unknown inputs can embed a place. During preview an unknown is an output of a resource
# of the stack, or a string built around one with ``apply``/``Output.format`` (unknown as a
# whole). An SDK input that holds one reference to a resource (``kmsKeyId``, ``roleArn``,
# ``subnets``, ``cluster``, ``restApi``: any camelCase input that is not free text or an
# address) is that resource's id, ARN or name, which the stack rules resolve through the
# engine's property dependencies: no notice. A value under a key the program chooses (an
# environment variable, a parameter or metadata map) and an input that is free text, a
# document or an address (``definition``, ``sql``, ``args``, ``userData``, ``uri``, ``location``)
# can carry any place around the output: a visible notice in preview.
_SDK_KEY: Final = re.compile(r"^[a-z][A-Za-z0-9]*$")
_REFERENCE_SUFFIX: Final = re.compile(
    r"(?:^(?:id|ids|arn|arns|ocid|name|names)|(?:Id|Ids|Arn|Arns|Ocid|Ocids|Identifier|"
    r"Identifiers|Name|Names))$"
)
# Maps whose keys the program chooses: their values are free-form configuration.
_FREE_FORM_MAP: Final = re.compile(
    r"(?:variables|environment|metadata|parameters|properties|arguments|overrides|propertymap|"
    r"^config)$",
    re.IGNORECASE,
)
# Inputs that hold free text, a document or an address (the place scan reads places there).
_FREE_TEXT_OR_ADDRESS: Final = re.compile(
    r"definition|document|policy|sql|query|statement|script|command|args|argument|userdata|"
    r"content|body|template|value|parameter|config|metadata|location|path|environment|"
    r"variable|code|expression|rule|url|uri|host|endpoint|server|address|fqdn|origin|webhook|"
    r"broker|connection|domain|dns|rdata|text|json|yaml",
    re.IGNORECASE,
)
# Addresses the provider takes from another resource of the stack and a stack rule resolves
# through the property dependency: an OCI key's vault endpoints (residency-key-locality follows
# ``managementEndpoint`` to the vault).
_RESOLVED_ENDPOINTS: Final = frozenset({"managementEndpoint", "cryptoEndpoint"})
_STEP: Final = re.compile(r"[^.\[\]]+")


def _resolved_reference(path: str) -> bool:
    """True if the unknown at ``path`` (``a.b[0].c``) is a single reference to a resource of the
    stack, not a value that can embed a place (see above)."""
    steps = [step for step in _STEP.findall(path) if not step.isdigit()]
    if not steps:
        return False
    leaf = steps[-1]
    if any(_FREE_FORM_MAP.search(step) for step in steps[:-1]) or not _SDK_KEY.match(leaf):
        return False  # a value under a key the program chose
    if leaf in _RESOLVED_ENDPOINTS or _REFERENCE_SUFFIX.search(leaf):
        return True
    return not _FREE_TEXT_OR_ADDRESS.search(leaf)


def stack_check(ctx: StackContext) -> Iterator[Finding]:
    """The pending bucket findings of this stack whose bucket the stack does not have."""
    if not ctx.resources:
        return
    stack = stack_of(ctx.resources[0].urn)
    names = bucket_names(ctx.resources)
    for bucket, finding in PENDING_BUCKETS.take(stack):
        if bucket in names or STACK_BUCKETS.has(finding.urn or "", bucket):
            continue
        yield finding
    for field, host, finding in PENDING_OUTPUTS.take(stack):
        if finding.urn and _produced_by_the_stack(ctx, finding.urn, field, host):
            continue
        yield finding


POLICY = resource_policy(SPEC, check, stack_check)
