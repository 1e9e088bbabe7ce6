"""SARIF 2.1.0 for code-scanning uploads: one rule per policy, one result per violation, located
at the resource's declaration in the program (or the project file for stack-level findings)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from preflight.model import ExemptionNote, Report
from preflight.reporters.common import (
    NOT_CHECKED_TITLE,
    by_urn,
    finding,
    read_line,
    unchecked_line,
)

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"mandatory": "error", "advisory": "warning", "remediate": "error", "disabled": "none"}
NOT_CHECKED_RULE = "preflight-not-checked-offline"
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def _uri(program_dir: str, relative: str) -> str:
    path = Path(program_dir) / relative
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def _location(report: Report, source: str | None) -> dict[str, Any]:
    if source:
        file, _, line = source.rpartition(":")
        if not file:
            file, line = source, ""
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(report.program_dir, file)}}
        if line.isdigit() and int(line) > 0:
            physical["region"] = {"startLine": int(line)}
        return physical
    return {"artifactLocation": {"uri": _uri(report.program_dir, "Pulumi.yaml")}}


def _exemption_result(
    report: Report, e: ExemptionNote, rule_index: int, resources: dict[str, Any]
) -> dict[str, Any]:
    """An exempted finding is the policy's result with an external suppression (the policy
    config) carrying the exemption's justification; a warning about an exemption is a
    warning-level result of the policy."""
    r = resources.get(e.urn) if e.urn else None
    location: dict[str, Any] = {"physicalLocation": _location(report, e.source)}
    if e.urn:
        location["logicalLocations"] = [
            {"fullyQualifiedName": e.urn, "name": r.name if r else e.urn, "kind": "resource"}
        ]
    key = f"{e.policy}\0{e.urn or ''}\0{e.status}\0{e.rule}"
    result: dict[str, Any] = {
        "ruleId": e.policy,
        "ruleIndex": rule_index,
        "level": "error" if e.status == "exempted" else "warning",
        "message": {"text": e.message},
        "locations": [location],
        "partialFingerprints": {"residencyFinding/v1": hashlib.sha256(key.encode()).hexdigest()},
        "properties": {
            "pack": e.pack,
            "exemption": {"status": e.status, "rule": e.rule, "reason": e.reason,
                          "expires": e.expires},
        },
    }  # fmt: skip
    if e.status == "exempted":
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{e.reason} (exemption for {e.rule} in the policy config, "
                f"expires {e.expires})",
            }
        ]
    return result


def to_document(report: Report) -> dict[str, Any]:
    resources = by_urn(report)
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for pack in report.packs:
        for policy in pack.policies:
            if policy.name in index:
                continue
            index[policy.name] = len(rules)
            properties: dict[str, Any] = {"tags": sorted({"residency", pack.name})}
            if policy.severity in _SECURITY_SEVERITY:
                properties["security-severity"] = _SECURITY_SEVERITY[policy.severity]
            rule: dict[str, Any] = {
                "id": policy.name,
                "name": policy.name,
                "shortDescription": {"text": policy.description or policy.name},
                "defaultConfiguration": {"level": _LEVEL.get(policy.enforcement, "warning")},
                "properties": properties,
            }
            if policy.remediation_steps:
                rule["help"] = {"text": policy.remediation_steps}
            rules.append(rule)
    results: list[dict[str, Any]] = []
    for v in report.violations:
        if v.policy not in index:
            index[v.policy] = len(rules)
            rules.append({"id": v.policy, "shortDescription": {"text": v.description or v.policy}})
        r = resources.get(v.urn)
        fingerprint = hashlib.sha256(f"{v.policy}\0{v.urn}".encode()).hexdigest()
        results.append(
            {
                "ruleId": v.policy,
                "ruleIndex": index[v.policy],
                "level": _LEVEL.get(v.enforcement, "warning"),
                "message": {"text": finding(v)},
                "locations": [
                    {
                        "physicalLocation": _location(
                            report, v.source or (r.source if r else None)
                        ),
                        "logicalLocations": [
                            {
                                "fullyQualifiedName": v.urn,
                                "name": r.name if r else v.urn,
                                "kind": "resource",
                            }
                        ],
                    }
                ],
                "partialFingerprints": {"residencyFinding/v1": fingerprint},
                "properties": {"enforcement": v.enforcement, "pack": v.pack},
            }
        )
    for e in report.exemptions:
        if e.policy not in index:
            index[e.policy] = len(rules)
            rules.append({"id": e.policy, "shortDescription": {"text": e.policy}})
        results.append(_exemption_result(report, e, index[e.policy], resources))
    if report.unchecked:
        rules.append(
            {
                "id": NOT_CHECKED_RULE,
                "name": NOT_CHECKED_RULE,
                "shortDescription": {"text": f"{NOT_CHECKED_TITLE}: multi-language component"},
                "defaultConfiguration": {"level": "warning"},
                "properties": {"tags": ["preflight"]},
            }
        )
    for u in report.unchecked:
        results.append(
            {
                "ruleId": NOT_CHECKED_RULE,
                "ruleIndex": len(rules) - 1,
                "level": "warning",
                "message": {"text": f"{NOT_CHECKED_TITLE}: {unchecked_line(u)}"},
                "locations": [
                    {
                        "physicalLocation": _location(report, u.source),
                        "logicalLocations": [
                            {"fullyQualifiedName": u.urn, "name": u.name, "kind": "resource"}
                        ],
                    }
                ],
                "partialFingerprints": {
                    "residencyFinding/v1": hashlib.sha256(
                        f"{NOT_CHECKED_RULE}\0{u.urn}".encode()
                    ).hexdigest()
                },
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "preflight",
                        "informationUri": "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
                        "rules": rules,
                    }
                },
                "automationDetails": {
                    "id": f"residency-preflight/{report.project}/{report.stack}/"
                },
                "results": results,
                "properties": {
                    "reads": [read_line(r) for r in report.reads],
                },
            }
        ],
    }


def render(report: Report, *, color: bool = False) -> str:
    del color
    return json.dumps(to_document(report), indent=2) + "\n"
