"""Places that a resource's input values name: the place-reference scan.

A *place* is somewhere data could go or come from, as a value names it:

* an ARN (partition, service, region, account; account ``aws`` = owned by AWS);
* an OCID (realm, region from its region key, tenancy when the OCID is a tenancy's);
* a URL or host name: the URL is parsed and only its host counts (never its path, query or
  userinfo); AWS service endpoints (botocore's partition DNS suffixes and region patterns) and
  OCI endpoints (the ``oci`` SDK's realm domains and regions) give a cloud and a region,
  anything else is an external host;
* a raw IP address (where it is and who owns it cannot be told);
* a 12-digit account id in a principal/account/owner field;
* a region name in a region field.

:func:`scan` walks a property bag once: each string is classified by cheap prefix tests before
any parsing, and JSON-encoded strings (policy documents, settings) are decoded and walked too.
The parsers (:func:`parse_arn`, :func:`parse_ocid`, :func:`parse_url`, :func:`parse_host`,
:func:`endpoint_of`, :func:`region_of_place`) are public so that other modules locate
references the same way.

``Place.account`` is a 12-digit AWS account id, a tenancy OCID, :data:`AWS_OWNED` /
:data:`OCI_OWNED` (the cloud's own service endpoint, or an AWS-owned ARN),
:data:`ACCOUNT_ITSELF` (an Organizations policy's own-account variable), or None when the value
cannot tell who owns the place.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Final, Literal
from urllib.parse import unquote, urlsplit

from publicsuffixlist import PublicSuffixList

from residency_pack.engine import region_catalog, type_catalog
from residency_pack.engine.props import UNKNOWN
from residency_pack.engine.region_catalog import Cloud

PlaceKind = Literal[
    "arn", "ocid", "aws-endpoint", "oci-endpoint", "external-host", "ip", "region", "account",
    "tenancy",
]  # fmt: skip

AWS_OWNED: Final = "aws"
OCI_OWNED: Final = "oracle"
# AWS Organizations policies' variable for "the member account the policy applies to" (a backup
# policy's ``arn:aws:backup:us-east-1:$account:backup-vault:x``): each account's own.
ACCOUNT_ITSELF: Final = "$account"


@dataclass(frozen=True, slots=True)
class Place:
    """One place named by one value of a resource's inputs."""

    path: str  # input path where it was found ("destination.bucketArn", "policy.Statement[0]...")
    value: str  # the raw string
    kind: PlaceKind
    cloud: Cloud | None
    region: str | None  # None: the place has no region (a global ARN) or it cannot be told
    account: str | None  # account id / tenancy OCID / AWS_OWNED / OCI_OWNED; None: cannot tell
    host: str | None  # the normalised host of a URL or host name
    partition: str | None = None  # AWS partition or OCI realm
    service: str | None = None  # ARN service, OCID resource type, endpoint service label
    # Names an artifact that data is only read from, never written to (a Lambda layer version,
    # a machine or container image, a public SSM parameter): its owner is not a destination.
    read_only: bool = False
    # Named as the Resource of an identity-policy statement that lets its holder write there
    # (``s3:PutObject`` on ``arn:aws:s3:::bucket/*``): data can go there whatever the policy is
    # attached to.
    written: bool = False
    # Named in a field where the data the resource routes or logs goes (the type catalog's
    # ``reached_fields``: an ALB's access-log bucket, a redirect's host, a backend's IP): data
    # reaches the place whatever the resource's own role.
    reached: bool = False
    # A container image reference in one of the type's ``image_fields``: the image's repository
    # as ``<registry host>/<path>`` (tag and digest stripped, Docker Hub's implicit registry and
    # ``library/`` written out). Its registry is where the code the resource runs comes from.
    image: str | None = None


# --- ARNs -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    service: str
    region: str  # "" when the ARN has none
    account: str  # "" when the ARN has none
    resource: str


_ARN: Final = re.compile(
    r"arn:([A-Za-z0-9-]+):([A-Za-z0-9.-]*):([A-Za-z0-9*$-]*):([A-Za-z0-9*$-]*):"
    r"([^\s\"'<>,;(){}\[\]\\`]*)",
    re.IGNORECASE,
)
_ARN_IN_TEXT: Final = re.compile(r"(?<![A-Za-z0-9_])arn:", re.IGNORECASE)
_ACCOUNT_ID: Final = re.compile(r"^\d{12}$")


def parse_arn(text: str) -> Arn | None:
    """The parts of an ARN (``arn:partition:service:region:account:resource``) at the start of
    ``text``, or None. Only ``aws*`` partitions are ARNs here."""
    return _arn_of(_ARN.match(text.strip()))


def _arn_of(match: re.Match[str] | None) -> Arn | None:
    if match is None or not match.group(1).lower().startswith("aws"):
        return None
    partition, service, region, account, resource = match.groups()
    return Arn(partition.lower(), service.lower(), region.lower(), account.lower(), resource)


def _is_whole_arn(text: str) -> bool:
    stripped = text.strip()
    match = _ARN.match(stripped)
    return match is not None and match.end() == len(stripped)


# ARN kinds naming an artifact that data is only read from: a layer version or an image cannot
# receive data, so who publishes it is not a residency question (supply chain is another one).
_READ_ONLY_ARN: Final = re.compile(
    r"^(?:lambda:layer:|ec2:image/|ssm:parameter/aws/|ssm:document/aws-|ssm:document/amazon|"
    r"sagemaker:image/|sagemaker:image-version/|elasticbeanstalk:solutionstack/|"
    r"elasticbeanstalk:platform/|imagebuilder:component/|imagebuilder:image/)",
    re.IGNORECASE,
)


def _arn_owner(arn: Arn, region: str | None) -> str | None:
    if arn.account == AWS_OWNED or arn.account == ACCOUNT_ITSELF:
        return arn.account
    if _ACCOUNT_ID.match(arn.account):
        return arn.account
    if arn.account and "*" not in arn.account and "$" not in arn.account:
        # A service name in the account field (``arn:aws:apigateway:us-east-1:lambda:path/...``):
        # an AWS service integration; a resource it reaches is scanned as its own ARN.
        return AWS_OWNED
    if not arn.account and arn.service == "states" and region is None:
        return AWS_OWNED  # a Step Functions service integration (arn:aws:states:::sqs:...)
    if not arn.account and arn.resource.lower().startswith(("parameter/aws/", "document/aws")):
        return AWS_OWNED  # AWS's public SSM parameters and documents
    return None


def arn_place(path: str, value: str, arn: Arn) -> Place:
    """The place an ARN names."""
    region = arn.region if arn.region and "*" not in arn.region and "$" not in arn.region else None
    read_only = bool(_READ_ONLY_ARN.match(f"{arn.service}:{arn.resource}"))
    return Place(path, value, "arn", "aws", region, _arn_owner(arn, region), None, arn.partition,
                 arn.service, read_only)  # fmt: skip


# --- OCIDs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ocid:
    resource_type: str  # "bucket", "tenancy", ...
    realm: str  # "oc1"
    region_segment: str  # the raw region segment ("iad", "eu-frankfurt-1", "" for global)
    region: str | None  # the region's name; the raw segment when the catalog does not know it
    tenancy: str | None  # the tenancy OCID when this OCID is a tenancy's


_OCID: Final = re.compile(
    r"ocid1\.([a-z0-9_-]+)\.([a-z0-9_-]*)\.([a-z0-9_-]*)\.([a-z0-9_.:-]*[a-z0-9])", re.IGNORECASE
)
_OCID_IN_TEXT: Final = re.compile(r"(?<![A-Za-z0-9_])ocid1\.")


def _oci_region_name(segment: str) -> str | None:
    if not segment:
        return None
    found = region_catalog.oci_region_by_key(segment) or region_catalog.lookup("oci", segment)
    return found.name if found else segment


def parse_ocid(text: str) -> Ocid | None:
    """The parts of an OCID (``ocid1.<type>.<realm>.[region].<unique>``) at the start of
    ``text``, or None."""
    return _ocid_of(_OCID.match(text.strip()))


def _ocid_of(match: re.Match[str] | None) -> Ocid | None:
    if match is None:
        return None
    resource_type, realm, segment, _ = (g.lower() for g in match.groups())
    tenancy = match.group(0) if resource_type == "tenancy" else None
    return Ocid(resource_type, realm, segment, _oci_region_name(segment), tenancy)


def ocid_place(path: str, value: str, ocid: Ocid) -> Place:
    """The place an OCID names; only a tenancy OCID tells its tenancy."""
    kind: PlaceKind = "tenancy" if ocid.tenancy else "ocid"
    return Place(path, value, kind, "oci", ocid.region, ocid.tenancy, None, ocid.realm,
                 ocid.resource_type)  # fmt: skip


# --- hosts and URLs ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Url:
    scheme: str
    host: str | None  # normalised (lower case, IDNA, no trailing dot); None: the URL has none
    port: int | None
    path: str
    query: str


@dataclass(frozen=True, slots=True)
class Endpoint:
    """What a host name tells: the cloud and region of a service endpoint, and its owner."""

    host: str
    kind: PlaceKind  # "aws-endpoint", "oci-endpoint", "external-host" or "ip"
    cloud: Cloud | None
    region: str | None
    account: str | None
    partition: str | None = None
    service: str | None = None
    read_only: bool = False


_SCHEME: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_URL_IN_TEXT: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>`]+")
# WHATWG URL parsing (what browsers and most HTTP clients do) drops these anywhere in a URL.
_DROPPED: Final = str.maketrans("", "", "\t\n\r")
_SPECIAL_SCHEMES: Final = frozenset({"http", "https", "ws", "wss", "ftp"})
_NOT_NETWORK_SCHEMES: Final = frozenset({"s3", "s3a", "s3n", "oci"})
_HOST_SHAPE: Final = re.compile(
    r"^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)
_HOST_CHARS: Final = re.compile(r"^[a-z0-9_.-]+$")
_NUMERIC_HOST: Final = re.compile(r"^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}$")


def normalise_host(host: str) -> str:
    """A host name as a resolver sees it: percent-decoded, lower case, IDNA (A-labels), without
    trailing dots. A host that IDNA cannot encode is returned lower-cased: it then matches no
    cloud domain, so it is an external host (fail closed)."""
    text = unquote(host.strip()) if "%" in host else host.strip()
    text = text.lower()
    if not text.isascii():
        try:
            text = text.encode("idna").decode("ascii").lower()
        except UnicodeError:
            return text.rstrip(".")
    return text.rstrip(".")


def parse_url(text: str) -> Url | None:
    """A URL's parts with its host normalised; None if ``text`` is not ``scheme://...``."""
    raw = text.strip().translate(_DROPPED)
    match = _SCHEME.match(raw)
    if match is None:
        return None
    scheme = match.group(1).lower()
    if scheme in _SPECIAL_SCHEMES:
        # WHATWG clients read a backslash as a path separator: ``https://evil.example\@good``
        # goes to evil.example, while urlsplit would read ``good`` as the host.
        raw = raw.replace("\\", "/")
    try:
        parts = urlsplit(raw)
        hostname = parts.hostname
    except ValueError:  # an invalid IPv6 literal, ...
        return Url(scheme, _host_of_netloc(raw[match.end() :]), None, "", "")
    try:
        port = parts.port
    except ValueError:
        port = None
    host = normalise_host(hostname) if hostname else None
    return Url(scheme, host or None, port, parts.path, parts.query)


def _host_of_netloc(rest: str) -> str | None:
    netloc = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
    host = netloc.strip("[]") if netloc.count(":") != 1 else netloc.split(":", 1)[0]
    return normalise_host(host) or None


def is_ip(host: str) -> bool:
    """True for an IPv4/IPv6 address, including the shorthand and hex IPv4 forms that URL
    parsers accept (``0x7f.1``)."""
    if _NUMERIC_HOST.match(host):
        return True
    if ":" not in host:  # only an IPv6 address is left, and it has colons
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


# Private networks (RFC 1918, RFC 4193 unique local): such an address is routed only inside the
# private network it is used in (a VPC, a VCN, what they are peered or connected to), never to
# a host on the internet. Written only in the canonical dotted / colon forms.
PRIVATE_NETWORKS: Final = tuple(
    ipaddress.ip_network(block)
    for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


def is_private_address(host: str) -> bool:
    """True for an IPv4 address of RFC 1918's private blocks or an IPv6 unique local address
    (RFC 4193), written canonically (``10.0.1.25``, ``fd00::1``). Documentation, shared
    (100.64/10), loopback, link-local and shorthand or hex forms are not."""
    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return False
    return any(address in network for network in PRIVATE_NETWORKS)


# Top-level domains that resolve only in a private network's own DNS (ICANN's ``.internal``,
# multicast/service-discovery ``.local``, the private TLDs of ICANN's name-collision list): a
# host there is a host of the network the resource is in, like a private address.
_PRIVATE_NETWORK_TLDS: Final = frozenset({
    "internal", "local", "localhost", "localdomain", "corp", "home", "lan", "intranet", "private",
})  # fmt: skip


def is_private_name(host: str) -> bool:
    """True for a host name under a TLD that only a private network's DNS answers
    (``users.svc.internal``, ``backend.mesh.local``), never a host on the internet."""
    name = host.strip().rstrip(".").lower()
    return "." in name and name.rpartition(".")[2] in _PRIVATE_NETWORK_TLDS


def is_public_address(host: str) -> bool:
    """True for a canonical IPv4/IPv6 address that can be a host on the internet: not private
    (RFC 1918, unique local), loopback, link-local (the instance metadata service), unspecified
    or multicast. Shorthand forms (``1.2.3``, a version number) are not read as addresses."""
    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return False
    return not (
        is_private_address(str(address)) or address.is_loopback or address.is_link_local
        or address.is_unspecified or address.is_multicast
    )  # fmt: skip


def _public_name(host: str) -> bool:
    """True for a host name outside a private network that is no file name: a name on a
    resolvable top-level domain, not a private one, not a two-part ``file.ext``."""
    if is_ip(host) or is_private_name(host) or not can_be_host_name(host):
        return False
    labels = host.split(".")
    return len(labels) > 2 or labels[-1] not in _FILE_EXTENSION_TLDS


def in_own_network(place: Place) -> bool:
    """True if ``place`` is in a reached field (routing or delivery) and names a host of the
    resource's own private network: a canonical private address (RFC 1918, unique local) or a
    name under a private TLD. Requests routed there stay in the VPC/VCN (and what it is peered or
    connected to), never the internet."""
    if not place.reached or place.host is None:
        return False
    if place.kind == "ip":
        return is_private_address(place.host)
    return place.kind == "external-host" and is_private_name(place.host)


_CIDR_SHAPE: Final = re.compile(r"^\s*[0-9A-Fa-f:.]+/\d{1,3}\s*$")


def _is_cidr(text: str) -> bool:
    if not _CIDR_SHAPE.match(text):
        return False
    try:
        ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return False
    return True


# AWS-owned domains that botocore's partition data does not list, where AWS serves customer
# resources (the labels left of the suffix are the customer's): function URLs, Cognito domains,
# App Runner, Elastic Beanstalk, Amplify, CloudFront, Global Accelerator; and EC2's private DNS
# (``ip-10-0-0-1.ec2.internal`` is us-east-1, ``*.<region>.compute.internal``).
_AWS_EXTRA_DOMAINS: Final = (
    ("on.aws", "aws"), ("amazoncognito.com", "aws"), ("awsapprunner.com", "aws"),
    ("elasticbeanstalk.com", "aws"), ("amplifyapp.com", "aws"), ("cloudfront.net", "aws"),
    ("awsglobalaccelerator.com", "aws"), ("compute.internal", "aws"), ("ec2.internal", "aws"),
)  # fmt: skip
# OCI domains besides the realms' own: customer-specific endpoints of the commercial realm
# (``<ns>.objectstorage.<region>.oci.customer-oci.com``), Autonomous Database and APEX apps,
# the container registry (``iad.ocir.io``), and VCN private DNS (region and owner untold).
_OCI_EXTRA_DOMAINS: Final[tuple[tuple[str, str | None], ...]] = (
    ("customer-oci.com", "oc1"), ("oraclecloudapps.com", "oc1"), ("ocir.io", "oc1"),
    ("oraclevcn.com", None),
)  # fmt: skip


@dataclass(frozen=True)
class _Domains:
    aws: tuple[tuple[str, str], ...]  # (".suffix", partition), longest first
    oci: tuple[tuple[str, str | None], ...]  # (".suffix", realm), longest first
    aws_service: frozenset[str]  # partition suffixes where <service>.<region>.<suffix> is AWS's
    oci_service: frozenset[str]  # realm domains where <service>.<region>.<domain> is Oracle's
    ends: tuple[str, ...]  # every suffix, with and without the leading dot (a fast prefilter)
    aws_region: re.Pattern[str]  # any partition's region name (botocore's regionRegex)
    oci_region: re.Pattern[str]  # an OCI region name shape (the catalog's geographies)


@cache
def _domains() -> _Domains:
    aws: dict[str, str] = {}
    for partition in region_catalog.aws_partitions():
        for suffix in (partition.dns_suffix, partition.dual_stack_dns_suffix):
            if suffix:
                aws.setdefault(suffix, partition.name)  # "aws" before "aws-us-gov" (same suffix)
    aws_service = frozenset(aws)
    for suffix, partition_name in _AWS_EXTRA_DOMAINS:
        aws.setdefault(suffix, partition_name)
    oci: dict[str, str | None] = {}
    for realm_name, domain in region_catalog.oci_realm_domains().items():
        oci.setdefault(domain, realm_name)
    oci_service = frozenset(oci) | {"ocir.io"}
    for suffix, realm in _OCI_EXTRA_DOMAINS:
        oci.setdefault(suffix, realm)
    aws_sorted = tuple(sorted(((f".{s}", p) for s, p in aws.items()), key=lambda i: -len(i[0])))
    oci_sorted = tuple(sorted(((f".{s}", r) for s, r in oci.items()), key=lambda i: -len(i[0])))
    everything = [*aws, *oci]
    regexes = [p.region_regex.strip("^$") for p in region_catalog.aws_partitions()]
    geographies = sorted({r.geography for r in region_catalog.regions("oci").values()})
    return _Domains(
        aws_sorted, oci_sorted, aws_service, oci_service,
        tuple(f".{s}" for s in everything) + tuple(everything),
        re.compile("^(?:" + "|".join(f"(?:{r})" for r in regexes if r) + ")$"),
        re.compile(r"^(?:" + "|".join(geographies) + r")(?:-[a-z]+)+-\d{1,2}$"),
    )  # fmt: skip


def _matching_suffix(host: str, table: tuple[tuple[str, Any], ...]) -> tuple[str, Any] | None:
    dotted = f".{host}"
    for suffix, value in table:
        if dotted.endswith(suffix):
            return suffix[1:], value
    return None


_AWS_LEGACY_REGION_LABEL: Final = re.compile(r"^(s3-website|s3-control|s3)[-.](.+)$")


def _aws_region_label(label: str) -> tuple[str, str | None] | None:
    """``(region, service)`` if the host label names an AWS region: ``eu-west-1``, or the legacy
    ``s3-eu-west-1`` / ``s3-website-eu-west-1`` (service ``s3``)."""
    if region_catalog.lookup("aws", label) is not None or _domains().aws_region.match(label):
        return label, None
    legacy = _AWS_LEGACY_REGION_LABEL.match(label)
    if legacy is not None:
        region = legacy.group(2)
        if region_catalog.lookup("aws", region) is not None or _domains().aws_region.match(region):
            return region, "s3"
    return None


def _first_path_segment(url: Url | None) -> str:
    return url.path.lstrip("/").split("/", 1)[0] if url else ""


def _aws_endpoint(host: str, suffix: str, partition: str, url: Url | None) -> Endpoint:
    labels = host[: -len(suffix) - 1].split(".") if host != suffix else []
    region: str | None = None
    rest: list[str] = []
    for label in reversed(labels):
        found = _aws_region_label(label) if region is None else None
        if found is not None:
            region = found[0]
            if found[1]:
                rest.append(found[1])
        elif label != "dualstack" and label != "fips":
            rest.append(label.removesuffix("-fips"))
    rest.reverse()
    if suffix == "ec2.internal" and region is None:
        region = "us-east-1"
    if region and region.startswith("us-gov-"):
        partition = "aws-us-gov"
    service = rest[-1] if rest else None
    account: str | None = None
    read_only = False
    first = _first_path_segment(url)
    if suffix in _domains().aws_service and (
        len(rest) <= 1 or ".".join(rest) in region_catalog.service_prefixes("aws")
    ):
        # ``[<service>.][<region>.]<suffix>``: the service's own endpoint. Its path may still
        # name a customer resource: a bucket (S3 path style), an account (an SQS queue URL).
        if service in ("sqs", "queue"):
            account = first if _ACCOUNT_ID.match(first) else AWS_OWNED
        elif service is not None and service.startswith("s3") and first:
            account = None
        else:
            account = AWS_OWNED
    elif "ecr" in rest and _ACCOUNT_ID.match(rest[0]):
        account, read_only = rest[0], True  # <account>.dkr.ecr.<region>: a container registry
    elif "s3-accesspoint" in rest:
        owner = rest[0].rsplit("-", 1)[-1]  # <name>-<account>.s3-accesspoint.<region>
        account = owner if _ACCOUNT_ID.match(owner) else None
    return Endpoint(host, "aws-endpoint", "aws", region, account, partition, service, read_only)


def _names_a_bucket(service: str | None, path: str) -> bool:
    """Object Storage in path style names a namespace and bucket (``/n/<ns>/b/<bucket>``, or a
    pre-authenticated request ``/p/<token>/n/...``): the bucket's owner cannot be told."""
    if not path.strip("/"):
        return False
    return (
        service in ("objectstorage", "swiftobjectstorage")
        or "/n/" in f"{path}/"
        or (path.startswith("/p/"))
    )


# Labels between an OCI host's region and its realm domain (``<svc>.<region>.oci.<domain>``,
# ``.ocp.``, ``.ocs.``; ``ds`` for dual stack).
_OCI_DOMAIN_LABELS: Final = frozenset({"oci", "ocp", "ocs", "ds"})
_OCI_CELL: Final = re.compile(r"^cell-?\d+$")


def _oci_endpoint(host: str, suffix: str, realm: str | None, url: Url | None) -> Endpoint:
    labels = host[: -len(suffix) - 1].split(".") if host != suffix else []
    region: str | None = None
    rest: list[str] = []
    oci_region = _domains().oci_region
    for label in reversed(labels):
        if region is None and (region_catalog.lookup("oci", label) or oci_region.match(label)):
            region = label
        elif label not in _OCI_DOMAIN_LABELS:
            rest.append(label)
    rest.reverse()
    if len(rest) > 1 and _OCI_CELL.match(rest[0]):
        rest = rest[1:]  # a shared cell of the service (cell-1.streaming.<region>...)
    if region is None and suffix == "ocir.io" and len(rest) == 1:
        found = region_catalog.oci_region_by_key(rest[0])
        if found is not None:
            region, rest = found.name, []
    if region is not None:
        known = region_catalog.lookup("oci", region)
        if known is not None and known.realm:
            realm = known.realm
    service = rest[-1] if rest else None
    account: str | None = None
    if (
        suffix in _domains().oci_service
        and (len(rest) <= 1 or ".".join(rest) in region_catalog.service_prefixes("oci"))
        and not _names_a_bucket(service, url.path if url else "")
    ):
        account = OCI_OWNED  # ``<service>.<region>.<realm domain>``: the service itself
    read_only = suffix == "ocir.io"  # an image registry: images are pulled from it
    return Endpoint(host, "oci-endpoint", "oci", region, account, realm, service, read_only)


def parse_host(host: str, url: Url | None = None) -> Endpoint:
    """What a normalised host tells (``url`` the URL it came from, if any): an AWS or OCI
    endpoint with its region and owner when they can be told, an IP, or an external host."""
    if is_ip(host):
        return Endpoint(host, "ip", None, None, None)
    domains = _domains()
    # Only a well-formed name can be a cloud's (a decoded ``%2F`` or a stray character is not).
    if _HOST_CHARS.match(host) and host.endswith(domains.ends):
        if (aws := _matching_suffix(host, domains.aws)) is not None:
            return _aws_endpoint(host, aws[0], aws[1], url)
        if (oci := _matching_suffix(host, domains.oci)) is not None:
            return _oci_endpoint(host, oci[0], oci[1], url)
    return Endpoint(host, "external-host", None, None, None)


@cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList(only_icann=True)


def can_be_host_name(host: str) -> bool:
    """True if a normalised bare name can resolve as a host: an IP, or a name whose top-level
    domain is in the Public Suffix List (ICANN section) or a special-use / private TLD. A dotted
    catalog name (``mq.m5.large``, ``t3.micro``) is not."""
    if is_ip(host):
        return True
    tld = host.rpartition(".")[2]
    if tld in _PRIVATE_TLDS or tld.startswith("xn--"):
        return True
    return _public_suffixes().publicsuffix(host, accept_unknown=False) is not None


def bare_host(text: str) -> str | None:
    """The normalised host if ``text`` is a bare host name or IP (an optional port), else None."""
    raw = text.strip()
    if not raw or len(raw) > 261 or any(c in raw for c in " /@\\?#=,;"):
        return None
    if raw.startswith("["):  # [IPv6]:port
        inner = raw[1:].split("]", 1)[0]
        return inner.lower() if is_ip(inner) else None
    if raw.count(":") > 1:  # a bare IPv6 address
        return raw.lower() if is_ip(raw) else None
    hostpart, _, port = raw.partition(":")
    if port and not port.isdigit():
        return None
    host = normalise_host(hostpart)
    if "." in host and is_ip(host):
        return host
    return host if _HOST_SHAPE.match(host) else None


def endpoint_of(text: str, *, bare: bool = True) -> Endpoint | None:
    """The endpoint a URL (its host, never its path or query) or, with ``bare``, a bare host
    name names; None if ``text`` is neither. ``s3://`` and ``oci://`` URLs name buckets, not
    endpoints: None."""
    url = parse_url(text)
    if url is not None:
        if url.host is None or url.scheme in _NOT_NETWORK_SCHEMES:
            return None
        return parse_host(url.host, url)
    if not bare:
        return None
    host = bare_host(text)
    return parse_host(host) if host else None


def endpoint_place(path: str, value: str, endpoint: Endpoint) -> Place:
    return Place(
        path, value, endpoint.kind, endpoint.cloud, endpoint.region, endpoint.account,
        endpoint.host, endpoint.partition, endpoint.service, endpoint.read_only,
    )  # fmt: skip


def region_of_place(value: str) -> tuple[Cloud, str] | None:
    """The cloud and catalog region named by an ARN, an OCID, or a URL / host of a service
    endpoint (the host alone decides); None if it names no known region."""
    text = value.strip()
    head = text[:6].lower()
    if head.startswith("arn:"):
        arn = parse_arn(text)
        found = region_catalog.lookup("aws", arn.region) if arn and arn.region else None
        return ("aws", found.name) if found else None
    if head == "ocid1.":
        ocid = parse_ocid(text)
        if ocid is None or not ocid.region_segment:
            return None
        region = region_catalog.oci_region_by_key(ocid.region_segment) or region_catalog.lookup(
            "oci", ocid.region_segment
        )
        return ("oci", region.name) if region else None
    endpoint = endpoint_of(text)
    if endpoint is None or endpoint.cloud is None or endpoint.region is None:
        return None
    known = region_catalog.lookup(endpoint.cloud, endpoint.region)
    return (endpoint.cloud, known.name) if known else None


# --- container image references ---------------------------------------------------------------

DOCKER_HUB: Final = "docker.io"
_DOCKER_HUB_ALIASES: Final = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
# ``[registry/]path[:tag][@algorithm:digest]`` (the distribution reference grammar, loosely:
# any text without spaces is read as one, so that an odd character, such as a template
# placeholder in a tag, cannot hide the registry).
_IMAGE_CHARS: Final = re.compile(r"^\S+$")


@dataclass(frozen=True, slots=True)
class ImageReference:
    registry: str  # the registry host, lower case, with its port if any (``localhost:5000``)
    path: str  # the repository path in the registry (``partnerco/etl``, ``library/nginx``)

    @property
    def repository(self) -> str:
        return f"{self.registry}/{self.path}"

    @property
    def host(self) -> str:
        """The registry's host name without its port."""
        host = self.registry
        if host.startswith("["):
            return host[1:].split("]", 1)[0]
        return host.rsplit(":", 1)[0] if ":" in host else host


def parse_image_reference(text: str) -> ImageReference | None:
    """The registry and repository path of a container image reference, as a container runtime
    resolves it: the first path component is the registry host when it contains ``.`` or ``:``
    or is ``localhost``, else the image is on Docker Hub (``docker.io``, official images under
    ``library/``); a digest (``@sha256:...``) and a tag (``:1.4``) are stripped. None when the
    text is no image reference (empty, spaces, a URL with a scheme)."""
    raw = text.strip()
    if not raw or "://" in raw or not _IMAGE_CHARS.match(raw) or raw.lower().startswith("arn:"):
        return None  # an ARN (an Image Builder image's) is read as an ARN
    name = raw.split("@", 1)[0]
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, path = first.lower(), rest
    else:
        registry, path = DOCKER_HUB, name
    last_slash = path.rfind("/")
    colon = path.rfind(":")
    if colon > last_slash:
        path = path[:colon]  # the tag
    path = path.strip("/")
    if not path:
        return None
    if registry in _DOCKER_HUB_ALIASES:
        registry = DOCKER_HUB
        if "/" not in path:
            path = f"library/{path}"
    return ImageReference(registry, path)


# Image fields whose service reads a registry-less name under ``aws/<service>/`` as an image AWS
# curates and serves itself, not as a Docker Hub one: CodeBuild's ``environment.image`` takes
# ``aws/codebuild/standard:7.0`` (AWS-managed build images). Only there: elsewhere such a name
# is Docker Hub's ``aws/...`` namespace, judged as any other registry's image.
AWS_CURATED_IMAGE_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    "aws:codebuild/project:Project": frozenset({"environment.image"}),
}
_AWS_CURATED_IMAGE: Final = re.compile(
    r"^\s*aws/codebuild/[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)*(?::[A-Za-z0-9_.-]+)?\s*$"
)


def image_place(path: str, value: str, image: ImageReference) -> Place:
    """The place a container image reference names: its registry. A private ECR registry
    (``<account>.dkr.ecr.<region>.amazonaws.com``) tells its account and region; an OCIR
    registry (``<key>.ocir.io/<namespace>/...``) tells its region, not its tenancy (the
    namespace names one, which no value maps to a tenancy OCID); any other registry (Docker
    Hub, ECR Public ``public.ecr.aws``, ``ghcr.io``, ``quay.io``, ``gcr.io``, a private host)
    is outside the clouds' accounts: its owner cannot be told."""
    endpoint = parse_host(image.host)
    account = endpoint.account
    if endpoint.cloud == "aws" and not (endpoint.service == "ecr" and endpoint.read_only):
        account = None  # an AWS host that is no private ECR registry of an account
    elif endpoint.cloud == "oci":
        account = None  # OCIR: the namespace's tenancy, which the value cannot tell
    return Place(
        path, value, endpoint.kind, endpoint.cloud, endpoint.region, account, endpoint.host,
        endpoint.partition, endpoint.service, True, image=image.repository,
    )  # fmt: skip


# --- the scan ---------------------------------------------------------------------------------

# Fields never read as a place, whatever the type: each is a hole by construction, so the list
# is tiny and every entry says why no data can go where its value points.
GENERIC_HARMLESS_FIELDS: Final[Mapping[str, str]] = {
    "tags": "labels: no service sends data to where a tag value points",
    "tagsAll": "labels (the provider's merge of tags and default tags)",
    "freeformTags": "OCI labels: no service sends data to where a tag value points",
    "definedTags": "OCI labels: no service sends data to where a tag value points",
    "description": "text shown to people; no service dereferences it",
}
# Inside an IAM-style policy statement: who may act (Principal) and under which conditions is
# judged by residency-no-foreign-principals and residency-no-public-exposure, which know the
# documented service accounts and confused-deputy pins; actions and ids name no place. A
# statement with a principal is a resource-based policy: its Resource must be the resource the
# policy is attached to (the service rejects any other), so it names no other place either.
_STATEMENT_SKIPPED: Final = frozenset(
    {"Principal", "NotPrincipal", "Condition", "Action", "NotAction", "Sid", "Effect"}
)
_STATEMENT_OWN_RESOURCE: Final = frozenset({"Resource", "NotResource"})

_ACCOUNT_KEY: Final = re.compile(r"account|principal|owner", re.IGNORECASE)
# Fields that name whom something is shared with or whose catalog/target is used: a 12-digit
# value there is an account (a shared directory's ``target.id``, an Athena ``catalog-id``).
_SHARING_KEY: Final = re.compile(
    r"target|catalog|shar(?:e|ing)|member|consumer|grantee|recipient|partner|peer|delegat|"
    r"subscriber|invite",
    re.IGNORECASE,
)
# A generic key (``id``, ``value``) under a sharing/account field is read by its parent's name.
_GENERIC_KEYS: Final = frozenset({"id", "ids", "value", "values"})
# S3 bucket fields: a bare bucket name (no ARN, no URL) names a bucket whose owner and region
# the name cannot tell (bucket names are global, not per account).
_BUCKET_KEY: Final = re.compile(r"bucket(?:name|id)?$", re.IGNORECASE)
_BUCKET_NAME: Final = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# Types whose top-level ``bucket`` is their own name, not a place they send data to.
_OWN_BUCKET_NAME_TYPES: Final = frozenset(
    {"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/directoryBucket:DirectoryBucket",
     "aws:s3control/bucket:Bucket"}  # an S3 on Outposts bucket's own name
)  # fmt: skip
# Top-level bucket fields that do not name a bucket of S3's global namespace.
_NOT_AN_S3_BUCKET: Final[Mapping[str, str]] = {
    "aws:timestreaminfluxdb/dbInstance:DbInstance": "the InfluxDB bucket inside the instance",
    "aws:timestreaminfluxdb/dbCluster:DbCluster": "the InfluxDB bucket inside the cluster",
    "aws:datasync/locationObjectStorage:LocationObjectStorage": (
        "a bucket of the object storage server that `serverHostname` names (judged as a host)"
    ),
    "aws:lightsail/bucketAccessKey:BucketAccessKey": "a Lightsail bucket of the same account",
    "aws:lightsail/bucketResourceAccess:BucketResourceAccess": (
        "a Lightsail bucket of the same account"
    ),
}
# S3 Vectors bucket names (``vectorBucketName``) are per account and region, not global; a key
# that says whether or how to make a bucket (AWS Backup's restore metadata ``NewBucket``,
# ``CreateBucket``, ``UseBucket``, ``IsBucket...``) is a flag, not a bucket name.
_NOT_AN_S3_BUCKET_KEY: Final = re.compile(
    r"[Vv][Ee][Cc][Tt][Oo][Rr]|^(?:[Nn]ew|[Cc]reate|[Uu]se|[Ii]s|[Hh]as|[Ee]nable|[Dd]isable|"
    r"[Aa]llow)(?:[A-Z]|[_-][A-Za-z])"
)
# Values that are a flag or a number, never a bucket name (``"true"``, ``"false"``, ``"30"``).
_FLAG_VALUE: Final = re.compile(r"^(?:true|false|yes|no|on|off|enabled|disabled|none|null|\d+)$")
# Identity-policy actions that only read or describe; any other action (``s3:PutObject``,
# ``s3:*``, ``*``) can write data to the statement's Resource.
_READ_ONLY_ACTION: Final = re.compile(r"^[a-z0-9-]+:(?:get|list|describe|head)[a-z0-9*]*$")
_REGION_KEY: Final = re.compile(r"region(?:s|name|names|list|lists|_name)?$", re.IGNORECASE)
_REGION_VALUE: Final = re.compile(r"^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$")
# Fields whose value is an address something connects to: a bare host name or IP there is a
# place (elsewhere a dotted word is more likely a file, class or instance-type name).
_HOST_KEY: Final = re.compile(
    r"host|server|endpoint|url|uri|fqdn|origin|address|destination|target|webhook|broker|"
    r"connection",
    re.IGNORECASE,
)
# ...except a field that says what kind or size of thing something is (``hostInstanceType``,
# ``nodeClass``, ``engineVersion``): its dotted values are names of a cloud's catalog
# (``mq.m5.large``, ``db.r6g.large``, ``8.0.mysql_aurora.3.05.2``), never an address.
_KIND_OF_THING_KEY: Final = re.compile(
    r"(?:type|types|class|size|version|family|shape|tier|sku|flavou?r|engine|edition|model)$",
    re.IGNORECASE,
)
# Top-level domains that are no ICANN TLD yet name hosts: special-use names (RFC 6761, RFC 9476,
# ``.internal`` reserved by ICANN for private use) and the private TLDs networks commonly use
# (ICANN's name-collision list). A bare dotted word ending on anything else (``mq.m5.large``)
# cannot be resolved as a host name, so it names no place.
_PRIVATE_TLDS: Final = _PRIVATE_NETWORK_TLDS | frozenset({
    "example", "test", "invalid", "onion", "alt", "arpa", "domain",
})  # fmt: skip
# A nested ``domain``/``domainName`` is where something connects (a CloudFront origin's
# ``domainName``); a top-level one is the resource's own name (a certificate's, an API
# Gateway custom domain's), judged by the rules of that resource.
_NESTED_HOST_KEY: Final = re.compile(r"domain", re.IGNORECASE)
# ...except the resource's own addresses (``privateIp``, ``publicIpAddress``, ...).
_OWN_ADDRESS_KEY: Final = re.compile(
    r"^(?:private|public|secondary|primary|ipv4|ipv6|local|listener|bind)", re.IGNORECASE
)
# A free-form configuration map (environment variables, an OCI application's ``config``, an
# instance's ``metadata``): its keys are the user's own, so a value that is wholly a host name or
# a public IP is a place whatever its key is called (``DEST=collect.partner.example``).
_FREE_FORM_PARENT: Final = re.compile(
    r"^(?:environment|environmentVariables|runtimeEnvironmentVariables|variables|env|envs|"
    r"envVars|config|metadata|extendedMetadata|propertyMap)$",
    re.IGNORECASE,
)
# A script a machine runs at boot (EC2 and Lightsail ``userData``): an IP literal or host name
# among its words is where the script connects (``nc 203.0.113.9 5140``).
_SCRIPT_KEY: Final = re.compile(r"^userData$", re.IGNORECASE)
_SCRIPT_WORD: Final = re.compile(r"[^\s\"'`;|&()<>=,]+")
# Top-level domains that are also common file extensions (``install.sh``, ``app.py``,
# ``notes.md``): a two-part word ending on one is read as a file outside address fields.
_FILE_EXTENSION_TLDS: Final = frozenset({
    "sh", "py", "pl", "md", "rs", "so", "zip", "ps", "mov", "cc", "am", "ac", "in", "js", "ts",
    "conf", "cfg", "ini", "log", "json", "yaml", "yml", "txt", "csv", "rb", "go", "jar", "war",
    "tar", "gz", "bz2", "xz", "tgz", "pem", "crt", "key", "service", "socket", "timer", "mount",
})  # fmt: skip
_JSON_MAX_DEPTH: Final = 8
_PLACE_PREFIXES: Final = ("arn:", "ocid1.", "ARN:")
_REGION_NAMES: Final = frozenset(
    name for cloud in region_catalog.CLOUDS for name in region_catalog.regions(cloud)
)
# A VPC endpoint service name: ``com.amazonaws.<region>.<service>`` is AWS's own service there;
# ``com.amazonaws.vpce.<region>.vpce-svc-...`` is some account's PrivateLink service.
_AWS_SERVICE_NAME: Final = re.compile(r"^com\.amazonaws\.(vpce\.)?([a-z0-9-]+)\.([a-z0-9.-]+)$")
_HINT_CHARS: Final = frozenset(".:/{[")

_HARMLESS_BY_TYPE: dict[str, frozenset[str]] = {}
# (top-level inputs, nested paths): most harmless fields are top-level, a set lookup; only the
# nested ones need a path pattern built while walking.
_HARMLESS_SPLIT: dict[str, tuple[frozenset[str], frozenset[str]]] = {}


def harmless_fields(resource_type: str) -> frozenset[str]:
    """Input paths (``a.b[].c``) the type catalog marks harmless for the type; looked up once per
    type. A type without a catalog entry has none (unreviewed: nothing is harmless)."""
    found = _HARMLESS_BY_TYPE.get(resource_type)
    if found is None:
        entry_of = getattr(type_catalog, "entry", None)
        entry = entry_of(resource_type) if entry_of is not None else None
        fields = getattr(entry, "harmless_fields", None) or {}
        found = frozenset(str(path) for path in fields)
        _HARMLESS_BY_TYPE[resource_type] = found
    return found


def _harmless_split(resource_type: str) -> tuple[frozenset[str], frozenset[str]]:
    split = _HARMLESS_SPLIT.get(resource_type)
    if split is None:
        fields = harmless_fields(resource_type)
        top = frozenset(p for p in fields if "." not in p and "[" not in p)
        split = _HARMLESS_SPLIT[resource_type] = (top, fields - top)
    return split


_ROUTED_BY_TYPE: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}


def routed_fields(resource_type: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """(the type catalog's ``reached_fields``, its ``s3_location_fields``) of the type, looked
    up once per type; a type without a reviewed entry has neither."""
    found = _ROUTED_BY_TYPE.get(resource_type)
    if found is None:
        entry_of = getattr(type_catalog, "entry", None)
        entry = entry_of(resource_type) if entry_of is not None else None
        reached = getattr(entry, "reached_fields", None) or {}
        locations = getattr(entry, "s3_location_fields", None) or ()
        found = (tuple(sorted(str(p) for p in reached)), frozenset(str(p) for p in locations))
        _ROUTED_BY_TYPE[resource_type] = found
    return found


_IMAGES_BY_TYPE: dict[str, frozenset[str]] = {}


def image_fields(resource_type: str) -> frozenset[str]:
    """The type catalog's ``image_fields`` of the type (input path patterns), looked up once per
    type; a type without a reviewed entry has none."""
    found = _IMAGES_BY_TYPE.get(resource_type)
    if found is None:
        entry_of = getattr(type_catalog, "entry", None)
        entry = entry_of(resource_type) if entry_of is not None else None
        fields = getattr(entry, "image_fields", None) or {}
        found = _IMAGES_BY_TYPE[resource_type] = frozenset(str(p) for p in fields)
    return found


def _under(pattern: str, fields: tuple[str, ...]) -> bool:
    """True if the input path pattern ``pattern`` is one of ``fields`` or inside one."""
    for name in fields:
        if pattern == name or (
            pattern.startswith(name) and pattern[len(name)] in ".["
        ):  # fmt: skip
            return True
    return False


# An S3 location ``bucket[/prefix]``: a bare bucket name, then an optional key prefix.
_S3_LOCATION: Final = re.compile(r"^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/[^\s]*)?$")


@dataclass
class Scan:
    """What one walk over one bag found: places, and the paths of unknown values."""

    places: list[Place] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _display(steps: list[str | int]) -> str:
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


class _Walker:
    """One walk over one bag. The path is a stack of steps, joined only for a found place."""

    __slots__ = ("buckets", "cloud_type", "curated", "dns", "found", "harmless_nested",
                 "harmless_top", "images", "own_bucket", "reached", "s3_locations", "steps",
                 "written")  # fmt: skip

    def __init__(
        self,
        harmless: tuple[frozenset[str], frozenset[str]],
        buckets: bool,
        own_bucket: bool,
        routed: tuple[tuple[str, ...], frozenset[str]] = ((), frozenset()),
        images: frozenset[str] = frozenset(),
        cloud_type: bool = True,
        curated: frozenset[str] = frozenset(),
        dns: bool = False,
    ) -> None:
        self.dns = dns  # a DNS type: a reached value is record data (``1 target. alpn=h2``)
        self.cloud_type = cloud_type  # an AWS or OCI type, whose free-form maps are known
        self.curated = curated  # image fields that take AWS-curated image names (CodeBuild's)
        self.harmless_top, self.harmless_nested = harmless
        self.images = images  # the type's image fields: container image references
        self.reached, self.s3_locations = routed  # the type's reached and S3 location fields
        self.buckets = buckets  # bare S3 bucket names are places (an AWS type)
        self.own_bucket = own_bucket  # the top-level ``bucket`` is the resource's own name
        self.written = False  # inside the Resource of an identity statement that can write
        self.steps: list[str | int] = []
        self.found = Scan()

    def path(self) -> str:
        return _display(self.steps)

    def pattern(self) -> str:
        out = ""
        for step in self.steps:
            out += "[]" if isinstance(step, int) else (f".{step}" if out else step)
        return out

    def value(self, value: Any, key: str, depth: int) -> None:
        cls = type(value)
        if cls is str:
            if value:
                self.string(value, key, depth)
        elif cls is dict:
            self.mapping(value, key, depth)
        elif cls is list:
            steps = self.steps
            for index, item in enumerate(value):
                steps.append(index)
                self.value(item, key, depth)
                steps.pop()
        elif value is UNKNOWN:
            self.found.unknown.append(self.path())
        elif cls is int and self.account_field(key) and _ACCOUNT_ID.match(str(value)):
            self.add(Place(self.path(), str(value), "account", "aws", None, str(value), None))

    def mapping(self, value: Mapping[Any, Any], parent_key: str, depth: int) -> None:
        statement = "Effect" in value and ("Action" in value or "NotAction" in value)
        resource_based = statement and ("Principal" in value or "NotPrincipal" in value)
        steps = self.steps
        top = depth == 0 and not steps
        nested = self.harmless_nested if depth == 0 else None
        for raw_key, item in value.items():
            key = raw_key if type(raw_key) is str else str(raw_key)
            if depth == 0 and key in GENERIC_HARMLESS_FIELDS:
                continue
            if statement and (
                key in _STATEMENT_SKIPPED or (resource_based and key in _STATEMENT_OWN_RESOURCE)
            ):
                continue
            if top and key in self.harmless_top:
                continue
            written = self.written
            if statement and not resource_based and key == "Resource":
                self.written = _can_write(value)
            steps.append(key)
            if key.startswith(_PLACE_PREFIXES) or "://" in key:
                # A key can name a place too (an AWS Organizations backup policy keys its copy
                # actions by the destination vault's ARN).
                self.string(key, parent_key, depth)
            if not (nested and self.pattern() in nested):
                # An ``@@assign``-style operator (AWS Organizations policies) stands for the
                # field it sits in.
                self.value(item, parent_key if key.startswith("@@") else key, depth)
            steps.pop()
            self.written = written

    def add(self, place: Place) -> None:
        if self.written:
            place = replace(place, written=True)
        if self.reached and _under(self.pattern(), self.reached):
            place = replace(place, reached=True)
        self.found.places.append(place)

    def account_field(self, key: str) -> bool:
        """A field where a 12-digit value is an AWS account id."""
        if _ACCOUNT_KEY.search(key) or _SHARING_KEY.search(key):
            return True
        if key.lower() not in _GENERIC_KEYS:
            return False
        names = [step for step in self.steps if isinstance(step, str)]
        parent = names[-2] if len(names) > 1 else ""
        return bool(_ACCOUNT_KEY.search(parent) or _SHARING_KEY.search(parent))

    def host_field(self, key: str) -> bool:
        """A field whose value is an address something connects to."""
        if _OWN_ADDRESS_KEY.match(key) or _KIND_OF_THING_KEY.search(key):
            return False
        return bool(_HOST_KEY.search(key)) or (
            len(self.steps) > 1 and bool(_NESTED_HOST_KEY.search(key))
        )

    def in_reached(self) -> bool:
        """True inside one of the type's reached fields (a DNS record's values, a resolver's
        forward targets): a bare host name or IP there is where requests go, whatever the key."""
        return bool(self.reached) and _under(self.pattern(), self.reached)

    def free_form(self, key: str) -> bool:
        """True for a value of a free-form configuration map (environment variables, an OCI
        application's ``config``): the user names its keys, so they say nothing."""
        if not self.cloud_type or _KIND_OF_THING_KEY.search(key):
            return False  # ``INSTANCE_TYPE=mq.m5.large``, ``ENGINE_VERSION=...``
        names = [step for step in self.steps if isinstance(step, str)]
        return len(names) > 1 and bool(_FREE_FORM_PARENT.match(names[-2]))

    def script(self, text: str) -> None:
        """The public IP literals and host names (three labels or more) among the words of a
        boot script (``userData``)."""
        for word in _SCRIPT_WORD.findall(text):
            if "://" in word:
                continue  # a URL: read as one
            target = word.rpartition("@")[2]  # ``user@host``
            if ":/" in target:
                target = target.split(":/", 1)[0]  # ``host:/path`` (scp, rsync)
            if "/" in target:
                continue  # a path
            host = bare_host(target)
            if host is None or not (
                is_public_address(host) or (host.count(".") > 1 and _public_name(host))
            ):  # fmt: skip
                continue  # a two-part name in a script is a package (``docker.io``) or a file
            endpoint = parse_host(host)
            if endpoint.kind in ("external-host", "ip"):
                self.add(endpoint_place(self.path(), word, endpoint))

    def bucket(self, text: str, key: str) -> bool:
        """Add a bare S3 bucket name in a bucket field; True if ``text`` was one."""
        name = text.strip()
        if not (self.buckets and _BUCKET_KEY.search(key) and _BUCKET_NAME.match(name)):
            return False
        if self.own_bucket and len(self.steps) == 1 and key in ("bucket", "bucketPrefix"):
            return True
        if _NOT_AN_S3_BUCKET_KEY.search(key) or _FLAG_VALUE.match(name):
            return False
        if is_ip(name) or name.endswith(_domains().ends):
            return False  # an address or an endpoint host: read as such
        self.add(Place(self.path(), text, "aws-endpoint", "aws", None, None, name, None, "s3"))
        return True

    def s3_location(self, text: str) -> bool:
        """Add the bucket of an S3 location ``bucket[/prefix]`` in one of the type's S3 location
        fields; True if ``text`` was one."""
        match = _S3_LOCATION.match(text.strip())
        if match is None or self.pattern() not in self.s3_locations:
            return False
        name = match.group(1)
        if is_ip(name) or name.endswith(_domains().ends):
            return False  # an address or an endpoint host: read as such
        self.add(Place(self.path(), text, "aws-endpoint", "aws", None, None, name, None, "s3"))
        return True

    def string(self, text: str, key: str, depth: int) -> None:
        if self.images and self.pattern() in self.images:
            if self.curated and self.pattern() in self.curated and _AWS_CURATED_IMAGE.match(text):
                # An AWS-curated image (``aws/codebuild/standard:7.0``): AWS's own code.
                self.add(Place(
                    self.path(), text, "aws-endpoint", "aws", None, AWS_OWNED, None, None,
                    None, True, image=text.strip().split(":", 1)[0],
                ))  # fmt: skip
                return
            image = parse_image_reference(text)
            if image is not None:
                self.add(image_place(self.path(), text, image))
                return
            if text.strip().lower().startswith("arn:"):
                # An image named by ARN (an Image Builder image): read as an ARN, and judged as
                # an image (code supply) whatever the resource's label.
                before, images = len(self.found.places), self.images
                self.images = frozenset()
                try:
                    self.string(text, key, depth)
                finally:
                    self.images = images
                for i in range(before, len(self.found.places)):
                    named = self.found.places[i]
                    if named.kind == "arn" and named.read_only:
                        self.found.places[i] = replace(named, image=named.value)
                return
        if self.dns and (svcb := _SVCB_RDATA.match(text)) and self.in_reached():
            # A service-binding value (HTTPS/SVCB, RFC 9460): ``priority target params``. The
            # target (``.``: the owner name itself) and the address hints are where clients go.
            target, params = svcb.group(1), svcb.group(2)
            names = [] if target == "." else [target]
            for hint in _SVCB_HINT.finditer(params):
                names.extend(a for a in hint.group(1).strip('"').split(",") if a)
            for name in names:
                self.string(name, key, depth)
            return
        if self.buckets and self.bucket(text, key):
            return
        if self.s3_locations and self.s3_location(text):
            return
        if _HINT_CHARS.isdisjoint(text):
            # No URL, host, ARN, OCID or document: at most a region or an account id.
            if text in _REGION_NAMES or (
                _REGION_KEY.search(key) and _REGION_VALUE.match(text.strip().lower())
            ):
                self.region(text)
            elif len(text) == 12 and _ACCOUNT_ID.match(text) and self.account_field(key):
                self.add(Place(self.path(), text, "account", "aws", None, text, None))
            return
        head = text[:6].lower()
        if head.startswith("arn:") and _is_whole_arn(text):
            self.arns(text, 0)  # and any ARN inside it (an API Gateway integration URI)
            return
        if head == "ocid1." and _OCID.fullmatch(text.strip()):
            ocid = parse_ocid(text)
            if ocid is not None:
                self.add(ocid_place(self.path(), text, ocid))
                return
        first = text.lstrip()[:1]
        if (first == "{" or first == "[") and depth < _JSON_MAX_DEPTH:
            decoded = _json(text)
            if decoded is not None:
                self.value(decoded, key, depth + 1)
                return
        if "://" in text:
            script = _SCRIPT_KEY.match(key) is not None and len(self.steps) == 1
            for url in _URL_IN_TEXT.finditer(text):
                self.url(url.group(0), script)
        elif "." in text or ":" in text:
            self.bare(text, key)
        elif _REGION_KEY.search(key) and _REGION_VALUE.match(text.strip().lower()):
            self.region(text)
        elif len(text) == 12 and _ACCOUNT_ID.match(text) and self.account_field(key):
            self.add(Place(self.path(), text, "account", "aws", None, text, None))
        if _SCRIPT_KEY.match(key) and len(self.steps) == 1 and ("." in text or ":" in text):
            self.script(text)
        if "arn:" in text:
            self.arns(text, 0)
        if "ocid1." in text:
            for found in _OCID_IN_TEXT.finditer(text):
                match = _OCID.match(text, found.start())
                if (ocid := _ocid_of(match)) is not None and match is not None:
                    self.add(ocid_place(self.path(), match.group(0), ocid))

    def arns(self, text: str, start: int) -> None:
        """Every ARN inside ``text``; each place's value is the ARN as written."""
        for found in _ARN_IN_TEXT.finditer(text, start):
            match = _ARN.match(text, found.start())
            if (arn := _arn_of(match)) is not None and match is not None:
                self.add(arn_place(self.path(), match.group(0), arn))
                if arn.service == "bedrock" and arn.resource.startswith("inference-profile/"):
                    self.bedrock_profile(match.group(0), arn.resource.split("/", 1)[1])

    def bedrock_profile(self, text: str, profile_id: str) -> bool:
        """The Regions a cross-Region inference profile sends requests to, as region places."""
        regions = bedrock_profile_regions(profile_id)
        for name in regions or ():
            cloud: Cloud | None = "aws" if region_catalog.lookup("aws", name) else None
            self.add(Place(self.path(), text, "region", cloud, name, None, None, "aws",
                           "bedrock"))  # fmt: skip
        return regions is not None

    def url(self, text: str, script: bool = False) -> None:
        url = parse_url(text)
        if url is None:
            return
        if script and url.host is not None and is_ip(url.host) and not is_public_address(url.host):
            # A boot script's call to the machine itself, its metadata service (169.254.169.254)
            # or a host of its private network: no place outside it.
            return
        if url.scheme in _NOT_NETWORK_SCHEMES:
            # s3://bucket/key and oci://bucket@namespace/path name a bucket whose region and
            # owner the name cannot tell.
            oci = url.scheme == "oci"
            self.add(Place(self.path(), text, "oci-endpoint" if oci else "aws-endpoint",
                           "oci" if oci else "aws", None, None, url.host,
                           service="objectstorage" if oci else "s3"))  # fmt: skip
        elif url.host is not None:
            self.add(endpoint_place(self.path(), text, parse_host(url.host, url)))

    def bare(self, text: str, key: str) -> None:
        if _BEDROCK_MODEL_KEY.search(key) or _BEDROCK_PROVIDER.match(text.strip()):
            self.bedrock_profile(text, text)
        if "/" in text and _is_cidr(text):
            return  # an address block (a route or firewall rule), not a place data goes
        if text.startswith("com.amazonaws."):
            self.service_name(text)
            return
        for part in text.split(",") if "," in text else (text,):
            # A container image reference names its registry host first (``host/repo:tag``).
            host = bare_host(part.split("/", 1)[0] if "/" in part else part)
            if host is None:
                continue
            endpoint = parse_host(host)
            if (
                endpoint.cloud is not None
                or (self.host_field(key) and can_be_host_name(host))
                or (self.in_reached() and self.reached_host(host, key))
                or ("/" not in part and self.free_form(key) and self.free_form_host(host))
            ):  # fmt: skip
                self.add(endpoint_place(self.path(), text, endpoint))

    def reached_host(self, host: str, key: str) -> bool:
        """A bare host in a reached field: any resolvable name, or a canonical IP address (never
        a shorthand such as a version number), outside a kind-of-thing key."""
        if _KIND_OF_THING_KEY.search(key):
            return False
        if is_ip(host):
            return is_public_address(host) or is_private_address(host)
        return can_be_host_name(host)

    @staticmethod
    def free_form_host(host: str) -> bool:
        """A whole free-form value that is a place: a public IP or a public host name."""
        return is_public_address(host) or _public_name(host)

    def service_name(self, text: str) -> None:
        match = _AWS_SERVICE_NAME.match(text.strip().lower())
        if match is None:
            return
        partner, region, service = match.groups()
        account = None if partner else AWS_OWNED
        self.add(Place(self.path(), text, "aws-endpoint", "aws", region, account, None, "aws",
                       service))  # fmt: skip

    def region(self, text: str) -> None:
        name = text.strip().lower()
        cloud: Cloud | None = (
            "aws" if region_catalog.lookup("aws", name)
            else "oci" if region_catalog.lookup("oci", name) else None
        )  # fmt: skip
        self.add(Place(self.path(), text, "region", cloud, name, None, None))


# --- Bedrock cross-Region inference profiles ----------------------------------------------------
#
# A system-defined inference profile ``<geography>.<provider>.<model>`` (or its ARN
# ``arn:aws:bedrock:<source region>:<account>:inference-profile/<geography>.<...>``) sends each
# request, prompt and data included, to any destination Region of its geography, whatever the
# source Region says ("Supported Regions and models for inference profiles", Bedrock User Guide;
# the destination Regions of a global profile "include all commercial Regions"). Per model the
# set is a subset of the geography; the pack judges the whole geography (fail closed).
_BEDROCK_PROFILE_ID: Final = re.compile(
    r"^(?P<geo>us-gov|us|eu|apac|jp|au|ca|global)\.[a-z0-9-]+\.[A-Za-z0-9._:-]+$"
)
_BEDROCK_GEOGRAPHY_REGIONS: Final[Mapping[str, tuple[str, ...] | None]] = {
    "us": ("us-east-1", "us-east-2", "us-west-1", "us-west-2"),
    "us-gov": ("us-gov-east-1", "us-gov-west-1"),
    "jp": ("ap-northeast-1", "ap-northeast-3"),
    "au": ("ap-southeast-2", "ap-southeast-4"),
    "eu": None,  # every eu-* Region of the aws partition
    "apac": None,  # every ap-* Region of the aws partition
    "ca": None,  # every ca-* Region of the aws partition
    "global": None,  # every commercial Region
}
# Where a bare profile id is read as one: a model field, or a known model provider's id (so that a
# host such as ``eu.partner.example`` in another field stays a host).
_BEDROCK_MODEL_KEY: Final = re.compile(r"model|profile|copyfrom", re.IGNORECASE)
_BEDROCK_PROVIDER: Final = re.compile(
    r"^(?:us-gov|us|eu|apac|jp|au|ca|global)\.(?:amazon|anthropic|meta|mistral|cohere|ai21|"
    r"deepseek|writer|openai|qwen|twelvelabs|stability|luma|google|nvidia|minimax|moonshot)\.",
    re.IGNORECASE,
)
_GEOGRAPHY_PREFIX: Final[Mapping[str, str]] = {"eu": "eu-", "apac": "ap-", "ca": "ca-"}
EVERY_COMMERCIAL_REGION: Final = "every commercial AWS region (a global inference profile)"


def bedrock_profile_regions(profile_id: str) -> tuple[str, ...] | None:
    """The Regions a Bedrock cross-Region inference profile id routes requests to; None when
    ``profile_id`` is not one (a foundation model id, an application profile)."""
    match = _BEDROCK_PROFILE_ID.match(profile_id.strip())
    if match is None:
        return None
    geography = match["geo"]
    if geography == "global":
        return (EVERY_COMMERCIAL_REGION,)
    listed = _BEDROCK_GEOGRAPHY_REGIONS[geography]
    if listed is not None:
        return listed
    prefix = _GEOGRAPHY_PREFIX[geography]
    return tuple(
        sorted(
            name
            for name, region in region_catalog.regions("aws").items()
            if name.startswith(prefix) and region.partition == "aws"
        )
    )


def _is_aws_type(resource_type: str) -> bool:
    return resource_type.startswith("aws:")


def _can_write(statement: Mapping[Any, Any]) -> bool:
    """True if an identity-policy statement may let its holder write to its Resource: any
    statement but a ``Deny`` (an unknown or missing effect may be an Allow: fail closed) whose
    actions are not all read-only (``NotAction`` and unknown actions count as writes)."""
    if statement.get("Effect") == "Deny":
        return False
    if "NotAction" in statement:
        return True
    actions = statement.get("Action")
    items = actions if isinstance(actions, list) else [actions]
    return any(
        not (isinstance(action, str) and _READ_ONLY_ACTION.match(action.strip().lower()))
        for action in items
    )


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


# DNS records: their values are where the name's requests go (reached fields of the catalog)
# only for the record types that route clients to a host (A, AAAA, CNAME, alias records, the
# service-binding HTTPS/SVCB); a TXT, MX, NS or CAA value sends no request of the name's users.
# A record whose own name starts with an underscore label (``_x1.api.example.com``: ACM's DNS
# validation CNAMEs, ``_dmarc``, ``_acme-challenge``, RFC 8552 attribute leaves) is no host a
# browser or client requests: its value is a token's home, not where the name's traffic goes.
_DNS_RECORD_TYPE_FIELD: Final[Mapping[str, tuple[str, str]]] = {
    "aws:route53/record:Record": ("type", "name"),
    "oci:Dns/record:Record": ("rtype", "domain"),
    "oci:Dns/rrset:Rrset": ("rtype", "domain"),
    "aws:lightsail/domainEntry:DomainEntry": ("type", "name"),
}
# Other DNS types whose reached values are record data: steering answers, traffic-policy endpoints.
_DNS_ANSWER_TYPES: Final = frozenset(
    {"oci:Dns/steeringPolicy:SteeringPolicy", "aws:route53/trafficPolicy:TrafficPolicy"}
)
_ROUTING_RECORD_TYPES: Final = frozenset({"A", "AAAA", "CNAME", "ALIAS", "ANAME", "HTTPS", "SVCB"})
# Service-binding records live under underscore names by design (``_8443._https.api``, ``_api``):
# their underscore name is no validation token.
_SERVICE_BINDING_TYPES: Final = frozenset({"HTTPS", "SVCB"})
# A service-binding value in a reached field: ``1 edge.example.net. alpn="h2" ipv4hint=...``
# (priority, target name, parameters).
_SVCB_RDATA: Final = re.compile(r"^\s*\d+\s+(\S+)((?:\s+.*)?)$", re.DOTALL)
_SVCB_HINT: Final = re.compile(r"\bipv[46]hint=(\"[^\"]*\"|\S+)", re.IGNORECASE)


def _routed_for(resource_type: str, props: Any) -> tuple[tuple[str, ...], frozenset[str]]:
    routed = routed_fields(resource_type)
    fields = _DNS_RECORD_TYPE_FIELD.get(resource_type)
    if fields is None or not isinstance(props, Mapping):
        return routed
    record_type, name = props.get(fields[0]), props.get(fields[1])
    rtype = record_type.strip().upper() if isinstance(record_type, str) else None
    underscored = isinstance(name, str) and name.strip().startswith("_")
    if underscored and rtype not in _SERVICE_BINDING_TYPES:
        return (), routed[1]  # an attribute leaf (validation token, policy record)
    if not isinstance(record_type, str) or record_type.strip().upper() in _ROUTING_RECORD_TYPES:
        return routed  # a routing record, or a type not known yet (fail closed)
    return (), routed[1]


def scan(resource_type: str, props: Any) -> Scan:
    """Every place the inputs ``props`` (a bag as :func:`~residency_pack.engine.props.unwrap`
    returns it) of a resource of ``resource_type`` name, and the paths of unknown values, in
    one walk. Fields the type catalog marks harmless and :data:`GENERIC_HARMLESS_FIELDS` are
    skipped."""
    walker = _Walker(
        _harmless_split(resource_type),
        _is_aws_type(resource_type) and resource_type not in _NOT_AN_S3_BUCKET,
        resource_type in _OWN_BUCKET_NAME_TYPES,
        _routed_for(resource_type, props),
        image_fields(resource_type),
        resource_type.startswith(("aws:", "oci:")),
        AWS_CURATED_IMAGE_FIELDS.get(resource_type, frozenset()),
        resource_type in _DNS_RECORD_TYPE_FIELD or resource_type in _DNS_ANSWER_TYPES,
    )
    walker.value(props, "", 0)
    if resource_type in _DNS_RECORD_TYPE_FIELD and walker.found.places and isinstance(props, dict):
        _drop_own_zone(walker.found, props.get(_DNS_RECORD_TYPE_FIELD[resource_type][1]))
    return walker.found


def _registrable(host: str) -> str | None:
    name = host.strip().rstrip(".").lower()
    return _public_suffixes().privatesuffix(name) if "." in name else None


def _drop_own_zone(found: Scan, record_name: Any) -> None:
    """A DNS record's value under the record's own registrable domain (``www`` -> the apex,
    ``api`` -> ``api-prod.example.com``) is a name of the same zone owner, routed by the zone's
    own records (judged there), not a host outside."""
    own = _registrable(record_name) if isinstance(record_name, str) else None
    if own is None:
        return
    found.places[:] = [
        p for p in found.places
        if not (p.kind == "external-host" and p.host and _registrable(p.host) == own)
    ]  # fmt: skip


def places_in(resource_type: str, props: Any) -> Iterator[Place]:
    """Every place the inputs ``props`` of a resource of ``resource_type`` name."""
    return iter(scan(resource_type, props).places)
