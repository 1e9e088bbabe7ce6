"""residency-guardrails (stack policy): the cloud-side guardrails agree with the pack's table.

A stack that declares AWS Organizations service or resource control policies (SCPs, RCPs) or
OCI compartment quotas is the cloud-side layer of the residency promise (docs/cloud-guardrails.md);
that layer must never allow what the pack's own ``allowedRegions`` table does not. Reported:

* an SCP or RCP whose region condition (``aws:RequestedRegion``) lets through a region outside
  the table's union (the regions some classification may use): a region in a deny statement's
  ``StringNotEquals``/``StringNotLike`` exception list, a pattern there that matches a region
  outside the table, an allow statement that names such a region, or a deny that lists only the
  denied regions when no SCP (or RCP) of the stack denies every region outside a list (every
  region it does not name stays open; on top of such an allow list it is a further restriction);
* an SCP or RCP declared with no attachment in the stack: a guardrail nothing is bound by;
* a deny statement whose ``NotAction`` exempts ``s3:PutReplicationConfiguration`` (such as
  ``s3:*`` or ``s3:Put*``): a gap that re-opens replication to any region;
* an OCI quota statement that sets or unsets a quota ``where request.region`` is a region the
  table does not allow: it re-opens what the guardrails zero there.

Other organization policies (backup, tag, AI opt-out) are not guardrails of this kind and are
left to the other rules. Unknowns: a policy document or quota statement that is unknown in
preview cannot be checked and is reported (pending in preview, mandatory in an update).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any, Final

from pulumi_policy import Severity

from residency_pack.engine import pack_config, region_catalog
from residency_pack.engine.iam_policy import parse_document
from residency_pack.engine.props import UNKNOWN, get, is_unknown
from residency_pack.engine.rule import Finding, RuleSpec, StackContext, StackResource, stack_policy

POLICY_TYPE: Final = "aws:organizations/policy:Policy"
ATTACHMENT_TYPE: Final = "aws:organizations/policyAttachment:PolicyAttachment"
QUOTA_TYPE: Final = "oci:Limits/quota:Quota"
# The provider's default policy type is the SCP (pulumi_aws organizations.Policy `type`).
GUARDRAIL_KINDS: Final = {"SERVICE_CONTROL_POLICY": "SCP", "RESOURCE_CONTROL_POLICY": "RCP"}
REPLICATION_ACTION: Final = "s3:PutReplicationConfiguration"
REQUESTED_REGION: Final = "aws:requestedregion"

SPEC = RuleSpec(
    name="residency-guardrails",
    display_name="Cloud guardrails agree with the allowed-regions table",
    description=(
        "SCPs and RCPs allow no AWS region outside the allowed-regions table, are attached, and "
        "carry no NotAction gap that re-opens S3 replication; OCI quotas re-open no region "
        "outside the table."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "generate the guardrails from the table (the guardrails project, guardrails/) instead "
        "of editing them: to allow a region, add it to `allowedRegions` in the pack's policy "
        "config and redeploy both layers."
    ),
    frameworks=("residency", "gdpr-art-44", "project-texas"),
    config_properties={pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema()},
)

_NEGATED = ("stringnotequals", "stringnotequalsignorecase", "stringnotlike")
_POSITIVE = ("stringequals", "stringequalsignorecase", "stringlike")
_QUOTA_REOPEN = re.compile(
    r"^\s*(set|unset)\b.*\bwhere\s+request\.region\s*=\s*'?([A-Za-z0-9-]+)'?\s*$", re.IGNORECASE
)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _operator(name: str) -> tuple[str, bool]:
    """The condition operator without its ``ForAnyValue:``/``...IfExists`` decorations, and
    whether it is a pattern (``Like``) operator."""
    base = name.split(":")[-1].lower().removesuffix("ifexists")
    return base, base.endswith("like")


def _region_clauses(statement: Mapping[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return
    for operator, pairs in condition.items():
        if not isinstance(pairs, Mapping):
            continue
        for key, values in pairs.items():
            if isinstance(key, str) and key.lower() == REQUESTED_REGION:
                yield str(operator), _list(values)


def _matching(value: str, pattern: bool, regions: Iterable[str]) -> set[str]:
    if not pattern:
        return {value} if value in regions else set()
    return {r for r in regions if fnmatchcase(r, value)}


def _is_region_allowlist(statement: Mapping[str, Any]) -> bool:
    """A deny of every region but the ones it lists: the shape of a region guardrail."""
    if str(statement.get("Effect", "")).lower() != "deny":
        return False
    return any(_operator(op)[0] in _NEGATED for op, _ in _region_clauses(statement))


def _region_problems(
    statement: Mapping[str, Any], allowed: frozenset[str], has_allowlist: bool
) -> Iterator[str]:
    known = set(region_catalog.regions("aws"))
    effect = str(statement.get("Effect", "")).lower()
    for operator, values in _region_clauses(statement):
        base, pattern = _operator(operator)
        if any(is_unknown(v) for v in values):
            yield f"its `{operator}` on aws:RequestedRegion is unknown in preview"
            continue
        named = set().union(
            *(_matching(str(v), pattern, known if pattern else {str(v)}) for v in values)
        )
        if (effect == "deny" and base in _NEGATED) or (effect == "allow" and base in _POSITIVE):
            outside = sorted(named - allowed)
            if outside:
                yield f"it lets through {', '.join(outside)} (`{operator}` on aws:RequestedRegion)"
        elif effect == "deny" and base in _POSITIVE and not has_allowlist:
            # A deny of a few regions on top of a region allow list is a further restriction;
            # as the only region guardrail of its kind in the stack, it leaves the rest open.
            still_open = sorted(known - named - allowed)
            if still_open:
                yield (
                    f"it denies only the regions it lists, so {', '.join(still_open[:3])}"
                    f"{' and others' if len(still_open) > 3 else ''} stay open"
                )


def _replication_gap(statement: Mapping[str, Any]) -> bool:
    if str(statement.get("Effect", "")).lower() != "deny" or "NotAction" not in statement:
        return False
    return any(
        isinstance(p, str) and fnmatchcase(REPLICATION_ACTION.lower(), p.lower())
        for p in _list(statement["NotAction"])
    )


def _kind(resource: StackResource) -> str | None:
    value = get(resource.props, "type", default="SERVICE_CONTROL_POLICY")
    return GUARDRAIL_KINDS.get(value) if isinstance(value, str) else None


def _document(resource: StackResource) -> Any:
    """The policy document, UNKNOWN, or the ValueError that says why it cannot be read."""
    try:
        return parse_document(get(resource.props, "content"))
    except ValueError as error:
        return error


def _statements(document: Any) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        return []
    return [s for s in _list(document.get("Statement")) if isinstance(s, Mapping)]


def _document_findings(
    resource: StackResource, kind: str, allowed: frozenset[str], has_allowlist: bool
) -> Iterator[Finding]:
    label = f"{kind} `{resource.name}`"
    document = _document(resource)
    if isinstance(document, ValueError):
        yield Finding(f"{label} cannot be checked: {document}.", urn=resource.urn)
        return
    if document is UNKNOWN:
        yield Finding(
            f"{label}: its content is unknown in preview, so the regions it allows cannot be "
            "checked against the table.",
            urn=resource.urn,
            fix="build the policy document from literal values (the guardrails project does).",
            unknown=True,
        )
        return
    for index, statement in enumerate(_list(document.get("Statement"))):
        if not isinstance(statement, Mapping):
            continue
        where = f"statement {statement.get('Sid') or index}"
        for problem in _region_problems(statement, allowed, has_allowlist):
            yield Finding(
                f"{label}, {where}: {problem}; the allowed-regions table allows only "
                f"{', '.join(sorted(allowed)) or 'no AWS region'}.",
                urn=resource.urn,
            )
        if _replication_gap(statement):
            yield Finding(
                f"{label}, {where}: its `NotAction` exempts {REPLICATION_ACTION}, a gap that "
                "re-opens S3 replication to any region.",
                urn=resource.urn,
                fix=f"list only the global services Control Tower exempts in `NotAction`, and "
                f"keep a statement that denies {REPLICATION_ACTION}.",
            )


def _attached(ctx: StackContext) -> set[str]:
    """URNs of the policies some attachment of the stack binds to a target."""
    attached: set[str] = set()
    for resource in ctx.resources:
        if resource.type != ATTACHMENT_TYPE:
            continue
        attached.update(resource.property_dependencies.get("policyId", ()))
        policy_id = get(resource.props, "policyId")
        if policy_id is UNKNOWN and not resource.property_dependencies.get("policyId"):
            attached.update(resource.dependencies)
    return attached


def _quota_findings(resource: StackResource, allowed: frozenset[str]) -> Iterator[Finding]:
    statements = get(resource.props, "statements")
    if statements is UNKNOWN:
        yield Finding(
            f"quota `{resource.name}`: its statements are unknown in preview and cannot be "
            "checked against the table.",
            urn=resource.urn,
            unknown=True,
        )
        return
    for statement in _list(statements or []):
        match = _QUOTA_REOPEN.match(statement) if isinstance(statement, str) else None
        if match and match.group(2).lower() not in allowed:
            yield Finding(
                f"quota `{resource.name}`: `{statement}` re-opens a quota in OCI region "
                f"{match.group(2)}, which the allowed-regions table does not allow (allowed: "
                f"{', '.join(sorted(allowed)) or 'none'}).",
                urn=resource.urn,
            )


def check(ctx: StackContext) -> Iterator[Finding]:
    union = pack_config.allowed_union(ctx.config)
    attached = _attached(ctx)
    guardrails = [(r, k) for r in ctx.resources if r.type == POLICY_TYPE and (k := _kind(r))]
    with_allowlist = {
        kind
        for resource, kind in guardrails
        if any(map(_is_region_allowlist, _statements(_document(resource))))
    }
    for resource in ctx.resources:
        if resource.type == QUOTA_TYPE:
            yield from _quota_findings(resource, union["oci"])
            continue
        if resource.type != POLICY_TYPE:
            continue
        kind = _kind(resource)
        if kind is None:
            continue
        yield from _document_findings(resource, kind, union["aws"], kind in with_allowlist)
        if resource.urn not in attached:
            yield Finding(
                f"{kind} `{resource.name}` is declared but no PolicyAttachment of the stack "
                "attaches it: nothing is bound by it.",
                urn=resource.urn,
                fix="attach it to the organizational units of the user-data accounts with "
                "aws.organizations.PolicyAttachment (policy_id=<policy>.id) in the same stack.",
            )


POLICY = stack_policy(SPEC, check)
