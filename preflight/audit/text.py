"""The audit's text report: per stack its findings and the secrets it could not read, then one
summary table (stack, resources, mandatory, advisory, unknown secrets, regions holding user
data)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from preflight.audit.runner import AuditFailure, StackAudit
from preflight.reporters.common import finding

HEADERS = ("stack", "resources", "mandatory", "advisory", "unknown (secrets)", "user-data regions")


def stack_label(audit: StackAudit) -> str:
    return f"{audit.project}/{audit.stack}" if audit.project else audit.stack


@dataclass(frozen=True)
class TextRecord:
    """What the text report keeps of one stack: its block of findings and its summary row."""

    block: str
    row: tuple[str, ...]


def record_of(result: StackAudit | AuditFailure) -> TextRecord:
    if isinstance(result, AuditFailure):
        return TextRecord("", (result.source, "-", "-", "-", "-", "unreadable (exit 2)"))
    row = (
        stack_label(result),
        str(result.resources),
        str(len(result.mandatory)),
        str(len(result.advisory)),
        str(len(result.secrets)),
        ", ".join(result.user_data_regions) or "-",
    )
    return TextRecord(_block(result), row)


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


def _block(result: StackAudit) -> str:
    if not (result.violations or result.secrets or result.notes):
        return ""
    parts = [f"== {stack_label(result)} ({result.source})\n"]
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
    return "".join(parts)


def render_records(records: Sequence[TextRecord]) -> str:
    return "".join(r.block for r in records) + table([r.row for r in records])


def render(results: Sequence[StackAudit | AuditFailure]) -> str:
    return render_records([record_of(r) for r in results])
