"""What the pack receives in an audit, call by call: the engine's update, not its preview."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from preflight.audit.runner import AuditOptions, StackAudit, audit_exports, export_sources

from .conftest import FIXTURES, REPO

ECHO_PACK = REPO / "tests" / "preflight" / "fixtures" / "packs" / "echo"
BUCKET = "urn:pulumi:prod::ts-orders::acme:storage:UserStore$aws:s3/bucket:Bucket::orders-bucket"


def test_analyze_gets_inputs_and_provider_inputs_analyze_stack_gets_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    echo = tmp_path / "echo.jsonl"
    monkeypatch.setenv("PREFLIGHT_ECHO_FILE", str(echo))
    for name in ("one.json", "two.json"):
        (tmp_path / name).write_bytes((FIXTURES / "typescript-app.json").read_bytes())
    sources = export_sources([str(tmp_path / "one.json"), str(tmp_path / "two.json")])
    _, results = audit_exports(sources, AuditOptions([ECHO_PACK], workers=1))
    assert all(isinstance(r, StackAudit) for r in results)

    calls = [json.loads(line) for line in echo.read_text().splitlines()]
    # Per stack: every resource analysed once, then one AnalyzeStack; one pack for both stacks.
    kinds = [c["call"] for c in calls]
    assert kinds == (["Analyze"] * 9 + ["AnalyzeStack"]) * 2
    assert len({c["process"]["cwd"] for c in calls if c["call"] == "Analyze"}) == 1

    analyzed = next(c for c in calls if c["call"] == "Analyze" and c["urn"] == BUCKET)
    assert analyzed["dry_run"] is False
    assert analyzed["props"] == {
        "bucket": "orders-111122223333",
        "forceDestroy": False,
        "objectLockEnabled": False,
        "tags": {"data-classification": "us-user-data"},
    }
    assert analyzed["provider"]["name"] == "default_7_10_0"
    assert analyzed["provider"]["props"]["region"] == "us-east-1"
    assert analyzed["opts"]["protect"] is True
    assert analyzed["opts"]["parent"].endswith("acme:storage:UserStore::orders")

    stack = next(c for c in calls if c["call"] == "AnalyzeStack")
    in_stack = next(r for r in stack["resources"] if r["urn"] == BUCKET)
    assert in_stack["props"]["arn"] == "arn:aws:s3:::orders-111122223333"
    assert in_stack["props"]["bucketRegion"] == "us-east-1"
    assert in_stack["parent"].endswith("acme:storage:UserStore::orders")
    encryption = next(r for r in stack["resources"] if r["urn"].endswith("::orders-encryption"))
    assert encryption["property_dependencies"]["bucket"] == [BUCKET]
    root = next(r for r in stack["resources"] if r["type"] == "pulumi:pulumi:Stack")
    # The encrypted stack output reaches the pack as the engine's unknown value.
    assert root["props"]["adminPassword"] == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def test_calls_in_the_engines_order_configure_stack_per_stack() -> None:
    from contextlib import ExitStack

    from preflight.audit.reader import read_export_file
    from preflight.audit.runner import StackConfigs, Worker

    from .conftest import PACK, TRUST_CONFIG

    exports = [read_export_file(FIXTURES / n) for n in ("typescript-app.json", "go-aws-v6.json")]
    with ExitStack() as cleanup:
        worker = Worker(AuditOptions([PACK], [TRUST_CONFIG]), cleanup)
        assert not worker.packs  # nothing started before the first stack
        for export in exports:
            worker.audit(export, StackConfigs(None))
        client = worker.packs[0].client
        assert client is not None
        calls = list(client.calls)
    per_resource = ["Remediate", "Analyze"]
    assert calls == [
        "Handshake",
        "ConfigureStack",
        "GetAnalyzerInfo",
        "Configure",
        *per_resource * 9,
        "AnalyzeStack",
        "ConfigureStack",
        *per_resource * 12,
        "AnalyzeStack",
    ]
