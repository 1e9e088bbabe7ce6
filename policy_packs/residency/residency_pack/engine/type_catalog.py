"""The reviewed catalog of resource types: what each type token does with data.

Every resource type token of the installed ``pulumi-aws`` (v7) and ``pulumi-oci`` (v5), and the
few other packages' types programs commonly hold (the stack, providers, ``random``, ``tls``,
``time``, ``command``), has one entry in ``catalog/aws.json``, ``catalog/oci.json`` or
``catalog/other.json``, classified per type (never per module) with a one-line reason:

* ``stores-data``: holds data (a store, database, cache, queue, file system, backup, replica);
* ``moves-data``: sends data elsewhere (replication, copy, export, stream, ETL, delivery,
  subscription, integration, share, arbitrary code);
* ``grants-access``: opens access to data (policies, permissions, shares, trust, links);
* ``holds-keys``: holds encryption keys (KMS keys, vaults, HSMs);
* ``config-only``: placement or configuration only;
* ``global``: a truly global type that has no region (IAM, DNS zones, organizations).

A type that both holds a copy of data and sends it on (a read replica, a delivery stream that
buffers) is ``stores-data``; the copy catalog (:mod:`residency_pack.engine.copy_fields`) names
where it sends data.

The files are read once, at import, into a dict keyed by type; an entry object is built the
first time it is asked for. A type without a *reviewed* entry (no entry, or a generated proposal
still marked ``unreviewed``) is unreviewed: the rule ``residency-reviewed-types`` reports it, and
an unreviewed AWS or OCI type counts as data-bearing (fail closed).
``scripts/generate_type_catalog.py`` proposes entries for new tokens after a provider upgrade;
``tests/pack/engine/test_type_catalog.py`` fails until they are reviewed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal, get_args

Cloud = Literal["aws", "oci"]
Role = Literal["stores-data", "moves-data", "grants-access", "holds-keys", "config-only", "global"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)

CATALOG_DIR: Final = Path(__file__).resolve().parent / "catalog"
CATALOG_FILES: Final[tuple[str, ...]] = ("aws.json", "oci.json", "other.json")
GENERATOR: Final = "uv run python scripts/generate_type_catalog.py"

_DATA_BEARING_ROLES: Final = frozenset({"stores-data", "holds-keys"})
_NO_FIELDS: Final[Mapping[str, str]] = MappingProxyType({})


@dataclass(frozen=True)
class CatalogEntry:
    type: str
    role: Role
    reason: str  # one line, why this role
    taggable: bool  # has a tags / freeformTags (or nested) input
    takes_key: bool  # accepts a customer-managed encryption key
    # input path (camelCase, dotted, `[]` for lists) -> why a place named there is harmless
    harmless_fields: Mapping[str, str]
    location_fields: tuple[str, ...]  # inputs that say where THIS resource is
    # input path -> why data (requests, logs) reaches the place named there: a place at or under
    # it is judged as reached by data whatever the type's role (an ALB's access-log bucket, a
    # listener's redirect host, a load balancer backend's IP, a container's log driver)
    reached_fields: Mapping[str, str] = field(default_factory=lambda: _NO_FIELDS)
    # input paths whose value is an S3 location ``bucket[/prefix]`` (a bucket of S3's global
    # namespace by its bare name, then a key prefix): CodeBuild's ``logsConfig.s3Logs.location``
    s3_location_fields: tuple[str, ...] = ()
    # input path -> why the value there is a container image reference the resource runs (an
    # ECS container's ``image``, a Lambda ``imageUri``): parsed as an image reference and its
    # registry judged as the place the code comes from (code supply)
    image_fields: Mapping[str, str] = field(default_factory=lambda: _NO_FIELDS)
    tags_at: tuple[str, ...] = ()  # input paths of the resource's own tags, top level first
    # Why every store of the type holds personal data whatever its tag says (a user directory);
    # None for the others. Such a store is held to us-user-data's regions.
    personal_by_nature: str | None = None
    reviewed: bool = True  # False: a generated proposal nobody reviewed (treated as no entry)


class CatalogError(ValueError):
    """A catalog file entry that cannot be read; the pack refuses to load with it."""


def _entry(resource_type: str, row: Mapping[str, Any]) -> CatalogEntry:
    tags_at = tuple(row.get("tags_at", ()))
    harmless = row.get("harmless_fields")
    reached = row.get("reached_fields")
    images = row.get("image_fields")
    return CatalogEntry(
        type=resource_type,
        role=row["role"],
        reason=row["reason"],
        taggable=bool(tags_at),
        takes_key=bool(row.get("takes_key", False)),
        harmless_fields=MappingProxyType(dict(harmless)) if harmless else _NO_FIELDS,
        location_fields=tuple(row.get("location_fields", ())),
        reached_fields=MappingProxyType(dict(reached)) if reached else _NO_FIELDS,
        s3_location_fields=tuple(row.get("s3_location_fields", ())),
        image_fields=MappingProxyType(dict(images)) if images else _NO_FIELDS,
        tags_at=tags_at,
        personal_by_nature=row.get("personal_by_nature") or None,
        reviewed=not row.get("unreviewed", False),
    )


def load_rows(directory: Path = CATALOG_DIR) -> dict[str, dict[str, Any]]:
    """Every row of the catalog files (proposals included), checked for a role and a reason."""
    rows: dict[str, dict[str, Any]] = {}
    for name in CATALOG_FILES:
        for resource_type, row in json.loads((directory / name).read_text("utf-8")).items():
            if resource_type.startswith("_"):
                continue
            if resource_type in rows:
                raise CatalogError(f"{name}: {resource_type!r} is also listed in another file")
            reason = row.get("reason")
            if row.get("role") not in ROLES or not isinstance(reason, str) or not reason.strip():
                raise CatalogError(
                    f"{name}: entry {resource_type!r} needs a `role` (one of {', '.join(ROLES)}) "
                    f"and a non-empty `reason`; it has role={row.get('role')!r}, reason={reason!r}"
                )
            rows[resource_type] = row
    return rows


# Built once, at import: every row keyed by type, and the reviewed types' roles. Entry objects
# are made on first use (a run asks for a few dozen types of the thousands listed).
_ROWS: Final[dict[str, dict[str, Any]]] = load_rows()
_ROLES: Final[dict[str, Role]] = {
    t: row["role"] for t, row in _ROWS.items() if not row.get("unreviewed", False)
}
_ENTRIES: dict[str, CatalogEntry] = {}


def _any_entry(resource_type: str) -> CatalogEntry | None:
    """The entry of a type, reviewed or a proposal; None if the files have none."""
    found = _ENTRIES.get(resource_type)
    if found is None:
        row = _ROWS.get(resource_type)
        if row is None:
            return None
        found = _ENTRIES[resource_type] = _entry(resource_type, row)
    return found


def entry(resource_type: str) -> CatalogEntry | None:
    """The reviewed entry of a type; None if it has none (unreviewed: fail closed)."""
    return _any_entry(resource_type) if resource_type in _ROLES else None


def role_of(resource_type: str) -> Role | None:
    return _ROLES.get(resource_type)


def proposal(resource_type: str) -> CatalogEntry | None:
    """The generated, not yet reviewed proposal for a type, if the catalog files hold one."""
    return None if resource_type in _ROLES else _any_entry(resource_type)


def catalog_file(resource_type: str) -> str:
    """The catalog file (under the pack's folder) where a type's entry belongs."""
    cloud = cloud_of(resource_type)
    name = f"{cloud}.json" if cloud is not None and not is_provider(resource_type) else "other.json"
    return f"residency_pack/engine/catalog/{name}"


def cloud_of(resource_type: str) -> Cloud | None:
    """The cloud a type token belongs to; provider types (``pulumi:providers:aws``) count too."""
    if resource_type.startswith("aws:") or resource_type == "pulumi:providers:aws":
        return "aws"
    if resource_type.startswith("oci:") or resource_type == "pulumi:providers:oci":
        return "oci"
    return None


def module_of(resource_type: str) -> str:
    """The module of a token: ``s3`` for ``aws:s3/bucket:Bucket``; empty if it has none."""
    parts = resource_type.split(":")
    if len(parts) != 3:
        return ""
    return parts[1].split("/", 1)[0]


def is_provider(resource_type: str) -> bool:
    return resource_type.startswith("pulumi:providers:")


def is_known(resource_type: str) -> bool:
    """True if the type has a reviewed entry."""
    return resource_type in _ROLES


def is_unknown_data_service_type(resource_type: str) -> bool:
    """An AWS or OCI resource type without a reviewed entry: treated as data-bearing."""
    return (
        resource_type not in _ROLES
        and cloud_of(resource_type) is not None
        and not is_provider(resource_type)
    )


def belongs_to_data_service(resource_type: str) -> bool:
    """True if the type stores data or keys, or is an unreviewed AWS/OCI type (the types whose
    copy-like inputs the copy catalog must account for)."""
    return is_data_bearing(resource_type)


def is_data_bearing(resource_type: str) -> bool:
    """True if the type stores data or keys, or is an unreviewed AWS/OCI type (fail closed)."""
    role = _ROLES.get(resource_type)
    if role is None:
        return is_unknown_data_service_type(resource_type)
    return role in _DATA_BEARING_ROLES


def is_region_neutral(resource_type: str) -> bool:
    """True for a reviewed global type without a location field: it has no region."""
    return _ROLES.get(resource_type) == "global" and not _ROWS[resource_type].get(
        "location_fields"
    )


def location_fields(resource_type: str) -> tuple[str, ...]:
    """The inputs that say where a resource of this type is (``homeRegion``)."""
    found = entry(resource_type)
    return found.location_fields if found is not None else ()


def reached_fields(resource_type: str) -> Mapping[str, str]:
    """Input paths of a reviewed type where data reaches the place named (path -> why)."""
    found = entry(resource_type)
    return found.reached_fields if found is not None else _NO_FIELDS


def image_fields(resource_type: str) -> Mapping[str, str]:
    """Input paths of a reviewed type whose value is a container image reference it runs."""
    found = entry(resource_type)
    return found.image_fields if found is not None else _NO_FIELDS


def s3_location_fields(resource_type: str) -> tuple[str, ...]:
    """Input paths of a reviewed type whose value is an S3 ``bucket[/prefix]`` location."""
    found = entry(resource_type)
    return found.s3_location_fields if found is not None else ()


def personal_by_nature(resource_type: str) -> str | None:
    """Why every store of a reviewed type holds personal data whatever its tag says (a user
    directory, a contact list); None for other types."""
    found = entry(resource_type)
    return found.personal_by_nature if found is not None else None


def tag_paths(resource_type: str) -> tuple[str, ...]:
    """Where the type keeps its own tags (``freeformTags``, ``database.freeformTags``); for an
    unreviewed type, where its proposal says they are."""
    found = _any_entry(resource_type)
    return found.tags_at if found is not None else ()


def takes_classification_tag(resource_type: str) -> bool:
    """False for the data-bearing types that have no tags input to carry the classification."""
    row = _ROWS.get(resource_type)
    if row is None:
        return True
    if resource_type not in _ROLES:
        return bool(row.get("tags_at"))
    return bool(row.get("tags_at")) or row["role"] not in _DATA_BEARING_ROLES


def data_bearing_types() -> frozenset[str]:
    """Every reviewed type that stores data or keys."""
    return _DATA_BEARING_TYPES


def untaggable_data_bearing_types() -> frozenset[str]:
    return _UNTAGGABLE_DATA_BEARING


def auxiliary_types() -> frozenset[str]:
    """Every reviewed AWS/OCI type that holds no data itself."""
    return _AUXILIARY_TYPES


def reviewed_types() -> frozenset[str]:
    return frozenset(_ROLES)


_DATA_BEARING_TYPES: Final = frozenset(t for t, r in _ROLES.items() if r in _DATA_BEARING_ROLES)
_UNTAGGABLE_DATA_BEARING: Final = frozenset(
    t for t in _DATA_BEARING_TYPES if not _ROWS[t].get("tags_at")
)
_AUXILIARY_TYPES: Final = frozenset(
    t for t, r in _ROLES.items()
    if r not in _DATA_BEARING_ROLES and cloud_of(t) is not None and not is_provider(t)
)  # fmt: skip
