"""``preflight``: run the residency policy pack against a Pulumi Python program, offline.

Exit status: 0 no mandatory violation; 1 at least one; 2 the program, its config or the pack could
not be evaluated (one line naming the file and the cause on stderr); 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from preflight import process_tree
from preflight.errors import EXIT_INTERRUPTED, EXIT_NOT_EVALUATED, EXIT_OK, PreflightError
from preflight.pack_process import kill_all
from preflight.reporters import FORMATS, render
from preflight.run import Options, check_policy_configs, run_preflight

PROGRESS_THRESHOLD = 300
DEFAULT_PACK = Path("policy_packs") / "residency"
# A pack's policy config for a stack, used when no --policy-pack-config is given for it:
# <pack>/config/<stack>.json. CI, pre-commit, enable.sh and deploy use the same file.
STACK_CONFIG_DIR = "config"


class Terminated(KeyboardInterrupt):
    """SIGTERM: unwinds exactly like Ctrl-C so every pack process is stopped on the way out.

    A KeyboardInterrupt, because asyncio re-raises those from inside a task, where the Pulumi
    SDK's event loop may be when the signal arrives; any other exception would be kept in the
    task and the run would go on."""


def _default_program() -> Path:
    here = Path.cwd()
    for candidate in (here, *here.parents):
        if (candidate / "Pulumi.yaml").is_file() or (candidate / "Pulumi.yml").is_file():
            return candidate
    return here


def _default_pack(program: Path) -> Path:
    for base in (Path.cwd(), program, Path(__file__).resolve().parents[1]):
        if (base / DEFAULT_PACK / "PulumiPolicy.yaml").is_file():
            return base / DEFAULT_PACK
    return Path.cwd() / DEFAULT_PACK


def stack_policy_config(pack: Path, stack: str) -> Path | None:
    """The pack's own config file for ``stack``, when it has one."""
    candidate = pack / STACK_CONFIG_DIR / f"{stack}.json"
    return candidate if candidate.is_file() else None


def policy_pack_configs(
    packs: Sequence[Path], given: Sequence[Path], stack: str
) -> list[Path | None]:
    """One config per pack: the --policy-pack-config given for it (they pair up in order), else
    the pack's file for the stack, else none."""
    if len(given) > len(packs):
        return list(given)  # run_preflight names the extra file
    return [
        given[index] if index < len(given) else stack_policy_config(pack, stack)
        for index, pack in enumerate(packs)
    ]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="preflight",
        description="Run CrossGuard policy packs against a Pulumi Python program offline, the way "
        "`pulumi preview --policy-pack` does: the program under the SDK's mock runtime in preview, "
        "each pack through its own analyzer gRPC server.",
    )
    p.add_argument(
        "--program",
        type=Path,
        help="directory with Pulumi.yaml (default: the project "
        "root found from the current directory)",
    )
    p.add_argument(
        "--stack",
        default="prod",
        help="stack name; config from Pulumi.<stack>.yaml (default: prod)",
    )
    p.add_argument(
        "--policy-pack",
        dest="policy_packs",
        type=Path,
        action="append",
        default=[],
        help=f"policy pack directory; repeatable (default: {DEFAULT_PACK})",
    )
    p.add_argument(
        "--policy-pack-config",
        dest="policy_pack_configs",
        type=Path,
        action="append",
        default=[],
        help="JSON policy config for the matching --policy-pack, in the "
        "format `pulumi preview --policy-pack-config` takes (default: the pack's "
        f"{STACK_CONFIG_DIR}/<stack>.json when present)",
    )
    p.add_argument(
        "--check-policy-config",
        action="store_true",
        help="only check the policy config against the pack (as the engine configures it), "
        "without running the program: exit 0 when the pack accepts it, 2 with the reason",
    )
    p.add_argument(
        "--format", choices=FORMATS, default="text", help="report format (default: text)"
    )
    p.add_argument("--output", type=Path, help="write the report to FILE instead of stdout")
    return p


def _progress(index: int, total: int) -> None:
    if total <= PROGRESS_THRESHOLD or not sys.stderr.isatty():
        return
    end = "\n" if index == total else ""
    sys.stderr.write(f"\ranalysing resource {index}/{total}{end}")
    sys.stderr.flush()


FORCED_EXIT_AFTER = 5.0
_watchdog: threading.Timer | None = None


def _force_exit() -> None:
    kill_all()
    sys.stderr.write("preflight: interrupted; policy pack processes stopped\n")
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C / SIGTERM: unwind (stopping every pack on the way out) and, should the exception be
    lost (raised inside an at-fork hook or a finalizer, where Python only prints it), kill the packs
    and exit anyway a few seconds later."""
    del frame
    global _watchdog
    if _watchdog is None:
        _watchdog = threading.Timer(FORCED_EXIT_AFTER, _force_exit)
        _watchdog.daemon = True
        _watchdog.start()
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["audit"]:
        from preflight.audit.cli import main as audit

        return audit(argv[1:])
    args = parser().parse_args(argv)
    program = (args.program or _default_program()).resolve()
    packs = [p.resolve() for p in args.policy_packs or [_default_pack(program)]]
    configs = policy_pack_configs(
        packs, [p.resolve() for p in args.policy_pack_configs], args.stack
    )
    options = Options(
        program_dir=program,
        stack=args.stack,
        policy_packs=packs,
        policy_pack_configs=configs,
    )
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    process_tree.stop_when_parent_dies()
    try:
        if args.check_policy_config:
            for line in check_policy_configs(options):
                sys.stdout.write(f"{line}\n")
            return EXIT_OK
        report = run_preflight(options, progress=_progress)
        color = args.output is None and args.format == "text" and _color_enabled()
        text = render(report, args.format, color=color)
        if args.output is not None:
            try:
                args.output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise PreflightError(
                    f"{args.output}: cannot write the report: {exc.strerror}"
                ) from exc
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        return report.exit_code
    except PreflightError as exc:
        sys.stderr.write(f"preflight: error: {exc.message}\n")
        return exc.exit_code
    except (KeyboardInterrupt, Terminated):
        sys.stderr.write("preflight: interrupted; policy pack processes stopped\n")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug in preflight itself: still exit 2, one line
        sys.stderr.write(f"preflight: internal error: {type(exc).__name__}: {exc}\n")
        return EXIT_NOT_EVALUATED
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _color_enabled() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


if __name__ == "__main__":  # pragma: no cover
    code = main()
    sys.exit(code if code is not None else EXIT_NOT_EVALUATED)
