"""Every policy of the residency pack, in a fixed order (the order reports list them in)."""

from __future__ import annotations

import importlib
from pathlib import Path

from pulumi_policy import Policy

_RULES_DIR = Path(__file__).with_name("rules")
# Rules still being written in parallel; skipped only while their module file does not exist.
_NOT_YET_LANDED: frozenset[str] = frozenset(
    {"no_cross_region_copy", "no_public_exposure", "public_access_block", "data_flow"}
)

# One module per policy under residency_pack/rules/, each exporting `POLICY`.
RULE_MODULES: tuple[str, ...] = (
    "region_allowlist",
    "classification_required",
    "classification_in_region",
    "no_cross_region_copy",
    "no_foreign_principals",
    "no_public_exposure",
    "public_access_block",
    "key_locality",
    "user_data_protected",
    "data_flow",
)


def all_policies() -> list[Policy]:
    """The pack's policies. A rule module that fails to import stops the pack with its error:
    a pack missing a rule must not load as if it were complete."""
    policies: list[Policy] = []
    for module_name in RULE_MODULES:
        if module_name in _NOT_YET_LANDED and not (_RULES_DIR / f"{module_name}.py").exists():
            continue
        module = importlib.import_module(f"residency_pack.rules.{module_name}")
        policy = module.POLICY
        if not isinstance(policy, Policy):
            raise TypeError(
                f"residency_pack.rules.{module_name}.POLICY is not a pulumi_policy Policy"
            )
        policies.append(policy)
    return policies
