"""Test helpers that feed policies exactly what the policy SDK feeds them.

Resources are built as the engine sends them (camelCase property names, engine unknown
sentinels, a provider resource whose inputs are the provider's inputs or, for a default
provider, the stack config), encoded into the analyzer protocol's messages, and analysed by the
analyzer servicer the pack runs (the SDK's own, with the pack's ``ConfigureStack`` and
``Configure``, see ``residency_pack/servicer.py``): ``Analyze`` and ``AnalyzeStack`` deserialize
the properties and wrap them in ``unknown_checking_proxy`` themselves. As the engine does, every
call first sends ``ConfigureStack`` with the stack's config (``stack_config``: ``"ns:key"`` ->
string, e.g. ``{"aws:allowedAccountIds": '["111111111111"]'}``; empty by default, so nothing is
trusted from the stack), then ``Configure`` with the policy config, which raises
:class:`~residency_pack.servicer.ConfigRejected` for a config the pack refuses. What comes back
is the diagnostics the CLI would print, including any advisory "can't run policy during
preview" downgrade, so a test can assert that none happens.

Shipped with the pack so that anyone extending it can test a new rule the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel, Policy
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import (
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)

from residency_pack.servicer import ResidencyAnalyzerServicer

__all__ = [
    "UNKNOWN_ARRAY",
    "UNKNOWN_BOOL",
    "UNKNOWN_NUMBER",
    "UNKNOWN_OBJECT",
    "UNKNOWN_STRING",
    "Diagnostic",
    "Provider",
    "Resource",
    "analyze",
    "analyze_stack",
    "aws_provider",
    "configure",
    "oci_provider",
    "urn_of",
]

UNKNOWN_STRING = UNKNOWN_STRING_VALUE
UNKNOWN_BOOL = UNKNOWN_BOOLEAN_VALUE
UNKNOWN_NUMBER = UNKNOWN_NUMBER_VALUE
UNKNOWN_ARRAY = UNKNOWN_ARRAY_VALUE
UNKNOWN_OBJECT = UNKNOWN_OBJECT_VALUE

STACK = "prod"
PROJECT = "residency-blueprint"


def urn_of(resource_type: str, name: str, parent_types: Sequence[str] = ()) -> str:
    """A URN in the engine's format (``urn:pulumi:stack::project::[parents$]type::name``)."""
    qualified = "$".join([*parent_types, resource_type])
    return f"urn:pulumi:{STACK}::{PROJECT}::{qualified}::{name}"


@dataclass(frozen=True)
class Provider:
    type: str
    props: Mapping[str, Any]
    name: str = "default"

    @property
    def urn(self) -> str:
        return urn_of(self.type, self.name)


def aws_provider(region: str | None = "us-east-1", name: str = "default", **props: Any) -> Provider:
    """An AWS provider; ``name="default"`` mimics a default provider fed from stack config."""
    inputs = dict(props)
    if region is not None:
        inputs["region"] = region
    return Provider("pulumi:providers:aws", inputs, name)


def oci_provider(
    region: str | None = "us-ashburn-1", name: str = "default", **props: Any
) -> Provider:
    inputs = dict(props)
    if region is not None:
        inputs["region"] = region
    return Provider("pulumi:providers:oci", inputs, name)


@dataclass(frozen=True)
class Resource:
    type: str
    name: str
    props: Mapping[str, Any]
    provider: Provider | None = None
    protect: bool = False
    parent: str | None = None
    dependencies: Sequence[str] = ()
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    urn: str = ""

    def resource_urn(self) -> str:
        return self.urn or urn_of(self.type, self.name)


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    message: str
    urn: str
    enforcement: str  # "mandatory" | "advisory" | ...


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    json_format.ParseDict(dict(props), message)
    return message


def _options(resource: Resource) -> proto.AnalyzerResourceOptions:
    return proto.AnalyzerResourceOptions(protect=resource.protect, parent=resource.parent or "")


def _provider_message(provider: Provider) -> proto.AnalyzerProviderResource:
    return proto.AnalyzerProviderResource(
        type=provider.type, properties=_struct(provider.props), urn=provider.urn,
        name=provider.name,
    )  # fmt: skip


_LEVELS = {
    proto.ADVISORY: "advisory",
    proto.MANDATORY: "mandatory",
    proto.REMEDIATE: "remediate",
    proto.DISABLED: "disabled",
}


def _enforcement(properties: Mapping[str, Any]) -> Any:
    level = properties.get("enforcementLevel", "mandatory")
    return {name: value for value, name in _LEVELS.items()}[level]


def configure(
    policies: Policy | Sequence[Policy],
    config: Mapping[str, Mapping[str, Any]] | None = None,
    stack_config: Mapping[str, str] | None = None,
    *,
    sdk_servicer: bool = False,
) -> _PolicyAnalyzerServicer:
    """A servicer for ``policies`` after ``ConfigureStack`` and ``Configure``, as the engine
    makes them. ``config`` is per policy, as in ``--policy-pack-config`` (an
    ``enforcementLevel`` key is sent as the entry's level). ``sdk_servicer``: the SDK's stock
    servicer instead of the pack's (no stack config captured, no config refused), to test what
    the rules do on their own."""
    policy_list = [policies] if isinstance(policies, Policy) else list(policies)
    cls = _PolicyAnalyzerServicer if sdk_servicer else ResidencyAnalyzerServicer
    servicer = cls("residency", "0.0.1", policy_list, EnforcementLevel.MANDATORY)
    servicer.ConfigureStack(
        proto.AnalyzerStackConfigureRequest(
            stack=STACK, project=PROJECT, config=dict(stack_config or {})
        ),
        None,
    )
    if config:
        request = proto.ConfigureAnalyzerRequest()
        for policy_name, properties in config.items():
            props = {k: v for k, v in properties.items() if k != "enforcementLevel"}
            request.policyConfig[policy_name].CopyFrom(
                proto.PolicyConfig(
                    enforcementLevel=_enforcement(properties), properties=_struct(props)
                )
            )
        servicer.Configure(request, None)
    return servicer


def _diagnostics(response: Any) -> list[Diagnostic]:
    return [
        Diagnostic(d.policyName, d.message, d.urn, _LEVELS.get(d.enforcementLevel, "?"))
        for d in response.diagnostics
    ]


def analyze(
    policies: Policy | Sequence[Policy],
    resource: Resource,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    stack_config: Mapping[str, str] | None = None,
    *,
    sdk_servicer: bool = False,
) -> list[Diagnostic]:
    """Run resource policies on one resource through the SDK's ``Analyze`` (see
    :func:`configure` for ``config``, ``stack_config`` and ``sdk_servicer``)."""
    request = proto.AnalyzeRequest(
        type=resource.type,
        properties=_struct(resource.props),
        urn=resource.resource_urn(),
        name=resource.name,
        options=_options(resource),
    )
    if resource.provider is not None:
        request.provider.CopyFrom(_provider_message(resource.provider))
    servicer = configure(policies, config, stack_config, sdk_servicer=sdk_servicer)
    return _diagnostics(servicer.Analyze(request, None))


def analyze_stack(
    policies: Policy | Sequence[Policy],
    resources: Sequence[Resource],
    config: Mapping[str, Mapping[str, Any]] | None = None,
    stack_config: Mapping[str, str] | None = None,
    *,
    sdk_servicer: bool = False,
) -> list[Diagnostic]:
    """Run stack policies on a whole stack through the SDK's ``AnalyzeStack`` (see
    :func:`configure` for ``config``, ``stack_config`` and ``sdk_servicer``)."""
    request = proto.AnalyzeStackRequest()
    for resource in resources:
        message = proto.AnalyzerResource(
            type=resource.type,
            properties=_struct(resource.props),
            urn=resource.resource_urn(),
            name=resource.name,
            options=_options(resource),
            parent=resource.parent or "",
            dependencies=list(resource.dependencies),
        )
        if resource.provider is not None:
            message.provider.CopyFrom(_provider_message(resource.provider))
        for prop, urns in resource.property_dependencies.items():
            message.propertyDependencies[prop].CopyFrom(
                proto.AnalyzerPropertyDependencies(urns=list(urns))
            )
        request.resources.append(message)
    servicer = configure(policies, config, stack_config, sdk_servicer=sdk_servicer)
    return _diagnostics(servicer.AnalyzeStack(request, None))
