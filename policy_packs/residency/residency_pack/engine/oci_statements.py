"""Cross-tenancy grants in OCI IAM policy statements.

OCI lets one tenancy reach into another with three verbs (see "Accessing Resources Across
Tenancies" in the OCI IAM documentation):

    Define tenancy <alias> as <tenancy-ocid>
    Endorse group <group> to <verb> <resource> in tenancy <alias>       (our users act there)
    Admit group <group> of tenancy <alias> to <verb> <resource> in ...  (their users act here)

Either direction lets data leave the company's tenancy, so any ``define``, ``endorse`` or
``admit`` that names a tenancy other than the trusted ones is reported, and so is ``any-tenancy``.
An alias defined to a trusted OCID is fine. An alias that no ``define`` in the same policy
resolves is reported too (OCI requires the define in the same policy; the pack cannot resolve it
otherwise: fail closed). The policy language is case-insensitive, so matching is.

Within the own tenancy, ``allow any-user`` and ``allow any-group`` are reported too. OCI's
"Policy Syntax" page: any-user "will grant access to all users, resource principals, and
instance principals in your tenancy and service principal" (any-group: every group and dynamic
group), and Oracle recommends against it. Such a statement opens the resources it names to every
principal there is, not to the people the platform team chose, so it is treated like a public
grant unless its ``where`` clause pins the request to principals of the trusted tenancy: a
positive ``=`` test of a principal variable (:data:`PRINCIPAL_VARIABLES`: ``request.principal.id``
/ ``.type`` / ``.compartment.id``, ``request.user.id``, ``request.groups.id`` ...) against a
literal value (no ``/pattern*/``), and a tenancy OCID there must be a trusted one. Conditions on
the target (``target.bucket.name``), the operation, the network or the time do not say who asks,
so they pin nothing. ``all {...}`` pins if one of its conditions pins; ``any {...}`` only if
every one does.

There is no maintained parser of the OCI policy language on PyPI (the ``oci`` SDK sends
statements as opaque strings), so this module parses the three cross-tenancy forms and the
subject and ``where`` clause of ``allow any-user`` / ``allow any-group``, which is all this check
needs; other ``allow`` and all ``deny`` statements act within the own tenancy for principals it
names and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from residency_pack.engine.props import UNKNOWN, unwrap


class Kind(StrEnum):
    FOREIGN_TENANCY = "foreign-tenancy"
    ANY_TENANCY = "any-tenancy"
    ANY_PRINCIPAL = "any-principal"
    UNDEFINED_ALIAS = "undefined-alias"
    UNPARSEABLE = "unparseable-statement"
    UNKNOWN = "unknown-value"


@dataclass(frozen=True)
class StatementFinding:
    kind: Kind
    index: int
    statement: str
    detail: str

    @property
    def message(self) -> str:
        if self.index < 0:
            return f"statements: {self.detail}"
        return f"statement #{self.index + 1} {self.statement!r}: {self.detail}"


_DEFINE = re.compile(r"^\s*define\s+tenancy\s+(?P<alias>\S+)\s+as\s+(?P<ocid>\S+)\s*$", re.I)
_CROSS_VERB = re.compile(r"^\s*(?P<verb>endorse|admit)\b", re.I)
_VERB = re.compile(r"^\s*(?P<verb>[a-z-]+)\b", re.I)
# "in tenancy <alias>" / "of tenancy <alias>"; a bare "in tenancy" (end or "where") is the own one.
_TENANCY_REF = re.compile(r"\b(?:in|of)\s+tenancy\b(?:\s+(?!where\b)(?P<alias>[^\s{},]+))?", re.I)
_ANY_TENANCY = re.compile(r"\bany-tenancy\b", re.I)
_WHERE = re.compile(r"\bwhere\b", re.I)
_TENANCY_OCID = re.compile(r"^ocid1\.tenancy\.", re.I)
_ALLOW_ANY = re.compile(r"^\s*allow\s+(?P<subject>any-user|any-group)\b", re.I)

# Request variables that say who the caller is ("General Variables for All Requests" and the
# resource-principal variables in the OCI IAM documentation).
PRINCIPAL_VARIABLES: Final = frozenset(
    {
        "request.principal.id",
        "request.principal.type",
        "request.principal.compartment.id",
        "request.principal.group.id",
        "request.user.id",
        "request.user.name",
        "request.groups.id",
        "request.group.id",
        "request.group.name",
    }
)
_CONDITION = re.compile(
    r"^\s*(?P<variable>[a-z][a-z0-9_.-]*)\s*(?P<operator>=|!=|\bnot\s+in\b|\bin\b|\S+)\s*"
    r"(?P<value>.*?)\s*$",
    re.I | re.S,
)
_GROUP = re.compile(r"^\s*(?P<how>all|any)\s*\{(?P<body>.*)\}\s*$", re.I | re.S)


def foreign_tenancy_grants(
    statements: Any, trusted_tenancies: Iterable[str]
) -> list[StatementFinding]:
    """Every define / endorse / admit in ``statements`` that reaches an untrusted tenancy.

    ``statements`` is the ``statements`` input of ``oci:Identity/policy:Policy`` as the engine
    sends it (a list of strings, possibly unknown in part or whole). Never raises.
    """
    trusted = {t.strip().lower() for t in trusted_tenancies if isinstance(t, str)}
    statements = unwrap(statements)
    if statements is UNKNOWN:
        return [StatementFinding(Kind.UNKNOWN, -1, "<unknown>", "the statement list is unknown")]
    if statements is None:
        return []
    if isinstance(statements, str):
        statements = [statements]
    if not isinstance(statements, list):
        return [
            StatementFinding(Kind.UNPARSEABLE, -1, repr(statements), "is not a list of statements")
        ]

    findings: list[StatementFinding] = []
    aliases: dict[str, str] = {}
    for index, statement in enumerate(statements):
        if statement is UNKNOWN:
            # An unknown statement could be an admit or a define that changes what aliases mean.
            findings.append(StatementFinding(Kind.UNKNOWN, index, "<unknown>", "is unknown"))
            continue
        if not isinstance(statement, str):
            findings.append(
                StatementFinding(Kind.UNPARSEABLE, index, repr(statement), "is not a string")
            )
            continue
        verb = _VERB.match(statement)
        if verb is None or verb.group("verb").lower() != "define":
            continue
        define = _DEFINE.match(statement)
        if define is None:
            if re.match(r"^\s*define\s+tenancy\b", statement, re.I):
                findings.append(
                    StatementFinding(
                        Kind.UNPARSEABLE,
                        index,
                        statement,
                        "is a 'define tenancy' the pack cannot parse "
                        "(expected 'define tenancy <alias> as <tenancy-ocid>')",
                    )
                )
            continue  # define group / dynamic-group: names a principal, not a tenancy
        alias, ocid = define.group("alias").lower(), define.group("ocid").lower()
        aliases[alias] = ocid
        if ocid not in trusted:
            findings.append(
                StatementFinding(
                    Kind.FOREIGN_TENANCY,
                    index,
                    statement,
                    f"defines tenancy alias {define.group('alias')!r} as {define.group('ocid')}, "
                    "which is not a trusted tenancy",
                )
            )

    for index, statement in enumerate(statements):
        if isinstance(statement, str) and (found := _any_principal(index, statement, trusted)):
            findings.append(found)

    some_unknown = any(statement is UNKNOWN for statement in statements)
    for index, statement in enumerate(statements):
        if not isinstance(statement, str) or not _CROSS_VERB.match(statement):
            continue
        for finding in _cross_tenancy_findings(index, statement, aliases, trusted):
            if finding.kind is Kind.UNDEFINED_ALIAS and some_unknown:
                # The unknown statement may be the define; it is already reported as unknown.
                continue
            findings.append(finding)
    return findings


def _cross_tenancy_findings(
    index: int, statement: str, aliases: dict[str, str], trusted: set[str]
) -> list[StatementFinding]:
    # Tenancy names after "where" are condition variables, not grant targets.
    grant = _WHERE.split(statement, maxsplit=1)[0]
    findings: list[StatementFinding] = []
    if _ANY_TENANCY.search(grant):
        findings.append(
            StatementFinding(
                Kind.ANY_TENANCY, index, statement, "names any-tenancy: every tenancy in OCI"
            )
        )
    named = [m.group("alias") for m in _TENANCY_REF.finditer(grant) if m.group("alias")]
    if not named and not findings:
        findings.append(
            StatementFinding(
                Kind.UNPARSEABLE,
                index,
                statement,
                "is a cross-tenancy statement that names no tenancy the pack can read",
            )
        )
    for alias in named:
        key = alias.lower()
        ocid = key if _TENANCY_OCID.match(key) else aliases.get(key)
        if ocid is None:
            findings.append(
                StatementFinding(
                    Kind.UNDEFINED_ALIAS,
                    index,
                    statement,
                    f"names tenancy alias {alias!r}, which no 'define tenancy' in this policy "
                    "resolves",
                )
            )
        elif ocid not in trusted:
            findings.append(
                StatementFinding(
                    Kind.FOREIGN_TENANCY,
                    index,
                    statement,
                    f"reaches tenancy {alias!r} ({ocid}), which is not a trusted tenancy",
                )
            )
    return findings


def _any_principal(index: int, statement: str, trusted: set[str]) -> StatementFinding | None:
    """An ``allow any-user`` / ``allow any-group`` whose ``where`` clause does not pin the
    caller to principals of the trusted tenancy."""
    subject = _ALLOW_ANY.match(statement)
    if subject is None:
        return None
    parts = _WHERE.split(statement, maxsplit=1)
    if len(parts) == 2 and _pins_principal(parts[1], trusted):
        return None
    who = subject.group("subject").lower()
    reach = (
        "every user, instance principal, resource principal and service principal"
        if who == "any-user"
        else "every group and dynamic group"
    )
    return StatementFinding(
        Kind.ANY_PRINCIPAL,
        index,
        statement,
        f"grants {who} ({reach} of the tenancy) with no `where` clause pinning the request to "
        "a principal of the trusted tenancy (a literal `request.principal.id`, "
        "`request.principal.type`, `request.principal.compartment.id`, `request.user.id` or "
        "`request.groups.id`)",
    )


def _split_top_level(body: str) -> list[str]:
    """The comma-separated conditions of an ``all {...}`` / ``any {...}`` body."""
    parts: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for char in body:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [part for part in parts if part.strip()]


def _pins_principal(condition: str, trusted: set[str]) -> bool:
    """True if ``condition`` (the text after ``where``) admits only named principals."""
    group = _GROUP.match(condition)
    if group is not None:
        members = [_pins_principal(part, trusted) for part in _split_top_level(group["body"])]
        if not members:
            return False
        return any(members) if group["how"].lower() == "all" else all(members)
    match = _CONDITION.match(condition)
    if match is None or match["operator"] != "=":
        return False
    if match["variable"].lower() not in PRINCIPAL_VARIABLES:
        return False
    value = match["value"].strip()
    if len(value) < 3 or value[0] not in "'\"" or value[-1] != value[0]:
        return False  # a /pattern/, another variable, or not one quoted literal
    literal = value[1:-1].strip().lower()
    if not literal or "*" in literal or "'" in literal or '"' in literal:
        return False
    return not _TENANCY_OCID.match(literal) or literal in trusted


__all__ = ["PRINCIPAL_VARIABLES", "Kind", "StatementFinding", "foreign_tenancy_grants"]
