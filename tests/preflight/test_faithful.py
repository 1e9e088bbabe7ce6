"""What the pack receives is what `pulumi preview --policy-pack` would send it.

One preflight run of ``programs/faithful`` against the ``echo`` pack (which writes down every
Analyze and AnalyzeStack call it gets, from inside its own process) backs every test here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from preflight.model import Report

from .conftest import PACKS

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
URN = "urn:pulumi:prod::faithful::"
DEFAULT_AWS = f"{URN}pulumi:providers:aws::default_7_51_1"
STACK_URN = f"{URN}pulumi:pulumi:Stack::faithful-prod"


@pytest.fixture(scope="module")
def shared(
    faithful_run: tuple[Report, list[dict[str, Any]]],
) -> tuple[Report, list[dict[str, Any]]]:
    return faithful_run


def analyzed(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["urn"]: r for r in records if r["call"] == "Analyze"}


def stack_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r["call"] == "AnalyzeStack"]


def test_engine_call_order(shared) -> None:
    report, _ = shared
    calls = report.analyzer_calls["echo"]
    assert calls[:4] == ["Handshake", "ConfigureStack", "GetAnalyzerInfo", "Configure"]
    body = calls[4:-1]
    assert body == ["Remediate", "Analyze"] * (len(body) // 2)
    assert calls[-1] == "AnalyzeStack" and calls.count("AnalyzeStack") == 1


def test_default_provider_gets_the_packages_stack_config(shared) -> None:
    _, records = shared
    logs = analyzed(records)[f"{URN}aws:s3/bucket:Bucket::logs"]
    assert logs["provider"] == {
        "urn": DEFAULT_AWS,
        "type": "pulumi:providers:aws",
        "name": "default_7_51_1",
        "props": {
            "region": "us-east-1",
            "allowedAccountIds": '["111122223333"]',
            "version": "7.51.1",
        },
    }
    oci = analyzed(records)[f"{URN}oci:ObjectStorage/bucket:Bucket::oci-bucket"]
    assert oci["provider"]["name"] == "default_5_5_0"
    assert oci["provider"]["props"]["region"] == "us-ashburn-1"
    # The default provider is itself a resource the engine analyses, before its first user.
    order = [r["urn"] for r in records if r["call"] == "Analyze"]
    assert order.index(DEFAULT_AWS) < order.index(f"{URN}aws:s3/bucket:Bucket::logs")


def test_explicit_provider_passes_as_it_is(shared) -> None:
    _, records = shared
    artifacts = analyzed(records)[f"{URN}aws:s3/bucket:Bucket::artifacts"]
    assert artifacts["provider"]["urn"] == f"{URN}pulumi:providers:aws::singapore"
    assert artifacts["provider"]["props"]["region"] == "ap-southeast-1"


def test_provider_inherited_from_a_component(shared) -> None:
    _, records = shared
    leaf = analyzed(records)[
        f"{URN}faithful:index:Store$faithful:index:Inner$aws:s3/bucket:Bucket::users-inner-bucket"
    ]
    assert leaf["provider"]["urn"] == f"{URN}pulumi:providers:aws::virginia"
    assert leaf["provider"]["props"]["region"] == "us-east-1"


def test_urns_carry_parent_types_but_not_the_stack(shared) -> None:
    _, records = shared
    urns = set(analyzed(records))
    assert f"{URN}faithful:index:Store$aws:s3/bucket:Bucket::users-data" in urns
    assert f"{URN}faithful:index:Store$faithful:index:Inner::users-inner" in urns
    assert f"{URN}aws:s3/bucket:Bucket::logs" in urns
    assert not any("Stack$" in u for u in urns)


def test_computed_outputs_of_new_resources_reach_the_pack_unknown(shared) -> None:
    _, records = shared
    policy = analyzed(records)[f"{URN}aws:s3/bucketPolicy:BucketPolicy::logs-policy"]
    assert policy["props"] == {"bucket": UNKNOWN, "policy": UNKNOWN}
    assert policy["dry_run"] is True


def test_resource_options_as_analyzer_resource_options_carries_them(shared) -> None:
    _, records = shared
    users = analyzed(records)[f"{URN}faithful:index:Store$aws:s3/bucket:Bucket::users-data"]
    opts = users["opts"]
    assert opts["protect"] is True
    assert opts["ignore_changes"] == ["tags"]
    assert opts["delete_before_replace"] is True
    assert opts["additional_secret_outputs"] == ["bucket"]
    assert opts["custom_timeouts"] == [300.0, 0.0, 5400.0]
    assert opts["parent"] == f"{URN}faithful:index:Store::users"
    assert f"{URN}faithful:index:Store$aws:s3/bucket:Bucket::users-old" in opts["aliases"]
    logs = analyzed(records)[f"{URN}aws:s3/bucket:Bucket::logs"]["opts"]
    assert logs["protect"] is False and logs["delete_before_replace"] is None
    assert logs["parent"] == STACK_URN


def test_pack_process_gets_stack_config_and_settings(shared) -> None:
    _, records = shared
    logs = analyzed(records)[f"{URN}aws:s3/bucket:Bucket::logs"]
    assert (logs["stack"], logs["project"]) == ("prod", "faithful")
    assert logs["config"]["faithful:bucketPrefix"] == "fx"
    assert logs["config"]["faithful:owner"] == "platform"
    assert logs["config"]["aws:region"] == "us-east-1"


def test_analyze_stack_once_with_every_resource_and_the_graph(shared) -> None:
    report, records = shared
    [stack] = stack_records(records)
    by_urn = {r["urn"]: r for r in stack["resources"]}
    assert set(by_urn) == set(analyzed(records))
    assert len(by_urn) == len(report.resources)
    users = by_urn[f"{URN}faithful:index:Store$aws:s3/bucket:Bucket::users-data"]
    assert users["parent"] == f"{URN}faithful:index:Store::users"
    assert users["dependencies"] == [f"{URN}aws:s3/bucket:Bucket::logs"]
    policy = by_urn[f"{URN}aws:s3/bucketPolicy:BucketPolicy::logs-policy"]
    assert policy["property_dependencies"]["bucket"] == [f"{URN}aws:s3/bucket:Bucket::logs"]
    assert by_urn[f"{URN}aws:s3/bucket:Bucket::logs"]["provider"]["urn"] == DEFAULT_AWS


def test_policy_config_reaches_the_pack(shared) -> None:
    report, _ = shared
    [limit] = [v for v in report.violations if v.policy == "echo-limits"]
    assert limit.enforcement == "advisory"
    assert "exceed maxResources=3" in limit.message
    assert limit.urn == STACK_URN


def test_remediation_is_reported_and_analysis_sees_the_remediated_inputs(shared) -> None:
    report, records = shared
    logs_urn = f"{URN}aws:s3/bucket:Bucket::logs"
    [rem] = [r for r in report.remediations if r.urn == logs_urn]
    assert rem.policy == "echo-remediate-owner"
    assert [(c.path, c.before, c.after) for c in rem.changes] == [("tags.owner", None, "platform")]
    assert analyzed(records)[logs_urn]["props"]["tags"]["owner"] == "platform"
    pack = report.packs[0]
    enforcement = {p.name: p.enforcement for p in pack.policies}
    assert enforcement["echo-remediate-owner"] == "remediate"
    assert enforcement["echo-forbidden-tag"] == "mandatory"


def test_report_knows_regions_and_classifications_with_the_residency_pack(
    residency_faithful_run: Report,
) -> None:
    report = residency_faithful_run
    by_name = {r.name: r for r in report.resources}
    assert by_name["artifacts"].region == "ap-southeast-1"
    assert by_name["users-data"].region == "us-east-1"
    assert by_name["users-data"].classification == "us-user-data"
    assert by_name["oci-bucket"].region == "us-ashburn-1"
    assert by_name["logs"].source == "__main__.py:13"
    assert report.inventory


def test_without_the_residency_pack_no_residency_inventory_or_note(shared) -> None:
    # A third-party pack's report says nothing about residency: no regions, no
    # classifications, no data stores, no note about where the stack's secrets key lives.
    report, _ = shared
    assert not report.inventory
    assert all(r.region is None and not r.data_store for r in report.resources)
    assert not any("secretsprovider" in note for note in report.notes)
    assert report.exit_code == 0
    by_name = {r.name: r for r in report.resources}
    assert by_name["logs"].source == "__main__.py:13"


def test_pack_info_comes_from_the_pack(shared) -> None:
    report, _ = shared
    [pack] = report.packs
    assert (pack.name, pack.version) == ("echo", "0.0.7")
    assert pack.handshake is False  # pulumi-policy's Python server has no Handshake yet
    assert Path(pack.path) == (PACKS / "echo").resolve()


def test_analyze_stack_sees_preview_outputs(shared) -> None:
    _, records = shared
    [stack] = stack_records(records)
    by_urn = {r["urn"]: r for r in stack["resources"]}
    logs = by_urn[f"{URN}aws:s3/bucket:Bucket::logs"]["props"]
    # Inputs as given; computed outputs unknown; optional inputs left unset stay absent.
    assert logs["bucket"] == "fx-logs"
    assert logs["arn"] == UNKNOWN and logs["tagsAll"] == UNKNOWN
    assert "bucketPrefix" not in logs and "forceDestroy" not in logs
    # A component's (and the stack's) outputs are what the program registered.
    assert by_urn[STACK_URN]["props"] == {"owner": "platform", "retention": 30}
    # Analyze, by contrast, gets the inputs only.
    assert "arn" not in analyzed(records)[f"{URN}aws:s3/bucket:Bucket::logs"]["props"]


def test_pack_runs_as_the_cli_runs_a_python_pack(shared) -> None:
    _, records = shared
    process = analyzed(records)[STACK_URN]["process"]
    # pulumi-analyzer-policy-python: `python -u -m pulumi.policy <engine> .` in the pack's dir.
    assert Path(process["cwd"]) == (PACKS / "echo").resolve()
    assert process["argv"][1:] == ["127.0.0.1:0", "."]
    assert Path(process["executable"]).name.startswith("python")
    assert process["env"] == {
        "PULUMI_PROJECT": "faithful",
        "PULUMI_STACK": "prod",
        "PULUMI_DRY_RUN": "true",
        "PULUMI_ORGANIZATION": "organization",
    }
