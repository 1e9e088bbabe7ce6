"""The evidence document (``--format evidence``): what was audited, with what, and what was found,
in a form an auditor can keep and a later audit can be compared with (``--compare``).

Validated against ``preflight/schemas/evidence.schema.json`` before it is written. Apart from
``auditedAt`` it depends only on its inputs: the same exports, pack and policy config give the same
bytes (keys sorted, every list in an order of its content).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from preflight.audit.runner import AuditFailure, PackSetup, StackAudit
from preflight.errors import PreflightError
from preflight.model import violation_order
from preflight.pack_process import PolicyProject
from preflight.reporters.common import finding

SCHEMA_VERSION = 1
KIND = "preflight-audit-evidence"
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schemas" / "evidence.schema.json"
_SKIPPED_DIRS = frozenset({"__pycache__", ".git", ".mypy_cache", ".pytest_cache", "node_modules"})


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def validate(document: Any, source: str = "evidence") -> None:
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/" + "/".join(str(p) for p in errors[0].absolute_path)
        raise PreflightError(
            f"{source}: at {where}: {errors[0].message} (not a preflight audit evidence document "
            f"of schema version {SCHEMA_VERSION}: {SCHEMA_FILE.name})"
        )


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def pack_files(project: PolicyProject) -> list[dict[str, str]]:
    """Every file of the pack (its virtualenv, caches and bytecode left out), with its SHA-256."""
    venv = project.options.get("virtualenv")
    skipped = set(_SKIPPED_DIRS)
    if isinstance(venv, str) and venv:
        skipped.add(Path(venv).parts[0])
    files: list[dict[str, str]] = []
    for path in sorted(project.dir.rglob("*")):
        relative = path.relative_to(project.dir)
        if any(part in skipped for part in relative.parts) or not path.is_file():
            continue
        if path.suffix in (".pyc", ".pyo"):
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        files.append({"path": relative.as_posix(), "sha256": digest})
    return files


def _pack_entry(project: PolicyProject, name: str, version: str) -> dict[str, Any]:
    files = pack_files(project)
    listing = "".join(f"{f['sha256']}  {f['path']}\n" for f in files)
    return {"name": name, "version": version, "sha256": sha256_text(listing), "files": files}


def _policy_config(setup: PackSetup) -> dict[str, Any]:
    document = {
        pack: {
            policy: {"enforcementLevel": value.enforcement, "properties": value.properties or {}}
            for policy, value in sorted(policies.items())
        }
        for pack, policies in sorted(setup.config.items())
    }
    files = [
        {"path": str(f), "sha256": hashlib.sha256(f.read_bytes()).hexdigest()}
        for f in setup.config_files
        if f is not None
    ]
    return {"document": document, "sha256": sha256_text(canonical(document)), "files": files}


def _stack(audit: StackAudit) -> dict[str, Any]:
    return {
        "project": audit.project,
        "stack": audit.stack,
        "source": audit.source,
        "exportSha256": audit.sha256,
        "stackConfig": audit.config_file,
        "resources": audit.resources,
        "stores": [
            {
                "urn": s.urn,
                "type": s.type,
                "name": s.name,
                "cloud": s.cloud,
                "region": s.region,
                "classification": s.classification,
                "userData": s.user_data,
                "account": s.account,
                "accountSource": s.account_source,
                "key": s.key,
                "copies": list(s.copies),
            }
            for s in audit.stores
        ],
        "findings": [
            {
                "policy": v.policy,
                "pack": v.pack,
                "enforcement": v.enforcement,
                "urn": v.urn,
                "message": finding(v),
            }
            for v in sorted(audit.violations, key=violation_order)
        ],
        "unknownSecrets": [{"urn": s.urn, "path": s.path} for s in audit.secrets],
        "notes": sorted(audit.notes),
    }


def build(
    setup: PackSetup,
    results: Sequence[StackAudit | AuditFailure],
    audited_at: datetime.datetime | None = None,
) -> dict[str, Any]:
    audits = sorted(
        (r for r in results if isinstance(r, StackAudit)),
        key=lambda a: (a.project, a.stack, a.source),
    )
    failures = sorted((r for r in results if isinstance(r, AuditFailure)), key=lambda f: f.source)
    when = (audited_at or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    document: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "kind": KIND,
        "auditedAt": when.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "packs": [
            _pack_entry(project, info.name, info.version)
            for project, info in zip(setup.projects, setup.packs, strict=True)
        ],
        "policyConfig": _policy_config(setup),
        "exports": sorted(
            ({"source": a.source, "sha256": a.sha256} for a in audits),
            key=lambda e: e["source"],
        ),
        "stacks": [_stack(a) for a in audits],
        "unreadable": [{"source": f.source, "error": f.message} for f in failures],
        "summary": {
            "stacks": len(audits),
            "resources": sum(a.resources for a in audits),
            "stores": sum(len(a.stores) for a in audits),
            "mandatory": sum(len(a.mandatory) for a in audits),
            "advisory": sum(len(a.advisory) for a in audits),
            "unknownSecrets": sum(len(a.secrets) for a in audits),
            "unreadable": len(failures),
        },
    }
    validate(document)
    return document


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def user_data_regions(stack: dict[str, Any]) -> list[str]:
    return sorted({s["region"] or "(unknown)" for s in stack["stores"] if s["userData"]})


def stack_key(stack: dict[str, Any]) -> str:
    return f"{stack['project']}/{stack['stack']}"


def keyed_stacks(document: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    for stack in document["stacks"]:
        yield stack_key(stack), stack
