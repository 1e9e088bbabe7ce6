"""One table, four layers: the SCP, the RCP, the OCI quotas (and IAM conditions) and the pack
all follow the pack's allowed-regions table. Each layer's regions are read back out of what it
generates and compared with the table, for the default table and for a changed one, so a region
written into any one layer by hand makes this fail."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from blueprint.guardrails import aws_documents, oci_statements, table
from residency_pack import testing
from residency_pack.policies import all_policies

CHANGED = {
    "us-user-data": {"oci": ["us-ashburn-1", "us-phoenix-1"], "aws": ["us-east-1", "us-west-2"]},
    "non-personal": {"oci": ["us-ashburn-1", "us-phoenix-1"], "aws": ["us-east-1", "eu-west-1"]},
    "public": {"oci": ["us-ashburn-1"], "aws": ["us-east-1"]},
}
POLICY_NAMES = [p.name for p in all_policies()]
TABLES = {
    "default": {},
    # the file a team deploys the pack with: the same table in every section that takes one
    "changed": {name: {"allowedRegions": CHANGED} for name in
                ("residency-region-allowlist", "residency-classification-in-region")},
}  # fmt: skip


def _statement(document: dict[str, Any], sid: str) -> dict[str, Any]:
    (found,) = [s for s in document["Statement"] if s["Sid"] == sid]
    return found


def scp_regions(t: table.RegionTable) -> set[str]:
    scp = aws_documents.service_control_policy(t.anywhere["aws"])
    deny = _statement(scp, aws_documents.SID_REGION_DENY)
    return set(deny["Condition"]["StringNotEquals"]["aws:RequestedRegion"])


def rcp_regions(t: table.RegionTable) -> set[str]:
    rcp = aws_documents.resource_control_policy(t.anywhere["aws"], "o-exampleorg01")
    deny = _statement(rcp, aws_documents.SID_DATA_REGIONS)
    return set(deny["Condition"]["StringNotEquals"]["aws:RequestedRegion"])


def quota_open_regions(t: table.RegionTable) -> set[str]:
    """The oc1 regions no quota statement zeroes, for every data family."""
    outside = oci_statements.regions_outside(t.user_data["oci"], "oc1")
    realm = set(oci_statements.regions_outside([], "oc1"))
    open_by_family = []
    for family in oci_statements.DATA_QUOTA_FAMILIES:
        statements = oci_statements.quota_statements(family, "us-user-data-prod", outside)
        zeroed = {re.search(r"request\.region = '([^']+)'", s).group(1) for s in statements}  # type: ignore[union-attr]
        open_by_family.append(realm - zeroed)
    assert all(o == open_by_family[0] for o in open_by_family)
    return open_by_family[0]


def iam_region_keys(t: table.RegionTable) -> set[str]:
    statements = oci_statements.iam_statements("ops", "us-user-data-prod", t.user_data["oci"])
    keys = {frozenset(re.findall(r"request\.region = '([a-z]+)'", s)) for s in statements}
    assert len(keys) == 1
    return set(next(iter(keys)))


def pack_allows(config: dict[str, Any], cloud: str, region: str, classification: str) -> bool:
    """Whether the pack's own policies pass a store of ``classification`` in ``region``. On
    AWS the SCP and RCP hold the union (where anything may be placed): the pack's
    `residency-region-allowlist`; on OCI the quotas hold the `us-user-data` row: the pack's
    `residency-classification-in-region` too."""
    names = {"residency-region-allowlist"}
    if cloud == "oci":
        names.add("residency-classification-in-region")
    policies = [p for p in all_policies() if p.name in names]
    if cloud == "aws":
        resource = testing.Resource(
            "aws:s3/bucket:Bucket", "store", {"tags": {"data-classification": classification}},
            provider=testing.aws_provider(region, name="p"),
        )  # fmt: skip
    else:
        resource = testing.Resource(
            "oci:ObjectStorage/bucket:Bucket", "store",
            {"compartmentId": "ocid1.compartment.oc1..x", "name": "b", "namespace": "n",
             "freeformTags": {"data-classification": classification}},
            provider=testing.oci_provider(region, name="p"),
        )  # fmt: skip
    return not testing.analyze(policies, resource, config)


@pytest.mark.parametrize("name", TABLES)
def test_every_layer_follows_the_table(name: str) -> None:
    config = TABLES[name]
    t = table.from_config(config)
    assert scp_regions(t) == set(t.anywhere["aws"])
    assert rcp_regions(t) == set(t.anywhere["aws"])
    assert quota_open_regions(t) == set(t.user_data["oci"])
    assert iam_region_keys(t) == set(oci_statements.region_keys(t.user_data["oci"]))
    for region in ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"):
        assert pack_allows(config, "aws", region, "non-personal") == (region in scp_regions(t)), (
            region
        )
    for region in ("us-ashburn-1", "us-chicago-1"):
        assert pack_allows(config, "oci", region, "us-user-data") == (
            region in quota_open_regions(t)
        ), region


def test_changing_the_table_changes_all_four_layers() -> None:
    before, after = table.from_config(TABLES["default"]), table.from_config(TABLES["changed"])
    assert scp_regions(before) != scp_regions(after)
    assert rcp_regions(before) != rcp_regions(after)
    assert quota_open_regions(before) != quota_open_regions(after)
    assert pack_allows(TABLES["default"], "aws", "eu-west-1", "non-personal") is False
    assert pack_allows(TABLES["changed"], "aws", "eu-west-1", "non-personal") is True
    assert pack_allows(TABLES["default"], "oci", "us-chicago-1", "us-user-data") is True
    assert pack_allows(TABLES["changed"], "oci", "us-chicago-1", "us-user-data") is False


def test_the_table_is_read_from_the_policy_pack_config_file(tmp_path: Path) -> None:
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps(TABLES["changed"]))
    assert table.load(path).anywhere["aws"] == ("eu-west-1", "us-east-1", "us-west-2")


def test_sections_that_disagree_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps({
        "residency-region-allowlist": {"allowedRegions": CHANGED},
        "residency-data-flow": {"allowedRegions": {}},
    }))  # fmt: skip
    with pytest.raises(table.TableError, match="different `allowedRegions` tables"):
        table.load(path)


def test_a_table_the_pack_refuses_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy-config.json"
    bad = {"us-user-data": {"aws": ["eu-central-1"]}}
    path.write_text(json.dumps({"residency-region-allowlist": {"allowedRegions": bad}}))
    with pytest.raises(table.TableError, match="outside the US jurisdiction"):
        table.load(path)


def test_no_region_is_written_into_the_guardrails_by_hand() -> None:
    source = Path(aws_documents.__file__).parent
    region_name = re.compile(r"['\"](?:us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d['\"]")
    for module in sorted(source.glob("*.py")):
        text = module.read_text(encoding="utf-8")
        hits = [m.group(0) for m in region_name.finditer(text)]
        # program.py names the Organizations endpoint's region, which is not a residency choice.
        allowed = ['"us-east-1"'] if module.name == "program.py" else []
        assert [h for h in hits if h not in allowed] == [], module.name


def _declared_layers(declared: list[tuple[str, str, dict[str, Any]]]) -> dict[str, set[str]]:
    """Each layer's regions, read back from the inputs the program declared."""
    layers: dict[str, set[str]] = {
        "scp": set(), "rcp": set(), "quota": set(), "iam": set(), "deny": set()
    }  # fmt: skip
    for type_, _, inputs in declared:
        if type_ == "aws:organizations/policy:Policy":
            document = json.loads(inputs["content"])
            sid = (aws_documents.SID_REGION_DENY if inputs["type"] == "SERVICE_CONTROL_POLICY"
                   else aws_documents.SID_DATA_REGIONS)  # fmt: skip
            kind = "scp" if inputs["type"] == "SERVICE_CONTROL_POLICY" else "rcp"
            condition = _statement(document, sid)["Condition"]["StringNotEquals"]
            layers[kind] |= set(condition["aws:RequestedRegion"])
        elif type_ == "oci:Limits/quota:Quota":
            for statement in inputs["statements"]:
                layers["quota"] |= set(re.findall(r"request\.region = '([^']+)'", statement))
        elif type_ == "oci:Identity/policy:Policy":
            for statement in inputs["statements"]:
                layers["iam"] |= set(re.findall(r"request\.region = '([a-z]+)'", statement))
                layers["deny"] |= set(re.findall(r"request\.region != '([a-z]+)'", statement))
    return layers


@pytest.mark.parametrize("name", TABLES)
def test_the_program_declares_what_the_table_says(
    name: str, guardrails: Any, shipped_config: dict[str, Any], tmp_path: Path
) -> None:
    config = dict(shipped_config)
    if TABLES[name]:
        path = tmp_path / "policy-config.json"
        path.write_text(json.dumps(TABLES[name]))
        config["residency-guardrails:policyPackConfig"] = str(path)
    t = table.from_config(TABLES[name])
    layers = _declared_layers(guardrails(config))
    assert layers["scp"] == set(t.anywhere["aws"])
    assert layers["rcp"] == set(t.anywhere["aws"])
    realm = set(oci_statements.regions_outside([], "oc1"))
    assert realm - layers["quota"] == set(t.user_data["oci"])
    assert layers["iam"] == set(oci_statements.region_keys(t.user_data["oci"]))
    assert layers["deny"] == set(oci_statements.region_keys(t.user_data["oci"]))


def test_sections_without_a_table_keep_the_default(tmp_path: Path) -> None:
    """A config file that only lists exemptions (one section per policy) keeps the default."""
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps({name: {"exemptions": []} for name in POLICY_NAMES}))
    assert table.load(path) == dataclasses.replace(table.from_config({}), source=str(path))
