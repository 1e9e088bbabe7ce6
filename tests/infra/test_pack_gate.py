"""The blueprint's stacks under the residency pack, through preflight (the pack's real analyzer
protocol): dev passes (prod is checked by preflight's own end-to-end test), and a region the
program's own validation accepts but the pack's default table does not is still blocked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from preflight.run import Options, run_preflight

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policy_packs" / "residency"


def _preflight(program_dir: Path, stack: str) -> Any:
    return run_preflight(Options(program_dir=program_dir, stack=stack, policy_packs=[PACK]))


def test_dev_stack_passes_the_pack() -> None:
    report = _preflight(ROOT, "dev")
    assert report.violations == []
    assert {r.region for r in report.resources if r.classification == "us-user-data"} == {
        "us-ashburn-1",
        "us-east-1",
    }


@pytest.fixture(scope="module")
def saltlake_dr(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """prod with its DR in us-saltlake-2: a US region of the tenancy's realm (so the program
    declares it), outside the pack's default table for user data."""
    project = tmp_path_factory.mktemp("saltlake")
    (project / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (project / "infra").symlink_to(ROOT / "infra")
    config = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())
    config["config"]["residency-blueprint:drRegion"] = "us-saltlake-2"
    (project / "Pulumi.saltlake.yaml").write_text(yaml.safe_dump(config))
    fixtures = yaml.safe_load((ROOT / "preflight.yaml").read_text())
    name = "All AGA Services In Oracle Services Network"
    fixtures["invokes"]["oci:Core/getServices"].append(
        {
            "match": {"filters": [{"name": "name", "values": [name]}]},
            "result": {
                "id": "services-aga",
                "services": [
                    {
                        "id": "ocid1.service.oc1.aga.aaaaaaaaplaceholder",
                        "name": name,
                        "cidrBlock": "all-aga-services-in-oracle-services-network",
                        "description": name,
                    }
                ],
            },
        }
    )
    (project / "preflight.yaml").write_text(yaml.safe_dump(fixtures))
    return _preflight(project, "saltlake")


def test_a_dr_region_outside_the_packs_table_is_blocked(saltlake_dr: Any) -> None:
    by_policy: dict[str, set[str]] = {}
    for v in saltlake_dr.mandatory:
        by_policy.setdefault(v.policy, set()).add(v.urn)
    in_saltlake = {r.urn for r in saltlake_dr.resources if r.region == "us-saltlake-2"}
    user_data_there = {
        r.urn
        for r in saltlake_dr.resources
        if r.region == "us-saltlake-2" and r.classification == "us-user-data"
    }
    assert len(user_data_there) >= 5
    # Everything placed there is outside the allowed regions; user data there is also in a
    # region not allowed for its classification.
    assert in_saltlake <= by_policy["residency-region-allowlist"]
    assert user_data_there <= by_policy["residency-classification-in-region"]
    # The copy into it is caught at its source: the replication policy in the primary region.
    (replication,) = [r.urn for r in saltlake_dr.resources if r.name == "user-content-to-dr-policy"]
    assert replication in by_policy["residency-no-cross-region-copy"]
    # In the allowed regions only that copy and its sources may be reported.
    sources = {
        r.urn
        for r in saltlake_dr.resources
        if r.name in ("user-content-to-dr-policy", "user-content-bucket", "user-records-adb")
    }
    reported = set().union(*by_policy.values())
    outside = reported - in_saltlake
    assert replication in outside
    assert outside <= sources
