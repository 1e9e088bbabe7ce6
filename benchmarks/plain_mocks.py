"""``python -m benchmarks.plain_mocks PROGRAM_DIR STACK``: the program and nothing else.

The yardstick for preflight end to end: the same Pulumi program, with the same stack config,
run by the SDK's own ``pulumi.runtime.set_mocks`` in preview with a no-op ``Mocks`` (no outputs;
invokes answered offline, see :class:`NoopMocks`) and the SDK's own ``MockMonitor``. That is
what running the program offline costs in the Pulumi SDK itself, in time and memory (an
``Output``, futures and a resolver per output property of every resource); preflight adds
recording the requests, answering invokes, the policy pack process and the report on top.
"""

from __future__ import annotations

import asyncio
import os
import runpy
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func

from preflight.invoke_adapter import InvokeAnswerer
from preflight.project import load_project, load_stack_config


class NoopMocks(pulumi_mocks.Mocks):
    """No outputs for any resource, as the SDK's ``Mocks`` documents its defaults.

    Invokes are answered as preflight answers them offline (``preflight.invokes``): a program
    that looks up data it needs (the blueprint asks for OCI's service list, AWS's caller) does
    not run on empty answers. The answers take the invoking provider's inputs, so providers'
    inputs are kept (not returned).
    """

    def __init__(self, answerer: InvokeAnswerer) -> None:
        self.answerer = answerer
        self.providers: dict[tuple[str, str], dict[str, Any]] = {}

    def call(self, args: pulumi_mocks.MockCallArgs) -> dict:  # type: ignore[override]
        # A plain dict: the SDK's MockMonitor cannot take the documented ``(result, None)``.
        inputs = self.providers.get(_provider_key(args.provider)) if args.provider else None
        return self.answerer.answer(args.token, dict(args.args), inputs)

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict]:
        if args.typ.startswith("pulumi:providers:"):
            self.providers[(args.typ, args.name)] = dict(args.inputs)
        return "", {}


def _provider_key(reference: str) -> tuple[str, str]:
    """``urn:pulumi:stack::project::[parents$]pulumi:providers:aws::name::id`` -> type, name."""
    urn = reference.rsplit("::", 1)[0]
    qualified, name = urn.rsplit("::", 1)
    return qualified.rsplit("::", 1)[-1].rsplit("$", 1)[-1], name


def entry_path(program_dir: Path, main: str | None) -> Path:
    path = (program_dir / main) if main else program_dir
    return path / "__main__.py" if path.is_dir() else path


def run(program_dir: Path, stack: str) -> None:
    project = load_project(program_dir)
    config = load_stack_config(project, stack)
    entry = entry_path(project.root, project.main)
    set_all_config(dict(config.values), list(config.secret_keys))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    mocks = NoopMocks(InvokeAnswerer.for_program(project.root, config.parsed))
    pulumi_mocks.set_mocks(mocks, project=project.name, stack=stack, preview=True)
    # As the language host runs a program: from its directory, importable from there.
    os.chdir(entry.parent)
    sys.path.insert(0, str(entry.parent))
    sys.argv = [str(entry)]

    def program() -> None:
        runpy.run_path(str(entry), run_name="__main__")

    loop.run_until_complete(run_pulumi_func(program))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m benchmarks.plain_mocks PROGRAM_DIR STACK", file=sys.stderr)
        return 2
    run(Path(args[0]).resolve(), args[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
