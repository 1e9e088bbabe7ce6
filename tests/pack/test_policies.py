"""The pack's assembly: every rules module is in the pack, once, with its metadata."""

from pathlib import Path

import residency_pack.rules
from residency_pack.policies import RULE_MODULES, all_policies

CONTRACT_NAMES = {
    "residency-region-allowlist",
    "residency-classification-required",
    "residency-classification-in-region",
    "residency-no-cross-region-copy",
    "residency-no-foreign-principals",
    "residency-no-public-exposure",
    "residency-key-locality",
    "residency-user-data-protected",
    "residency-data-flow",
    "residency-named-places",
}


def test_every_rules_module_is_in_the_pack():
    on_disk = {
        p.stem
        for p in Path(residency_pack.rules.__file__).parent.glob("*.py")
        if p.stem != "__init__"
    }
    assert set(RULE_MODULES) == on_disk


def test_policies_carry_the_contract_names_and_metadata():
    policies = all_policies()
    names = [p.name for p in policies]
    assert set(names) >= CONTRACT_NAMES
    assert len(names) == len(set(names))
    for policy in policies:
        assert policy.name.startswith("residency-")
        assert policy.description and policy.remediation_steps and policy.severity is not None
        assert policy.config_schema is not None and "exemptions" in policy.config_schema.properties
