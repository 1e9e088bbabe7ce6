"""residency-classification-required: every data-bearing resource carries a known
``data-classification`` tag (AWS ``tags`` or the provider's ``defaultTags``; OCI
``freeformTags``).

Data-bearing types come from the reviewed type catalog (roles stores-data and holds-keys); an
AWS or OCI type without a reviewed entry is treated as data-bearing (fail closed) and the
message says so.
Data-bearing types that take no tags at all (replication policies, snapshot copies, table items)
inherit their source's classification and are left to the copy and data-flow rules.

A part that holds another resource's data (an Aurora, DocumentDB or Neptune cluster instance,
:mod:`residency_pack.engine.inheritance`) and has no tag of its own inherits the classification of
the cluster it names, when that cluster is a resource of the stack: one resource at a time the
cluster cannot be seen, so the rule decides an untagged part in its stack follow-up (the cluster
is analysed by then, in either order), and reports it only when no classified cluster of the
stack is found. With a pulumi-policy outside the tested range (no follow-ups) it reports at once.

A tag key that equals ``data-classification`` case-insensitively but not exactly
(``Data-Classification``, in the resource's own tags or its AWS provider's ``defaultTags``) is an
ambiguous label: tag keys are case-sensitive, so the pack reads another key (or the provider's
default) than the one the author meant. It is a violation on any resource that carries it,
data-bearing or not (fail closed); the fix names the exact key.

Unknowns: tags computed from another resource's output are unknown in preview. A residency
decision cannot wait for them, so an unknown classification is a violation: set the tag as a
literal.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from residency_pack.engine import inheritance, type_catalog
from residency_pack.engine.classification import (
    CLASSIFICATION_TAG,
    CLASSIFICATIONS,
    case_variant_keys,
    tag_field,
)
from residency_pack.engine.props import UNKNOWN
from residency_pack.engine.rule import (
    Finding,
    ResourceContext,
    RuleSpec,
    StackContext,
    resource_policy,
    stack_follow_up_active,
)

SPEC = RuleSpec(
    name="residency-classification-required",
    display_name="Data-bearing resources are classified",
    description=(
        "Every data-bearing AWS and OCI resource carries a `data-classification` tag whose "
        f"value is one of {', '.join(CLASSIFICATIONS)}."
    ),
    severity=Severity.HIGH,
    remediation=(
        f"add the tag `{CLASSIFICATION_TAG}` with one of {', '.join(CLASSIFICATIONS)} "
        "(AWS: in `tags`; OCI: in `freeformTags`), as a literal value."
    ),
    frameworks=("residency", "data-inventory"),
)


def check(ctx: ResourceContext) -> Iterator[Finding]:
    variants = case_variant_keys(ctx.type, ctx.props, ctx.provider_inputs)
    if variants:
        shown = ", ".join(f"`{key}`" for key in variants)
        yield Finding(
            f"`{ctx.name}` carries the tag key {shown}, which differs from `{CLASSIFICATION_TAG}` "
            "only in case: tag keys are case-sensitive, so the pack reads another label (or "
            "none) than the one written there; the label is ambiguous.",
            fix=f"rename the key to exactly `{CLASSIFICATION_TAG}` (lower case), in "
            f"`{tag_field(ctx.type)}` or the provider's `defaultTags`, and drop the variant.",
        )
    if not type_catalog.is_data_bearing(ctx.type):
        return
    if not type_catalog.takes_classification_tag(ctx.type):
        # Copies and replicas without a tags input inherit their source's classification;
        # residency-no-cross-region-copy and residency-data-flow follow them to it.
        return
    field = tag_field(ctx.type)
    why = (
        f"{ctx.type} has no reviewed entry in the pack's type catalog, so it is treated as "
        "data-bearing"
        if type_catalog.is_unknown_data_service_type(ctx.type)
        else f"{ctx.type} holds data"
    )
    value = ctx.classification
    if value is UNKNOWN:
        yield Finding(
            f"The `{CLASSIFICATION_TAG}` tag of `{ctx.name}` is unknown during preview ({why}); "
            "its residency cannot be decided.",
            fix=f"set `{field}` {{'{CLASSIFICATION_TAG}': ...}} to a literal value.",
        )
    elif value is None:
        if inheritance.names_parent(ctx.type, ctx.props) and stack_follow_up_active():
            return  # it may inherit its cluster's label: decided on the whole stack
        yield Finding(f"`{ctx.name}` has no `{CLASSIFICATION_TAG}` tag in `{field}` ({why}).")
    elif value not in CLASSIFICATIONS:
        yield Finding(
            f"`{ctx.name}` has `{CLASSIFICATION_TAG}` = `{value}`, which is not a known "
            f"classification ({why})."
        )


def stack_check(ctx: StackContext) -> Iterator[Finding]:
    """An untagged part (a cluster instance) whose cluster is not a classified resource of the
    stack: it inherits nothing (the stack's resources already carry what parts inherit)."""
    for resource in ctx.resources:
        if (
            inheritance.inherits(resource.type)
            and resource.classification is None
            and inheritance.names_parent(resource.type, resource.props)
        ):
            field = inheritance.INHERITS[resource.type].field
            yield Finding(
                f"`{resource.name}` has no `{CLASSIFICATION_TAG}` tag in "
                f"`{tag_field(resource.type)}` ({resource.type} holds data), and the cluster its "
                f"`{field}` names is not a classified resource of this stack, so it inherits no "
                "classification.",
                urn=resource.urn,
            )


POLICY = resource_policy(SPEC, check, stack_check)
