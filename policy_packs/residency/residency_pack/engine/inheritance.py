"""Classification inherited from the resource that holds a part's data.

Some data-bearing resources are a part of another one of the stack and hold its data, not data
of their own: an Aurora, DocumentDB or Neptune cluster instance serves its cluster's storage.
Such a part takes tags, but when it carries no ``data-classification`` tag of its own it holds
what its cluster holds, so it is classified as its cluster (:data:`INHERITS`): the cluster is
found by the property dependency of the part's reference field (``clusterIdentifier`` from the
cluster's output), else by the reference's value among the identities of the stack's clusters.

A part's own label always wins (a stricter or laxer label is judged as any label is). A part
whose cluster is not a resource of the stack, or is not classified, inherits nothing and stays
unclassified. One resource at a time, a rule cannot see the cluster: the wrapper applies the
inheritance to the resources every stack rule sees (``rule.stack_resources``), and
``residency-classification-required`` decides an untagged part in its stack follow-up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Final

from residency_pack.engine.rule import StackResource


@dataclasses.dataclass(frozen=True)
class Inheritance:
    """A part type: the input naming the resource whose classification it takes, and the types
    that resource may be."""

    field: str
    parents: tuple[str, ...]


INHERITS: Final[Mapping[str, Inheritance]] = {
    "aws:rds/clusterInstance:ClusterInstance": Inheritance(
        "clusterIdentifier", ("aws:rds/cluster:Cluster",)
    ),
    "aws:docdb/clusterInstance:ClusterInstance": Inheritance(
        "clusterIdentifier", ("aws:docdb/cluster:Cluster",)
    ),
    "aws:neptune/clusterInstance:ClusterInstance": Inheritance(
        "clusterIdentifier", ("aws:neptune/cluster:Cluster",)
    ),
}
_IDENTITY: Final = ("clusterIdentifier", "id", "arn")


def inherits(resource_type: str) -> bool:
    """True for a type that takes its classification from another resource when it has none."""
    return resource_type in INHERITS


def names_parent(resource_type: str, props: Any) -> bool:
    """True if the bag sets the input naming the resource a part inherits from."""
    rule = INHERITS.get(resource_type)
    return rule is not None and isinstance(props, Mapping) and props.get(rule.field) is not None


def parent_of(
    resource: StackResource, resources: Mapping[str, StackResource]
) -> StackResource | None:
    """The stack resource ``resource`` inherits its classification from, if it is one."""
    rule = INHERITS.get(resource.type)
    if rule is None:
        return None
    for urn in resource.property_dependencies.get(rule.field, ()):
        found = resources.get(urn)
        if found is not None and found.type in rule.parents:
            return found
    value = resource.props.get(rule.field) if isinstance(resource.props, Mapping) else None
    if not isinstance(value, str) or not value:
        return None
    for found in resources.values():
        if (
            found.type in rule.parents
            and isinstance(found.props, Mapping)
            and any(found.props.get(name) == value for name in _IDENTITY)
        ):
            return found
    return None


def inherited(resources: Sequence[StackResource]) -> list[StackResource]:
    """``resources``, each part without a classification of its own classified as its parent."""
    if not any(r.type in INHERITS and r.classification is None for r in resources):
        return list(resources)
    by_urn = {r.urn: r for r in resources}
    out: list[StackResource] = []
    for resource in resources:
        if resource.type in INHERITS and resource.classification is None:
            parent = parent_of(resource, by_urn)
            if parent is not None and parent.classification is not None:
                resource = dataclasses.replace(resource, classification=parent.classification)
        out.append(resource)
    return out
