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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Final

from residency_pack.engine import region_catalog
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


def find(
    declared: Iterable[DeclaredPlace], value: str, host: str | None = None
) -> DeclaredPlace | None:
    """The first declaration that matches ``value`` (or its ``host``), or None."""
    for place in declared:
        if place.matches(value, host):
            return place
    return None
