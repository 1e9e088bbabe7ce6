"""Decode each analyzer request once, not once per policy.

In pulumi-policy 1.21 ``_PolicyAnalyzerServicer.Analyze`` and ``.AnalyzeStack`` decode the
request's properties (``json_format.MessageToDict`` + ``deserialize_properties``, and the same
for the provider's) *inside* the loop over policies, so a pack of N policies decodes every
request N times; the SDK's own ``Remediate`` already decodes outside its loop.
:class:`DecodeOnceServicer` is the SDK's servicer with those two methods re-written so that the
decode happens once per request (and once per distinct provider of an ``AnalyzeStack``
request), and everything else is the SDK's code unchanged, in the same order: the enforcement
levels, the not-applicable answers, the "can't run policy during preview" diagnostics, the
parents and dependencies of stack resources.

Each policy still gets its own objects, as from the stock servicer: its own
``unknown_checking_proxy`` tree (the SDK's proxies are *not* read-only: ``_DictProxy`` has
``__setitem__``, and ``props["__target"]`` hands out the dict underneath; building the proxy
tree copies every dict and list, so what one policy changes no other policy sees), its own
options, provider and ``PolicyResource`` objects. Only immutable leaves (strings, numbers,
booleans, ``None``) are shared; a request holding assets or archives (mutable objects) is
deep-copied per policy. A policy's proxy tree is built when it first reads ``props`` (the
pack's rules read the request's shared plain view instead, see
``engine/rule.py``'s ``RequestScratch``, so only the first one builds a tree).
``Remediate`` is taken over too: when no policy at the ``remediate`` level has a remediation, its
answer is built without decoding the request (the SDK decodes it first, then finds nothing to
run). The one difference: a request the SDK could not decode fails the SDK's ``Remediate``; here
it fails the ``Analyze`` the engine sends next, which decodes it.

``tests/pack/test_decode_once.py`` runs the stock servicer and this one on the same requests and
requires identical responses.

Written against the SDK's private internals, so it is pinned with the rest of the pack's
servicer (``residency_pack.servicer.TESTED_SDK``); outside that range the stock servicer runs.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

import pulumi_policy.policy as sdk_policy
from google.protobuf import json_format
from pulumi.runtime import proto
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyProviderResource,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from residency_pack.engine.rule import (
    SCRATCH_ATTRIBUTE,
    RequestScratch,
    activate_stack_follow_ups,
)

_JSON_LEAVES = (str, float, int, bool, type(None))


@dataclass(frozen=True)
class Decoded:
    """One property bag as the SDK decodes it, shared by the policies of one request."""

    value: dict[str, Any]
    plain: bool  # only dicts, lists and JSON scalars: no object a policy could change in place

    def view(self) -> Any:
        """A policy's own proxy tree over the bag: fresh dicts and lists, shared scalars."""
        return unknown_checking_proxy(self.value if self.plain else copy.deepcopy(self.value))


def _is_plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_is_plain(item) for item in value.values())
    if isinstance(value, list):
        return all(_is_plain(item) for item in value)
    return isinstance(value, _JSON_LEAVES)


def decode(struct: Any) -> Decoded:
    """What the SDK's ``Analyze`` builds per policy from a ``Struct``, built once."""
    value = deserialize_properties(json_format.MessageToDict(struct))
    return Decoded(value, _is_plain(value))


class _OnFirstRead:
    """The ``props`` attribute of the SDK's argument objects, holding a :class:`Decoded` until
    the policy first reads it and only then building the policy's own proxy tree: the pack's
    rules read their resource through the request's shared plain view
    (``engine/rule.py``, :class:`~residency_pack.engine.rule.RequestScratch`), so a tree that
    nobody reads is never built. What a policy reads is what the stock servicer gives it."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_decoded_{name}"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.slot]
        if type(value) is Decoded:
            value = obj.__dict__[self.slot] = value.view()
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value


def _unread(props: Decoded) -> Any:
    """``props`` for an argument object's constructor: :class:`_OnFirstRead` holds it."""
    return props


class _ResourceArgs(ResourceValidationArgs):
    props = _OnFirstRead()


class _StackResource(PolicyResource):
    props = _OnFirstRead()


class _ProviderResource(PolicyProviderResource):
    props = _OnFirstRead()


@dataclass(frozen=True)
class _Provider:
    type: str
    urn: str
    name: str
    props: Decoded

    def view(self) -> PolicyProviderResource:
        return _ProviderResource(self.type, _unread(self.props), self.urn, self.name)


class _Providers:
    """Providers of one request, decoded once each: an ``AnalyzeStack`` request repeats the
    same provider for every resource it manages. Keyed by the provider message's bytes, so two
    entries share a decode only when the engine sent exactly the same provider."""

    def __init__(self) -> None:
        self._by_message: dict[bytes, _Provider] = {}

    def of(self, request: Any) -> _Provider | None:
        if not request.HasField("provider"):
            return None
        message = request.provider
        key = message.SerializeToString(deterministic=True)
        provider = self._by_message.get(key)
        if provider is None:
            props = decode(message.properties)
            provider = _Provider(message.type, message.urn, message.name, props)
            self._by_message[key] = provider
        return provider


@dataclass(frozen=True)
class _StackEntry:
    """One resource of an ``AnalyzeStack`` request, decoded once."""

    message: Any  # the request's AnalyzerResource
    props: Decoded
    provider: _Provider | None
    scratch: RequestScratch


def _stack_entries(request: Any) -> list[_StackEntry]:
    """An ``AnalyzeStack`` request's resources, each decoded once, for every stack policy."""
    providers = _Providers()
    return [
        _StackEntry(r, decode(r.properties), providers.of(r), RequestScratch())
        for r in request.resources
    ]


def _run(result: Any) -> None:
    """As the SDK runs a validation that returned an awaitable."""
    if isawaitable(result):
        loop = asyncio.new_event_loop()
        task: asyncio.Task[Any] = asyncio.Task(result, loop=loop)  # type: ignore[arg-type]
        loop.run_until_complete(task)
        loop.close()


class DecodeOnceServicer(sdk_policy._PolicyAnalyzerServicer):
    """The SDK's analyzer servicer; ``Analyze`` and ``AnalyzeStack`` decode each request once.
    ``AnalyzeStack`` also runs resource policies' stack follow-ups (``rule.ResourcePolicy``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activate_stack_follow_ups()

    def _sdk(self, field: str) -> Any:
        # The SDK keeps its state in name-mangled private attributes.
        return getattr(self, f"_PolicyAnalyzerServicer__{field}")

    def _validation_failed(self, response: Any, policy: Policy, error: Exception) -> None:
        """The SDK's answer to a policy that raised ``UnknownValueError`` or ``_NotApplicable``."""
        if isinstance(error, UnknownValueError):
            name, version = self._sdk("policy_pack_name"), self._sdk("policy_pack_version")
            response.diagnostics.append(
                proto.AnalyzeDiagnostic(
                    policyName=policy.name,
                    policyPackName=name,
                    policyPackVersion=version,
                    message=(
                        f"can't run policy '{policy.name}' from policy pack "
                        f"'{name}@v{version}' during preview: {error.message}"
                    ),
                    urn="",
                    description=policy.description,
                    enforcementLevel=self._map_enforcement_level(EnforcementLevel.ADVISORY),
                )
            )
            return
        reason = getattr(error, "reason", None)
        response.not_applicable.append(
            proto.PolicyNotApplicable(policy_name=policy.name, reason=reason or "")
        )

    def _validate(self, response: Any, policy: Any, args: Any, report: Callable[..., Any]) -> None:
        try:
            _run(policy.validate(args, report))
        except (UnknownValueError, sdk_policy._NotApplicableError) as error:
            self._validation_failed(response, policy, error)

    def Analyze(self, request: Any, _context: Any) -> Any:
        self._configure_runtime_settings()
        response = proto.AnalyzeResponse()
        props: Decoded | None = None
        provider: _Provider | None = None
        scratch = RequestScratch()
        for policy in self._sdk("policies"):
            enforcement_level = self._get_enforcement_level(policy)
            if enforcement_level == EnforcementLevel.DISABLED or not isinstance(
                policy, ResourceValidationPolicy
            ):
                continue
            if not policy.has_validation():
                response.not_applicable.append(
                    proto.PolicyNotApplicable(
                        policy_name=policy.name, reason="Policy does not implement validate"
                    )
                )
                continue
            if enforcement_level == EnforcementLevel.REMEDIATE:
                enforcement_level = EnforcementLevel.MANDATORY
            report = self._create_report_violation(
                response, policy.name, policy.description, enforcement_level, policy.severity
            )
            if props is None:  # decoded where the SDK first decodes: at the first policy it runs
                props = decode(request.properties)
                provider = _Providers().of(request)
            args = _ResourceArgs(
                request.type,
                _unread(props),
                request.urn,
                request.name,
                self._get_resource_options(request),
                provider.view() if provider is not None else None,
                self._get_policy_config(policy.name),
                self._sdk("stack_tags"),
            )
            setattr(args, SCRATCH_ATTRIBUTE, scratch)
            self._validate(response, policy, args, report)
        return response

    def AnalyzeStack(self, request: Any, _context: Any) -> Any:
        self._configure_runtime_settings()
        response = proto.AnalyzeResponse()
        entries: list[_StackEntry] | None = None
        for policy in self._sdk("policies"):
            enforcement_level = self._get_enforcement_level(policy)
            if enforcement_level == EnforcementLevel.DISABLED or not isinstance(
                policy, StackValidationPolicy
            ):
                continue
            if enforcement_level == EnforcementLevel.REMEDIATE:
                enforcement_level = EnforcementLevel.MANDATORY
            report = self._create_report_violation(
                response, policy.name, policy.description, enforcement_level, policy.severity
            )
            if entries is None:
                entries = _stack_entries(request)
            args = StackValidationArgs(
                self._stack_view(entries),
                self._get_policy_config(policy.name),
                self._sdk("stack_tags"),
            )
            self._validate(response, policy, args, report)
        self._stack_follow_ups(request, response, entries)
        return response

    def Remediate(self, request: Any, context: Any) -> Any:
        """The SDK's ``Remediate``, without decoding the request when no policy could use it.

        The engine calls ``Remediate`` for every resource before ``Analyze``. The SDK decodes the
        request's properties and provider first, then answers each resource policy at the
        ``remediate`` level that has no remediation as not applicable, and runs the others. When
        no such policy has a remediation (the residency pack's own policies have none), the
        answer does not depend on the request: it is built without decoding it."""
        remediating = [
            policy
            for policy in self._sdk("policies")
            if isinstance(policy, ResourceValidationPolicy)
            and self._get_enforcement_level(policy) == EnforcementLevel.REMEDIATE
        ]
        if any(policy.has_remediation() for policy in remediating):
            return super().Remediate(request, context)
        self._configure_runtime_settings()
        response = proto.RemediateResponse()
        response.not_applicable.extend(
            proto.PolicyNotApplicable(
                policy_name=policy.name, reason="Policy does not implement remediate"
            )
            for policy in remediating
        )
        return response

    def _stack_follow_ups(
        self, request: Any, response: Any, entries: list[_StackEntry] | None
    ) -> None:
        """Each resource policy's stack follow-up, reported under that policy's name."""
        for policy in self._sdk("policies"):
            follow_up = getattr(policy, "stack_follow_up", None)
            if follow_up is None or not isinstance(policy, ResourceValidationPolicy):
                continue
            enforcement_level = self._get_enforcement_level(policy)
            if enforcement_level == EnforcementLevel.DISABLED:
                continue
            if enforcement_level == EnforcementLevel.REMEDIATE:
                enforcement_level = EnforcementLevel.MANDATORY
            report = self._create_report_violation(
                response, policy.name, policy.description, enforcement_level, policy.severity
            )
            if entries is None:
                entries = _stack_entries(request)
            args = StackValidationArgs(
                self._stack_view(entries),
                self._get_policy_config(policy.name),
                self._sdk("stack_tags"),
            )
            try:
                _run(follow_up(args, report))
            except (UnknownValueError, sdk_policy._NotApplicableError) as error:
                self._validation_failed(response, policy, error)

    def _stack_view(self, entries: list[_StackEntry]) -> list[PolicyResource]:
        """One policy's resources, linked to their parents and dependencies as the SDK links
        them (an URN that names no resource of the request is left out)."""
        resources: list[PolicyResource] = []
        by_urn: dict[str, PolicyResource] = {}
        for entry in entries:
            r = entry.message
            resource: PolicyResource = _StackResource(
                r.type,
                _unread(entry.props),
                r.urn,
                r.name,
                self._get_resource_options(r),
                entry.provider.view() if entry.provider is not None else None,
                None,
                [],
                {},
            )
            setattr(resource, SCRATCH_ATTRIBUTE, entry.scratch)
            resources.append(resource)
            by_urn[r.urn] = resource
        for entry, resource in zip(entries, resources, strict=True):
            r = entry.message
            if r.parent in by_urn:
                resource.parent = by_urn[r.parent]
            resource.dependencies.extend(by_urn[d] for d in r.dependencies if d in by_urn)
            for key, deps in r.propertyDependencies.items():
                resource.property_dependencies[key] = [by_urn[d] for d in deps.urns if d in by_urn]
        return resources
