"""The data-flow graph of a stack, and where US user data can reach through it.

Nodes are the stack's resources, plus one node per destination outside the stack: a region a
copy goes to, or a destination that cannot be located at all. Edges come from the copy-field
catalog (:mod:`residency_pack.engine.copy_fields`): replication, copy, backup, restore, export
and subscription properties. A reference to another resource is resolved, in this order:

1. by value: the string (name, ARN, OCID, id) equals an identifying property of a resource of
   the stack (``arn``, ``id``, ``name``, ``bucket``, ...), of a type the field may reference;
2. by property dependency: while the value is unknown (preview), the engine's
   ``propertyDependencies`` of the top-level property name the resources it comes from;
3. by location: an ARN, OCID, availability-domain or region name gives a region node;
4. otherwise the destination is *unresolved*, which fails closed when user data reaches it.

:func:`user_data_breaches` runs one breadth-first search from every ``us-user-data`` resource
at once (and from every resource whose classification is unknown: fail closed), so the cost is
linear in resources plus flows. Every resource, region or unresolved destination that user data
reaches and that may not hold it is a breach, reported with one shortest witness path. A
receiving store classified ``non-personal``/``public`` (or not at all) is a breach wherever it
is: classification laundering.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal, Protocol

from residency_pack.engine import copy_fields, pack_config, type_catalog
from residency_pack.engine.classification import US_USER_DATA
from residency_pack.engine.copy_fields import (
    CopyField,
    Destination,
    FlowKind,
    Location,
    Named,
    Trust,
)
from residency_pack.engine.effective_region import EffectiveRegion
from residency_pack.engine.props import UNKNOWN
from residency_pack.engine.region_catalog import Cloud

# Properties whose value identifies a resource when another resource references it.
IDENTITY_PROPS: Final[tuple[str, ...]] = (
    "id",
    "arn",
    "name",
    "bucket",
    "identifier",
    "clusterIdentifier",
    "keyId",
    "replicationGroupId",
    "globalClusterIdentifier",
    "globalReplicationGroupId",
    "dbSnapshotArn",
    "dbClusterSnapshotArn",
    # Known after an update: the addresses connectors name (a database's host, a table's
    # stream, a queue's URL, a data source's endpoint).
    "address",
    "endpoint",
    "streamArn",
    "url",
    "endpointArn",
    "namespace",  # an OCI bucket's Object Storage namespace: its tenancy's
)
TAG_FIELDS: Final[tuple[str, ...]] = ("tags", "freeformTags")
MAX_PATH_HOPS: Final = 16  # a witness path longer than this is shortened in messages


class FlowResource(Protocol):
    """What the graph needs of a resource (``rule.StackResource`` has all of it)."""

    @property
    def type(self) -> str: ...
    @property
    def urn(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def props(self) -> Any: ...
    @property
    def region(self) -> EffectiveRegion: ...
    @property
    def classification(self) -> Any: ...
    @property
    def property_dependencies(self) -> Mapping[str, Sequence[str]]: ...


NodeKind = Literal["resource", "place", "unresolved", "outside"]


@dataclass(frozen=True)
class Node:
    key: str
    kind: NodeKind
    label: str
    urn: str | None = None  # the resource (resource nodes) or the resource configuring the flow
    place: Named | None = None  # place nodes: what the value names
    reason: str = ""  # unresolved nodes: why the destination cannot be located
    unknown: bool = False  # unresolved because a value is unknown (preview)
    origin: bool = False  # data outside the stack whose classification cannot be seen


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    flow: FlowKind
    via: str  # URN of the resource whose property creates the flow
    field: str  # that property's path

    def describe(self, graph: FlowGraph) -> str:
        via = graph.nodes[self.via].label if self.via in graph.nodes else self.via
        return f"{self.flow.value} via {via}.{self.field}"


@dataclass
class FlowGraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    out: dict[str, list[Edge]] = field(default_factory=dict)

    def add_node(self, node: Node) -> str:
        self.nodes.setdefault(node.key, node)
        return node.key

    def add_edge(self, edge: Edge) -> None:
        if edge.source != edge.target:
            self.out.setdefault(edge.source, []).append(edge)

    def edges(self) -> Iterator[Edge]:
        for edges in self.out.values():
            yield from edges

    def successors(self, key: str) -> list[str]:
        return [e.target for e in self.out.get(key, [])]


def _reference_keys(value: str) -> list[str]:
    """The identities a reference may be written as: itself, the bucket of an S3 ARN or of a
    ``/bucket/prefix`` home directory, the host of a URL or JDBC string."""
    keys = [value]
    if value.startswith("arn:aws:s3:::"):
        keys.append(value[len("arn:aws:s3:::") :].split("/", 1)[0])
    elif value.startswith(("s3://", "s3a://", "oci://")):  # s3://bucket/key, oci://bucket@ns/
        keys.append(value.split("://", 1)[1].split("/", 1)[0].split("@", 1)[0])
    elif value.startswith("/") and len(value) > 1:  # /bucket/prefix (a home directory)
        keys.append(value[1:].split("/", 1)[0])
    elif "/" in value and ":" not in value:  # bucket/key (an S3 object copy's source)
        keys.append(value.split("/", 1)[0])
    elif ("." in value or "://" in value) and (host := copy_fields.host_of(value)):
        keys.append(host)
    return keys


class _Resolver:
    """Finds the stack resources a reference names. Built once per stack: O(resources)."""

    def __init__(self, resources: Sequence[FlowResource]) -> None:
        self.resources = resources
        self.by_urn: dict[str, FlowResource] = {r.urn: r for r in resources}
        self.by_value: dict[str, list[str]] = {}
        self.by_tag: dict[tuple[str, str], list[str]] = {}
        self.by_tag_key: dict[str, list[str]] = {}
        for resource in resources:
            if type_catalog.is_provider(resource.type) or not isinstance(resource.props, dict):
                continue
            for prop in IDENTITY_PROPS:
                value = resource.props.get(prop)
                if isinstance(value, str) and value:
                    self.by_value.setdefault(value, []).append(resource.urn)
            for field_name in TAG_FIELDS:
                tags = resource.props.get(field_name)
                if not isinstance(tags, dict):
                    continue
                for key, tag in tags.items():
                    self.by_tag_key.setdefault(str(key), []).append(resource.urn)
                    if isinstance(tag, str):
                        self.by_tag.setdefault((str(key), tag), []).append(resource.urn)

    def tagged(self, key: str, value: str | None, self_urn: str) -> list[str]:
        found = self.by_tag_key.get(key, []) if value is None else self.by_tag.get((key, value), [])
        return [u for u in found if u != self_urn]

    def _eligible(self, entry: CopyField, urn: str, self_urn: str) -> bool:
        target = self.by_urn.get(urn)
        if target is None or urn == self_urn or type_catalog.is_provider(target.type):
            return False
        if type_catalog.is_region_neutral(target.type) and not entry.targets:
            return False
        return copy_fields.matches_target(entry, target.type)

    def by_reference(self, entry: CopyField, value: str, self_urn: str) -> list[str]:
        candidates = [u for key in _reference_keys(value) for u in self.by_value.get(key, ())]
        return [u for u in dict.fromkeys(candidates) if self._eligible(entry, u, self_urn)]

    def by_dependency(self, entry: CopyField, resource: FlowResource, path: str) -> list[str]:
        deps = resource.property_dependencies.get(_top_level(path), ())
        return [u for u in dict.fromkeys(deps) if self._eligible(entry, u, resource.urn)]

    def own_endpoints(self, resource: FlowResource, path: str) -> list[str]:
        """The cloud resources of this stack that the value at ``path`` is an output of (not a
        command, a random string or a stack reference, whose outputs only spell a place)."""
        deps = resource.property_dependencies.get(_top_level(path), ())
        return [
            urn for urn in dict.fromkeys(deps)
            if urn != resource.urn and (found := self.by_urn.get(urn)) is not None
            and type_catalog.cloud_of(found.type) is not None
            and not type_catalog.is_provider(found.type)
        ]  # fmt: skip

    def carries_data(self, entry: CopyField, urn: str) -> bool:
        """True if a resource a destination's unknown value comes from can be where data goes:
        a store, or a resource the flow catalog follows on (a connector). An output of anything
        else (a command, a random string, a parameter read from elsewhere) only spells the
        destination: where it points cannot be told in preview."""
        found = self.by_urn.get(urn)
        if found is None:
            return False
        if entry.targets:
            return True
        if type_catalog.cloud_of(found.type) is None:  # a command, a random string, a stack
            return False  # reference: its output is a value, not a place data goes
        return type_catalog.is_data_bearing(found.type) or bool(copy_fields.fields_for(found.type))


def _resource_label(resource: FlowResource) -> str:
    return resource.name or resource.urn


def _place_node(via: FlowResource, named: Named) -> Node:
    where = f" in {named.cloud} region {named.region}" if named.region and named.cloud else ""
    return Node(
        key=f"place|{via.urn}|{named.value}",
        kind="place",
        label=f"{named.value!r}{where}",
        urn=via.urn,
        place=named,
    )


def _unresolved_node(via: FlowResource, destination: Destination) -> Node:
    if destination.opaque:
        shown = ", ".join(f"`{path}`" for path, _ in destination.opaque)
        reason = f"its far end is hidden in {shown}, which the pack cannot read"
        unknown = False
    else:
        shown = ", ".join(f"`{path}`" for path in destination.unknown)
        reason = (
            f"{shown} is unknown during preview and is not an output of a cloud resource of this "
            "stack"
        )
        unknown = True
    return Node(
        key=f"unresolved|{via.urn}|{destination.path}|{destination.field.label}",
        kind="unresolved",
        label=f"unresolved destination of {_resource_label(via)}",
        urn=via.urn,
        reason=reason,
        unknown=unknown,
    )


def _outside_node(via: FlowResource, path: str, value: Any) -> Node:
    """A store outside the stack that data comes from: its classification cannot be seen, so
    it is held to us-user-data (fail closed)."""
    shown = repr(value) if isinstance(value, str) else f"`{path}` (unknown)"
    return Node(
        key=f"outside|{via.urn}|{path}",
        kind="outside",
        label=f"{shown} outside the stack",
        urn=via.urn,
        origin=True,
    )


_REGION_KINDS: Final = ("region", "availability-domain")


@dataclass(frozen=True)
class _Resolved:
    """A destination resolved against the stack: the resources it names, the places outside
    the stack its other values name, and whether an unknown value stays unresolved."""

    matched: list[str]
    places: list[Named]
    unresolved: bool


def _resolve(resolver: _Resolver, resource: FlowResource, destination: Destination) -> _Resolved:
    entry = destination.field
    # A destination in a named region: a same-named store elsewhere (the source bucket itself,
    # often) is not it, and then the destination is outside the stack.
    regions = set() if entry.scans else {location for _, location in destination.regions}

    def located(urns: list[str]) -> list[str]:
        if not regions:
            return urns
        return [u for u in urns if _located_in(resolver.by_urn[u].region, regions)]

    by_path: dict[str, list[Named]] = {}
    for named in destination.named:
        by_path.setdefault(named.path, []).append(named)
    matched: list[str] = []
    places: list[Named] = []
    for path, value in destination.values:
        found = located(resolver.by_reference(entry, value, resource.urn))
        if not found and entry.targets and not entry.scans:
            found = located(resolver.by_dependency(entry, resource, path))
        if found:
            matched += found
        else:
            places += by_path.get(path, [])
    for _, value in destination.references:
        matched += resolver.by_reference(entry, value, resource.urn)
    unresolved = False
    for path in destination.unknown:
        if not resource.property_dependencies.get(_top_level(path)):
            continue  # computed by the provider, not a destination the program names
        found = located(resolver.by_dependency(entry, resource, path))
        if not entry.scans:
            found = [u for u in found if resolver.carries_data(entry, u)]
            # However the value is composed (the output itself, with a path appended, an
            # interpolation), an output of a cloud resource of this stack names that resource's
            # own endpoint (an API's URL): the data goes there, judged by its region.
            found = found or resolver.own_endpoints(resource, path)
        matched += found
        unresolved = unresolved or (not found and not entry.scans)
    if matched:  # the region field located what matched; it is not a far end of its own
        places = [p for p in places if p.kind not in _REGION_KINDS]
    return _Resolved(list(dict.fromkeys(matched)), places, unresolved)


def _located_in(region: EffectiveRegion, locations: set[Location]) -> bool:
    return region.cloud is not None and any(
        (region.cloud, name) in locations for name in region.regions
    )


_Uses = dict[str, set[str]]  # URN -> {"source", "target"}: how tasks use a connector endpoint


def _sources(
    graph: FlowGraph, resolver: _Resolver, resource: FlowResource, entry: CopyField, uses: _Uses
) -> list[str]:
    if entry.outside:
        return [_from_outside(graph, resource, entry.outside)]
    if entry.source is None and entry.source_tags is None:
        return [resource.urn]
    found: list[str] = []
    every_store = False
    for path, value in copy_fields.source_values(entry, resource.props):
        if isinstance(value, str) and "*" in value:
            every_store = True  # an ARN pattern: fail closed, every store of the cloud
            continue
        if value is UNKNOWN and not resource.property_dependencies.get(_top_level(path)):
            continue  # computed by the provider: not a source the program names
        named = [] if value is UNKNOWN else resolver.by_reference(_ANY_SOURCE, value, resource.urn)
        named = named or resolver.by_dependency(_ANY_SOURCE, resource, path)
        for urn in named:
            uses.setdefault(urn, set()).add("source")
        # A source outside the stack: what it holds cannot be seen (fail closed).
        found += named or [graph.add_node(_outside_node(resource, path, value))]
    for key, value in copy_fields.source_tag_filter(entry, resource.props) or ():
        if key:
            found += resolver.tagged(key, value, resource.urn)
        else:
            every_store = True
    if every_store:
        found.append(_every_store(graph, resolver, resource, entry))
    return list(dict.fromkeys(found)) or [resource.urn]


def _from_outside(graph: FlowGraph, selector: FlowResource, what: str) -> str:
    """Data from outside the stack (every log group of the account, the files a server's users
    upload): its classification cannot be seen, so it is held to user data."""
    return graph.add_node(
        Node(key=f"from-outside|{selector.urn}|{what}", kind="outside", label=what,
             urn=selector.urn, origin=True)
    )  # fmt: skip


def _every_store(
    graph: FlowGraph, resolver: _Resolver, selector: FlowResource, entry: CopyField
) -> str:
    """One node per cloud that every data store of that cloud flows into: what a wildcard or
    unknown selection selects. Built once, so the graph stays linear."""
    cloud = copy_fields.region_catalog_cloud(selector.type) or "any"
    key = f"every-store|{cloud}"
    if key not in graph.nodes:
        graph.add_node(Node(key, "resource", f"every {cloud} data store of the stack"))
        for resource in resolver.resources:
            if (
                copy_fields.region_catalog_cloud(resource.type) == cloud
                and type_catalog.is_data_bearing(resource.type)
                and resource.type not in copy_fields.CONDUIT_TYPES
            ):
                graph.add_edge(
                    Edge(resource.urn, key, entry.flow, selector.urn, "selection (wildcard)")
                )
    return key


_ANY_SOURCE: Final = CopyField("", "", FlowKind.COPY, ())


def build_graph(resources: Sequence[FlowResource]) -> FlowGraph:
    """The data-flow graph of ``resources``. Linear in resources plus catalogued fields."""
    resolver = _Resolver(resources)
    graph = FlowGraph()
    for resource in resources:
        graph.add_node(Node(resource.urn, "resource", _resource_label(resource), urn=resource.urn))
    uses: _Uses = {}
    duplex: list[tuple[FlowResource, Destination]] = []
    for resource in resources:
        if not copy_fields.fields_for(resource.type):
            continue
        for destination in copy_fields.destinations(resource.type, resource.props):
            origins = copy_fields.origin_fields(resource.type)
            if origins and destination.field.scans:
                destination, fetched = _split_origins(destination, origins)
                _add_origins(graph, resolver, resource, fetched)
                if destination.empty:
                    continue
            if destination.field.duplex:
                duplex.append((resource, destination))
            else:
                _add_flows(graph, resolver, resource, destination, uses)
    # A connector endpoint goes the way the tasks using it say; unused or both ways: both.
    for resource, destination in duplex:
        used = uses.get(resource.urn, set())
        if used != {"target"}:
            _add_flows(graph, resolver, resource, destination, uses, inbound=True)
        if used != {"source"}:
            _add_flows(graph, resolver, resource, destination, uses, inbound=False)
    for resource in resources:
        _add_derived(graph, resolver, resource)
        _add_artifacts(graph, resolver, resource)
    return graph


def _split_origins(
    destination: Destination, origins: frozenset[str]
) -> tuple[Destination, Destination]:
    """A CDN's scanned destination as (the rest, what its origin inputs name)."""

    def of_origin(path: str) -> bool:
        return _top_level(path) in origins

    def part(keep: bool) -> Destination:
        return replace(
            destination,
            values=tuple(v for v in destination.values if of_origin(v[0]) is keep),
            named=tuple(n for n in destination.named if of_origin(n.path) is keep),
            unknown=tuple(u for u in destination.unknown if of_origin(u) is keep),
            touched=tuple(t for t in destination.touched if of_origin(t.path) is keep),
            opaque=tuple(o for o in destination.opaque if of_origin(o[0]) is keep),
            references=tuple(r for r in destination.references if of_origin(r[0]) is keep),
        )

    return part(False), part(True)


def _add_origins(
    graph: FlowGraph, resolver: _Resolver, resource: FlowResource, fetched: Destination
) -> None:
    """The origins of a CDN/proxy: a resource of the stack named there flows into it (origin ->
    distribution -> viewers), never the other way, so one origin's data never reaches another
    origin through it. A place outside the stack, or an origin that cannot be located, stays a
    far end (fail closed)."""
    if fetched.empty or _computed_by_provider(resource, fetched):
        return
    resolved = _resolve(resolver, resource, fetched)
    named = [path for path, _ in fetched.values] + list(fetched.unknown)
    field_path = ", ".join(dict.fromkeys(named)) or "origins"
    for urn in resolved.matched:
        graph.add_edge(
            Edge(urn, resource.urn, FlowKind.DELIVERY, resource.urn,
                 f"{field_path} (an origin it fetches from)")
        )  # fmt: skip
    targets = _far_ends(graph, resource, fetched, resolved)
    targets += [graph.add_node(_place_node(resource, place)) for place in fetched.touched
                if not _own_name(resolver, place)]  # fmt: skip
    for target in targets:
        graph.add_edge(Edge(resource.urn, target, FlowKind.DELIVERY, resource.urn, field_path))


def _add_artifacts(graph: FlowGraph, resolver: _Resolver, resource: FlowResource) -> None:
    """Where a resource's code, image, template or configuration comes from
    (:data:`copy_fields.ARTIFACT_FIELDS`) flows into it: a resource of the stack named there is
    read by it (an edge from that resource), never written with its data. A source outside the
    stack is no origin of data here: whose and where it is, is `residency-named-places`'s."""
    if not copy_fields.artifact_fields(resource.type):
        return
    for path, value in copy_fields.artifact_values(resource.type, resource.props):
        if value is UNKNOWN:
            found = resolver.by_dependency(_ANY_SOURCE, resource, path)
        else:
            found = resolver.by_reference(_ANY_SOURCE, value, resource.urn)
        for urn in found:
            graph.add_edge(Edge(urn, resource.urn, FlowKind.ARTIFACT, resource.urn, path))


# Roles of the resources whose outputs carry data into a data-bearing input built from them: a
# store (or a type nobody reviewed). A key, a role, a setting carries none; nor does compute or a
# connector (a function's ARN in a config object is a pointer: what a function reads reaches
# the object only through a store, or a flow the catalog follows).
_DATA_SOURCE_ROLES: Final = frozenset({"stores-data", None})


def _add_derived(graph: FlowGraph, resolver: _Resolver, resource: FlowResource) -> None:
    """Data keeps its classification: a data-bearing input (:data:`copy_fields.DATA_INPUTS`) built
    from an output of a store of the stack is a copy of that store's data."""
    for name in copy_fields.data_inputs(resource.type):
        for urn in dict.fromkeys(resource.property_dependencies.get(name, ())):
            source = resolver.by_urn.get(urn)
            if (
                source is None
                or urn == resource.urn
                or type_catalog.is_provider(source.type)
                or type_catalog.cloud_of(source.type) is None
                or type_catalog.role_of(source.type) not in _DATA_SOURCE_ROLES
            ):
                continue
            graph.add_edge(
                Edge(urn, resource.urn, FlowKind.COPY, resource.urn,
                     f"{name} (built from an output of {_resource_label(source)})")
            )  # fmt: skip


def _top_level(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def _computed_by_provider(resource: FlowResource, destination: Destination) -> bool:
    """True if the destination is only unknowns that no input of the program feeds: a value
    the program sets from another resource's output carries that resource in its property
    dependencies, so an unknown without any is one the provider computes (an output, or an
    optional input the program left unset), not a destination the program chose. Outside a
    preview every value is known and judged."""
    return (
        not destination.values
        and not destination.opaque
        and not destination.touched
        and not any(
            resource.property_dependencies.get(_top_level(path)) for path in destination.unknown
        )
    )


def _add_flows(
    graph: FlowGraph,
    resolver: _Resolver,
    resource: FlowResource,
    destination: Destination,
    uses: _Uses,
    *,
    inbound: bool | None = None,
) -> None:
    entry = destination.field
    if _computed_by_provider(resource, destination):
        return
    resolved = _resolve(resolver, resource, destination)
    named = [path for path, _ in destination.values] + list(destination.unknown)
    field_path = destination.path or ", ".join(dict.fromkeys(named)) or entry.label
    if entry.inbound if inbound is None else inbound:
        for urn in resolved.matched:
            uses.setdefault(urn, set()).add("source")
        # A source outside the stack: what it holds cannot be seen (fail closed).
        outside: list[tuple[str, Any]] = [(p.path, p.value) for p in resolved.places]
        if resolved.unresolved or (not resolved.matched and not outside and destination.unknown):
            outside += [(path, UNKNOWN) for path in destination.unknown]
        sources = resolved.matched + [
            graph.add_node(_outside_node(resource, path, value)) for path, value in outside
        ]
        for source in sources:
            graph.add_edge(Edge(source, resource.urn, entry.flow, resource.urn, field_path))
        return
    for urn in resolved.matched:
        uses.setdefault(urn, set()).add("target")
    targets = resolved.matched + _far_ends(graph, resource, destination, resolved)
    targets += [
        graph.add_node(_place_node(resource, place))
        for place in destination.touched
        if not _own_name(resolver, place)
    ]
    if entry.scans:  # a scanned connector reads what it names, too
        for urn in resolved.matched:
            graph.add_edge(Edge(urn, resource.urn, entry.flow, resource.urn, field_path))
    for source in _sources(graph, resolver, resource, entry, uses):
        for target in targets:
            graph.add_edge(Edge(source, target, entry.flow, resource.urn, field_path))


def _own_name(resolver: _Resolver, place: Named) -> bool:
    """An owner field naming what a resource of the stack names too (the Object Storage
    namespace of the stack's own buckets) is the stack's own."""
    return place.account is None and place.kind == "name" and place.value in resolver.by_value


def _far_ends(
    graph: FlowGraph, resource: FlowResource, destination: Destination, resolved: _Resolved
) -> list[str]:
    """The nodes of a destination outside the stack: one per place its values name."""
    entry = destination.field
    places = resolved.places
    if entry.same_region and places and all(p.location is None for p in places):
        places = [
            Named(f"{destination.path or entry.label} (same region)", location[1], "region",
                  location[0], location[1], copy_fields.OWN)
            for location in _own_locations(resource)
        ] or places  # fmt: skip
    targets = [graph.add_node(_place_node(resource, place)) for place in places]
    if destination.opaque or resolved.unresolved:
        targets.append(graph.add_node(_unresolved_node(resource, destination)))
    return targets


def _own_locations(resource: FlowResource) -> list[Location]:
    region = resource.region
    if region.cloud is None or region.neutral or region.undetermined:
        return []
    return [(region.cloud, name) for name in region.regions or (region.region or "",) if name]


# --- where user data reaches -------------------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    """User data from ``origin`` reaches ``node``, which may not hold it, in ``length`` hops;
    ``path`` holds the last hops (at most :data:`MAX_PATH_HOPS`) of one shortest path."""

    node: Node
    reason: str
    origin: str
    length: int
    path: tuple[Edge, ...]
    urn: str | None  # the resource to report against

    def describe_path(self, graph: FlowGraph) -> str:
        text = graph.nodes[self.origin].label
        if self.length > len(self.path):
            skipped = self.length - len(self.path)
            text += f" -> … {skipped} more hop{'s' if skipped > 1 else ''} … -> "
            text += graph.nodes[self.path[0].source].label
        for edge in self.path:
            text += f" -[{edge.describe(graph)}]-> {graph.nodes[edge.target].label}"
        return text


def is_origin(resource: FlowResource) -> bool:
    """A resource whose data counts as US user data: tagged so, or of unknown classification."""
    return resource.classification == US_USER_DATA or resource.classification is UNKNOWN


def _judge_resource(
    resource: FlowResource, allowed: Mapping[Cloud, frozenset[str]]
) -> str | None:
    region = resource.region
    data_bearing = type_catalog.is_data_bearing(resource.type) and (
        resource.type not in copy_fields.CONDUIT_TYPES
    )
    reasons: list[str] = []
    if region.neutral:
        pass
    elif region.undetermined:
        if data_bearing:
            reasons.append(f"its region cannot be determined ({region.undetermined_reason})")
    elif region.cloud is not None:
        names = region.regions or (region.region or "",)
        outside = [r for r in names if r not in allowed[region.cloud]]
        if outside:
            reasons.append(
                f"it is in {region.cloud} region {', '.join(outside)}, which is not allowed for "
                f"{US_USER_DATA} (allowed: {', '.join(sorted(allowed[region.cloud])) or 'none'})"
            )
    tag = resource.classification
    # A type that takes no tags has no label to launder with: it holds the data it receives,
    # judged by its region above (a Glue table over a user-data bucket).
    labelled = tag is not None or type_catalog.takes_classification_tag(resource.type)
    if data_bearing and labelled and tag is not UNKNOWN and tag != US_USER_DATA:
        shown = f"classified `{tag}`" if tag else "not classified"
        reasons.append(
            f"it is {shown} but receives {US_USER_DATA}: classification laundering (the "
            "copy would be governed by the rules of its label, not of its data)"
        )
    return "; and ".join(reasons) or None


@dataclass(frozen=True)
class _Judge:
    by_urn: Mapping[str, FlowResource]
    allowed: Mapping[Cloud, frozenset[str]]
    trust: Trust
    config: Mapping[str, Any]

    def __call__(self, node: Node) -> str | None:
        if node.kind == "resource":
            resource = self.by_urn.get(node.key)
            return _judge_resource(resource, self.allowed) if resource is not None else None
        if node.kind == "place" and node.place is not None:
            place = copy_fields.declared(self.config, node.place)
            reasons = copy_fields.problems(place, self.allowed, self.trust, US_USER_DATA)
            return "; and ".join(reasons) or None
        if node.kind == "unresolved":
            return f"the destination cannot be located: {node.reason}"
        return None


def user_data_breaches(
    graph: FlowGraph, resources: Iterable[FlowResource], config: Mapping[str, Any]
) -> list[Breach]:
    """Every node that US user data reaches but may not hold, with a shortest witness path."""
    by_urn = {r.urn: r for r in resources}
    judge = _Judge(
        by_urn, pack_config.allowed_regions(config, US_USER_DATA), Trust.of(config), config
    )
    origins = [urn for urn, r in by_urn.items() if is_origin(r)]
    origins += [key for key, node in graph.nodes.items() if node.origin]
    # BFS tree: parent edge, origin and depth of every node user data reaches first.
    parent: dict[str, Edge | None] = dict.fromkeys(origins)
    root: dict[str, str] = {urn: urn for urn in origins}
    depth: dict[str, int] = dict.fromkeys(origins, 0)
    received: dict[str, Edge] = {}  # the first edge that delivers user data into a node
    queue = deque(origins)
    while queue:
        current = queue.popleft()
        for edge in graph.out.get(current, ()):
            received.setdefault(edge.target, edge)
            if edge.target not in parent:
                parent[edge.target] = edge
                root[edge.target] = root[current]
                depth[edge.target] = depth[current] + 1
                queue.append(edge.target)
    breaches: list[Breach] = []
    for key, edge in received.items():
        node = graph.nodes[key]
        reason = judge(node)
        if reason is None:
            continue
        path = (*_last_hops(edge.source, parent, MAX_PATH_HOPS - 1), edge)
        urn = node.urn if node.kind == "resource" else edge.via
        breaches.append(
            Breach(node, reason, root[edge.source], depth[edge.source] + 1, path, urn)
        )
    return breaches


def _last_hops(key: str, parent: Mapping[str, Edge | None], limit: int) -> tuple[Edge, ...]:
    hops: list[Edge] = []
    current = parent.get(key)
    while current is not None and len(hops) < limit:
        hops.append(current)
        current = parent.get(current.source)
    return tuple(reversed(hops))
