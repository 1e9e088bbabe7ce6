"""Shared runs for the audit tests: one preflight run of the prod blueprint (and of a small program
whose bucket policy is unknown in preview), the exports built from them, and one audit of every
export the tests need, through one pool of pack processes."""

from __future__ import annotations

import copy
import fcntl
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

import preflight.run as run_module
from preflight.audit.runner import (
    AuditFailure,
    AuditOptions,
    PackSetup,
    StackAudit,
    audit_exports,
    export_sources,
)
from preflight.model import EngineResource, Report
from preflight.program_runner import ProgramRun
from preflight.run import Options, run_preflight

from .exports import ExportBuilder

HERE = Path(__file__).parent
REPO = HERE.parents[1]
FIXTURES = HERE / "fixtures"
PROGRAMS = HERE / "programs"
PACK = REPO / "policy_packs" / "residency"
PROD_CONFIG = FIXTURES / "prod-policy-config.json"
TRUST_CONFIG = FIXTURES / "trust-policy-config.json"
MOVED_BUCKET = "backups-bucket"
T = TypeVar("T")


@dataclass
class PreviewRun:
    report: Report
    resources: list[EngineResource]


def preview(program: Path, config: Path | None = None) -> PreviewRun:
    """preflight's own run of ``program``, keeping the resources it analysed."""
    captured: list[ProgramRun] = []
    original = run_module.run_program

    def capture(*args: Any, **kwargs: Any) -> ProgramRun:
        run = original(*args, **kwargs)
        captured.append(run)
        return run

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run_module, "run_program", capture)
        report = run_preflight(
            Options(
                program_dir=program,
                stack="prod",
                policy_packs=[PACK],
                policy_pack_configs=[config] if config else [],
            )
        )
    return PreviewRun(report, captured[0].resources)


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def resource_entry(export: Mapping[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in export["deployment"]["resources"] if r["urn"].endswith(f"::{name}"))


def moved_to_eu_central_1(export: dict[str, Any]) -> dict[str, Any]:
    """The hand edit: the backups bucket now says it lives in eu-central-1."""
    edited = copy.deepcopy(export)
    bucket = resource_entry(edited, MOVED_BUCKET)
    bucket["inputs"]["region"] = "eu-central-1"
    for key in ("region", "bucketRegion"):
        bucket["outputs"][key] = "eu-central-1"
    name = bucket["outputs"]["bucket"]
    bucket["outputs"]["bucketRegionalDomainName"] = f"{name}.s3.eu-central-1.amazonaws.com"
    return edited


def shared(factory: pytest.TempPathFactory, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per test session, even across pytest-xdist workers: the first worker
    computes it under a lock and pickles it where every worker's temporary directory lives."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    cache = root / f"audit-{name}.pickle"
    with (root / f"audit-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cache.exists():
            loaded: T = pickle.loads(cache.read_bytes())
            return loaded
        value = compute()
        cache.write_bytes(pickle.dumps(value))
        return value


@pytest.fixture(scope="session")
def prod_preview(tmp_path_factory: pytest.TempPathFactory) -> PreviewRun:
    return shared(tmp_path_factory, "prod-preview", lambda: preview(REPO, PROD_CONFIG))


@pytest.fixture(scope="session")
def prod_export(prod_preview: PreviewRun) -> dict[str, Any]:
    return ExportBuilder(prod_preview.resources).build()


@pytest.fixture(scope="session")
def foreign_preview(tmp_path_factory: pytest.TempPathFactory) -> PreviewRun:
    return shared(tmp_path_factory, "foreign-preview", lambda: preview(PROGRAMS / "foreign_policy"))


@pytest.fixture(scope="session")
def foreign_export(foreign_preview: PreviewRun) -> dict[str, Any]:
    sys.path.insert(0, str(PROGRAMS / "foreign_policy"))
    try:
        from policy_document import partner_read_policy  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(PROGRAMS / "foreign_policy"))

    def policy(builder: ExportBuilder, r: EngineResource) -> str:
        bucket = builder.dependency(r, "bucket")
        assert bucket is not None
        return str(partner_read_policy(bucket.outputs["arn"]))

    builder = ExportBuilder(foreign_preview.resources)
    builder.special[("aws:s3/bucketPolicy:BucketPolicy", "policy")] = policy
    return builder.build()


@dataclass
class Audited:
    setup: PackSetup
    by_file: dict[str, StackAudit | AuditFailure]
    directory: Path

    def stack(self, file: str) -> StackAudit:
        result = self.by_file[file]
        assert isinstance(result, StackAudit), result
        return result


@pytest.fixture(scope="session")
def prod_exports_dir(tmp_path_factory: pytest.TempPathFactory, prod_export: dict[str, Any]) -> Path:
    def write() -> Path:
        directory = tmp_path_factory.mktemp("prod-exports")
        write_json(directory / "prod.json", prod_export)
        write_json(directory.parent / "moved.json", moved_to_eu_central_1(prod_export))
        return directory

    return shared(tmp_path_factory, "prod-exports", write)


@pytest.fixture(scope="session")
def prod_audit(tmp_path_factory: pytest.TempPathFactory, prod_exports_dir: Path) -> Audited:
    """The prod export and its hand-edited copy, audited with the stack's own config."""
    files = [prod_exports_dir / "prod.json", prod_exports_dir.parent / "moved.json"]
    options = AuditOptions([PACK], [PROD_CONFIG], program_dir=REPO, workers=2)
    return shared(tmp_path_factory, "prod-audit", lambda: _audit(files, options))


@pytest.fixture(scope="session")
def fixture_audit(
    tmp_path_factory: pytest.TempPathFactory, foreign_export: dict[str, Any]
) -> Audited:
    """The hand-written exports of other languages and the foreign-policy program's export,
    audited with trust from the policy config."""

    def audit() -> Audited:
        directory = tmp_path_factory.mktemp("fixture-exports")
        for name in ("typescript-app.json", "go-aws-v6.json"):
            (directory / name).write_bytes((FIXTURES / name).read_bytes())
        write_json(directory / "foreign-policy.json", foreign_export)
        return _audit([directory], AuditOptions([PACK], [TRUST_CONFIG], workers=2))

    return shared(tmp_path_factory, "fixture-audit", audit)


def _audit(paths: list[Path], options: AuditOptions) -> Audited:
    sources = export_sources([str(p) for p in paths])
    setup, results = audit_exports(sources, options)
    by_file = {Path(r.source).name: r for r in results}
    return Audited(setup, by_file, paths[0] if paths[0].is_dir() else paths[0].parent)


def run_audit_cli(
    *args: str | Path, stdin: bytes | None = None, cwd: Path = REPO, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """``preflight audit`` as a user runs it, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "preflight.cli", "audit", *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env=dict(os.environ),
        cwd=cwd,
        check=False,
    )


def findings(audit: StackAudit) -> set[tuple[str, str, str]]:
    """(enforcement, policy, resource name) of every finding."""
    return {(v.enforcement, v.policy, v.urn.rsplit("::", 1)[-1]) for v in audit.violations}
