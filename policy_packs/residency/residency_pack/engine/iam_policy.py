"""Who an AWS policy document lets in: principals outside the trusted accounts.

Resource policies (bucket, key, topic, queue, vault, secret, repository ... policies) and role
trust policies name the principals they grant access to. A principal outside the company's own
accounts can reach the data, so the pack reports:

- an AWS principal (account id or ARN) of an account that is not trusted;
- ``*`` / ``{"AWS": "*"}`` (and account wildcards) with no condition that pins the caller to a
  trusted organization or account (``aws:PrincipalOrgID``, ``aws:PrincipalAccount``,
  ``aws:SourceAccount`` ... see :data:`PINNING_CONDITION_KEYS`);
- ``NotPrincipal`` with ``Allow`` (everyone except a few);
- federated principals whose identities are not the company's: public web-identity providers, an
  OIDC provider without a ``sub`` condition, Cognito without an ``aud`` condition;
- principals the pack cannot attribute to an account (canonical users, unique ids): fail closed;
- a document it cannot parse: fail closed;
- a deciding value that is unknown (preview): :data:`Kind.UNKNOWN`, for the rule to handle.

Service principals (``*.amazonaws.com``) are AWS itself and are not foreign. Deny statements
restrict access and never grant it, so they are not reported.

ARN and organization strings are parsed with ``policyuniverse`` (Netflix); the statement
structure is walked here because the verdict depends on the principal's category (AWS, Service,
Federated, CanonicalUser), which ``policyuniverse.statement.Statement`` flattens away.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from policyuniverse.arn import ARN
from policyuniverse.organization import Organization

from residency_pack.engine.props import UNKNOWN, is_unknown, unwrap


class Kind(StrEnum):
    FOREIGN = "foreign-principal"
    PUBLIC = "public-principal"
    NOT_PRINCIPAL = "not-principal"
    UNVERIFIABLE = "unverifiable-principal"
    UNPARSEABLE = "unparseable-policy"
    UNKNOWN = "unknown-value"


@dataclass(frozen=True)
class PolicyFinding:
    """One reason a policy document lets someone outside the trusted accounts in."""

    kind: Kind
    statement: str
    detail: str
    principal: str | None = None

    @property
    def message(self) -> str:
        return f"{self.statement}: {self.detail}"


@dataclass(frozen=True)
class Trust:
    """What counts as 'our own': account ids and AWS Organizations ids (``o-...``)."""

    accounts: frozenset[str]
    organizations: frozenset[str] = frozenset()

    @classmethod
    def of(cls, accounts: Iterable[str], organizations: Iterable[str] = ()) -> Trust:
        return cls(
            frozenset(str(a).strip() for a in accounts),
            frozenset(str(o).strip() for o in organizations),
        )


# Condition keys that, with a positive operator and only trusted literal values, restrict the
# caller to the company's accounts or organization. Lower case: condition keys are
# case-insensitive. The value says how to read the condition's values.
PINNING_CONDITION_KEYS: Final[Mapping[str, str]] = {
    "aws:principalorgid": "organization",
    "aws:principalorgpaths": "organization-path",
    "aws:principalaccount": "account",
    "aws:principalarn": "arn",
    "aws:sourceorgid": "organization",
    "aws:sourceorgpaths": "organization-path",
    "aws:sourceaccount": "account",
    "aws:sourceowner": "account",
    "aws:sourcearn": "arn",
    "kms:calleraccount": "account",
}

# Positive matching operators. ``...IfExists`` and ``ForAllValues:`` are deliberately absent:
# both also match when the key is missing from the request, so they pin nothing.
_PINNING_OPERATOR = re.compile(
    r"^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$",
    re.IGNORECASE,
)

# Web-identity providers whose users are the whole internet, not the company's staff.
PUBLIC_IDENTITY_PROVIDERS: Final = frozenset(
    {"accounts.google.com", "graph.facebook.com", "www.amazon.com", "appleid.apple.com"}
)
_COGNITO = "cognito-identity.amazonaws.com"
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_SERVICE = re.compile(r"^[a-z0-9.-]+\.(amazonaws\.com|amazonaws\.com\.cn|aws\.internal)$")
_PRINCIPAL_CATEGORIES: Final = ("AWS", "Service", "Federated", "CanonicalUser")


def parse_document(document: Any) -> Any:
    """The document as plain data: a JSON string is decoded, engine unknowns become UNKNOWN.

    Raises ``ValueError`` with a readable reason when the document is not a policy document.
    """
    document = unwrap(document)
    if document is UNKNOWN:
        return UNKNOWN
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError as exc:
            raise ValueError(f"the policy is not valid JSON ({exc})") from exc
        document = _mark_unknowns(document)
    if not isinstance(document, Mapping):
        raise ValueError("the policy is not a JSON object")
    return document


def _mark_unknowns(value: Any) -> Any:
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: _mark_unknowns(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark_unknowns(v) for v in value]
    return value


def foreign_access(document: Any, trust: Trust) -> list[PolicyFinding]:
    """Every way ``document`` grants access to a principal outside ``trust``.

    ``document`` is a policy as the engine sends it: a JSON string, an object, or unknown.
    An empty or absent document (``None`` / ``""``) grants nothing. Never raises.
    """
    if document is None or (isinstance(document, str) and not document.strip()):
        return []
    try:
        parsed = parse_document(document)
    except ValueError as exc:
        return [PolicyFinding(Kind.UNPARSEABLE, "policy", f"{exc}; it cannot be checked")]
    except Exception as exc:  # fail closed on anything unexpected
        return [PolicyFinding(Kind.UNPARSEABLE, "policy", f"cannot be read ({exc!r})")]
    if parsed is UNKNOWN:
        return [PolicyFinding(Kind.UNKNOWN, "policy", "the whole policy document is unknown")]
    statements = parsed.get("Statement")
    if statements is UNKNOWN:
        return [PolicyFinding(Kind.UNKNOWN, "policy", "the policy's Statement list is unknown")]
    if statements is None:
        return []
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list):
        return [
            PolicyFinding(Kind.UNPARSEABLE, "policy", "Statement is neither a list nor an object")
        ]
    findings: list[PolicyFinding] = []
    for index, statement in enumerate(statements):
        findings.extend(_statement_findings(index, statement, trust))
    return findings


def _label(index: int, statement: Any) -> str:
    sid = statement.get("Sid") if isinstance(statement, Mapping) else None
    if isinstance(sid, str) and sid:
        return f"statement {sid!r}"
    return f"statement #{index + 1}"


def _statement_findings(index: int, statement: Any, trust: Trust) -> list[PolicyFinding]:
    label = _label(index, statement)
    if statement is UNKNOWN:
        return [PolicyFinding(Kind.UNKNOWN, label, "the statement is unknown")]
    if not isinstance(statement, Mapping):
        return [PolicyFinding(Kind.UNPARSEABLE, label, "the statement is not a JSON object")]
    effect = statement.get("Effect")
    if effect is UNKNOWN:
        return [PolicyFinding(Kind.UNKNOWN, label, "the statement's Effect is unknown")]
    if effect == "Deny":
        return []
    if effect != "Allow":
        return [
            PolicyFinding(Kind.UNPARSEABLE, label, f"Effect {effect!r} is neither Allow nor Deny")
        ]
    if "NotPrincipal" in statement:
        return [
            PolicyFinding(
                Kind.NOT_PRINCIPAL,
                label,
                "allows every principal except those in NotPrincipal, including other accounts",
            )
        ]
    if "Principal" not in statement:
        # An identity policy: it grants the identity it is attached to, no one else.
        return []
    condition = statement.get("Condition")
    pin = _pin(condition, trust)
    findings: list[PolicyFinding] = []
    for category, value in _principals(statement["Principal"]):
        finding = _judge(label, category, value, pin, condition, trust)
        if finding is not None:
            findings.append(finding)
    return findings


@dataclass(frozen=True)
class _Pin:
    """Whether the statement's conditions restrict callers to trusted accounts."""

    pinned: bool
    unknown: bool = False


def _pin(condition: Any, trust: Trust) -> _Pin:
    if condition is UNKNOWN:
        return _Pin(False, unknown=True)
    if not isinstance(condition, Mapping):
        return _Pin(False)
    clauses, unknown = _positive_clauses(condition)
    for key, values in clauses:
        how = PINNING_CONDITION_KEYS.get(str(key).lower())
        if how is None:
            continue
        verdict = _trusted_values(how, values, trust)
        if verdict is True:
            return _Pin(True)
        if verdict is UNKNOWN:
            unknown = True
    return _Pin(False, unknown=unknown)


def _positive_clauses(condition: Mapping[Any, Any]) -> tuple[list[tuple[Any, Any]], bool]:
    """Every ``(condition key, values)`` under an operator that can pin (no ``IfExists``,
    ``ForAllValues:`` or negation), and whether some operator's clauses are unknown."""
    found: list[tuple[Any, Any]] = []
    unknown = False
    for operator, clauses in condition.items():
        if not isinstance(operator, str) or not _PINNING_OPERATOR.match(operator):
            continue
        if clauses is UNKNOWN:
            unknown = True
        elif isinstance(clauses, Mapping):
            found.extend(clauses.items())
    return found, unknown


def _trusted_values(how: str, values: Any, trust: Trust) -> bool | Any:
    """True if every value is a trusted literal; UNKNOWN if that hinges on an unknown."""
    items = values if isinstance(values, list) else [values]
    if not items:
        return False
    saw_unknown = False
    for item in items:
        if item is UNKNOWN:
            saw_unknown = True
            continue
        if not isinstance(item, str) or not _trusted_value(how, item, trust):
            return False
    return UNKNOWN if saw_unknown else True


def _trusted_value(how: str, value: str, trust: Trust) -> bool:
    if how == "account":
        return value in trust.accounts
    if how == "arn":
        return _arn_account(value) in trust.accounts
    if how == "organization":
        return value in trust.organizations
    # organization-path: o-xxxx/r-xxxx/ou-.../ ; the organization must be a trusted literal.
    org = Organization(value)
    return not org.error and org.organization in trust.organizations


def _arn_account(value: str) -> str | None:
    """The literal account id of an ARN, or None (wildcards, malformed, account-less)."""
    arn = ARN(value)
    if arn.error or not arn.account_number or not _ACCOUNT_ID.match(arn.account_number):
        return None
    return str(arn.account_number)


def _principals(principal: Any) -> Iterable[tuple[str, Any]]:
    """(category, value) pairs; a category of "" marks a malformed or unknown entry."""
    if principal is UNKNOWN:
        yield "", UNKNOWN
        return
    if isinstance(principal, str):
        yield ("*" if principal == "*" else ""), principal
        return
    if not isinstance(principal, Mapping):
        yield "", principal
        return
    for category, values in principal.items():
        if category not in _PRINCIPAL_CATEGORIES:
            yield "", f"{category}: {values!r}"
            continue
        if values is UNKNOWN:
            yield category, UNKNOWN
            continue
        for value in values if isinstance(values, list) else [values]:
            yield category, value


def _judge(
    label: str, category: str, value: Any, pin: _Pin, condition: Any, trust: Trust
) -> PolicyFinding | None:
    def finding(kind: Kind, detail: str) -> PolicyFinding:
        return PolicyFinding(kind, label, detail, principal=_show(value))

    if value is UNKNOWN:
        if pin.pinned:
            return None
        return finding(Kind.UNKNOWN, f"a {category or 'Principal'} principal is unknown")
    if category == "*":
        return _public(label, value, pin)
    if not isinstance(value, str) or category == "":
        return finding(Kind.UNPARSEABLE, f"Principal entry {_show(value)} is not understood")
    if category == "AWS":
        if value == "*":
            return _public(label, value, pin)
        if _ACCOUNT_ID.match(value):
            account: str | None = value
        else:
            arn = ARN(value)
            if not arn.error and arn.account_number == "cloudfront":
                return None  # CloudFront origin access identity: AWS's own, not an account
            if arn.error or arn.service:
                if pin.pinned:
                    return None
                return finding(
                    Kind.UNVERIFIABLE,
                    f"principal {value!r} cannot be attributed to an account (unique id or "
                    "malformed ARN); name the role or account by ARN",
                )
            account = _arn_account(value)
            if account is None:
                return _public(label, value, pin)
        if account in trust.accounts or pin.pinned:
            return None
        return finding(Kind.FOREIGN, f"grants account {account} ({value!r}), which is not trusted")
    if category == "Service":
        if _SERVICE.match(value):
            return None
        if pin.pinned:
            return None
        if "*" in value:
            return _public(label, value, pin)
        return finding(Kind.UNVERIFIABLE, f"service principal {value!r} is not an AWS service")
    if category == "Federated":
        return _judge_federated(label, value, pin, condition, trust)
    # CanonicalUser: an S3 canonical id does not say which account it belongs to.
    if pin.pinned:
        return None
    return finding(
        Kind.UNVERIFIABLE,
        f"canonical user {value!r} cannot be attributed to a trusted account; grant by account ARN",
    )


def _public(label: str, value: Any, pin: _Pin) -> PolicyFinding | None:
    if pin.pinned:
        return None
    if pin.unknown:
        return PolicyFinding(
            Kind.UNKNOWN,
            label,
            f"principal {_show(value)} is pinned by a condition whose value is unknown",
            principal=_show(value),
        )
    return PolicyFinding(
        Kind.PUBLIC,
        label,
        f"grants principal {_show(value)} with no condition pinning aws:PrincipalOrgID or "
        "aws:PrincipalAccount (or aws:SourceAccount / aws:SourceOwner) to a trusted value",
        principal=_show(value),
    )


def _judge_federated(
    label: str, value: str, pin: _Pin, condition: Any, trust: Trust
) -> PolicyFinding | None:
    def finding(kind: Kind, detail: str) -> PolicyFinding:
        return PolicyFinding(kind, label, detail, principal=value)

    if value in PUBLIC_IDENTITY_PROVIDERS:
        return finding(
            Kind.FOREIGN,
            f"federated principal {value!r} admits any user of a public identity provider",
        )
    if value == _COGNITO:
        verdict = _has_literal_condition(condition, f"{_COGNITO}:aud")
        if verdict is True:
            return None
        if verdict is UNKNOWN:
            return finding(Kind.UNKNOWN, "the cognito-identity aud condition is unknown")
        return finding(
            Kind.FOREIGN,
            "federated principal cognito-identity.amazonaws.com without a "
            "cognito-identity.amazonaws.com:aud condition admits every identity pool",
        )
    arn = ARN(value)
    account = _arn_account(value)
    if arn.error or account is None:
        return finding(Kind.UNVERIFIABLE, f"federated principal {value!r} is not an IdP ARN")
    if account not in trust.accounts:
        return finding(
            Kind.FOREIGN,
            f"federated principal {value!r} is an identity provider of account {account}",
        )
    name = arn.name or ""
    if name.startswith("oidc-provider/"):
        issuer = name.removeprefix("oidc-provider/")
        verdict = _has_literal_condition(condition, f"{issuer}:sub")
        if verdict is True:
            return None
        if verdict is UNKNOWN:
            return finding(Kind.UNKNOWN, f"the {issuer}:sub condition is unknown")
        return finding(
            Kind.FOREIGN,
            f"OIDC provider {issuer!r} without a {issuer}:sub condition admits every identity "
            "the issuer signs for, including other organizations' workloads",
        )
    return None


def _has_literal_condition(condition: Any, key: str) -> bool | Any:
    """True if a positive operator tests ``key`` against values that are not bare wildcards."""
    if condition is UNKNOWN:
        return UNKNOWN
    if not isinstance(condition, Mapping):
        return False
    clauses, unknown = _positive_clauses(condition)
    for clause_key, values in clauses:
        if str(clause_key).lower() != key.lower():
            continue
        items = values if isinstance(values, list) else [values]
        if any(item is UNKNOWN for item in items):
            unknown = True
            continue
        if items and all(isinstance(i, str) and i.strip("*?") for i in items):
            return True
    return UNKNOWN if unknown else False


def principal_verdict(value: Any, trust: Trust) -> Kind | None:
    """Judge a single principal string outside a document (Lambda permission, KMS grant, RAM).

    An account id, an account ARN, an AWS Organizations organization or OU ARN (judged by its
    ``o-...`` id), a service principal or ``*``. None means trusted.
    """
    value = unwrap(value)
    if value is UNKNOWN:
        return Kind.UNKNOWN
    if not isinstance(value, str) or not value:
        return Kind.UNPARSEABLE
    if value == "*":
        return Kind.PUBLIC
    if _SERVICE.match(value):
        return None
    organization = organization_of_arn(value)
    if organization is not None:
        return None if organization in trust.organizations else Kind.FOREIGN
    account = value if _ACCOUNT_ID.match(value) else _arn_account(value)
    if account is None:
        return Kind.PUBLIC if "*" in value else Kind.UNVERIFIABLE
    return None if account in trust.accounts else Kind.FOREIGN


_ORGANIZATION_ARN = re.compile(
    r"^arn:[^:]+:organizations::\d{12}:(?:organization|ou)/(?P<org>o-[a-z0-9*]+)(?:/|$)"
)


def organization_of_arn(value: str) -> str | None:
    """The ``o-...`` id of an AWS Organizations organization or OU ARN, else None."""
    match = _ORGANIZATION_ARN.match(value)
    return match.group("org") if match else None


def account_of(value: str) -> str | None:
    """The literal account id named by an account id or ARN, else None."""
    return value if _ACCOUNT_ID.match(value) else _arn_account(value)


def _show(value: Any) -> str:
    return "<unknown>" if value is UNKNOWN else repr(value)


__all__ = [
    "PINNING_CONDITION_KEYS",
    "PUBLIC_IDENTITY_PROVIDERS",
    "Kind",
    "PolicyFinding",
    "Trust",
    "account_of",
    "foreign_access",
    "organization_of_arn",
    "parse_document",
    "principal_verdict",
]
