"""Rule metadata and the wrapper that turns a plain check function into a CrossGuard policy.

A rule module declares a :class:`RuleSpec` and a check that yields :class:`Finding` objects from
a :class:`ResourceContext` (or :class:`StackContext`); :func:`resource_policy` /
:func:`stack_policy` build the ``pulumi_policy`` object. The wrapper is what makes every rule
fail closed:

* property bags are unwrapped first (unknowns read as ``UNKNOWN``), so the SDK never sees an
  ``UnknownValueError`` and never downgrades a residency rule to advisory;
* any exception inside a check is reported as a violation naming the error;
* config is validated against the policy's schema, defaults applied; bad config is a violation
  with one clear message;
* exemptions (URN or name glob, reason, expiry) are applied; an expired one no longer exempts
  and the violation says so; what an exemption silences is recorded (``exemption_log``) and
  reported as an advisory note;
* each message reads ``<what is wrong> Fix: <how>``.

A resource policy may add a ``stack_check`` (:class:`ResourcePolicy`): what it cannot decide
deterministically while it sees one resource at a time (a name whose resource the engine may
analyse later) it keeps, and the stack check decides on the whole stack, under the same policy
name, with the same exemptions and wrapper.
"""

from __future__ import annotations

import copy
import os
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from residency_pack.engine import exemption_log, pack_config
from residency_pack.engine.classification import classification_with_provider_defaults
from residency_pack.engine.effective_region import EffectiveRegion, effective_region
from residency_pack.engine.props import _Unknown, unwrap

PACK_TAG = "data-residency"


@dataclass(frozen=True)
class RuleSpec:
    """What a rule is: its policy name, what it checks, how bad, how to fix, and its settings."""

    name: str
    description: str
    severity: Severity
    remediation: str
    frameworks: tuple[str, ...] = ()
    # JSON-schema of the settings the rule takes besides `exemptions` and
    # `exemptionHorizonDays`, `exemptionWarningDays` (always added).
    config_properties: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    display_name: str | None = None
    # Shipped advisory in code: reported, never blocking (a new rule on probation, or one being
    # written: see docs/adding-a-rule.md). Config can make it mandatory, never the reverse.
    advisory: bool = False

    def schema_properties(self) -> dict[str, dict[str, Any]]:
        return {
            **dict(self.config_properties),
            pack_config.EXEMPTIONS: pack_config.exemptions_schema(self.name),
            pack_config.EXEMPTION_HORIZON_DAYS: pack_config.exemption_horizon_schema(),
            pack_config.EXEMPTION_WARNING_DAYS: pack_config.exemption_warning_schema(),
        }


@dataclass(frozen=True)
class Finding:
    """One violation: what is wrong; how to fix it (defaults to the rule's remediation); and,
    for stack rules, the URN of the resource it concerns."""

    message: str
    urn: str | None = None
    fix: str | None = None
    # The finding hinges on a value that is unknown in preview and cannot be resolved from the
    # stack. See `_report_findings`: pending in preview, mandatory outside it.
    unknown: bool = False


@dataclass(frozen=True)
class ResourceContext:
    type: str
    name: str
    urn: str
    props: Any  # unwrapped: plain dicts/lists, unknowns as UNKNOWN
    provider_inputs: Any  # unwrapped provider inputs ({} when there is no provider)
    protect: bool
    config: Mapping[str, Any]
    region: EffectiveRegion
    classification: str | _Unknown | None
    provider: Any = None  # the SDK's PolicyProviderResource (props unwrapped via provider_inputs)
    provider_type: str | None = None
    provider_name: str | None = None
    parent_urn: str | None = None


@dataclass(frozen=True)
class StackResource(ResourceContext):
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class StackContext:
    resources: list[StackResource]
    config: Mapping[str, Any]
    _index: Mapping[str, StackResource] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {r.urn: r for r in self.resources})

    def by_urn(self, urn: str) -> StackResource | None:
        return self._index.get(urn)


class _Provider:
    """A provider as the engine passed it, with its inputs already unwrapped."""

    def __init__(self, resource_type: str, props: Any, urn: str, name: str) -> None:
        self.resource_type = resource_type
        self.props = props
        self.urn = urn
        self.name = name


def _plain_provider(provider: Any) -> _Provider | None:
    if provider is None:
        return None
    return _Provider(
        str(getattr(provider, "resource_type", "") or ""),
        unwrap(getattr(provider, "props", None)) or {},
        str(getattr(provider, "urn", "") or ""),
        str(getattr(provider, "name", "") or ""),
    )


# What a resource's effective region and classification are derived from: its type, its
# unwrapped inputs, and its provider (type, URN, name, unwrapped inputs).
_Inputs = tuple[str, dict[str, Any], tuple[str, str, str, Any] | None]
_Derived = tuple[EffectiveRegion, str | _Unknown | None]


class _DerivedMemo:
    """Effective region and classification by URN, served only while the inputs they were
    derived from compare equal to the current call's.

    The SDK calls every policy separately with its own copy of the same resource (each resource
    policy in ``Analyze``, each stack policy in ``AnalyzeStack``), so without this each policy
    would derive the same facts again. Bounded: ``limit`` entries, the oldest dropped first.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[str, tuple[_Inputs, _Derived]] = OrderedDict()

    def get(self, urn: str, inputs: _Inputs) -> _Derived | None:
        entry = self._entries.get(urn)
        return entry[1] if entry is not None and entry[0] == inputs else None

    def put(self, urn: str, inputs: _Inputs, derived: _Derived) -> None:
        entries = self._entries
        entries.pop(urn, None)
        while len(entries) >= self.limit:
            entries.popitem(last=False)
        entries[urn] = (inputs, derived)


# ``Analyze`` runs the resource policies one after another on one resource: the last one is
# enough. ``AnalyzeStack`` runs the stack policies on the whole stack; 20,000 covers large stacks
# (an entry holds the resource's unwrapped inputs, which the call holds anyway).
_RESOURCE_MEMO = _DerivedMemo(limit=1)
_STACK_MEMO = _DerivedMemo(limit=20_000)


def _derive(
    resource_type: str, urn: str, props: Any, provider: Any, memo: _DerivedMemo | None
) -> _Shared:
    """The plain view of one resource (unwrapped inputs, provider, region, classification)."""
    plain = unwrap(props)
    if not isinstance(plain, dict):
        plain = {}
    plain_provider = _plain_provider(provider)
    inputs: _Inputs = (
        resource_type,
        plain,
        None
        if plain_provider is None
        else (plain_provider.resource_type, plain_provider.urn, plain_provider.name,
              plain_provider.props),
    )  # fmt: skip
    derived = memo.get(urn, inputs) if memo is not None else None
    if derived is None:
        derived = (
            effective_region(resource_type, plain, plain_provider),
            classification_with_provider_defaults(
                resource_type, plain, plain_provider.props if plain_provider else None
            ),
        )
        if memo is not None:
            memo.put(urn, inputs, derived)
    return _Shared(plain, plain_provider, derived[0], derived[1])


@dataclass(frozen=True)
class _Shared:
    """A resource's plain view, derived once per request and shared by the pack's policies.

    Never handed to a rule as it is: each policy gets its own copy of the property trees
    (:func:`_own_copy`), so what one policy changes no later policy sees. The region and the
    classification are immutable and shared as they are.
    """

    props: dict[str, Any]
    provider: _Provider | None
    region: EffectiveRegion
    classification: str | _Unknown | None


class RequestScratch:
    """One resource of one ``Analyze`` / ``AnalyzeStack`` request, as the pack's servicer
    (``residency_pack/decode_once.py``) hands it to every policy: the first policy that reads
    the resource derives its plain view here, the others reuse it. A policy whose arguments
    carry none (the SDK's stock servicer) derives its own."""

    __slots__ = ("shared",)

    def __init__(self) -> None:
        self.shared: _Shared | None = None


SCRATCH_ATTRIBUTE: Final = "_residency_scratch"


def _own_copy(value: Any) -> Any:
    """A policy's own copy of an unwrapped tree: fresh dicts and lists, shared immutable
    leaves (strings, numbers, ``UNKNOWN``); anything else deep-copied."""
    cls = type(value)
    if cls is dict:
        return {key: _own_copy(item) for key, item in value.items()}
    if cls is list:
        return [_own_copy(item) for item in value]
    if cls is str or value is None or cls is bool or cls is int or cls is float or cls is _Unknown:
        return value
    return copy.deepcopy(value)


def _shared_view(
    resource_type: str, urn: str, given: Any, scratch: Any, memo: _DerivedMemo
) -> _Shared:
    # ``given.props`` is read only when deriving: the pack's servicer builds the policy's
    # proxy tree on first read, so the later policies of a request never build theirs.
    if not isinstance(scratch, RequestScratch):
        return _derive(resource_type, urn, given.props, given.provider, memo)
    if scratch.shared is None:
        scratch.shared = _derive(resource_type, urn, given.props, given.provider, None)
    return scratch.shared


def _context_fields(
    resource_type: str, name: str, urn: str, given: Any, opts: Any,
    config: Mapping[str, Any], memo: _DerivedMemo,
) -> dict[str, Any]:  # fmt: skip
    """The fields of a context; ``given`` is what the SDK passed (its ``props`` and
    ``provider``: the validation args, or a stack's ``PolicyResource``)."""
    scratch = getattr(given, SCRATCH_ATTRIBUTE, None)
    shared = _shared_view(resource_type, urn, given, scratch, memo)
    plain_provider = shared.provider
    owned = isinstance(scratch, RequestScratch)  # shared with the other policies: copy
    if plain_provider is not None and owned:
        plain_provider = _Provider(
            plain_provider.resource_type, _own_copy(plain_provider.props), plain_provider.urn,
            plain_provider.name,
        )  # fmt: skip
    return {
        "type": resource_type,
        "name": name,
        "urn": urn,
        "props": _own_copy(shared.props) if owned else shared.props,
        "provider_inputs": plain_provider.props if plain_provider else {},
        "protect": bool(getattr(opts, "protect", False)),
        "config": config,
        "region": shared.region,
        "classification": shared.classification,
        "provider": plain_provider,
        "provider_type": plain_provider.resource_type if plain_provider else None,
        "provider_name": plain_provider.name if plain_provider else None,
        "parent_urn": getattr(opts, "parent", None) or None,
    }


def name_of_urn(urn: str) -> str:
    """The resource name, the last ``::`` segment of a URN."""
    return urn.rsplit("::", 1)[-1] if "::" in urn else urn


def _fix_text(spec: RuleSpec, finding: Finding) -> str:
    return (finding.fix or spec.remediation).strip()


def _message(spec: RuleSpec, finding: Finding, suffix: str) -> str:
    what = finding.message.strip()
    return f"{what}{suffix} Fix: {_fix_text(spec, finding)}"


def is_preview() -> bool:
    """True when the engine runs a preview. The CLI sets ``PULUMI_DRY_RUN`` explicitly for
    every policy pack it starts; absent, the pack assumes an update (fail closed)."""
    return os.environ.get("PULUMI_DRY_RUN", "").strip().lower() == "true"


class PendingUntilUpdate(UnknownValueError):
    """Raised by the wrapper after reporting everything decidable, when a finding hinges on a
    value that is unknown in preview and cannot be resolved from the stack. The SDK shows it as
    a visible "can't run policy ... during preview" notice; during ``pulumi up`` every input is
    known before the resource is created, and the same check runs mandatory then."""

    def __init__(self, policy: str, findings: list[Finding]) -> None:
        super().__init__(UNKNOWN_STRING_VALUE, [policy])
        self.findings = findings
        what = " ".join(f.message.strip() for f in findings)
        self.message = (
            f"{what} This is decided during `pulumi up`, before the resource is created, "
            "where it blocks if it is a violation."
        )


def _report_findings(
    spec: RuleSpec,
    findings: Iterable[Finding],
    config: Mapping[str, Any],
    report: ReportViolation,
    default_urn: str | None,
    name_for: Callable[[str | None], str | None],
    defer_unknown: bool,
) -> None:
    findings = list(findings)
    if not findings:  # the common case: nothing to match against exemptions or defer
        return
    exemptions = list(pack_config.exemptions(config))
    today = pack_config.today()
    # Only resource policies may defer: they run again, before the create, during the update.
    # Stack policies run after the update's resources exist, so theirs stay mandatory.
    preview = defer_unknown and is_preview()
    pending: list[Finding] = []
    for finding in findings:
        urn = finding.urn or default_urn
        name = name_for(urn)
        suffix = ""
        matching = [e for e in exemptions if e.matches(spec.name, urn, name)]
        active = [e for e in matching if not e.expired(today)]
        if active:
            # Not enforced, but reported (advisory) with the exemption that silenced it.
            exemption_log.record_exempted(spec.name, urn, _message(spec, finding, ""), active[0])
            continue
        if matching:
            expired = matching[0]
            suffix = (
                f" (The {expired.describe()} expired on {expired.expires.isoformat()} and no "
                "longer exempts this resource.)"
            )
        if finding.unknown:
            if preview:
                pending.append(finding)
                continue
            suffix += (
                " (The value is still unknown outside preview: fail closed.)"
                if defer_unknown
                else " (A stack policy cannot defer an unknown to the update: fail closed.)"
            )
        report(_message(spec, finding, suffix), urn)
    if pending:
        raise PendingUntilUpdate(spec.name, pending)


def _crash_finding(spec: RuleSpec, error: BaseException) -> Finding:
    where = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    at = f" at {where[0].filename.rsplit('/', 1)[-1]}:{where[0].lineno}" if where else ""
    return Finding(
        f"`{spec.name}` could not evaluate this resource ({type(error).__name__}: {error}{at}); "
        "an unevaluated residency rule is treated as a violation.",
        fix="report this to the policy pack's maintainers with the resource's inputs; until "
        "it is fixed, add an exemption with a reason and an expiry if the resource is known "
        "to be compliant.",
    )


def _config_schema(spec: RuleSpec) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties=spec.schema_properties())


class _FollowUp:
    """Whether the pack's analyzer servicer runs resource policies' stack follow-ups
    (:class:`ResourcePolicy`). Set when that servicer is built; with the SDK's stock servicer
    (an untested pulumi-policy) nothing runs them, so a rule must not wait for one."""

    active = False


def stack_follow_up_active() -> bool:
    return _FollowUp.active


def activate_stack_follow_ups(active: bool = True) -> None:
    _FollowUp.active = active


class ResourcePolicy(ResourceValidationPolicy):
    """A resource policy that may also finish, once the whole stack is known, what it could not
    decide deterministically while it saw one resource at a time (identity by name, whose
    partner the engine may analyse later). The pack's servicer runs ``stack_follow_up`` in
    ``AnalyzeStack`` and reports it under this policy's own name."""

    stack_follow_up: Callable[[StackValidationArgs, ReportViolation], None] | None = None


def resource_policy(
    spec: RuleSpec,
    check: Callable[[ResourceContext], Iterable[Finding]],
    stack_check: Callable[[StackContext], Iterable[Finding]] | None = None,
) -> ResourcePolicy:
    """A mandatory resource policy that runs ``check`` on each resource, failing closed, and
    ``stack_check`` (when given) once on the whole stack (see :class:`ResourcePolicy`)."""

    resolve_config = pack_config.ConfigResolver(spec.name, spec.schema_properties())

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        urn = str(getattr(args, "urn", "") or "")
        name = str(getattr(args, "name", "") or "") or name_of_urn(urn)
        try:
            config = resolve_config(args.get_config())
        except pack_config.ConfigError as error:
            report_violation(str(error), urn or None)
            return
        findings: list[Finding]
        try:
            fields = _context_fields(
                args.resource_type, name, urn, args, args.opts, config, _RESOURCE_MEMO
            )  # fmt: skip
            ctx = ResourceContext(**fields)
            findings = list(check(ctx))
        except Exception as error:
            findings = [_crash_finding(spec, error)]
        _report_findings(
            spec, findings, config, report_violation, urn or None,
            lambda u: name if u == urn else (name_of_urn(u) if u else None), True,
        )  # fmt: skip

    policy = ResourcePolicy(validate=validate, **_policy_metadata(spec))
    if stack_check is not None:
        policy.stack_follow_up = _stack_validate(spec, stack_check, resolve_config)
    return policy


def _policy_metadata(spec: RuleSpec) -> dict[str, Any]:
    """What the SDK's policy classes take from a rule's spec: mandatory unless the rule ships
    advisory."""
    return {
        "name": spec.name,
        "description": spec.description,
        "enforcement_level": EnforcementLevel.ADVISORY
        if spec.advisory
        else EnforcementLevel.MANDATORY,
        "config_schema": _config_schema(spec),
        "display_name": spec.display_name,
        "severity": spec.severity,
        "tags": [PACK_TAG, *spec.frameworks],
        "remediation_steps": spec.remediation,
    }


def stack_resources(resources: Iterable[Any], config: Mapping[str, Any]) -> list[StackResource]:
    """The SDK's ``PolicyResource`` list as plain :class:`StackResource` objects."""
    out: list[StackResource] = []
    for resource in resources:
        opts = getattr(resource, "opts", None)
        parent = getattr(resource, "parent", None)
        fields = _context_fields(
            resource.resource_type, resource.name, resource.urn, resource, opts, config,
            _STACK_MEMO,
        )  # fmt: skip
        if parent is not None:
            fields["parent_urn"] = parent.urn
        property_dependencies = {
            str(prop): tuple(dep.urn for dep in deps)
            for prop, deps in dict(getattr(resource, "property_dependencies", {}) or {}).items()
        }
        out.append(
            StackResource(
                **fields,
                dependencies=tuple(d.urn for d in getattr(resource, "dependencies", []) or []),
                property_dependencies=property_dependencies,
            )
        )
    # A tag written by another resource of the stack relabels its target for every stack rule
    # (the cloud shows the written tag; the data keeps its strictest label).
    # A part without a label of its own (a cluster instance) holds its cluster's data.
    from residency_pack.engine import inheritance, tag_writes  # both build on this module

    return inheritance.inherited(tag_writes.relabelled(out))


def stack_policy(
    spec: RuleSpec, check: Callable[[StackContext], Iterable[Finding]]
) -> StackValidationPolicy:
    """A mandatory stack policy that runs ``check`` once per stack, failing closed."""
    resolve_config = pack_config.ConfigResolver(spec.name, spec.schema_properties())
    validate = _stack_validate(spec, check, resolve_config)
    return StackValidationPolicy(validate=validate, **_policy_metadata(spec))


def _stack_validate(
    spec: RuleSpec,
    check: Callable[[StackContext], Iterable[Finding]],
    resolve_config: Callable[[Any], Mapping[str, Any]],
) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        try:
            config = resolve_config(args.get_config())
        except pack_config.ConfigError as error:
            report_violation(str(error), None)
            return
        findings: list[Finding]
        try:
            ctx = StackContext(stack_resources(args.resources, config), config)
            findings = list(check(ctx))
        except Exception as error:
            findings = [_crash_finding(spec, error)]
        _report_findings(
            spec, findings, config, report_violation, None,
            lambda u: name_of_urn(u) if u else None, defer_unknown=False,
        )  # fmt: skip

    return validate
