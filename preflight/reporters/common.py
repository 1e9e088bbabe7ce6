"""Shared helpers for the reporters."""

from __future__ import annotations

from collections import Counter

from preflight.model import (
    ENFORCEMENT_ORDER,
    ExemptionNote,
    InvokeAnswer,
    ReadRecord,
    Report,
    ResourceSummary,
    UncheckedResource,
    Violation,
    violation_order,
)


def finding(v: Violation) -> str:
    """The policy's message without the description the SDK puts in front of it."""
    message = v.message
    if v.description and message.startswith(v.description):
        rest = message[len(v.description) :].lstrip("\n")
        message = rest or message
    return message.strip()


def grouped(report: Report) -> list[tuple[str, list[Violation]]]:
    """Violations by resource: resources with a mandatory violation first, mandatory first;
    otherwise in the report's order (stable: ``Report.in_stable_order``)."""
    order = {r.urn: i for i, r in enumerate(report.resources)}
    groups: dict[str, list[Violation]] = {}
    for v in report.violations:
        groups.setdefault(v.urn, []).append(v)
    for items in groups.values():
        items.sort(key=lambda v: violation_order(v)[1:])
    return sorted(
        groups.items(),
        key=lambda kv: (ENFORCEMENT_ORDER.get(kv[1][0].enforcement, 9), order.get(kv[0], 1 << 30)),
    )


def summary_line(report: Report) -> str:
    m, a = len(report.mandatory), len(report.advisory)
    verdict = "FAIL" if m else "PASS"
    packs = ", ".join(f"{p.name} {p.version}".strip() for p in report.packs)
    unchecked = (
        f"; {len(report.unchecked)} not checked offline (listed above)" if report.unchecked else ""
    )
    return (
        f"{verdict}: {m} mandatory, {a} advisory violation{'s' if a != 1 else ''} in "
        f"{len(report.resources)} resources of stack {report.stack!r} (pack {packs})"
        f"{exemption_counts(report)}{unchecked}"
    )


def exemption_counts(report: Report) -> str:
    """``; 2 exempted findings, 1 exemption warning`` (empty without exemption notes)."""
    parts = []
    if report.exempted:
        n = len(report.exempted)
        parts.append(f"{n} exempted finding{'s' if n != 1 else ''} (not enforced)")
    if report.exemption_warnings:
        n = len(report.exemption_warnings)
        parts.append(f"{n} exemption warning{'s' if n != 1 else ''}")
    return "".join(f"; {part}" for part in parts)


def exemption_line(e: ExemptionNote) -> str:
    """One exemption fact in one line: the rule, its reason and expiry, and what it did."""
    what = {
        "exempted": "silences",
        "unused": "silenced nothing",
        "expiring": "expires soon",
        "expired": "expired",
    }[e.status]
    return f"{e.policy}: exemption for {e.rule} ({e.reason}), expires {e.expires}: {what}"


NOT_CHECKED_TITLE = "Not checked offline"


def unchecked_line(u: UncheckedResource) -> str:
    """One accepted multi-language component: what it is, and the reason the user gave."""
    at = f" at {u.source}" if u.source else ""
    return (
        f"{u.name} ({u.type}){at}: multi-language component of package {u.package}; the "
        f"resources it creates are not checked here. Accepted in preflight.yaml: {u.reason}"
    )


def read_line(r: ReadRecord) -> str:
    """One read and how it was answered."""
    at = f" at {r.source}" if r.source else ""
    how = (
        f"answered by {r.detail}"
        if r.answered_by == "fixture"
        else "outputs unknown (no fixture in preflight.yaml: reads / stackReferences)"
    )
    ignored = "; the state= the program passed was ignored" if r.program_state_ignored else ""
    return f"{r.name} ({r.type}, id {r.id}){at}: {how}{ignored}"


def by_urn(report: Report) -> dict[str, ResourceSummary]:
    return {r.urn: r for r in report.resources}


def invoke_rows(report: Report) -> list[tuple[InvokeAnswer, int]]:
    """Each distinct answered invoke (token, source, call site) with how often it was made."""
    counts = Counter(report.invokes)
    return [(inv, counts[inv]) for inv in dict.fromkeys(report.invokes)]


def data_stores(report: Report) -> list[ResourceSummary]:
    return [r for r in report.resources if r.data_store]
