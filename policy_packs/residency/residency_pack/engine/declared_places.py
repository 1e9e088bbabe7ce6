"""Places the platform team declares: the facts a value cannot tell about itself.

An S3 bucket name or ARN carries no account or region; a host of a database endpoint carries a
region but no owner; a raw IP carries neither. A policy's ``declaredPlaces`` setting supplies
them, each with a reason::

    "declaredPlaces": [
      {"match": "arn:aws:s3:::audit-archive*", "cloud": "aws", "region": "us-east-1",
       "account": "111122223333", "reason": "the audit archive, account 1111 (PLAT-42)"}
    ]

``match`` is compared with the value itself and, for a URL or host name, with its host (a glob:
``*`` and ``?``). A declaration does not exempt anything: the declared region must still be
allowed for the data, and the declared account or tenancy must still be trusted. The globs are
bounded so that one entry cannot declare a whole cloud: a literal, ``*.`` followed by at least
three literal labels, or a literal prefix of at least eight characters followed by ``*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Final

from residency_pack.engine import host_globs, region_catalog
from residency_pack.engine.places import is_ip, parse_host
from residency_pack.engine.region_catalog import Cloud

DECLARED_PLACES: Final = "declaredPlaces"
# The owner of a place declared by value and region only (the copy rules' `destinationRegions`):
# the platform team vouches that it is one of the trusted accounts or tenancies.
VOUCHED: Final = "vouched"

_LITERAL: Final = r"[^*?\[\]\s]"
MATCH_PATTERN: Final = rf"^(?:{_LITERAL}+|\*(?:\.{_LITERAL}+){{3,}}|{_LITERAL}{{8,}}\*)$"


@dataclass(frozen=True)
class DeclaredPlace:
    match: str
    cloud: Cloud
    region: str
    account: str  # a 12-digit account id, a tenancy OCID, or VOUCHED
    reason: str
    setting: str = DECLARED_PLACES  # the config key that declares it

    def matches(self, value: str, host: str | None) -> bool:
        if fnmatchcase(value.strip(), self.match):
            return True
        return host is not None and fnmatchcase(host, self.match.lower())

    def describe(self) -> str:
        return f"declared in {self.setting} as `{self.match}` ({self.reason})"


def declared_places_schema() -> dict[str, Any]:
    regions = sorted({*region_catalog.regions("aws"), *region_catalog.regions("oci")})
    return {
        "type": "array",
        "description": "Places a value cannot tell about itself (an S3 bucket, a database "
        "host, an IP), each with its cloud, region, owning account or tenancy, and a reason. "
        "The declared region and owner are still checked against the allowed regions and the "
        "trusted accounts/tenancies.",
        "items": {
            "type": "object",
            "properties": {
                "match": {"type": "string", "pattern": MATCH_PATTERN,
                          "description": "the value or host; a literal, `*.` + three literal "
                          "labels, or a literal prefix of 8+ characters + `*`"},
                "cloud": {"type": "string", "enum": ["aws", "oci"]},
                "region": {"type": "string", "enum": regions},
                "account": {"type": "string",
                            "pattern": "^(?:[0-9]{12}|ocid1\\.tenancy\\.[a-z0-9-]+\\..+)$"},
                "reason": {"type": "string", "pattern": "\\S"},
            },
            "required": ["match", "cloud", "region", "account", "reason"],
            "additionalProperties": False,
        },
        "default": [],
    }  # fmt: skip


def declared_places(config: Mapping[str, Any]) -> tuple[DeclaredPlace, ...]:
    """The policy config's ``declaredPlaces`` (already validated against the schema)."""
    return tuple(_parse(config.get(DECLARED_PLACES) or ()))


def _parse(items: Iterable[Any]) -> Iterable[DeclaredPlace]:
    for item in items:
        if not isinstance(item, Mapping):
            continue
        cloud = item.get("cloud")
        if cloud not in ("aws", "oci"):
            continue
        yield DeclaredPlace(
            str(item.get("match", "")), cloud, str(item.get("region", "")),
            str(item.get("account", "")), str(item.get("reason", "")).strip(),
        )  # fmt: skip


_SCHEME: Final = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_IP_PREFIX: Final = re.compile(r"^[0-9a-f.:]+$", re.IGNORECASE)
# An account-less ARN (an S3 bucket's) must keep this many literal characters of its resource
# before a wildcard: a bucket-name prefix, not every bucket.
_MIN_LITERAL_RESOURCE: Final = 8


def match_problem(match: str, cloud: str) -> str | None:
    """Why the ``match`` of a declaration for ``cloud`` is refused, or None.

    A declaration must cover places of one owner: a URL's host and an ARN's partition, service,
    region and account are literal (an account-less ARN keeps a literal resource prefix of 8+
    characters), a host glob ends on a domain one owner controls (see :mod:`.host_globs`), a host
    prefix glob is refused (a host is declared by its suffix), and a host must be one of the
    declared cloud's: a host outside the clouds belongs in `allowedEgressHosts`."""
    text = match.strip()
    if text.lower().startswith("arn:"):
        return _arn_problem(text)
    scheme = _SCHEME.match(text)
    if scheme is not None:
        rest = text[scheme.end() :]
        host = re.split(r"[/:]", rest, maxsplit=1)[0]
        if not host or (host_globs.has_glob(host) and host == rest):
            return (
                "it covers hosts of many owners: a URL's host must be written out before any "
                "wildcard (`https://host/path*`)"
            )
        if scheme.group(0).lower() in ("s3://", "oci://", "s3a://", "s3n://"):
            if host_globs.has_glob(host):
                return "it covers buckets of many owners: a bucket's name must be literal"
            return None
        return _host_problem(host, cloud)
    image = _image_repository_problem(text)
    if image is not False:
        return image if isinstance(image, str) else None
    if host_globs.has_glob(text) and not text.startswith("*"):
        head = text.split("*", 1)[0].split("?", 1)[0]
        if "." in head and not _IP_PREFIX.match(head):
            return (
                "it covers hosts of many owners: a host is declared by its suffix "
                "(`*.<id>.us-east-1.rds.amazonaws.com`), never by a prefix"
            )
        return None  # an IP or bare bucket-name prefix: the schema's 8+ literal characters
    if "." in text and not is_ip(text.replace("*", "0")):
        return _host_problem(text, cloud)
    return None


def _image_repository_problem(text: str) -> str | bool | None:
    """False if ``text`` is no container image repository (``<registry>/<path>``, the registry a
    host with a dot or a port, or ``localhost``); else why it is refused, or None. A repository
    names one publisher's images: its registry and first path component (the namespace, the
    organisation, the account alias) are literal (``docker.io/partnerco/*``,
    ``iad.ocir.io/ournamespace/*``); the declared account or tenancy is the trusted one that
    vouches for the images, and is judged."""
    registry, slash, path = text.partition("/")
    if not slash or not ("." in registry or ":" in registry or registry == "localhost"):
        return False
    if host_globs.has_glob(registry):
        return "it covers registries of many owners: a repository's registry host must be literal"
    first = path.split("/", 1)[0]
    if not first or host_globs.has_glob(first):
        return (
            "it covers repositories of many owners: the first path component of a repository "
            "(`docker.io/partnerco/*`, `iad.ocir.io/<namespace>/*`) must be literal"
        )
    return None


def _arn_problem(text: str) -> str | None:
    fields = text.split(":", 5)
    if len(fields) < 6:
        return "an ARN must be written out to its resource (`arn:aws:s3:::bucket-prefix*`)"
    _, partition, service, region, account, resource = fields
    if any(host_globs.has_glob(part) for part in (partition, service, region, account)):
        return "it covers many owners: an ARN's partition, service, region and account are literal"
    literal = re.split(r"[*?\[]", resource, maxsplit=1)[0]
    if not account and host_globs.has_glob(resource) and len(literal) < _MIN_LITERAL_RESOURCE:
        return (
            "it covers buckets of many owners: an ARN without an account must keep at least "
            f"{_MIN_LITERAL_RESOURCE} literal characters of its resource before a wildcard "
            "(`arn:aws:s3:::audit-archive*`)"
        )
    return None


def _host_problem(host: str, cloud: str) -> str | None:
    if (broad := host_globs.too_broad(host)) is not None:
        return f"it covers hosts of many owners: {broad}"
    suffix = host_globs.literal_suffix(host)
    if is_ip(suffix):
        return None
    found = parse_host(suffix)
    if found.cloud != cloud:
        return (
            f"`{suffix}` is not a host of {cloud.upper()}; a host outside the clouds is allowed "
            "by `allowedEgressHosts`, not declared"
        )
    return None


def breadth_problems(items: Iterable[Any]) -> list[str]:
    """One problem per refused ``declaredPlaces`` entry (already valid against the schema): the
    pack then refuses the policy's config once, naming every refused entry."""
    problems = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        match = str(item.get("match", ""))
        problem = match_problem(match, str(item.get("cloud", "")))
        if problem is not None:
            problems.append(f"{DECLARED_PLACES}[{index}].match: {match!r} is refused: {problem}")
    return problems


def find(
    declared: Iterable[DeclaredPlace], value: str, host: str | None = None
) -> DeclaredPlace | None:
    """The first declaration that matches ``value`` (or its ``host``), or None."""
    for place in declared:
        if place.matches(value, host):
            return place
    return None
