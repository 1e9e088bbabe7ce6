"""``--compare OLD.json``: what changed between an earlier evidence document and this audit.

Stores are matched by stack and URN; findings by stack, URN, policy, enforcement and message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from preflight.audit.evidence import keyed_stacks, user_data_regions, validate
from preflight.errors import PreflightError
from preflight.project import read_text


@dataclass
class Changes:
    since: str
    new_stores: list[str] = field(default_factory=list)
    removed_stores: list[str] = field(default_factory=list)
    moved_stores: list[str] = field(default_factory=list)
    new_regions: list[str] = field(default_factory=list)
    new_copies: list[str] = field(default_factory=list)
    findings_fixed: list[str] = field(default_factory=list)
    findings_added: list[str] = field(default_factory=list)
    new_stacks: list[str] = field(default_factory=list)
    missing_stacks: list[str] = field(default_factory=list)

    def sections(self) -> list[tuple[str, list[str]]]:
        return [
            ("new stacks", self.new_stacks),
            ("stacks no longer audited", self.missing_stacks),
            ("new stores", self.new_stores),
            ("stores gone", self.removed_stores),
            ("stores moved", self.moved_stores),
            ("new regions holding user data", self.new_regions),
            ("new copies", self.new_copies),
            ("findings fixed", self.findings_fixed),
            ("findings added", self.findings_added),
        ]

    @property
    def empty(self) -> bool:
        return not any(items for _, items in self.sections())


def load_evidence(path: Path) -> dict[str, Any]:
    text = read_text(path, " evidence")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PreflightError(
            f"{path}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}"
        ) from None
    validate(document, str(path))
    loaded: dict[str, Any] = document
    return loaded


def _where(region: str | None, account: str | None) -> str:
    return f"{region or '(unknown region)'}, {account or '(unknown account)'}"


def _finding_keys(stack_name: str, stack: dict[str, Any]) -> dict[tuple[str, ...], str]:
    return {
        (f["urn"], f["policy"], f["enforcement"], f["message"]): (
            f"{stack_name}: [{f['enforcement']}] {f['policy']} {f['urn']}: {f['message']}"
        )
        for f in stack["findings"]
    }


def compare(old: dict[str, Any], new: dict[str, Any]) -> Changes:
    changes = Changes(since=str(old.get("auditedAt", "")))
    old_stacks = dict(keyed_stacks(old))
    new_stacks = dict(keyed_stacks(new))
    changes.new_stacks = sorted(set(new_stacks) - set(old_stacks))
    changes.missing_stacks = sorted(set(old_stacks) - set(new_stacks))
    for name in sorted(new_stacks):
        after = new_stacks[name]
        before = old_stacks.get(name, {"stores": [], "findings": []})
        old_stores = {s["urn"]: s for s in before["stores"]}
        new_stores = {s["urn"]: s for s in after["stores"]}
        for urn in sorted(set(new_stores) - set(old_stores)):
            s = new_stores[urn]
            changes.new_stores.append(f"{name}: {urn} ({_where(s['region'], s['account'])})")
        for urn in sorted(set(old_stores) - set(new_stores)):
            changes.removed_stores.append(f"{name}: {urn}")
        for urn in sorted(set(old_stores) & set(new_stores)):
            a, b = old_stores[urn], new_stores[urn]
            if (a["region"], a["account"]) != (b["region"], b["account"]):
                changes.moved_stores.append(
                    f"{name}: {urn}: {_where(a['region'], a['account'])} -> "
                    f"{_where(b['region'], b['account'])}"
                )
        for urn in sorted(new_stores):
            added = sorted(
                set(new_stores[urn]["copies"]) - set(old_stores.get(urn, {}).get("copies", []))
            )
            changes.new_copies.extend(f"{name}: {urn} -> {target}" for target in added)
        old_regions = set(user_data_regions(before)) if before["stores"] else set()
        changes.new_regions.extend(
            f"{name}: {region}" for region in user_data_regions(after) if region not in old_regions
        )
        old_findings = _finding_keys(name, before)
        new_findings = _finding_keys(name, after)
        changes.findings_fixed.extend(
            old_findings[k] for k in sorted(set(old_findings) - set(new_findings))
        )
        changes.findings_added.extend(
            new_findings[k] for k in sorted(set(new_findings) - set(old_findings))
        )
    return changes


def render(changes: Changes) -> str:
    lines = [f"\nchanges since the evidence of {changes.since}:"]
    if changes.empty:
        lines.append("  none")
    for title, items in changes.sections():
        if items:
            lines.append(f"  {title} ({len(items)}):")
            lines.extend(f"    {item}" for item in items)
    return "\n".join(lines) + "\n"
