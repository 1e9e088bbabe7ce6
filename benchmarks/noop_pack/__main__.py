"""The floor of the benchmarks: one resource policy and one stack policy that do nothing."""

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)


def _nothing(args: Any, report_violation: Any) -> None:
    del args, report_violation


PolicyPack(
    name="noop",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(
            name="noop-resource", description="Does nothing.", validate=_nothing
        ),
        StackValidationPolicy(name="noop-stack", description="Does nothing.", validate=_nothing),
    ],
)
