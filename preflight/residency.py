"""The residency view of the stack for the reports: where each resource is, what it holds, its key
and where its data is copied. Derived with the pack's own engine (``residency_pack.engine``), from
the same properties the pack received, so the report and the verdict cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format
from pulumi_policy import PolicyProviderResource
from pulumi_policy.deserialize import deserialize_properties
from residency_pack.engine import classification as classification_mod
from residency_pack.engine import dataflow, type_catalog
from residency_pack.engine.effective_region import (
    effective_region,
)
from residency_pack.engine.props import (
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
    return unwrap(deserialize_properties(json_format.MessageToDict(struct)))


def _provider(resource: EngineResource) -> PolicyProviderResource | None:
    if resource.provider is None:
        return None
    p = resource.provider
    props = deserialize_properties(json_format.MessageToDict(p.properties))
    return PolicyProviderResource(p.type, props, p.urn, p.name)


_KEY_TYPE_PREFIXES = ("aws:kms/", "oci:Kms/")


def _is_key_type(resource_type: str) -> bool:
    return resource_type.startswith(_KEY_TYPE_PREFIXES)


def _key_reference(
    resource: EngineResource, props: dict[str, Any], by_urn: dict[str, EngineResource]
) -> str | None:
    """The encryption key a resource names: the value itself, or, when it is a key created in
    the same stack (unknown in preview), that key resource's name."""
    for path, value in iter_strings(props):
        last = next((str(s) for s in reversed(path) if isinstance(s, str)), "").lower()
        if last in _KEY_FIELDS and value.strip():
            return str(value)
    for path, _ in _unknown_leaves(props):
        last = next((str(s) for s in reversed(path) if isinstance(s, str)), "").lower()
        if last in _KEY_FIELDS:
            for urn in resource.property_dependencies.get(str(path[0]), []):
                if urn in by_urn and _is_key_type(by_urn[urn].type):
                    return f"{by_urn[urn].name} (created in this stack)"
            return "(unknown until apply)"
    return None


def _store_keys(
    resources: list[EngineResource],
    props_by_urn: dict[str, dict[str, Any]],
    stores: set[str],
    by_urn: dict[str, EngineResource],
) -> dict[str, str]:
    """Keys of data stores, including those set by a separate configuration resource (an S3
    server-side encryption configuration names its bucket and its key)."""
    keys: dict[str, str] = {}
    for resource in resources:
        key = _key_reference(resource, props_by_urn[resource.urn], by_urn)
        if key is None:
            continue
        if resource.urn in stores and not _is_key_type(resource.type):
            keys.setdefault(resource.urn, key)
            continue
        for urns in resource.property_dependencies.values():
            for urn in urns:
                if urn in stores and not _is_key_type(by_urn[urn].type):
                    keys.setdefault(urn, key)
    return keys


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


@dataclass(frozen=True)
class _FlowResource:
    """A resource as the pack's data-flow graph reads it (``dataflow.FlowResource``)."""

    type: str
    urn: str
    name: str
    props: Any
    region: Any
    classification: Any
    property_dependencies: Mapping[str, Sequence[str]]


def data_flows(flow_resources: list[_FlowResource]) -> list[DataFlow]:
    """Every edge of the pack's own data-flow graph (``residency_pack.engine.dataflow``), so the
    diagram shows exactly the flows ``residency-data-flow`` judged."""
    graph = dataflow.build_graph(flow_resources)
    flows: list[DataFlow] = []
    for edge in graph.edges():
        target = graph.nodes.get(edge.target)
        if target is None:
            continue
        if target.kind == "resource":
            flows.append(DataFlow(edge.source, target.urn, None, edge.flow.value))
        elif target.kind == "region" and target.location is not None:
            flows.append(DataFlow(edge.source, None, target.location[1], edge.flow.value))
        else:
            flows.append(DataFlow(edge.source, None, None, edge.flow.value))
    return list(dict.fromkeys(flows))


def summarize(
    resources: list[EngineResource],
    properties: dict[str, Any],
    outputs: dict[str, Any] | None = None,
) -> tuple[list[ResourceSummary], list[DataFlow]]:
    """One summary per resource, and the data flows between them.

    ``properties`` maps URN -> the (possibly remediated) property struct the pack analysed.
    """
    names = {r.urn: r.name for r in resources}
    props_by_urn = {r.urn: plain_props(properties.get(r.urn, r.properties)) for r in resources}
    flow_resources: list[_FlowResource] = []
    regions: dict[str, Any] = {}
    classes: dict[str, Any] = {}
    for r in resources:
        props = props_by_urn[r.urn]
        regions[r.urn] = effective_region(r.type, props, _provider(r))
        classes[r.urn] = classification_mod.classification_of(r.type, props)
        stack_view = plain_props(outputs[r.urn]) if outputs and r.urn in outputs else props
        flow_resources.append(
            _FlowResource(
                r.type,
                r.urn,
                r.name,
                stack_view,
                regions[r.urn],
                classes[r.urn],
                r.property_dependencies,
            )
        )
    flows = data_flows(flow_resources)
    by_urn = {r.urn: r for r in resources}
    stores = {
        r.urn for r in resources if type_catalog.is_data_bearing(r.type) and r.type != STACK_TYPE
    }
    keys = _store_keys(resources, props_by_urn, stores, by_urn)
    summaries: list[ResourceSummary] = []
    region_of: dict[str, str | None] = {}
    for resource in resources:
        props = props_by_urn[resource.urn]
        region = regions[resource.urn]
        cls = classes[resource.urn]
        classification = "unknown" if cls is UNKNOWN else (cls if isinstance(cls, str) else None)
        data_store = type_catalog.is_data_bearing(resource.type)
        region_of[resource.urn] = region.region
        targets = [
            names.get(f.target_urn, f.target_urn)
            if f.target_urn
            else (f.target_region or "(unresolved)")
            for f in flows
            if f.source_urn == resource.urn
        ]
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
                encryption_key=keys.get(resource.urn),
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
