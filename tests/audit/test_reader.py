"""Reading ``pulumi stack export`` output: the documented format, and one clear error per bad
export naming the file and the position."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from preflight.audit.reader import UNKNOWN, parse_export
from preflight.errors import PreflightError

FIXTURES = Path(__file__).parent / "fixtures"
TS = FIXTURES / "typescript-app.json"


def _error(raw: bytes, source: str = "stack.json") -> str:
    with pytest.raises(PreflightError) as caught:
        parse_export(raw, source)
    assert caught.value.exit_code == 2
    message = caught.value.message
    assert "\n" not in message
    return message


def test_reads_the_typescript_fixture_as_the_engine_would_hand_it_over() -> None:
    export = parse_export(TS.read_bytes(), str(TS))
    assert (export.project, export.stack) == ("ts-orders", "prod")
    by_name = {r.name: r for r in export.resources}
    bucket = by_name["orders-bucket"]
    assert bucket.parent.endswith("acme:storage:UserStore::orders")
    assert bucket.protect and bucket.custom
    assert bucket.provider is not None and bucket.provider.name == "default_7_10_0"
    assert bucket.provider.properties.fields["region"].string_value == "us-east-1"
    # Internal keys (`__defaults`) are dropped, as the engine drops them for analyzers.
    assert "__defaults" not in bucket.properties.fields
    analytics = by_name["orders-analytics"]
    assert analytics.provider is not None and analytics.provider.name == "ireland"
    encryption = by_name["orders-encryption"]
    assert encryption.property_dependencies["bucket"] == [bucket.urn]
    root = by_name["ts-orders-prod"]
    assert root.outputs.fields["adminPassword"].string_value == UNKNOWN
    assert export.sha256 == __import__("hashlib").sha256(TS.read_bytes()).hexdigest()


def test_external_resources_are_not_analysed_and_references_become_ids() -> None:
    doc = json.loads(TS.read_text())
    resources = doc["deployment"]["resources"]
    read = dict(resources[5], urn=resources[5]["urn"] + "-read", external=True)
    resources.append(read)
    resources[6]["inputs"]["bucket"] = {
        "4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e",
        "urn": resources[5]["urn"],
        "id": "orders-111122223333",
    }
    export = parse_export(json.dumps(doc).encode(), "x.json")
    by_urn = {r.urn: r for r in export.resources}
    assert not by_urn[read["urn"]].analyzed
    assert by_urn[resources[6]["urn"]].properties.fields["bucket"].string_value == (
        "orders-111122223333"
    )


def test_a_self_managed_backends_checkpoint_file_is_read_too() -> None:
    doc = json.loads(TS.read_text())
    checkpoint = {"version": 3, "checkpoint": {"stack": "prod", "latest": doc["deployment"]}}
    export = parse_export(json.dumps(checkpoint).encode(), "prod.json")
    assert export.stack == "prod" and len(export.resources) == 9
    packed = gzip.compress(json.dumps(checkpoint).encode())
    assert len(parse_export(packed, "prod.json.gz").resources) == 9
    assert _error(packed[:200], "prod.json.gz").startswith(
        "prod.json.gz: truncated or corrupt gzip"
    )


def test_truncated_export_names_file_line_and_column() -> None:
    raw = TS.read_bytes()[:1500]
    message = _error(raw, "exports/orders.json")
    line = raw.decode().count("\n") + 1
    assert message.startswith(f"exports/orders.json:{line}:")
    assert "truncated export" in message


def test_malformed_export_names_file_line_and_column() -> None:
    raw = b'{"version": 3,\n "deployment": {"resources": [,]}}'
    message = _error(raw)
    assert message.startswith("stack.json:2:")
    assert "malformed JSON" in message


@pytest.mark.parametrize(
    ("version", "shown"), [(4, "version 4"), (2, "version 2"), ("3", 'version "3"'), (None, "no")]
)
def test_unknown_version_is_refused_at_its_position(version: Any, shown: str) -> None:
    doc = json.loads(TS.read_text())
    if version is None:
        del doc["version"]
    else:
        doc["version"] = version
    message = _error(json.dumps(doc).encode())
    assert message.startswith("stack.json: at /version: ")
    assert shown in message and "version 3" in message


@pytest.mark.parametrize(
    ("edit", "position"),
    [
        (lambda d: d["deployment"]["resources"][4].pop("urn"), "/deployment/resources/4/urn"),
        (
            lambda d: d["deployment"]["resources"][4].update(urn="orders-key"),
            "/deployment/resources/4/urn",
        ),
        (
            lambda d: d["deployment"]["resources"][5].update(inputs=[]),
            "/deployment/resources/5/inputs",
        ),
        (
            lambda d: d["deployment"]["resources"][5].update(
                provider="urn:pulumi:prod::x::y::z::1"
            ),
            "/deployment/resources/5/provider",
        ),
        (lambda d: d["deployment"].update(resources={}), "/deployment/resources"),
        (lambda d: d.pop("deployment"), "/deployment"),
    ],
)
def test_a_structural_error_names_its_json_position(edit: Any, position: str) -> None:
    doc = json.loads(TS.read_text())
    edit(doc)
    assert _error(json.dumps(doc).encode()).startswith(f"stack.json: at {position}: ")


def test_not_utf8_and_empty() -> None:
    assert _error(b'{"version": 3, "x": "\xff"}').startswith("stack.json: byte 21: not UTF-8")
    assert _error(b"  \n").startswith("stack.json:1:1: empty file")
