"""The residency policy pack, as the Pulumi CLI runs it (`--policy-pack policy_packs/residency`).

The CLI starts this file with the pack's Python; PolicyPack serves the analyzer protocol and
prints its port on stdout. The rules live in `residency_pack/` next to this file, so the folder
is self-contained for `pulumi policy publish`.
"""

import gc
import sys
from pathlib import Path

# The pack's own package sits next to this file; make it importable however the pack is started.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pulumi_policy import EnforcementLevel, PolicyPack
from residency_pack import servicer
from residency_pack.policies import all_policies

# PolicyPack builds the SDK's analyzer servicer by name: put the pack's in its place first
# (it keeps the stack's config, the source of trust, and refuses bad policy config once).
servicer.install()

# The SDK turns every resource of an AnalyzeStack request into nested dicts and proxies once per
# stack policy, all alive until the policy returns. With the interpreter's default thresholds the
# cyclic collector then walks that whole, growing heap again and again: at 10,000 resources that
# was ~40% of AnalyzeStack and made it grow faster than the stack. Almost none of these objects
# are in reference cycles (reference counting frees them), so collect less often.
gc.set_threshold(100_000, 50, 100)

PolicyPack(
    name="residency",
    policies=all_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
    description=(
        "Data residency: US user data only in allowed US regions, never copied out, never "
        "reachable from outside the company's accounts and tenancy."
    ),
    display_name="Data residency",
)
