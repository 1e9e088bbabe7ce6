"""The audit's text report: per stack its findings and the secrets it could not read, then one
summary table (stack, resources, mandatory, advisory, unknown secrets, regions holding user
data)."""

from __future__ import annotations

from collections.abc import Sequence

from preflight.audit.runner import AuditFailure, StackAudit
from preflight.reporters.common import finding

HEADERS = ("stack", "resources", "mandatory", "advisory", "unknown (secrets)", "user-data regions")


def stack_label(audit: StackAudit) -> str:
    return f"{audit.project}/{audit.stack}" if audit.project else audit.stack


def summary_rows(results: Sequence[StackAudit | AuditFailure]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for result in results:
        if isinstance(result, AuditFailure):
            rows.append((result.source, "-", "-", "-", "-", "unreadable (exit 2)"))
            continue
        rows.append(
            (
                stack_label(result),
                str(result.resources),
                str(len(result.mandatory)),
                str(len(result.advisory)),
                str(len(result.secrets)),
                ", ".join(result.user_data_regions) or "-",
            )
        )
    return rows


def table(rows: Sequence[tuple[str, ...]], headers: tuple[str, ...] = HEADERS) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    numeric = {1, 2, 3, 4}

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(widths[i]) if i in numeric else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    return "\n".join(out) + "\n"


def render(results: Sequence[StackAudit | AuditFailure]) -> str:
    parts: list[str] = []
    for result in results:
        if isinstance(result, AuditFailure):
            continue
        if not (result.violations or result.secrets or result.notes):
            continue
        parts.append(f"== {stack_label(result)} ({result.source})\n")
        for v in result.violations:
            parts.append(f"  [{v.enforcement}] {v.policy}  {v.urn}\n      {finding(v)}\n")
        if result.secrets:
            parts.append(
                "  secrets the export holds encrypted (unknown to the audit; a rule they decide "
                "fails closed; export with --show-secrets to read them):\n"
            )
            parts.extend(f"    {s.urn}  {s.path}\n" for s in result.secrets)
        parts.extend(f"  note: {n}\n" for n in result.notes)
        parts.append("\n")
    parts.append(table(summary_rows(results)))
    return "".join(parts)
