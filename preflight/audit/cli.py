"""``preflight audit``: the policy packs over deployed stack state (``pulumi stack export``).

Exit status as preflight's: 0 no mandatory violation; 1 at least one; 2 an export (or the pack,
or its config) could not be read, one line per export on stderr naming the file and the position;
130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from preflight import process_tree
from preflight.audit import compare as compare_mod
from preflight.audit import evidence as evidence_mod
from preflight.audit import text as text_mod
from preflight.audit.runner import (
    STDIN,
    AuditFailure,
    AuditOptions,
    PackSetup,
    Progress,
    StackAudit,
    audit_each,
    export_sources,
)
from preflight.errors import (
    EXIT_INTERRUPTED,
    EXIT_MANDATORY_VIOLATION,
    EXIT_NOT_EVALUATED,
    EXIT_OK,
    PreflightError,
)
from preflight.pack_process import kill_all

FORMATS = ("text", "evidence")
PROGRESS_MIN_STACKS = 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="preflight audit",
        description="Run the policy packs over deployed stacks: the output of `pulumi stack "
        "export` (a file, - for stdin, or a directory of them, one per stack), through the "
        "analyzer protocol, as the engine does on an update.",
    )
    p.add_argument("exports", nargs="+", metavar="EXPORT|-|DIR", help="stack export(s)")
    p.add_argument(
        "--policy-pack", dest="policy_packs", type=Path, action="append", default=[],
        help="policy pack directory; repeatable (default: policy_packs/residency)",
    )  # fmt: skip
    p.add_argument(
        "--policy-pack-config", dest="policy_pack_configs", type=Path, action="append",
        default=[], help="JSON policy config for the matching --policy-pack",
    )  # fmt: skip
    p.add_argument(
        "--program", type=Path,
        help="the Pulumi project whose Pulumi.<stack>.yaml files hold each stack's config (its "
        "trusted accounts); default: the project found from the current directory",
    )  # fmt: skip
    p.add_argument("--format", choices=FORMATS, default="text", help="report format")
    p.add_argument("--output", type=Path, help="write the report to FILE instead of stdout")
    p.add_argument(
        "--compare", type=Path, metavar="OLD.json",
        help="print what changed since this evidence document (new stores, regions, copies, "
        "findings fixed or added)",
    )  # fmt: skip
    p.add_argument("--workers", type=int, default=0, help="parallel stacks (default: cores, max 4)")
    return p


def main(argv: Sequence[str]) -> int:
    from preflight.cli import _default_pack, _default_program, _on_signal

    args = parser().parse_args(list(argv))
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    process_tree.stop_when_parent_dies()
    try:
        program = args.program or _default_program()
        program_dir = program.resolve() if (program / "Pulumi.yaml").is_file() else None
        if args.program is not None and program_dir is None:
            raise PreflightError(f"{args.program}: no Pulumi.yaml here (--program names a project)")
        packs = args.policy_packs or [_default_pack(program)]
        options = AuditOptions(
            policy_packs=[p.resolve() for p in packs],
            policy_pack_configs=[p.resolve() for p in args.policy_pack_configs],
            program_dir=program_dir,
            workers=max(0, args.workers),
        )
        old = compare_mod.load_evidence(args.compare) if args.compare else None
        stdin = sys.stdin.buffer.read() if STDIN in args.exports else None
        sources = export_sources(args.exports, stdin)
        spool = evidence_mod.Spool()
        keep = _Keeper(
            text=args.format == "text",
            evidence=args.format == "evidence" or old is not None,
            spool=spool,
        )
        try:
            with _progress_bar(len(sources)) as progress:
                setup, kept = audit_each(sources, options, keep, progress)
            for failure in (k.failure for k in kept if k.failure is not None):
                sys.stderr.write(f"preflight: error: {failure.message}\n")
            parts = [k.evidence_part for k in kept] if keep.evidence else []
            changes = ""
            if old is not None:
                document = json.loads(evidence_mod.render_spooled(setup, parts, spool))
                changes = compare_mod.render(compare_mod.compare(old, document))
            if args.format == "evidence":
                # The evidence stays a JSON document: what changed goes beside it, not into it.
                _write_evidence(setup, parts, spool, args.output)
                if changes:
                    (sys.stdout if args.output else sys.stderr).write(changes)
            else:
                text = text_mod.render_records([k.text for k in kept if k.text is not None])
                _write(text + changes, args.output)
        finally:
            spool.close()
        return _exit_code(kept)
    except PreflightError as exc:
        sys.stderr.write(f"preflight: error: {exc.message}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        # Workers may be inside a stack: stop every pack process now, not when they notice.
        kill_all()
        sys.stderr.write("preflight: interrupted; policy pack processes stopped\n")
        return EXIT_INTERRUPTED
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@dataclass(frozen=True)
class _Kept:
    failure: AuditFailure | None
    mandatory: int
    text: text_mod.TextRecord | None
    evidence: evidence_mod.StackRecord | None

    @property
    def evidence_part(self) -> evidence_mod.StackRecord | AuditFailure:
        part = self.evidence or self.failure
        assert part is not None
        return part


@dataclass(frozen=True)
class _Keeper:
    """Of each audited stack, only the report lines and the evidence text the run will write."""

    text: bool
    evidence: bool
    spool: evidence_mod.Spool

    def __call__(self, result: StackAudit | AuditFailure) -> _Kept:
        failure = result if isinstance(result, AuditFailure) else None
        audit = result if isinstance(result, StackAudit) else None
        evidence = None
        if self.evidence and audit is not None:
            evidence = self.spool.keep(evidence_mod.record_of(audit))
        return _Kept(
            failure=failure,
            mandatory=len(audit.mandatory) if audit else 0,
            text=text_mod.record_of(result) if self.text else None,
            evidence=evidence,
        )


def _exit_code(kept: Sequence[_Kept]) -> int:
    if any(k.failure is not None for k in kept):
        return EXIT_NOT_EVALUATED
    if any(k.mandatory for k in kept):
        return EXIT_MANDATORY_VIOLATION
    return EXIT_OK


def _write_evidence(
    setup: PackSetup,
    parts: Sequence[evidence_mod.StackRecord | AuditFailure],
    spool: evidence_mod.Spool,
    output: Path | None,
) -> None:
    if output is None:
        evidence_mod.write(sys.stdout, setup, parts, spool=spool)
        sys.stdout.flush()
        return
    try:
        with output.open("w", encoding="utf-8") as out:
            evidence_mod.write(out, setup, parts, spool=spool)
    except OSError as exc:
        raise PreflightError(f"{output}: cannot write the evidence: {exc.strerror}") from exc


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PreflightError(f"{output}: cannot write the report: {exc.strerror}") from exc


class _progress_bar:
    """A rich progress bar on stderr for several stacks on a terminal; nothing otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> Progress | None:
        if self.total < PROGRESS_MIN_STACKS or not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        bar = Progress(
            TextColumn("auditing stacks"), BarColumn(), MofNCompleteColumn(),
            console=Console(file=sys.stderr), transient=True,
        )  # fmt: skip
        bar.start()
        task = bar.add_task("audit", total=self.total)
        self.bar = bar

        def advance(result: StackAudit | AuditFailure) -> None:
            del result
            bar.advance(task)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
