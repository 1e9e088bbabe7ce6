"""OCI compartment quota statements and IAM policy statements of the guardrails, built from
the region table, and the quota grammar they are checked against.

Quotas (https://docs.oracle.com/iaas/Content/Quotas/Concepts/quota_policy_syntax.htm): a
statement is ``zero <family> quotas in compartment <name> where request.region = '<region>'``;
the supported conditionals are ``request.region`` and ``request.ad``. Each family name below is
the one on its page of Oracle's quota reference (``Family name:``):

* ``object-storage`` (quota ``storage-bytes``): .../resourcequotas_topic-Object_Storage_Quotas.htm
* ``block-storage`` (``total-storage-gb``, ``volume-count``, ``backup-count``):
  .../resourcequotas_topic-Block_Volume_Quotas.htm
* ``filesystem`` (``file-system-count``, ``mount-target-count``):
  .../resourcequotas_topic-File_Storage_Quotas.htm
* ``database`` (Base Database and Autonomous Database quotas, e.g. ``vm-block-storage-gb``):
  the Base Database "Compartment quotas" page
* ``compute-core`` (e.g. ``standard-e4-core-count``, the example of the syntax page)
* ``nosql`` (``table-size-gb``, ``read-unit-count``, ``write-unit-count``)

``zero <family> quotas`` (no quota names) zeroes every quota of the family, so a quota Oracle adds
to a family later is zeroed too.

Which regions: quotas are per tenancy, so every region of the tenancy's realm (from the region
catalog generated from the ``oci`` SDK) that the table does not allow for ``us-user-data`` gets a
zeroing statement, one region per statement, since the documented condition compares
``request.region`` with one region. A region Oracle opens after the catalog was generated is not
zeroed until the catalog is regenerated (scripts/generate_region_catalog.py); the AWS side has
no such gap (its SCP lists the allowed regions, not the others).

IAM (https://docs.oracle.com/iaas/Content/Identity/policysyntax/conditions.htm): a condition is
``variable =|!= value`` or ``any|all {...}``; ``request.region`` is a general variable whose value
is the region's three-letter key (``iad``), per "General Variables for All Requests". An ``Allow``
conditioned on the region limits the grant it makes, not other grants. OCI's IAM deny policies
(https://docs.oracle.com/iaas/Content/Identity/policysyntax/denypolicies.htm) are an opt-in
feature of the tenancy, off by default and enabled once by a default-domain administrator; their
syntax is the allow syntax starting with ``deny``, and a deny takes precedence over any allow
(members of the default domain's Administrators group stay exempt). :func:`deny_statements`
uses them, when the stack says the tenancy has them enabled, to refuse the data families in the
compartment outside the table's regions to everyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Final

from lark import Lark
from lark.exceptions import LarkError
from residency_pack.engine import region_catalog

# (family, its resource families in IAM policies). The quota families that hold user data.
DATA_QUOTA_FAMILIES: Final[tuple[str, ...]] = (
    "object-storage",
    "block-storage",
    "filesystem",
    "database",
    "compute-core",
    "nosql",
)
DATA_IAM_FAMILIES: Final[tuple[str, ...]] = (
    "object-family",
    "volume-family",
    "file-family",
    "database-family",
    "autonomous-database-family",
    "instance-family",
    "nosql-family",
)

# The statement grammar of "Quota Policy Syntax" (set / unset / zero; `quota` or `quotas`;
# quota names, or a /wildcard/; `to <value>` only for set; `in tenancy` or `in compartment
# <name or path>`; an optional condition on request.region or request.ad).
QUOTA_GRAMMAR: Final = r"""
statement: set_stmt | unset_stmt | zero_stmt
set_stmt: "set"i FAMILY QUOTA_KW names "to"i VALUE location condition?
unset_stmt: "unset"i FAMILY QUOTA_KW names? location condition?
zero_stmt: "zero"i FAMILY QUOTA_KW names? location condition?
QUOTA_KW: "quotas"i | "quota"i
names: name ("," name)*
name: NAME | WILDCARD
location: "in"i "tenancy"i -> tenancy
        | "in"i "compartment"i COMPARTMENT -> compartment
condition: "where"i VARIABLE OP QVALUE
VARIABLE: "request.region" | "request.ad"
OP: "!=" | "="
QVALUE: /'[A-Za-z0-9:_-]+'/ | /[A-Za-z0-9:_-]+/
FAMILY: /[a-z][a-z0-9-]*/
NAME: /[a-z][a-z0-9-]*/
WILDCARD: /\/[A-Za-z0-9*-]+\//
VALUE: /[0-9]+/
COMPARTMENT: /[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)*/
%import common.WS
%ignore WS
"""


class QuotaSyntaxError(ValueError):
    """A quota statement outside the documented grammar."""


@cache
def _parser() -> Lark:
    return Lark(QUOTA_GRAMMAR, start="statement", parser="lalr")


def check_quota_statement(statement: str) -> None:
    """Raise :class:`QuotaSyntaxError` unless ``statement`` parses against the grammar."""
    try:
        _parser().parse(statement)
    except LarkError as error:
        raise QuotaSyntaxError(f"quota statement {statement!r} is malformed: {error}") from error


def realm_of(tenancy_ocid: str) -> str:
    """The realm (``oc1``) named in a tenancy OCID (``ocid1.tenancy.<realm>..<id>``)."""
    parts = tenancy_ocid.split(".")
    if len(parts) < 3 or parts[0] != "ocid1" or parts[1] != "tenancy":
        raise ValueError(f"{tenancy_ocid!r} is not a tenancy OCID (ocid1.tenancy.<realm>..)")
    return parts[2]


def regions_outside(allowed: Sequence[str], realm: str) -> list[str]:
    """The catalog's regions of ``realm`` that ``allowed`` does not list, sorted."""
    return sorted(
        name
        for name, region in region_catalog.regions("oci").items()
        if region.realm == realm and name not in allowed
    )


def quota_statements(family: str, compartment: str, outside: Sequence[str]) -> list[str]:
    """Zero ``family`` in ``compartment`` in every region of ``outside``."""
    statements = [
        f"zero {family} quotas in compartment {compartment} where request.region = '{region}'"
        for region in outside
    ]
    for statement in statements:
        check_quota_statement(statement)
    return statements


def region_keys(regions: Sequence[str]) -> list[str]:
    """The three-letter keys of OCI regions (``us-ashburn-1`` -> ``iad``), from the catalog."""
    keys = []
    for name in regions:
        region = region_catalog.lookup("oci", name)
        if region is None or not region.key:
            raise ValueError(f"OCI region {name!r} has no key in the region catalog")
        keys.append(region.key)
    return sorted(keys)


def region_condition(regions: Sequence[str]) -> str:
    """An IAM condition true only for requests to one of ``regions``."""
    keys = region_keys(regions)
    if not keys:
        raise ValueError("the allowed-regions table allows no OCI region for us-user-data")
    clauses = [f"request.region = '{key}'" for key in keys]
    return clauses[0] if len(clauses) == 1 else f"any {{{', '.join(clauses)}}}"


def outside_condition(regions: Sequence[str]) -> str:
    """An IAM condition true only for requests to a region outside ``regions``."""
    keys = region_keys(regions)
    if not keys:
        raise ValueError("the allowed-regions table allows no OCI region for us-user-data")
    clauses = [f"request.region != '{key}'" for key in keys]
    return clauses[0] if len(clauses) == 1 else f"all {{{', '.join(clauses)}}}"


def deny_statements(compartment: str, regions: Sequence[str]) -> list[str]:
    """Deny everyone the data families in ``compartment`` outside ``regions`` (needs the
    tenancy's IAM deny policies enabled)."""
    condition = outside_condition(regions)
    return [
        f"deny any-user to manage {family} in compartment {compartment} where {condition}"
        for family in DATA_IAM_FAMILIES
    ]


def iam_statements(group: str, compartment: str, regions: Sequence[str]) -> list[str]:
    """Grants of the data services to ``group`` in ``compartment``, only in ``regions``."""
    condition = region_condition(regions)
    return [
        f"Allow group {group} to manage {family} in compartment {compartment} where {condition}"
        for family in DATA_IAM_FAMILIES
    ]


__all__ = [
    "DATA_QUOTA_FAMILIES",
    "LarkError",
    "QuotaSyntaxError",
    "check_quota_statement",
    "deny_statements",
    "iam_statements",
    "quota_statements",
    "realm_of",
    "regions_outside",
]
