"""The pull-request comment: summary line, violations table, residency inventory, and a Mermaid
diagram of regions and data flows (GitHub renders it as a picture)."""

from __future__ import annotations

import re

from preflight.model import Report, ResourceSummary
from preflight.reporters.common import (
    NOT_CHECKED_TITLE,
    by_urn,
    exemption_counts,
    finding,
    grouped,
    invoke_rows,
)

_BADGE = {"mandatory": "🔴 mandatory", "advisory": "🟡 advisory"}
# A pull-request comment holds at most 65,536 characters and GitHub renders Mermaid up to a size:
# large stacks get the first rows and a pointer to the JSON report, which has everything.
MAX_TABLE_ROWS = 150
MAX_DIAGRAM_NODES = 120


def _more(count: int, what: str) -> str:
    return f"\n…and {count} more {what}; `preflight --format json` lists them all."


def _cell(text: object) -> str:
    value = "" if text is None else str(text)
    return value.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _code(text: object) -> str:
    # GFM splits table cells on `|` even inside code spans unless it is escaped.
    return f"`{_cell(text)}`" if text else "—"


def _node_id(urn: str, ids: dict[str, str]) -> str:
    if urn not in ids:
        ids[urn] = f"r{len(ids) + 1}"
    return ids[urn]


def _label(text: str) -> str:
    return text.replace('"', "#quot;")


def _group_id(cloud: str | None, region: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", f"{cloud or 'other'}_{region or 'undetermined'}")


def mermaid(report: Report) -> list[str]:
    resources = by_urn(report)
    involved: dict[str, ResourceSummary] = {r.urn: r for r in report.resources if r.data_store}
    for flow in report.flows:
        for urn in (flow.source_urn, flow.target_urn):
            if urn and urn in resources:
                involved[urn] = resources[urn]
    if not involved:
        return []
    ids: dict[str, str] = {}
    groups: dict[tuple[str | None, str | None], list[ResourceSummary]] = {}
    for r in involved.values():
        groups.setdefault((r.cloud, r.region), []).append(r)
    lines = ["```mermaid", "flowchart LR"]
    for (cloud, region), members in sorted(
        groups.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))
    ):
        title = f"{cloud or 'other'} {region or 'region undetermined'}"
        lines.append(f'  subgraph {_group_id(cloud, region)}["{_label(title)}"]')
        for r in members:
            tag = f"<br>{r.classification}" if r.classification else ""
            lines.append(f'    {_node_id(r.urn, ids)}["{_label(r.name)}{_label(tag)}"]')
        lines.append("  end")
    for i, flow in enumerate(report.flows):
        source = _node_id(flow.source_urn, ids)
        if flow.target_urn and flow.target_urn in involved:
            target = _node_id(flow.target_urn, ids)
        else:
            target = f"x{i}"
            lines.append(
                f'  {target}(["{_label(flow.target_region or "unresolved destination")}"])'
            )
        lines.append(f'  {source} -->|"{_label(flow.via)}"| {target}')
    lines.append("```")
    return lines


def _inventory(report: Report) -> list[str]:
    out = [
        "",
        "### Residency inventory",
        "",
        "| Data store | Type | Region | Classification | Encryption key | Replication targets |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    stores = [r for r in report.resources if r.data_store]
    for r in stores[:MAX_TABLE_ROWS]:
        out.append(
            f"| {_code(r.name)} | {_code(r.type)} | {_cell(r.region or 'undetermined')} | "
            f"{_cell(r.classification or 'unclassified')} | {_cell(r.encryption_key or '—')} | "
            f"{_cell(', '.join(r.replication_targets) or '—')} |"
        )
    if not stores:
        out.append("| — | | | | | |")
    if len(stores) > MAX_TABLE_ROWS:
        out.append(_more(len(stores) - MAX_TABLE_ROWS, "data stores"))
    diagram = mermaid(report)
    nodes = sum(1 for line in diagram if line.startswith("    r"))
    if nodes > MAX_DIAGRAM_NODES:
        out += [
            "",
            "### Regions and data flows",
            "",
            f"{nodes} data stores: too many for a diagram here; see the inventory.",
        ]
    elif diagram:
        out += ["", "### Regions and data flows", "", *diagram]
    return out + _guardrail_layer(report)


# The cloud-side guardrail layer (docs/cloud-guardrails.md): AWS Organizations policies (SCPs,
# RCPs) and their attachments, OCI compartment quotas. The second layer of the residency map:
# the pack stops a mistake in review, these stop it at the cloud.
GUARDRAIL_TYPES = {
    "aws:organizations/policy:Policy": "AWS Organizations policy (SCP / RCP)",
    "aws:organizations/policyAttachment:PolicyAttachment": "attachment to an OU or account",
    "oci:Limits/quota:Quota": "OCI compartment quota",
}


def _guardrail_layer(report: Report) -> list[str]:
    out = ["", "### Guardrail layer", ""]
    guardrails = [r for r in report.resources if r.type in GUARDRAIL_TYPES]
    if not guardrails:
        return [
            *out,
            "Absent from this stack: no SCP, RCP or compartment quota is declared here, so the "
            "pack is the only layer this stack shows. The cloud-side layer is the guardrails "
            "project (`guardrails/`, docs/cloud-guardrails.md).",
        ]
    out += ["| Guardrail | Type | What it is |", "| --- | --- | --- |"]
    for r in guardrails[:MAX_TABLE_ROWS]:
        out.append(f"| {_code(r.name)} | {_code(r.type)} | {_cell(GUARDRAIL_TYPES[r.type])} |")
    if len(guardrails) > MAX_TABLE_ROWS:
        out.append(_more(len(guardrails) - MAX_TABLE_ROWS, "guardrails"))
    return out


def _exemptions(report: Report, resources: dict[str, ResourceSummary]) -> list[str]:
    """What the policy config's exemptions did: warnings first, then every finding an
    exemption silences, with the exemption's rule, reason and expiry."""
    if not report.exemptions:
        return []
    out = ["", f"### Exemptions ({len(report.exempted)} findings not enforced)", ""]
    for e in report.exemption_warnings[:MAX_TABLE_ROWS]:
        out.append(f"- ⚠️ `{e.policy}`: {_cell(e.message)}")
    if len(report.exemption_warnings) > MAX_TABLE_ROWS:
        out.append(_more(len(report.exemption_warnings) - MAX_TABLE_ROWS, "exemption warnings"))
    if report.exempted:
        if report.exemption_warnings:
            out.append("")
        out += [
            "| Policy | Resource | Exemption | Reason | Expires | Finding not enforced |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for e in report.exempted[:MAX_TABLE_ROWS]:
            r = resources.get(e.urn) if e.urn else None
            what = _code(r.name) if r else _code(e.urn)
            out.append(
                f"| `{e.policy}` | {what} | {_code(e.rule)} | {_cell(e.reason)} | {e.expires} | "
                f"{_cell(e.message)} |"
            )
        if len(report.exempted) > MAX_TABLE_ROWS:
            out.append(_more(len(report.exempted) - MAX_TABLE_ROWS, "exempted findings"))
    return out


def render(report: Report, *, color: bool = False) -> str:
    del color
    resources = by_urn(report)
    m, a = len(report.mandatory), len(report.advisory)
    verdict = "❌ FAIL" if m else "✅ PASS"
    packs = ", ".join(f"`{p.name}` {p.version}".strip() for p in report.packs)
    title = "Residency preflight" if report.inventory else "Policy preflight"
    out = [
        f"## {title}: {verdict}",
        "",
        f"Stack `{report.stack}` of `{report.project}`: **{m} mandatory** and {a} advisory "
        f"violations in {len(report.resources)} resources, checked offline by {packs}"
        f"{exemption_counts(report)}.",
        "",
    ]
    if report.unchecked:
        out += [
            f"### ⚠️ {NOT_CHECKED_TITLE} ({len(report.unchecked)})",
            "",
            "| Component | Type | Package | Declared at | Accepted because |",
            "| --- | --- | --- | --- | --- |",
        ]
        out += [
            f"| {_code(u.name)} | {_code(u.type)} | {_code(u.package)} | {_code(u.source)} | "
            f"{_cell(u.reason)} |"
            for u in report.unchecked
        ]
        out += [
            "",
            "Multi-language components: their provider creates their resources during "
            "`pulumi preview`, where the pack checks them; offline, none of them was checked.",
            "",
        ]
    out += ["### Violations", ""]
    if report.violations:
        out += ["| Enforcement | Policy | Resource | Finding |", "| --- | --- | --- | --- |"]
        rows: list[str] = []
        for urn, items in grouped(report):
            r = resources.get(urn)
            what = f"{_code(r.name)} ({_code(r.type)})" if r else _code(urn)
            if r and r.source:
                what += f"<br>{_code(r.source)}"
            for v in items:
                badge = _BADGE.get(v.enforcement, v.enforcement)
                rows.append(f"| {badge} | `{v.policy}` | {what} | {_cell(finding(v))} |")
        out += rows[:MAX_TABLE_ROWS]
        if len(rows) > MAX_TABLE_ROWS:
            out.append(_more(len(rows) - MAX_TABLE_ROWS, "violations"))
    else:
        out.append("None.")
    out += _exemptions(report, resources)
    if report.inventory:
        out += _inventory(report)
    if report.reads:
        out += [
            "",
            "### Reads answered offline",
            "",
            "| Resource | Type | ID | Answer |",
            "| --- | --- | --- | --- |",
        ]
        for read in report.reads:
            how = read.detail if read.answered_by == "fixture" else "outputs unknown (no fixture)"
            if read.program_state_ignored:
                how += "; the program's `state=` ignored"
            out.append(
                f"| {_code(read.name)} | {_code(read.type)} | {_code(read.id)} | {_cell(how)} |"
            )
    if report.remediations:
        out += [
            "",
            "### Remediations",
            "",
            "| Policy | Resource | Property | Before | After |",
            "| --- | --- | --- | --- | --- |",
        ]
        for rem in report.remediations:
            name = resources[rem.urn].name if rem.urn in resources else rem.urn
            for c in rem.changes:
                out.append(
                    f"| `{rem.policy}` | `{name}` | `{c.path}` | {_cell(c.before)} | "
                    f"{_cell(c.after)} |"
                )
    if report.notes:
        out += ["", "### Notes", ""]
        out += [f"- {_cell(note)}" for note in report.notes]
    if report.invokes:
        out += [
            "",
            "### Data sources answered offline",
            "",
            "| Invoke | Answer from | Call site |",
            "| --- | --- | --- |",
        ]
        for inv, count in invoke_rows(report):
            times = f" ({count} calls)" if count > 1 else ""
            out.append(f"| `{inv.token}` | {inv.source} | {_code(inv.call_site)}{times} |")
    return "\n".join(out) + "\n"
