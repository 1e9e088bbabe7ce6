"""The floor of the benchmarks: policies that do nothing.

By default one resource policy and one stack policy: what the Python policy SDK and gRPC cost by
themselves. ``NOOP_RESOURCE_POLICIES`` / ``NOOP_STACK_POLICIES`` set other counts: with the
residency pack's own counts this is the floor of a pack of that many policies (the SDK
deserialises the properties once per policy), which separates the SDK's per-policy cost from
what the rules themselves cost.
"""

import os
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)


def _nothing(args: Any, report_violation: Any) -> None:
    del args, report_violation


def _count(variable: str) -> int:
    return max(1, int(os.environ.get(variable, "1")))


def _policies() -> list[Policy]:
    resource_count = _count("NOOP_RESOURCE_POLICIES")
    stack_count = _count("NOOP_STACK_POLICIES")
    policies: list[Policy] = [
        ResourceValidationPolicy(
            name="noop-resource" if resource_count == 1 else f"noop-resource-{i}",
            description="Does nothing.",
            validate=_nothing,
        )
        for i in range(resource_count)
    ]
    policies += [
        StackValidationPolicy(
            name="noop-stack" if stack_count == 1 else f"noop-stack-{i}",
            description="Does nothing.",
            validate=_nothing,
        )
        for i in range(stack_count)
    ]
    return policies


PolicyPack(name="noop", enforcement_level=EnforcementLevel.MANDATORY, policies=_policies())
