"""Run the guardrails program under Pulumi's mock runtime and keep what it declares."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime.settings as pulumi_settings
import pytest
import yaml
from blueprint.guardrails.program import main
from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs, Mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "guardrails"

Declared = list[tuple[str, str, dict[str, Any]]]  # (type, name, inputs)


class RecordingMocks(Mocks):
    def __init__(self) -> None:
        self.declared: Declared = []

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.declared.append((args.typ, args.name, dict(args.inputs)))
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise AssertionError(f"the guardrails made an invoke: {args.token}")


def org_config() -> dict[str, Any]:
    document = yaml.safe_load((PROGRAM / "Pulumi.org.yaml").read_text(encoding="utf-8"))
    return dict(document["config"])


def run_guardrails(config: dict[str, Any]) -> Declared:
    mocks = RecordingMocks()
    pulumi_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project="residency-guardrails", stack="org", preview=True)
    pulumi.runtime.set_all_config(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    )
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()
    try:
        _sync_await(run_pulumi_func(lambda: main(PROGRAM)))
    finally:
        pulumi.runtime.set_all_config({})
    return mocks.declared


@pytest.fixture
def guardrails() -> Callable[[dict[str, Any]], Declared]:
    return run_guardrails


@pytest.fixture
def shipped_config() -> dict[str, Any]:
    return org_config()
