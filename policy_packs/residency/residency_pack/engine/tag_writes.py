"""Tags written onto a resource by another resource of the stack: a relabelling.

AWS has tag-writing resources besides the tag inputs of a resource itself: ``aws.ec2.Tag``,
``aws.dynamodb.Tag``, ``aws.ecs.Tag``, ``aws.secretsmanager.Tag``, ``aws.transfer.Tag``,
``aws.organizations.Tag`` (``<module>/tag:Tag``: a ``key``, a ``value`` and the target's id or
ARN) and ``aws.autoscaling.Tag`` (a nested ``tag``). Each one overwrites the key on the target in
the cloud, after the target is created. The wrapper applies them to the resources every stack
rule sees (``rule.stack_resources``), with two consequences (the data-flow graph shows both):

* the cloud shows the written value, so a selection by tag (a backup selection of
  ``non-personal`` resources) selects the target as written;
* the target's data does not change with its label: its classification is the strictest of its
  own label and every label written onto it (a value that is not a known classification counts
  as US user data, an unknown one as unknown: fail closed).

The target is found by property dependency on its field first, then by its identity (id, ARN or
name) among the stack's resources. A tag writer whose target is outside the stack changes nothing
the pack can see. Per-resource rules see one resource at a time and cannot see a later tag
writer: the stack rules (data flow above all) judge the relabelled store.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from residency_pack.engine import type_catalog
from residency_pack.engine.classification import (
    CLASSIFICATION_TAG,
    CLASSIFICATIONS,
    NON_PERSONAL,
    PUBLIC,
    US_USER_DATA,
)
from residency_pack.engine.props import UNKNOWN
from residency_pack.engine.rule import StackResource

TAG_WRITER: Final = re.compile(r"^aws:[a-z0-9]+/tag:Tag$")
# The input naming the resource a tag writer tags.
TARGET_FIELDS: Final = (
    "resourceId", "resourceArn", "secretId", "autoscalingGroupName", "targetId", "resourceName",
    "serverId", "arn",
)  # fmt: skip
_IDENTITY: Final = ("id", "arn", "name", "bucket", "identifier", "secretId")
_TAG_FIELDS: Final = ("tags", "freeformTags")
_RANK: Final[Mapping[Any, int]] = {None: 0, PUBLIC: 1, NON_PERSONAL: 2}


def is_tag_writer(resource_type: str) -> bool:
    return bool(TAG_WRITER.match(resource_type))


def _written(props: Any) -> tuple[str, Any, Any] | None:
    """(target field, key, value) a tag writer writes; None if it writes nothing readable."""
    if not isinstance(props, Mapping):
        return None
    nested = props.get("tag")
    tag: Mapping[Any, Any] = nested if isinstance(nested, Mapping) else props
    key, value = tag.get("key"), tag.get("value")
    field = next((f for f in TARGET_FIELDS if props.get(f) is not None), None)
    if field is None or key is None:
        return None
    return field, key, value


def strictest(labels: Sequence[Any]) -> Any:
    """The strictest of several classification labels (unknown counts as unknown, a value
    that is no known classification as US user data)."""
    if any(label == US_USER_DATA for label in labels):
        return US_USER_DATA
    if any(label is UNKNOWN for label in labels):
        return UNKNOWN
    if any(isinstance(label, str) and label not in CLASSIFICATIONS for label in labels):
        return US_USER_DATA
    return max(labels, key=lambda label: _RANK.get(label, 0), default=None)


def relabelled(resources: Sequence[StackResource]) -> list[StackResource]:
    """``resources`` with the tags the stack's tag writers write applied to their targets: the
    written value in the target's tags, and its classification the strictest of its labels."""
    writers = [r for r in resources if is_tag_writer(r.type)]
    if not writers:
        return list(resources)
    by_urn = {r.urn: r for r in resources}
    by_identity: dict[str, list[str]] = {}
    for r in resources:
        if not isinstance(r.props, Mapping) or type_catalog.is_provider(r.type):
            continue
        for name in _IDENTITY:
            value = r.props.get(name)
            if isinstance(value, str) and value:
                by_identity.setdefault(value, []).append(r.urn)
    writes: dict[str, list[tuple[Any, Any]]] = {}
    for writer in writers:
        written = _written(writer.props)
        if written is None:
            continue
        field, key, value = written
        deps = writer.property_dependencies.get(field, ())
        targets = [u for u in deps if u in by_urn and u != writer.urn] or [
            u for u in by_identity.get(str(writer.props.get(field)), ()) if u != writer.urn
        ]
        for urn in dict.fromkeys(targets):
            writes.setdefault(urn, []).append((key, value))
    return [_apply(r, writes[r.urn]) if r.urn in writes else r for r in resources]


def _apply(resource: StackResource, writes: list[tuple[Any, Any]]) -> StackResource:
    props = dict(resource.props) if isinstance(resource.props, Mapping) else {}
    field = next((f for f in _TAG_FIELDS if isinstance(props.get(f), Mapping)), "tags")
    tags = dict(props.get(field) or {})
    labels: list[Any] = [resource.classification]
    for key, value in writes:
        if isinstance(key, str):
            tags[key] = value
        if key is UNKNOWN or key == CLASSIFICATION_TAG:
            labels.append(UNKNOWN if key is UNKNOWN else value)
    props[field] = tags
    classification = strictest(labels) if len(labels) > 1 else resource.classification
    return dataclasses.replace(resource, props=props, classification=classification)


__all__ = ["is_tag_writer", "relabelled", "strictest"]
