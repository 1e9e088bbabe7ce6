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


def data_flows(
    resources: list[EngineResource], props_by_urn: dict[str, dict[str, Any]]
) -> list[DataFlow]:
    """Flows from a data store to where its data is copied, from the copy-field catalog.

    A configuration resource (an S3 replication configuration, an OCI replication policy) names
    the store it copies in its ``source`` field: the flow starts at that store, resolved through
    property dependencies. An inbound entry (a read replica, a cross-region standby) is a flow
    from the store it names into the resource itself. Targets are resources of the stack where
    property dependencies resolve them, else the region the value itself names.
    """
    by_urn = {r.urn: r for r in resources}
    region_of: dict[str, str | None] = {}
    flows: list[DataFlow] = []
    for resource in resources:
        props = props_by_urn[resource.urn]
        for dest in copy_fields.destinations(resource.type, props):
            kind = str(dest.field.flow)
            linked = _linked(resource, dest.path or dest.field.at[0], dest.field, by_urn)
            if dest.field.inbound:
                for source in linked or []:
                    flows.append(DataFlow(source, resource.urn, None, kind))
                continue
            origins = [resource.urn]
            if dest.field.source:
                origins = _linked(resource, dest.field.source, None, by_urn) or origins
            for origin in origins:
                if linked:
                    flows.extend(DataFlow(origin, target, None, kind) for target in linked)
                elif dest.regions:
                    flows.extend(DataFlow(origin, None, loc[1], kind) for _, loc in dest.regions)
                else:
                    flows.append(DataFlow(origin, None, None, kind))
    del region_of
    return list(dict.fromkeys(flows))


def _linked(
    resource: EngineResource, path: str, field: Any, by_urn: dict[str, EngineResource]
) -> list[str]:
    """Resources of the stack a property references, through its property dependencies."""
    top = path.split(".")[0].split("[")[0]
    found = [u for u in resource.property_dependencies.get(top, []) if u in by_urn]
    if field is not None:
        found = [u for u in found if copy_fields.matches_target(field, by_urn[u].type)]
    return found


def summarize(
    resources: list[EngineResource], properties: dict[str, Any]
) -> tuple[list[ResourceSummary], list[DataFlow]]:
    """One summary per resource, and the data flows between them.

    ``properties`` maps URN -> the (possibly remediated) property struct the pack analysed.
    """
    names = {r.urn: r.name for r in resources}
    props_by_urn = {r.urn: plain_props(properties.get(r.urn, r.properties)) for r in resources}
    flows = data_flows(resources, props_by_urn)
    by_urn = {r.urn: r for r in resources}
    stores = {
        r.urn for r in resources if type_catalog.is_data_bearing(r.type) and r.type != STACK_TYPE
    }
    keys = _store_keys(resources, props_by_urn, stores, by_urn)
    summaries: list[ResourceSummary] = []
    region_of: dict[str, str | None] = {}
    for resource in resources:
        props = props_by_urn[resource.urn]
        region = effective_region(resource.type, props, _provider(resource))
        cls = classification_mod.classification_of(resource.type, props)
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
