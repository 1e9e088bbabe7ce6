"""Every policy of the residency pack, in a fixed order (the order reports list them in)."""

from __future__ import annotations

import importlib

from pulumi_policy import Policy

# One module per policy under residency_pack/rules/, each exporting `POLICY`.
RULE_MODULES: tuple[str, ...] = (
    "reviewed_types",
    "region_allowlist",
    "classification_required",
    "classification_in_region",
    "no_cross_region_copy",
    "no_foreign_principals",
    "no_public_exposure",
    "provider_trust",
    "public_access_block",
    "key_locality",
    "user_data_protected",
    "data_flow",
    "named_places",
    "guardrails",
    "edge_caching",
)


def all_policies() -> list[Policy]:
    """The pack's policies. A rule module that fails to import stops the pack with its error:
    a pack missing a rule must not load as if it were complete."""
    policies: list[Policy] = []
    for module_name in RULE_MODULES:
        module = importlib.import_module(f"residency_pack.rules.{module_name}")
        policy = module.POLICY
        if not isinstance(policy, Policy):
            raise TypeError(f"residency_pack.rules.{module_name}.POLICY is not a Policy")
        policies.append(policy)
    names = [p.name for p in policies]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"policy names must be unique in the pack; repeated: {duplicates}")
    return policies
