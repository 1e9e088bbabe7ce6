"""residency-reviewed-types: every resource the pack judges is of a type someone reviewed.

The pack's rules know what a resource does with data from its type's entry in the reviewed type
catalog (``residency_pack/engine/catalog/*.json``). A type without a reviewed entry (a new type
of a newer provider, a package nobody looked at, a generated proposal still marked
``unreviewed``) could store, move or expose data in ways no rule looks at, so it is a violation
(fail closed) until someone classifies it.

Which resources are judged, as the engine sends them (``ResourceValidationArgs.provider``):

* a custom resource always comes with its provider (an explicit one, or the engine's default
  provider of its package): its type must be reviewed;
* a provider (``pulumi:providers:<package>``) comes without one: its type must be reviewed,
  which reviews the package it creates resources of;
* a component (and the stack itself) comes without a provider and is neither: it holds nothing
  itself, its children are judged. A remote (multi-language) component comes with its package's
  provider, so its type must be reviewed like a custom resource's.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from residency_pack.engine import type_catalog
from residency_pack.engine.rule import Finding, ResourceContext, RuleSpec, resource_policy

ROLES_TEXT = ", ".join(type_catalog.ROLES)

SPEC = RuleSpec(
    name="residency-reviewed-types",
    display_name="Every resource type is reviewed",
    description=(
        "Every custom resource and provider is of a type with a reviewed entry in the pack's "
        "type catalog (what it does with data: stores, moves, grants access, holds keys, "
        "configures, or is global). An unreviewed type is a violation: fail closed."
    ),
    severity=Severity.HIGH,
    remediation=(
        "classify the type in the pack's type catalog (residency_pack/engine/catalog/*.json) "
        f"with its role ({ROLES_TEXT}) and a one-line reason, or use a reviewed type."
    ),
    frameworks=("residency", "data-inventory"),
)


def _fix(resource_type: str) -> str:
    where = f"policy_packs/residency/{type_catalog.catalog_file(resource_type)}"
    if type_catalog.cloud_of(resource_type) is not None and not type_catalog.is_provider(
        resource_type
    ):
        how = (
            f"run `{type_catalog.GENERATOR}` (it adds a proposal for every new type of the "
            f"installed pulumi-aws / pulumi-oci to {where}), then review the proposal for "
            f"`{resource_type}`: set `role` to one of {ROLES_TEXT}, write its one-line "
            "`reason`, check `tags_at`, `takes_key`, `location_fields` and `harmless_fields`, "
            "and delete its `unreviewed` marker"
        )
    else:
        how = (
            f"add a line for `{resource_type}` to {where} with its `role` (one of "
            f"{ROLES_TEXT}) and a one-line `reason` (and `tags_at`, `takes_key`, "
            "`location_fields`, `harmless_fields` where they apply)"
        )
    return (
        f"{how}; then publish the pack. Until then, an exemption for this resource (a reason "
        "and an expiry) is the only way past this check."
    )


def _what(resource_type: str) -> str:
    pending = type_catalog.proposal(resource_type)
    if pending is not None:
        return (
            f"has only an unreviewed proposal in the pack's type catalog (`{pending.role}`: "
            f"{pending.reason})"
        )
    return "has no entry in the pack's type catalog"


def check(ctx: ResourceContext) -> Iterator[Finding]:
    resource_type = ctx.type
    if type_catalog.entry(resource_type) is not None:
        return
    if type_catalog.is_provider(resource_type):
        package = resource_type.removeprefix("pulumi:providers:")
        yield Finding(
            f"Provider `{ctx.name}` is of type `{resource_type}`, which {_what(resource_type)}: "
            f"nobody has reviewed what the resources of package `{package}` do with data.",
            fix=_fix(resource_type),
        )
        return
    if ctx.provider is None:
        return  # a component (or the stack): it holds nothing itself; its children are judged
    treated = (
        ", so it is treated as data-bearing"
        if type_catalog.is_unknown_data_service_type(resource_type)
        else ""
    )
    yield Finding(
        f"`{ctx.name}` is of type `{resource_type}`, which {_what(resource_type)}: the pack "
        f"cannot tell whether it stores, moves or exposes data{treated}.",
        fix=_fix(resource_type),
    )


POLICY = resource_policy(SPEC, check)
