"""The terminal report: violations grouped by resource, mandatory first."""

from __future__ import annotations

from preflight.model import Report
from preflight.reporters.common import (
    NOT_CHECKED_TITLE,
    by_urn,
    data_stores,
    exemption_line,
    finding,
    grouped,
    invoke_rows,
    read_line,
    summary_line,
    unchecked_line,
)

_COLORS = {"mandatory": "31", "advisory": "33", "ok": "32", "dim": "2", "bold": "1"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_COLORS[style]}m{text}\x1b[0m" if color else text


def render(report: Report, *, color: bool = False) -> str:
    resources = by_urn(report)
    lines: list[str] = []
    for urn, items in grouped(report):
        r = resources.get(urn)
        facts = [
            f
            for f in (
                (r.type if r else ""),
                (r.region if r else None),
                (r.classification if r else None),
            )
            if f
        ]
        where = f"  {r.source}" if r and r.source else ""
        title = f"{r.name if r else urn}  ({', '.join(facts)})" if facts else (r.name if r else urn)
        lines.append(_paint(title, "bold", color) + _paint(where, "dim", color))
        lines.append(_paint(f"  {urn}", "dim", color))
        for v in items:
            style = "mandatory" if v.enforcement == "mandatory" else "advisory"
            lines.append(f"  {_paint(v.enforcement.ljust(9), style, color)} {v.policy}")
            for text_line in finding(v).splitlines():
                lines.append(f"            {text_line}")
        lines.append("")
    if report.exemptions:
        lines.append(_paint("Exemptions (policy config):", "bold", color))
        for e in report.exemptions:
            style = "advisory" if e.is_warning else "dim"
            name = resources[e.urn].name if e.urn and e.urn in resources else (e.urn or "")
            label = "warning" if e.is_warning else "exempted"
            lines.append(f"  {_paint(label.ljust(9), style, color)} {exemption_line(e)}")
            if name:
                lines.append(f"            resource {name}  {e.urn}")
            for text_line in e.message.splitlines():
                lines.append(f"            {text_line}")
        lines.append("")
    if report.remediations:
        lines.append(_paint("Remediations (what the pack would change):", "bold", color))
        for rem in report.remediations:
            name = resources[rem.urn].name if rem.urn in resources else rem.urn
            for change in rem.changes:
                lines.append(
                    f"  {name}: {rem.policy} sets {change.path}: "
                    f"{change.before!r} -> {change.after!r}"
                )
        lines.append("")
    stores = data_stores(report)
    if stores:
        lines.append(_paint("Residency inventory (data stores):", "bold", color))
        rows = [("name", "region", "classification", "key", "data copied to")]
        rows += [
            (
                r.name,
                r.region or "undetermined",
                r.classification or "unclassified",
                r.encryption_key or "-",
                ", ".join(r.replication_targets) or "-",
            )
            for r in stores
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for index, row in enumerate(rows):
            cells = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            text_line = f"  {cells}  {row[4]}"
            lines.append(_paint(text_line, "dim", color) if index == 0 else text_line)
        lines.append("")
    if report.unchecked:
        lines.append(_paint(f"{NOT_CHECKED_TITLE}:", "bold", color))
        lines.extend(f"  {unchecked_line(u)}" for u in report.unchecked)
        lines.append("")
    if report.reads:
        title = "Reads (Resource.get, StackReference) answered offline:"
        lines.append(_paint(title, "bold", color))
        lines.extend(f"  {read_line(r)}" for r in report.reads)
        lines.append("")
    if report.invokes:
        lines.append(_paint("Data sources answered offline:", "bold", color))
        for inv, count in invoke_rows(report):
            site = f" at {inv.call_site}" if inv.call_site else ""
            times = f" x{count}" if count > 1 else ""
            lines.append(f"  {inv.token} ({inv.source}){site}{times}")
        lines.append("")
    for note in report.notes:
        lines.append(_paint(f"note: {note}", "dim", color))
    style = "mandatory" if report.mandatory else "ok"
    lines.append(_paint(summary_line(report), style, color))
    return "\n".join(lines) + "\n"
