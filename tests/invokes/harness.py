"""A small stand-in for preflight's program runner, to test invokes and language-host semantics.

It runs a fixture program under the SDK's mock runtime the way preflight does: project name and
stack config from the program's Pulumi files, default providers configured from stack config,
invokes answered by ``InvokeResolver``, failures explained by ``preflight.language_host``.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import yaml
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import SETTINGS
from pulumi.runtime.stack import run_pulumi_func

from preflight.invokes import InvokeRecord, InvokeResolver, InvokeResultUnknown
from preflight.language_host import (
    ProgramError,
    drop_unretrieved_invoke_errors,
    entry_point,
    explain_program_error,
    run_program,
)

PROGRAMS = Path(__file__).resolve().parents[1] / "fixtures" / "programs"


@dataclass
class Outcome:
    exit_code: int
    message: str = ""
    resources: dict[str, MockResourceArgs] = field(default_factory=dict)
    records: list[InvokeRecord] = field(default_factory=list)


class _Mocks(Mocks):
    def __init__(self, resolver: InvokeResolver) -> None:
        self.resolver = resolver
        self.resources: dict[str, MockResourceArgs] = {}
        self.providers: dict[str, dict[str, Any]] = {}

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        resource_id = f"{args.name}-id"
        self.resources[args.name] = args
        if args.typ.startswith("pulumi:providers:"):
            self.providers[args.name] = dict(args.inputs)
        return resource_id, dict(args.inputs)

    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        provider_inputs = None
        if args.provider:
            # "<urn>::<id>"; the URN's last segment is the provider's name.
            name = args.provider.split("::")[-2]
            provider_inputs = self.providers.get(name, {})
        # A bare dict: the mock monitor iterates the failures of a (result, failures) tuple.
        return self.resolver.answer(args.token, dict(args.args), provider_inputs)


class _Monitor(MockMonitor):
    def Invoke(self, request: Any) -> Any:
        try:
            return super().Invoke(request)
        except InvokeResultUnknown:
            # As the engine answers an invoke whose arguments are unknown during preview.
            return resource_pb2.ResourceInvokeResponse(unknown=True)


def _stack_config(program_dir: Path, stack: str) -> dict[str, Any]:
    stack_file = program_dir / f"Pulumi.{stack}.yaml"
    data = yaml.safe_load(stack_file.read_text(encoding="utf-8")) or {}
    return dict(data.get("config") or {})


def run(program: str, stack: str = "dev") -> Outcome:
    """Run a program in a fresh context, as preflight runs one per process."""
    return contextvars.Context().run(_run, program, stack)


def _run(program: str, stack: str) -> Outcome:
    program_dir = PROGRAMS / program
    project = yaml.safe_load((program_dir / "Pulumi.yaml").read_text(encoding="utf-8"))
    config = _stack_config(program_dir, stack)
    pulumi.runtime.set_all_config(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}, []
    )
    resolver = InvokeResolver(program_dir, config)
    mocks = _Mocks(resolver)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    drop_unretrieved_invoke_errors(loop)
    pulumi.runtime.set_mocks(
        mocks, project=project["name"], stack=stack, preview=True, monitor=_Monitor(mocks)
    )
    # Outputs a failed earlier run left pending belong to its (closed) event loop.
    SETTINGS.outputs.clear()
    SETTINGS.rpc_manager.clear()
    try:
        entry = entry_point(program_dir, project.get("main"))
        with resolver.capturing_call_sites():
            loop.run_until_complete(run_pulumi_func(lambda: run_program(entry)))
    except ProgramError as error:
        return Outcome(error.exit_code, error.message, mocks.resources, resolver.records)
    except Exception as error:  # every failure of the program becomes exit 2
        explained = explain_program_error(error, entry, stack)
        return Outcome(explained.exit_code, explained.message, mocks.resources, resolver.records)
    finally:
        pulumi.runtime.set_all_config({}, [])
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        asyncio.set_event_loop(None)
    return Outcome(0, "", mocks.resources, resolver.records)
