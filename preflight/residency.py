"""The residency view of the stack for the reports: where each resource is, what it holds, its key
and where its data is copied. Derived with the pack's own engine (``residency_pack.engine``), from
the same properties the pack received, so the report and the verdict cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from google.protobuf import json_format
from pulumi_policy import PolicyProviderResource
from pulumi_policy.deserialize import deserialize_properties
from residency_pack.engine import classification as classification_mod  # type: ignore[import-untyped]
from residency_pack.engine import copy_fields, type_catalog  # type: ignore[import-untyped]
from residency_pack.engine.effective_region import (  # type: ignore[import-untyped]
    effective_region,
)
from residency_pack.engine.props import (  # type: ignore[import-untyped]
    UNKNOWN,
    iter_strings,
    unwrap,
)

from preflight.model import DataFlow, EngineResource, ResourceSummary
from preflight.urns import STACK_TYPE

_KEY_FIELDS = (
    "kmskeyid",
    "kmskeyarn",
    "kmsmasterkeyid",
    "kmskeyidentifier",
    "keyid",
    "masterkeyid",
)


def plain_props(struct: Any) -> dict[str, Any]:
    """A property bag as the pack's SDK deserializes it, with unknowns as ``UNKNOWN``."""
    return unwrap(deserialize_properties(json_format.MessageToDict(struct)))  # type: ignore[no-any-return]


def _provider(resource: EngineResource) -> PolicyProviderResource | None:
    if resource.provider is None:
        return None
    p = resource.provider
    props = deserialize_properties(json_format.MessageToDict(p.properties))
    return PolicyProviderResource(p.type, props, p.urn, p.name)


def _key_reference(
    resource: EngineResource, props: dict[str, Any], names: dict[str, str]
) -> str | None:
    for path, value in iter_strings(props):
        last = next((str(s) for s in reversed(path) if isinstance(s, str)), "").lower()
        if last in _KEY_FIELDS and value.strip():
            return value
    # A key created in the same stack is unknown in preview: name it through the dependency.
    for key, urns in resource.property_dependencies.items():
        if key.lower() in _KEY_FIELDS or "kms" in key.lower() or "encryption" in key.lower():
            for urn in urns:
                if "kms" in urn.lower() or "key" in urn.lower():
                    return f"{names.get(urn, urn)} (created in this stack)"
    for path, _ in _unknown_leaves(props):
        last = next((str(s) for s in reversed(path) if isinstance(s, str)), "").lower()
        if last in _KEY_FIELDS:
            return "(unknown until apply)"
    return None


def _unknown_leaves(
    value: Any, path: tuple[Any, ...] = ()
) -> Iterable[tuple[tuple[Any, ...], Any]]:
    if value is UNKNOWN:
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _unknown_leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _unknown_leaves(v, (*path, i))


def summarize(
    resources: list[EngineResource], properties: dict[str, Any]
) -> tuple[list[ResourceSummary], list[DataFlow]]:
    """One summary per resource, and the data flows the copy-field catalog finds.

    ``properties`` maps URN -> the (possibly remediated) property struct the pack analysed.
    """
    names = {r.urn: r.name for r in resources}
    by_urn = {r.urn: r for r in resources}
    region_of: dict[str, str | None] = {}
    summaries: list[ResourceSummary] = []
    flows: list[DataFlow] = []
    for resource in resources:
        props = plain_props(properties.get(resource.urn, resource.properties))
        region = effective_region(resource.type, props, _provider(resource))
        cls = classification_mod.classification_of(resource.type, props)
        classification = "unknown" if cls is UNKNOWN else (cls if isinstance(cls, str) else None)
        data_store = type_catalog.is_data_bearing(resource.type)
        region_of[resource.urn] = region.region
        targets: list[str] = []
        for dest in copy_fields.destinations(resource.type, props):
            if dest.field.inbound:
                continue
            located = [loc for _, loc in dest.regions]
            resolved = _resolve_targets(resource, dest, by_urn)
            for urn in resolved:
                targets.append(names.get(urn, urn))
                flows.append(DataFlow(resource.urn, urn, None, dest.field.label))
            if not resolved:
                for _cloud, reg in located:
                    targets.append(reg)
                    flows.append(DataFlow(resource.urn, None, reg, dest.field.label))
                if not located:
                    targets.append("(unresolved)")
                    flows.append(DataFlow(resource.urn, None, None, dest.field.label))
        summaries.append(
            ResourceSummary(
                urn=resource.urn,
                type=resource.type,
                name=resource.name,
                provider=resource.provider.urn if resource.provider else None,
                region=region.region,
                cloud=region.cloud,
                classification=classification,
                parent=resource.parent or None,
                source=resource.source,
                data_store=data_store and resource.type != STACK_TYPE,
                encryption_key=_key_reference(resource, props, names) if data_store else None,
                replication_targets=tuple(dict.fromkeys(targets)),
            )
        )
    # A flow to another resource of the stack lands in that resource's region.
    flows = [
        DataFlow(
            f.source_urn, f.target_urn, f.target_region or region_of.get(f.target_urn or ""), f.via
        )
        for f in flows
    ]
    return summaries, flows


def _resolve_targets(
    resource: EngineResource, dest: Any, by_urn: dict[str, EngineResource]
) -> list[str]:
    """Resources of the stack a destination references, through property dependencies."""
    top = (
        dest.path.split(".")[0].split("[")[0]
        if dest.path
        else (dest.field.at[0] if dest.field.at else "")
    )
    urns = resource.property_dependencies.get(top, [])
    found = [
        u for u in urns if u in by_urn and copy_fields.matches_target(dest.field, by_urn[u].type)
    ]
    return found
