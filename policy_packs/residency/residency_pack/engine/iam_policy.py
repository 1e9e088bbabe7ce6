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
  OIDC provider whose ``sub`` condition does not name the workload literally (GitHub Actions:
  ``repo:<org>/<repo>`` with no wildcard in either part), Cognito without a literal ``aud``
  (identity pool) condition;
- a service principal (``cloudfront.amazonaws.com``, ``logging.s3.amazonaws.com``,
  ``delivery.logs.amazonaws.com`` ...) in a resource policy with no source pin: AWS services act
  for every AWS account, so AWS documents ``aws:SourceArn`` / ``aws:SourceAccount`` (or
  ``aws:SourceOrgID`` / ``aws:SourceOrgPaths``) as the guard against the cross-service confused
  deputy (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). Documented
  alternatives count too: a KMS ``kms:EncryptionContext:aws:<service>:arn`` pin, and for log
  delivery a write-only grant scoped to ``.../AWSLogs/<trusted account>/`` (the ELB access-log
  policy). Grants that disclose nothing (describe the key, read the bucket ACL or location,
  generate data keys or encrypt) need no pin. Role trust policies are exempt: a service assumes
  a role only when a principal of the role's own account passes it (``iam:PassRole``);
- principals the pack cannot attribute to an account (canonical users, unique ids): fail closed;
- a document it cannot parse: fail closed;
- a deciding value that is unknown (preview): :data:`Kind.UNKNOWN`, for the rule to handle.

Deny statements restrict access and never grant it, so they are not reported.

ARN and organization strings are parsed with ``policyuniverse`` (Netflix); the statement
structure is walked here because the verdict depends on the principal's category (AWS, Service,
Federated, CanonicalUser), which ``policyuniverse.statement.Statement`` flattens away.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from typing import Any, Final

from policyuniverse.arn import ARN
from policyuniverse.organization import Organization

from residency_pack.engine.props import UNKNOWN, is_unknown, unwrap


class Kind(StrEnum):
    FOREIGN = "foreign-principal"
    PUBLIC = "public-principal"
    NOT_PRINCIPAL = "not-principal"
    UNVERIFIABLE = "unverifiable-principal"
    UNPINNED_SERVICE = "unpinned-service-principal"
    UNDECLARED_FEDERATION = "undeclared-federated-subject"
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


COMMERCIAL_PARTITION: Final = "aws"


@dataclass(frozen=True)
class Trust:
    """What counts as 'our own': account ids, AWS Organizations ids (``o-...``), and the
    federated subjects the platform team declared per issuer (``trustedFederatedSubjects``:
    issuer glob -> subject globs; see :func:`federated_subject_trusted`).

    An account number is unique only within its AWS partition, so ``accounts`` holds the bare
    number for the commercial partition (and for a bare account id, which AWS reads in the
    policy's own partition) and ``<partition>:<number>`` for each other trusted partition; an
    ARN's account is looked up the same way (``account_key``)."""

    accounts: frozenset[str]
    organizations: frozenset[str] = frozenset()
    federated_subjects: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def of(
        cls,
        accounts: Iterable[str],
        organizations: Iterable[str] = (),
        federated_subjects: Mapping[str, Iterable[str]] | None = None,
        partitions: Iterable[str] = (COMMERCIAL_PARTITION,),
    ) -> Trust:
        numbers = [str(a).strip() for a in accounts]
        others = [p for p in partitions if p != COMMERCIAL_PARTITION]
        return cls(
            frozenset(numbers) | frozenset(account_key(p, a) for p in others for a in numbers),
            frozenset(str(o).strip() for o in organizations),
            tuple(
                (str(issuer).strip().lower(), tuple(str(s) for s in subjects))
                for issuer, subjects in sorted((federated_subjects or {}).items())
            ),
        )

    def subjects_of(self, issuer: str) -> tuple[str, ...]:
        """The subject globs declared for ``issuer`` (its host and path, no scheme)."""
        issuer = _issuer(issuer)
        return tuple(
            subject
            for pattern, subjects in self.federated_subjects
            if fnmatchcase(issuer, _issuer(pattern))
            for subject in subjects
        )

    def trusts_issuer(self, issuer: str) -> bool:
        issuer = _issuer(issuer)
        return any(fnmatchcase(issuer, _issuer(p)) for p, _ in self.federated_subjects)


def _issuer(value: str) -> str:
    """An issuer as IAM names it: host and path, no scheme, no trailing slash, lower case."""
    value = value.strip().lower()
    for scheme in ("https://", "http://"):
        value = value.removeprefix(scheme)
    return value.rstrip("/")


def glob_covers(pattern: str, value: str) -> bool:
    """True if every string the IAM glob ``value`` matches is matched by the config glob
    ``pattern``: the pattern's ``*`` covers anything (the value's wildcards too), its ``?``
    covers one character that is not the value's ``*``. A policy variable (``${...}``) in the
    value counts as ``*``."""
    value = re.sub(r"\$\{[^}]*\}", "*", value)
    regex = "".join(
        ".*" if char == "*" else "[^*]" if char == "?" else re.escape(char) for char in pattern
    )
    return re.fullmatch(regex, value, re.DOTALL) is not None


def federated_subject_trusted(trust: Trust, issuer: str, value: str) -> bool:
    """True if the platform team declared ``value`` (a ``sub`` / ``aud`` condition value,
    wildcards included) under a ``trustedFederatedSubjects`` entry for ``issuer``."""
    return any(glob_covers(pattern, value) for pattern in trust.subjects_of(issuer))


def account_key(partition: str, account: str) -> str:
    """How an account of ``partition`` is named in ``Trust.accounts``: the bare number in the
    commercial partition, ``<partition>:<number>`` in any other."""
    return account if partition == COMMERCIAL_PARTITION else f"{partition}:{account}"


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
    # "Delegate access control to access points": the bucket lets in only requests made through
    # access points of this account, whose own policies then decide (S3 User Guide,
    # access-points-policies.html#access-points-delegating-control).
    "s3:dataaccesspointaccount": "account",
    "s3:dataaccesspointarn": "arn",
}

# Pins that restrict what a *service* principal acts for, besides the keys above: the KMS
# encryption context that AWS services set to the ARN of the resource they encrypt for (the
# CloudWatch Logs and CloudTrail key policies in the KMS and CloudTrail guides).
_SERVICE_PIN_KEY = re.compile(r"^kms:encryptioncontext:aws:[a-z0-9-]+:arn$")

# Actions that disclose nothing of the resource: a service principal may hold them unpinned (AWS
# documents them without a condition: "Allow CloudTrail to describe key", the log-delivery
# "AclCheck" statements, CloudFront's "Allow CloudFront to use the key to deliver logs").
_DISCLOSES_NOTHING: Final = frozenset(
    {
        "kms:describekey",
        "kms:encrypt",
        "kms:generatedatakey",
        "kms:generatedatakey*",
        "kms:generatedatakeywithoutplaintext",
        "s3:getbucketacl",
        "s3:getbucketlocation",
    }
)

# Elastic Load Balancing's log-delivery principals: the per-region ELB accounts, and the service
# principals of newer regions and Outposts ("Enable access logs for your Application Load
# Balancer", ELB User Guide, enable-access-logging.html, "Attach a policy to your S3 bucket").
# With the log-delivery service principal they write-only into .../AWSLogs/<account>/, where
# <account> is the account whose load balancers' logs land there.
ELB_LOG_DELIVERY_ACCOUNTS: Final[Mapping[str, str]] = {
    "127311923021": "us-east-1",
    "033677994240": "us-east-2",
    "027434742980": "us-west-1",
    "797873946194": "us-west-2",
    "098369216593": "af-south-1",
    "985666609251": "ca-central-1",
    "054676820928": "eu-central-1",
    "156460612806": "eu-west-1",
    "652711504416": "eu-west-2",
    "635631232127": "eu-south-1",
    "009996457667": "eu-west-3",
    "897822967062": "eu-north-1",
    "754344448648": "ap-east-1",
    "582318560864": "ap-northeast-1",
    "600734575887": "ap-northeast-2",
    "383597477331": "ap-northeast-3",
    "114774131450": "ap-southeast-1",
    "783225319266": "ap-southeast-2",
    "718504428378": "ap-south-1",
    "076674570225": "me-south-1",
    "507241528517": "sa-east-1",
    "048591011584": "us-gov-west-1",
    "190560391635": "us-gov-east-1",
}
# Services that write logs under AWSLogs/<account id>/ of the account whose resources they log:
# ELB (above), vended logs (VPC flow logs, NLB, CloudFront v2), CloudTrail ("Amazon S3 bucket
# policy for CloudTrail") and AWS Config ("Permissions for the Amazon S3 bucket").
LOG_DELIVERY_SERVICES: Final = frozenset(
    {
        "logdelivery.elasticloadbalancing.amazonaws.com",
        "logdelivery.elb.amazonaws.com",
        "delivery.logs.amazonaws.com",
        "cloudtrail.amazonaws.com",
        "config.amazonaws.com",
    }
)
_LOG_WRITE_ACTIONS: Final = frozenset({"s3:putobject"})
# An object ARN under <bucket>/[<prefix>/]AWSLogs/<account>/, with no wildcard before the account.
_AWSLOGS_OBJECT = re.compile(r"^arn:[a-z-]+:s3:::[^/*?]+/(?:[^*?]*/)?AWSLogs/(\d{12})/")

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


def foreign_access(
    document: Any, trust: Trust, *, trust_policy: bool = False
) -> list[PolicyFinding]:
    """Every way ``document`` grants access to a principal outside ``trust``.

    ``document`` is a policy as the engine sends it: a JSON string, an object, or unknown.
    ``trust_policy`` says it is a role's trust policy (service principals need no source pin
    there, see the module docstring). An empty or absent document (``None`` / ``""``) grants
    nothing. Never raises.
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
        findings.extend(_statement_findings(index, statement, trust, trust_policy))
    return findings


def _label(index: int, statement: Any) -> str:
    sid = statement.get("Sid") if isinstance(statement, Mapping) else None
    if isinstance(sid, str) and sid:
        return f"statement {sid!r}"
    return f"statement #{index + 1}"


@dataclass(frozen=True)
class _Statement:
    """What the verdict on one principal of an Allow statement depends on."""

    label: str
    condition: Any
    actions: Any  # the Action element (None when the statement uses NotAction)
    resources: Any  # the Resource element (None when it uses NotResource)
    trust_policy: bool
    pin: _Pin


def _statement_findings(
    index: int, statement: Any, trust: Trust, trust_policy: bool
) -> list[PolicyFinding]:
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
    context = _Statement(
        label=label,
        condition=condition,
        actions=None if "NotAction" in statement else statement.get("Action"),
        resources=None if "NotResource" in statement else statement.get("Resource"),
        trust_policy=trust_policy,
        pin=_pin(condition, trust),
    )
    findings: list[PolicyFinding] = []
    for category, value in _principals(statement["Principal"]):
        finding = _judge(context, category, value, trust)
        if finding is not None:
            findings.append(finding)
    return findings


@dataclass(frozen=True)
class _Pin:
    """Whether the statement's conditions restrict callers to trusted accounts."""

    pinned: bool
    unknown: bool = False


def _pin(condition: Any, trust: Trust, extra_keys: re.Pattern[str] | None = None) -> _Pin:
    """``extra_keys``: more condition keys (read as ARNs) that pin, for service principals."""
    if condition is UNKNOWN:
        return _Pin(False, unknown=True)
    if not isinstance(condition, Mapping):
        return _Pin(False)
    clauses, unknown = _positive_clauses(condition)
    for key, values in clauses:
        lowered = str(key).lower()
        how = PINNING_CONDITION_KEYS.get(lowered)
        if how is None and extra_keys is not None and extra_keys.match(lowered):
            how = "arn"
        if how is None:
            continue
        if lowered == "aws:sourcearn":
            how = "source-arn"
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
    if how == "source-arn":
        return _arn_account(value) in trust.accounts or _names_one_s3_bucket(value)
    if how == "organization":
        return value in trust.organizations
    # organization-path: o-xxxx/r-xxxx/ou-.../ ; the organization must be a trusted literal.
    org = Organization(value)
    return not org.error and org.organization in trust.organizations


def _names_one_s3_bucket(value: str) -> bool:
    """An S3 ARN with no wildcard: S3 ARNs carry no account, but a bucket name is unique, so a
    literal one names a single bucket (the source of S3 event notifications and access logs)."""
    arn = ARN(value)
    return (
        not arn.error
        and arn.tech == "s3"
        and not arn.account_number
        and bool(arn.name)
        and not any(c in value for c in "*?$")
    )


def _arn_account(value: str) -> str | None:
    """The literal account of an ARN, qualified by its partition unless that is the commercial
    one (``account_key``), or None (wildcards, malformed, account-less)."""
    arn = ARN(value)
    if arn.error or not arn.account_number or not _ACCOUNT_ID.match(arn.account_number):
        return None
    return account_key(str(arn.partition or "").lower(), str(arn.account_number))


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


def _judge(statement: _Statement, category: str, value: Any, trust: Trust) -> PolicyFinding | None:
    label, pin = statement.label, statement.pin

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
        return _judge_aws(statement, value, trust)
    if category == "Service":
        if _SERVICE.match(value):
            return _judge_service(statement, value, trust)
        if pin.pinned:
            return None
        if "*" in value:
            return _public(label, value, pin)
        return finding(Kind.UNVERIFIABLE, f"service principal {value!r} is not an AWS service")
    if category == "Federated":
        return _judge_federated(label, value, statement.condition, trust)
    # CanonicalUser: an S3 canonical id does not say which account it belongs to.
    if pin.pinned:
        return None
    return finding(
        Kind.UNVERIFIABLE,
        f"canonical user {value!r} cannot be attributed to a trusted account; grant by account ARN",
    )


def _judge_aws(statement: _Statement, value: str, trust: Trust) -> PolicyFinding | None:
    label, pin = statement.label, statement.pin

    def finding(kind: Kind, detail: str) -> PolicyFinding:
        return PolicyFinding(kind, label, detail, principal=_show(value))

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
    if account is not None and account in ELB_LOG_DELIVERY_ACCOUNTS:
        scoped = _log_delivery_write(statement, trust)
        if scoped is True:
            return None
        if scoped is UNKNOWN:
            return finding(
                Kind.UNKNOWN, "the Action or Resource of an ELB log-delivery grant is unknown"
            )
        return finding(
            Kind.FOREIGN,
            f"grants account {account} (Elastic Load Balancing's log delivery in "
            f"{ELB_LOG_DELIVERY_ACCOUNTS[account]}) more than `s3:PutObject` on "
            "`<bucket>/[<prefix>/]AWSLogs/<trusted account>/*`, the grant AWS documents for "
            "access logs",
        )
    return finding(
        Kind.FOREIGN, f"grants account {_shown_account(account)} ({value!r}), which is not trusted"
    )


def _judge_service(statement: _Statement, value: str, trust: Trust) -> PolicyFinding | None:
    """A service principal in a resource policy needs a source pin (the confused deputy)."""
    if statement.trust_policy or statement.pin.pinned:
        return None
    service_pin = _pin(statement.condition, trust, _SERVICE_PIN_KEY)
    if service_pin.pinned or _discloses_nothing(statement.actions) is True:
        return None
    scoped: bool | Any = False
    if value in LOG_DELIVERY_SERVICES:
        scoped = _log_delivery_write(statement, trust)
        if scoped is True:
            return None
    if service_pin.unknown or scoped is UNKNOWN or _discloses_nothing(statement.actions) is UNKNOWN:
        return PolicyFinding(
            Kind.UNKNOWN,
            statement.label,
            f"whether the grant to service principal {value!r} is pinned to a trusted source "
            "hinges on a value that is unknown",
            principal=repr(value),
        )
    return PolicyFinding(
        Kind.UNPINNED_SERVICE,
        statement.label,
        f"grants service principal {value!r} with no aws:SourceArn / aws:SourceAccount (or "
        "aws:SourceOrgID / aws:SourceOrgPaths) condition pinned to a trusted account, so the "
        "service can use it for resources of any AWS account (the cross-service confused deputy)",
        principal=repr(value),
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _discloses_nothing(actions: Any) -> bool | Any:
    """True if every action of the statement is one that reveals no data (see the table)."""
    if actions is None:
        return False
    if actions is UNKNOWN:
        return UNKNOWN
    items = _as_list(actions)
    if any(item is UNKNOWN for item in items):
        return UNKNOWN
    return bool(items) and all(
        isinstance(item, str) and item.lower() in _DISCLOSES_NOTHING for item in items
    )


def _log_delivery_write(statement: _Statement, trust: Trust) -> bool | Any:
    """True if the statement only lets log delivery write objects under
    ``AWSLogs/<trusted account>/``: ELB writes a load balancer's logs under its owner's account
    id, so the path decides whose logs land there."""
    actions, resources = statement.actions, statement.resources
    if actions is UNKNOWN or resources is UNKNOWN:
        return UNKNOWN
    if actions is None or resources is None:
        return False
    action_items, resource_items = _as_list(actions), _as_list(resources)
    if any(item is UNKNOWN for item in action_items + resource_items):
        return UNKNOWN
    if not action_items or not resource_items:
        return False
    if not all(isinstance(a, str) and a.lower() in _LOG_WRITE_ACTIONS for a in action_items):
        return False
    for resource in resource_items:
        match = _AWSLOGS_OBJECT.match(resource) if isinstance(resource, str) else None
        if match is None or match.group(1) not in trust.accounts:
            return False
    return True


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


def _judge_federated(label: str, value: str, condition: Any, trust: Trust) -> PolicyFinding | None:
    def finding(kind: Kind, detail: str) -> PolicyFinding:
        return PolicyFinding(kind, label, detail, principal=value)

    if value in PUBLIC_IDENTITY_PROVIDERS:
        return finding(
            Kind.FOREIGN,
            f"federated principal {value!r} admits any user of a public identity provider",
        )
    if value == _COGNITO:
        verdict = _pinned_condition(condition, f"{_COGNITO}:aud", _literal)
        if verdict is True:
            undeclared = _undeclared_subject(finding, trust, _COGNITO, condition, "aud")
            if undeclared is not None:
                return undeclared
            guests = cognito_admits_unauthenticated(condition)
            if guests is UNKNOWN:
                return finding(Kind.UNKNOWN, "the cognito-identity amr condition is unknown")
            if guests:
                return finding(
                    Kind.PUBLIC,
                    "federated principal cognito-identity.amazonaws.com admits the identity "
                    f"pool's unauthenticated (guest) identities: no `{_COGNITO}:amr` condition "
                    "pins `authenticated` (or it allows `unauthenticated`), so anyone on the "
                    "internet can get the pool's credentials for the role and reach whatever it "
                    "can",
                )
            return None
        if verdict is UNKNOWN:
            return finding(Kind.UNKNOWN, "the cognito-identity aud condition is unknown")
        return finding(
            Kind.FOREIGN,
            "federated principal cognito-identity.amazonaws.com without a "
            "cognito-identity.amazonaws.com:aud condition naming the identity pool literally "
            "(no wildcard) admits every identity pool",
        )
    arn = ARN(value)
    account = _arn_account(value)
    if arn.error or account is None:
        return finding(Kind.UNVERIFIABLE, f"federated principal {value!r} is not an IdP ARN")
    if account not in trust.accounts:
        return finding(
            Kind.FOREIGN,
            f"federated principal {value!r} is an identity provider of account "
            f"{_shown_account(account)}",
        )
    name = arn.name or ""
    if name.startswith("oidc-provider/"):
        issuer = name.removeprefix("oidc-provider/")
        pinned_subject = _github_subject if issuer == _GITHUB_ACTIONS else _oidc_subject
        verdict = _pinned_condition(condition, f"{issuer}:sub", pinned_subject)
        if verdict is True:
            audience = _audience_condition(condition, f"{issuer}:aud")
            if audience is True:
                return _undeclared_subject(finding, trust, issuer, condition, "sub")
            if audience is UNKNOWN:
                return finding(Kind.UNKNOWN, f"the {issuer}:aud condition is unknown")
            return finding(
                Kind.FOREIGN,
                f"OIDC provider {issuer!r}: the {issuer}:aud condition has a wildcard, so it "
                "admits tokens issued for any audience",
            )
        if verdict is UNKNOWN:
            return finding(Kind.UNKNOWN, f"the {issuer}:sub condition is unknown")
        return finding(
            Kind.FOREIGN, f"OIDC provider {issuer!r} {_SUBJECT_RULES.get(issuer, _OIDC_RULE)}"
        )
    return None


TRUSTED_FEDERATED_SUBJECTS: Final = "trustedFederatedSubjects"


def cognito_admits_unauthenticated(condition: Any) -> bool | Any:
    """True if a role trust of ``cognito-identity.amazonaws.com`` lets the identity pool's
    unauthenticated (guest) identities assume it: no positive ``cognito-identity.amazonaws.com:amr``
    clause whose every value excludes ``unauthenticated`` (``ForAnyValue:StringLike`` ->
    ``authenticated`` pins it; ``*`` or ``unauthenticated`` do not). A guest identity needs no
    sign-in: anyone on the internet gets one. UNKNOWN when that hinges on an unknown value."""
    if condition is UNKNOWN:
        return UNKNOWN
    if not isinstance(condition, Mapping):
        return True
    clauses, unknown = _positive_clauses(condition)
    key = f"{_COGNITO}:amr"
    for clause_key, values in clauses:
        if str(clause_key).lower() != key:
            continue
        items = _as_list(values)
        if any(item is UNKNOWN for item in items):
            unknown = True
            continue
        if items and all(
            isinstance(item, str) and not fnmatchcase("unauthenticated", item.lower())
            for item in items
        ):
            return False
    return UNKNOWN if unknown else True


def _undeclared_subject(
    finding: Callable[[Kind, str], PolicyFinding],
    trust: Trust,
    issuer: str,
    condition: Any,
    part: str,
) -> PolicyFinding | None:
    """A finding for the first ``<issuer>:<part>`` value of ``condition`` that the platform
    team did not declare in ``trustedFederatedSubjects`` (a literal repository of another
    organization, an identity pool of another account); None when every one is declared.
    The program cannot vouch for a subject: who may federate in is the platform team's call."""
    key = f"{issuer}:{part}".lower()
    clauses, _ = _positive_clauses(condition) if isinstance(condition, Mapping) else ([], False)
    undeclared: str | None = None
    for clause_key, values in clauses:
        if str(clause_key).lower() != key:
            continue
        items = _as_list(values)
        missing = [
            item
            for item in items
            if not (isinstance(item, str) and federated_subject_trusted(trust, issuer, item))
        ]
        if items and not missing:
            return None  # one pinning clause the team vouches for restricts the whole role
        undeclared = undeclared or _show(missing[0]) if missing else undeclared
    if undeclared is None:
        return None
    declared = trust.subjects_of(issuer)
    shown = (
        f"declared for {issuer!r}: {', '.join(repr(d) for d in declared)}"
        if declared
        else f"nothing is declared for {issuer!r}"
    )
    return finding(
        Kind.UNDECLARED_FEDERATION,
        f"the {issuer}:{part} value {undeclared} is not among the federated subjects the "
        f"platform team trusts (`{TRUSTED_FEDERATED_SUBJECTS}`; {shown}), so identities of a "
        "repository, organization or identity pool nobody vouched for may assume the role",
    )


_GITHUB_ACTIONS: Final = "token.actions.githubusercontent.com"
_GITHUB_SUBJECT = re.compile(r"^repo:(?P<org>[^/:]+)/(?P<repo>[^/:]+)(?::.*)?$")
_OIDC_RULE: Final = (
    "without a sub condition that names the workload literally (a wildcard only in the last "
    "`:`-separated part, after at least two literal parts) admits identities the issuer "
    "signs for other tenants"
)
_SUBJECT_RULES: Final[Mapping[str, str]] = {
    _GITHUB_ACTIONS: (
        f"without a {_GITHUB_ACTIONS}:sub condition of the form `repo:<org>/<repo>:...` with "
        "no wildcard in <org> or <repo> admits the workflows of other repositories, including "
        "other organizations'"
    ),
}


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text or "${" in text


def _literal(value: str) -> bool:
    return bool(value) and not _has_wildcard(value)


def _github_subject(value: str) -> bool:
    """``repo:<org>/<repo>[:...]`` with both names literal; what follows may be a wildcard
    (any branch, environment or event of that one repository)."""
    match = _GITHUB_SUBJECT.match(value)
    return match is not None and _literal(match["org"]) and _literal(match["repo"])


def _oidc_subject(value: str) -> bool:
    """Another issuer's subject (EKS ``system:serviceaccount:<ns>:<sa>``, GitLab
    ``project_path:<group>/<project>:...``, Terraform Cloud ``organization:<org>:project:...``):
    literal, or a wildcard only in its last ``:``-part after at least two literal parts (the
    issuer's tenant: namespace kind and name, group and project, organization)."""
    parts = value.split(":")
    return all(_literal(part) for part in parts[:-1]) and (_literal(parts[-1]) or len(parts) >= 3)


def _pinned_condition(condition: Any, key: str, pinned: Callable[[str], bool]) -> bool | Any:
    """True if a positive operator tests ``key`` and every value it allows is ``pinned``."""
    if condition is UNKNOWN:
        return UNKNOWN
    if not isinstance(condition, Mapping):
        return False
    clauses, unknown = _positive_clauses(condition)
    for clause_key, values in clauses:
        if str(clause_key).lower() != key.lower():
            continue
        items = _as_list(values)
        if any(item is UNKNOWN for item in items):
            unknown = True
            continue
        if items and all(isinstance(i, str) and pinned(i) for i in items):
            return True
    return UNKNOWN if unknown else False


def _audience_condition(condition: Any, key: str) -> bool | Any:
    """False if a positive operator tests ``key`` with a wildcard value; IAM itself checks the
    token's audience against the provider's client ids, so an absent aud condition is fine."""
    if not isinstance(condition, Mapping):
        return True
    clauses, _ = _positive_clauses(condition)
    verdict: bool | Any = True
    for clause_key, values in clauses:
        if str(clause_key).lower() != key.lower():
            continue
        for item in _as_list(values):
            if item is UNKNOWN:
                verdict = UNKNOWN
            elif not isinstance(item, str) or not _literal(item):
                return False
    return verdict


def is_service_principal(value: Any) -> bool:
    """An AWS service principal (``s3.amazonaws.com``, ``events.amazonaws.com`` ...)."""
    return isinstance(value, str) and _SERVICE.match(value) is not None


def source_arn_is_trusted(value: str, trust: Trust) -> bool:
    """A source ARN (``aws:SourceArn``, Lambda's ``sourceArn``) of a trusted account, or one
    literal S3 bucket (S3 ARNs carry no account)."""
    return _trusted_value("source-arn", value, trust)


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


def _shown_account(account: str | None) -> str:
    partition, colon, number = (account or "").rpartition(":")
    if not colon:
        return str(account)
    return (
        f"{number} of partition `{partition}` (an account in another partition is another account)"
    )


def _show(value: Any) -> str:
    return "<unknown>" if value is UNKNOWN else repr(value)


__all__ = [
    "PINNING_CONDITION_KEYS",
    "PUBLIC_IDENTITY_PROVIDERS",
    "TRUSTED_FEDERATED_SUBJECTS",
    "Kind",
    "PolicyFinding",
    "Trust",
    "account_key",
    "account_of",
    "federated_subject_trusted",
    "foreign_access",
    "glob_covers",
    "is_service_principal",
    "organization_of_arn",
    "parse_document",
    "principal_verdict",
    "source_arn_is_trusted",
]
