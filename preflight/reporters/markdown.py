"""The pull-request comment: summary line, violations table, exemptions, residency inventory,
and a Mermaid diagram of regions and data flows (GitHub renders it as a picture).

A comment body holds at most 65,536 characters, so the comment is bounded by construction: the
summary comes first, and every later section has a character budget (``BUDGETS``, together
well under the limit) and a row limit; a section that does not fit ends with a line saying how
many rows were left out and where the full report is (``FULL_REPORT``: the workflow uploads the
JSON and markdown reports as an artifact and links it there). Long cells are shortened."""

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
MAX_TABLE_ROWS = 150
MAX_DIAGRAM_NODES = 120
MAX_CELL = 400  # characters of one finding or note in the comment; the full report has all
# Characters per section. The header (verdict, counts) is a few hundred; the sum stays far
# enough under GitHub's 65,536 for the workflow's marker and link.
BUDGETS = {
    "unchecked": 3_000,
    "violations": 22_000,
    "exemptions": 6_000,
    "inventory": 5_000,
    "diagram": 7_000,
    "guardrails": 3_000,
    "reads": 2_000,
    "remediations": 2_000,
    "notes": 4_000,
    "invokes": 2_000,
}
COMMENT_BUDGET = 60_000
# The workflow (preview.yml) turns this phrase into a link to the uploaded report artifact.
FULL_REPORT = "the full report (artifact `preflight-report` of this workflow run)"


def _more(count: int, what: str) -> str:
    return f"\n…and {count} more {what}: see {FULL_REPORT}, or run `preflight --format json`."


def _short(text: str, limit: int = MAX_CELL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _bounded(rows: list[str], budget: int, what: str) -> list[str]:
    """As many of ``rows`` as fit in ``budget`` characters and ``MAX_TABLE_ROWS``, then a line
    saying how many more there are."""
    kept: list[str] = []
    used = 0
    for row in rows[:MAX_TABLE_ROWS]:
        if used + len(row) + 1 > budget:
            break
        kept.append(row)
        used += len(row) + 1
    if len(kept) < len(rows):
        kept.append(_more(len(rows) - len(kept), what))
    return kept


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


# Policies whose findings concern a flow of data; their mandatory findings mark the flow.
FLOW_POLICIES = frozenset({"residency-data-flow", "residency-no-cross-region-copy"})
_VIOLATION_STYLE = "fill:#ffe5e5,stroke:#d00,stroke-width:3px"


def mermaid(report: Report) -> list[str]:
    """Data stores and flows by cloud and region. A resource with a mandatory violation is
    drawn red; so is a flow whose source, target or connector has a mandatory violation of a
    flow policy. A flow into a region (a backup vault, a replica outside the stack) is drawn
    inside that region's box: a same-region backup stays in its region."""
    resources = by_urn(report)
    involved: dict[str, ResourceSummary] = {r.urn: r for r in report.resources if r.data_store}
    for flow in report.flows:
        for urn in (flow.source_urn, flow.target_urn):
            if urn and urn in resources:
                involved[urn] = resources[urn]
    if not involved:
        return []
    violating = {v.urn for v in report.mandatory}
    flow_violating = {v.urn for v in report.mandatory if v.policy in FLOW_POLICIES}
    ids: dict[str, str] = {}
    groups: dict[tuple[str | None, str | None], list[str]] = {}
    for r in involved.values():
        tag = f"<br>{r.classification}" if r.classification else ""
        groups.setdefault((r.cloud, r.region), []).append(
            f'    {_node_id(r.urn, ids)}["{_label(r.name)}{_label(tag)}"]'
        )
    outside: list[str] = []
    edges: list[tuple[str, str, str, bool]] = []
    for i, flow in enumerate(report.flows):
        source = _node_id(flow.source_urn, ids)
        if flow.target_urn and flow.target_urn in involved:
            target = _node_id(flow.target_urn, ids)
        else:
            target = f"x{i}"
            label = flow.target_region or "unresolved destination"
            node = f'    {target}(["{_label(label)}"])'
            origin = involved.get(flow.source_urn)
            if flow.target_region is not None:
                cloud = origin.cloud if origin is not None else None
                groups.setdefault((cloud, flow.target_region), []).append(node)
            else:
                outside.append(node.strip())
        marked = bool({flow.source_urn, flow.target_urn, flow.via} & flow_violating)
        edges.append((source, target, flow.via, marked))
    lines = ["```mermaid", "flowchart LR", f"  classDef violation {_VIOLATION_STYLE}"]
    for (cloud, region), members in sorted(
        groups.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))
    ):
        title = f"{cloud or 'other'} {region or 'region undetermined'}"
        lines.append(f'  subgraph {_group_id(cloud, region)}["{_label(title)}"]')
        lines.extend(members)
        lines.append("  end")
    lines.extend(f"  {node}" for node in outside)
    for source, target, via, marked in edges:
        label = f"⚠ {via}" if marked else via
        lines.append(f'  {source} -->|"{_label(label)}"| {target}')
    for index, (_, _, _, marked) in enumerate(edges):
        if marked:
            lines.append(f"  linkStyle {index} stroke:#d00,stroke-width:3px")
    marked_nodes = sorted(ids[urn] for urn in involved if urn in violating)
    if marked_nodes:
        lines.append(f"  class {','.join(marked_nodes)} violation")
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
    rows = [
        f"| {_code(r.name)} | {_code(r.type)} | {_cell(r.region or 'undetermined')} | "
        f"{_cell(r.classification or 'unclassified')} | {_cell(r.encryption_key or '—')} | "
        f"{_cell(', '.join(r.replication_targets) or '—')} |"
        for r in stores
    ]
    out += _bounded(rows, BUDGETS["inventory"], "data stores")
    if not stores:
        out.append("| — | | | | | |")
    diagram = mermaid(report)
    nodes = sum(1 for line in diagram if line.startswith("    r"))
    size = sum(len(line) + 1 for line in diagram)
    if nodes > MAX_DIAGRAM_NODES or size > BUDGETS["diagram"]:
        out += [
            "",
            "### Regions and data flows",
            "",
            f"{nodes} data stores: too many for a diagram here; see the inventory and "
            f"{FULL_REPORT}.",
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
    rows = [
        f"| {_code(r.name)} | {_code(r.type)} | {_cell(GUARDRAIL_TYPES[r.type])} |"
        for r in guardrails
    ]
    return out + _bounded(rows, BUDGETS["guardrails"], "guardrails")


def _exemptions(report: Report, resources: dict[str, ResourceSummary]) -> list[str]:
    """What the policy config's exemptions did: warnings first, then every finding an
    exemption silences, with the exemption's rule, reason and expiry."""
    if not report.exemptions:
        return []
    out = ["", f"### Exemptions ({len(report.exempted)} findings not enforced)", ""]
    warnings = [f"- ⚠️ `{e.policy}`: {_cell(_short(e.message))}" for e in report.exemption_warnings]
    out += _bounded(warnings, BUDGETS["exemptions"] // 3, "exemption warnings")
    if report.exempted:
        if report.exemption_warnings:
            out.append("")
        out += [
            "| Policy | Resource | Exemption | Reason | Expires | Finding not enforced |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        rows = []
        for e in report.exempted:
            r = resources.get(e.urn) if e.urn else None
            what = _code(r.name) if r else _code(e.urn)
            silenced = e.message.split("so not enforced: ", 1)[-1]
            rows.append(
                f"| `{e.policy}` | {what} | {_code(_short(e.rule, 200))} | "
                f"{_cell(_short(e.reason, 200))} | {e.expires} | {_cell(_short(silenced))} |"
            )
        out += _bounded(rows, BUDGETS["exemptions"] * 2 // 3, "exempted findings")
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
        out += _bounded(
            [
                f"| {_code(u.name)} | {_code(u.type)} | {_code(u.package)} | {_code(u.source)} | "
                f"{_cell(_short(u.reason))} |"
                for u in report.unchecked
            ],
            BUDGETS["unchecked"],
            "components",
        )
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
                rows.append(f"| {badge} | `{v.policy}` | {what} | {_cell(_short(finding(v)))} |")
        out += _bounded(rows, BUDGETS["violations"], "violations")
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
        rows = []
        for read in report.reads:
            how = read.detail if read.answered_by == "fixture" else "outputs unknown (no fixture)"
            if read.program_state_ignored:
                how += "; the program's `state=` ignored"
            rows.append(
                f"| {_code(read.name)} | {_code(read.type)} | {_code(read.id)} | "
                f"{_cell(_short(how))} |"
            )
        out += _bounded(rows, BUDGETS["reads"], "reads")
    if report.remediations:
        out += [
            "",
            "### Remediations",
            "",
            "| Policy | Resource | Property | Before | After |",
            "| --- | --- | --- | --- | --- |",
        ]
        rows = []
        for rem in report.remediations:
            name = resources[rem.urn].name if rem.urn in resources else rem.urn
            for c in rem.changes:
                rows.append(
                    f"| `{rem.policy}` | `{name}` | `{c.path}` | {_short(_cell(c.before))} | "
                    f"{_short(_cell(c.after))} |"
                )
        out += _bounded(rows, BUDGETS["remediations"], "remediations")
    if report.notes:
        out += ["", "### Notes", ""]
        out += _bounded(
            [f"- {_cell(_short(note, 1_000))}" for note in report.notes], BUDGETS["notes"], "notes"
        )
    if report.invokes:
        out += [
            "",
            "### Data sources answered offline",
            "",
            "| Invoke | Answer from | Call site |",
            "| --- | --- | --- |",
        ]
        rows = []
        for inv, count in invoke_rows(report):
            times = f" ({count} calls)" if count > 1 else ""
            rows.append(f"| `{inv.token}` | {inv.source} | {_code(inv.call_site)}{times} |")
        out += _bounded(rows, BUDGETS["invokes"], "data sources")
    if any(line.startswith("\n…and ") for line in out):
        out.insert(4, f"Some sections below are shortened to fit a comment; {FULL_REPORT} has "
                      "every finding.\n")  # fmt: skip
    return "\n".join(out) + "\n"
