"""``--format evidence``: a schema-valid document, byte-identical across runs but for its
timestamp, and ``--compare`` reporting exactly what changed."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from preflight.audit import evidence
from preflight.audit.compare import compare

from .conftest import MOVED_BUCKET, PACK, PROD_CONFIG, REPO, Audited, run_audit_cli

SCHEMA = REPO / "preflight" / "schemas" / "evidence.schema.json"


def _without_timestamp(text: str) -> str:
    lines = text.splitlines(keepends=True)
    stamped = [line for line in lines if '"auditedAt"' in line]
    assert len(stamped) == 1
    return "".join(line for line in lines if '"auditedAt"' not in line)


@pytest.fixture(scope="module")
def prod_evidence_file(prod_audit: Audited, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The evidence of the prod export, written by the CLI in its own process."""
    out = tmp_path_factory.mktemp("evidence") / "prod-evidence.json"
    directory = Path(prod_audit.stack("prod.json").source).parent
    done = run_audit_cli(
        directory, "--format", "evidence", "--output", out,
        "--program", REPO, "--policy-pack-config", PROD_CONFIG,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    return out


def test_evidence_is_byte_identical_across_runs_but_for_the_time(
    prod_audit: Audited, prod_evidence_file: Path
) -> None:
    in_process = evidence.dumps(evidence.build(prod_audit.setup, [prod_audit.stack("prod.json")]))
    written = prod_evidence_file.read_text(encoding="utf-8")
    assert _without_timestamp(written) == _without_timestamp(in_process)
    later = evidence.build(
        prod_audit.setup,
        [prod_audit.stack("prod.json")],
        audited_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    assert later["auditedAt"] == "2030-01-01T00:00:00Z"


def test_evidence_holds_what_an_auditor_keeps(
    prod_evidence_file: Path, prod_audit: Audited
) -> None:
    document: dict[str, Any] = json.loads(prod_evidence_file.read_text())
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
    (stack,) = document["stacks"]
    export_file = Path(prod_audit.stack("prod.json").source)
    digest = hashlib.sha256(export_file.read_bytes()).hexdigest()
    assert document["exports"] == [{"source": str(export_file), "sha256": digest}]
    assert stack["exportSha256"] == digest
    (pack,) = document["packs"]
    from preflight.pack_process import load_policy_project

    assert (pack["name"], pack["version"]) == ("residency", load_policy_project(PACK).version)
    paths = {f["path"] for f in pack["files"]}
    assert "PulumiPolicy.yaml" in paths and "residency_pack/policies.py" in paths
    assert not any(p.startswith("venv/") or p.endswith(".pyc") for p in paths)
    policies = (PACK / "residency_pack" / "policies.py").read_bytes()
    assert {
        "path": "residency_pack/policies.py",
        "sha256": hashlib.sha256(policies).hexdigest(),
    } in (pack["files"])
    config = document["policyConfig"]
    assert config["sha256"] == evidence.sha256_text(evidence.canonical(config["document"]))
    named = config["document"]["residency"]["residency-named-places"]["properties"]
    assert named["allowedEgressHosts"] == ["hooks.audit-fixture.example"]
    bucket = next(s for s in stack["stores"] if s["name"] == MOVED_BUCKET)
    assert bucket["region"] == "us-east-1" and bucket["account"] == "111122223333"
    assert bucket["key"].startswith("arn:aws:kms:us-east-1:111122223333:key/")
    replica = next(s for s in stack["stores"] if s["name"] == "user-content-bucket")
    assert replica["copies"] == ["user-content-replica-bucket"]
    assert replica["account"].startswith("ocid1.tenancy.oc1..")
    assert stack["findings"] == [] and document["summary"]["mandatory"] == 0


def test_a_document_that_is_not_evidence_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "old.json"
    bad.write_text(json.dumps({"schemaVersion": 1, "kind": "preflight-audit-evidence"}))
    from preflight.audit.compare import load_evidence
    from preflight.errors import PreflightError

    with pytest.raises(PreflightError, match=r"old.json: at /: 'auditedAt' is a required"):
        load_evidence(bad)


def test_compare_reports_exactly_the_edited_change(
    prod_audit: Audited, prod_evidence_file: Path
) -> None:
    moved = Path(prod_audit.stack("moved.json").source)
    done = run_audit_cli(
        moved, "--compare", prod_evidence_file,
        "--program", REPO, "--policy-pack-config", PROD_CONFIG,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr.decode()
    out = done.stdout.decode()
    changes = out[out.index("changes since the evidence of") :]
    old = json.loads(prod_evidence_file.read_text())
    new = evidence.build(prod_audit.setup, [prod_audit.stack("moved.json")])
    expected = compare(old, new)
    urn = next(s.urn for s in prod_audit.stack("moved.json").stores if s.name == MOVED_BUCKET)
    assert expected.moved_stores == [
        f"residency-blueprint/prod: {urn}: us-east-1, 111122223333 -> eu-central-1, 111122223333"
    ]
    assert expected.new_regions == ["residency-blueprint/prod: eu-central-1"]
    assert expected.findings_added and all(urn in f for f in expected.findings_added)
    assert len(expected.findings_added) == len(prod_audit.stack("moved.json").violations)
    assert not (
        expected.new_stores
        or expected.removed_stores
        or expected.new_copies
        or expected.findings_fixed
        or expected.new_stacks
        or expected.missing_stacks
    )
    headings = [
        line.strip()
        for line in changes.splitlines()
        if line.startswith("  ") and not line.startswith("    ")
    ]
    assert headings == [
        "stores moved (1):",
        "new regions holding user data (1):",
        f"findings added ({len(expected.findings_added)}):",
    ]
    assert urn in changes and "eu-central-1" in changes
    # And the other way round: the fix, once deployed, shows as fixed.
    back = compare(new, old)
    assert len(back.findings_fixed) == len(expected.findings_added)
    assert back.moved_stores and not back.findings_added and not back.new_regions
