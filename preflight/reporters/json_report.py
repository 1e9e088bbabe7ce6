"""The JSON report; its schema is ``preflight/schemas/report.schema.json`` (stable, versioned)."""

from __future__ import annotations

import json
from typing import Any

from preflight.model import Report
from preflight.reporters.common import finding

SCHEMA_VERSION = 1


def to_document(report: Report) -> dict[str, Any]:
    return {
        "schemaVersion": SCHEMA_VERSION,
        "stack": report.stack,
        "project": report.project,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "provider": r.provider,
                "region": r.region,
                "classification": r.classification,
                "cloud": r.cloud,
                "parent": r.parent,
                "source": r.source,
                "dataStore": r.data_store,
                "encryptionKey": r.encryption_key,
                "replicationTargets": list(r.replication_targets),
            }
            for r in report.resources
        ],
        "violations": [
            {
                "policy": v.policy,
                "enforcement": v.enforcement,
                "urn": v.urn,
                "message": finding(v),
                "pack": v.pack,
                "severity": v.severity or None,
                "source": v.source,
            }
            for v in report.violations
        ],
        "exemptions": [
            {
                "policy": e.policy,
                "pack": e.pack,
                "status": e.status,
                "rule": e.rule,
                "reason": e.reason,
                "expires": e.expires,
                "urn": e.urn,
                "message": e.message,
                "source": e.source,
            }
            for e in report.exemptions
        ],
        "remediations": [
            {
                "policy": rem.policy,
                "pack": rem.pack,
                "urn": rem.urn,
                "changes": [
                    {"path": c.path, "before": c.before, "after": c.after} for c in rem.changes
                ],
            }
            for rem in report.remediations
        ],
        "flows": [
            {
                "source": f.source_urn,
                "target": f.target_urn,
                "targetRegion": f.target_region,
                "via": f.via,
            }
            for f in report.flows
        ],
        "invokes": [
            {"token": i.token, "source": i.source, "callSite": i.call_site} for i in report.invokes
        ],
        "notCheckedOffline": [
            {
                "urn": u.urn,
                "type": u.type,
                "name": u.name,
                "kind": u.kind,
                "package": u.package,
                "reason": u.reason,
                "source": u.source,
            }
            for u in report.unchecked
        ],
        "reads": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "id": r.id,
                "answeredBy": r.answered_by,
                "detail": r.detail,
                "programStateIgnored": r.program_state_ignored,
                "source": r.source,
            }
            for r in report.reads
        ],
        "notes": list(report.notes),
        "packs": [
            {
                "name": p.name,
                "version": p.version,
                "path": p.path,
                "policies": [
                    {
                        "name": pol.name,
                        "enforcement": pol.enforcement,
                        "severity": pol.severity or None,
                        "type": pol.policy_type,
                    }
                    for pol in p.policies
                ],
            }
            for p in report.packs
        ],
        "summary": {
            "resources": len(report.resources),
            "mandatory": len(report.mandatory),
            "advisory": len(report.advisory),
            "remediations": len(report.remediations),
            "notCheckedOffline": len(report.unchecked),
            "exempted": len(report.exempted),
            "exemptionWarnings": len(report.exemption_warnings),
        },
    }


def render(report: Report, *, color: bool = False) -> str:
    del color
    return json.dumps(to_document(report), indent=2) + "\n"
