"""The evidence document (``--format evidence``): what was audited, with what, and what was found,
in a form an auditor can keep and a later audit can be compared with (``--compare``).

Validated against ``preflight/schemas/evidence.schema.json`` before it is written. Apart from
``auditedAt`` it depends only on its inputs: the same exports, pack and policy config give the same
bytes (keys sorted, every list in an order of its content).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, TextIO

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


@dataclass(frozen=True)
class StackRecord:
    """What the evidence keeps of one audited stack: its entry, already written as JSON text
    (indented for its place in the document), and the counts the summary adds up."""

    order: tuple[str, str, str]
    source: str
    sha256: str
    text: str
    counts: tuple[int, int, int, int, int]
    """resources, stores, mandatory, advisory, unknown secrets"""
    spooled: tuple[int, int] | None = None
    """Where ``Spool`` keeps the text (offset, length) instead of ``text``."""


class Spool:
    """Stack entries kept in a temporary file until the document is written, so that a run over
    many stacks holds none of their text in memory."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._lock = threading.Lock()

    def keep(self, record: StackRecord) -> StackRecord:
        data = record.text.encode("utf-8")
        with self._lock:
            offset = self._file.seek(0, os.SEEK_END)
            self._file.write(data)
        return replace(record, text="", spooled=(offset, len(data)))

    def text(self, record: StackRecord) -> str:
        if record.spooled is None:
            return record.text
        offset, length = record.spooled
        with self._lock:
            self._file.seek(offset)
            return self._file.read(length).decode("utf-8")

    def close(self) -> None:
        self._file.close()


_STACKS_PLACEHOLDER = "preflight-audit-stacks-placeholder"
_STACK_INDENT = "    "


@cache
def _stack_validator() -> jsonschema.Draft202012Validator:
    stack_schema = dict(schema()["properties"]["stacks"]["items"])
    stack_schema["$defs"] = schema()["$defs"]
    return jsonschema.Draft202012Validator(stack_schema)


def record_of(audit: StackAudit) -> StackRecord:
    entry = _stack(audit)
    errors = sorted(_stack_validator().iter_errors(entry), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path)
        raise PreflightError(f"evidence of {audit.source}: at /{where}: {errors[0].message}")
    text = json.dumps(entry, indent=2, sort_keys=True, ensure_ascii=False)
    return StackRecord(
        order=(audit.project, audit.stack, audit.source),
        source=audit.source,
        sha256=audit.sha256,
        text="\n".join(_STACK_INDENT + line for line in text.splitlines()),
        counts=(
            audit.resources,
            len(audit.stores),
            len(audit.mandatory),
            len(audit.advisory),
            len(audit.secrets),
        ),
    )


def render(
    setup: PackSetup,
    results: Sequence[StackRecord | AuditFailure],
    audited_at: datetime.datetime | None = None,
) -> str:
    """The evidence document as text (``write`` into a string)."""
    out = io.StringIO()
    write(out, setup, results, audited_at)
    return out.getvalue()


def write(
    out: TextIO,
    setup: PackSetup,
    results: Sequence[StackRecord | AuditFailure],
    audited_at: datetime.datetime | None = None,
    spool: Spool | None = None,
) -> None:
    """The evidence document: every stack's entry as ``record_of`` wrote it (from ``spool`` when
    it is kept there), in the document's order, inside the rest, which is validated against the
    schema here."""
    records = sorted((r for r in results if isinstance(r, StackRecord)), key=lambda r: r.order)
    failures = sorted((r for r in results if isinstance(r, AuditFailure)), key=lambda f: f.source)
    when = (audited_at or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    totals = [sum(r.counts[i] for r in records) for i in range(5)]
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
            ({"source": r.source, "sha256": r.sha256} for r in records),
            key=lambda e: e["source"],
        ),
        "stacks": [],
        "unreadable": [{"source": f.source, "error": f.message} for f in failures],
        "summary": {
            "stacks": len(records),
            "resources": totals[0],
            "stores": totals[1],
            "mandatory": totals[2],
            "advisory": totals[3],
            "unknownSecrets": totals[4],
            "unreadable": len(failures),
        },
    }
    validate(document)
    if not records:
        out.write(dumps(document))
        return
    document["stacks"] = [_STACKS_PLACEHOLDER]
    head, tail = dumps(document).split(f'{_STACK_INDENT}"{_STACKS_PLACEHOLDER}"', 1)
    out.write(head)
    for index, record in enumerate(records):
        if index:
            out.write(",\n")
        out.write(spool.text(record) if spool is not None else record.text)
    out.write(tail)


def render_spooled(
    setup: PackSetup, results: Sequence[StackRecord | AuditFailure], spool: Spool
) -> str:
    out = io.StringIO()
    write(out, setup, results, spool=spool)
    return out.getvalue()


def build(
    setup: PackSetup,
    results: Sequence[StackAudit | AuditFailure],
    audited_at: datetime.datetime | None = None,
) -> dict[str, Any]:
    """The evidence document as data (``render`` of every result, read back)."""
    kept = [record_of(r) if isinstance(r, StackAudit) else r for r in results]
    loaded: dict[str, Any] = json.loads(render(setup, kept, audited_at))
    return loaded


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def user_data_regions(stack: dict[str, Any]) -> list[str]:
    return sorted({s["region"] or "(unknown)" for s in stack["stores"] if s["userData"]})


def stack_key(stack: dict[str, Any]) -> str:
    return f"{stack['project']}/{stack['stack']}"


def keyed_stacks(document: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    for stack in document["stacks"]:
        yield stack_key(stack), stack
