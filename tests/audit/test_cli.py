"""``preflight audit`` as a user runs it: stdin, a directory with an unreadable export, exits."""

from __future__ import annotations

from pathlib import Path

from .conftest import FIXTURES, TRUST_CONFIG, run_audit_cli


def test_stdin_export_is_audited() -> None:
    done = run_audit_cli(
        "-",
        "--policy-pack-config",
        TRUST_CONFIG,
        stdin=(FIXTURES / "typescript-app.json").read_bytes(),
    )
    assert done.returncode == 1, done.stderr.decode()
    table = done.stdout.decode().splitlines()[-3:]
    assert table[0].split()[:3] == ["stack", "resources", "mandatory"]
    assert table[2].split()[:5] == ["ts-orders/prod", "9", "5", "0", "1"]
    assert table[2].endswith("eu-west-1, us-east-1")


def test_an_unreadable_export_is_one_error_and_exit_2_the_others_are_audited(
    tmp_path: Path,
) -> None:
    (tmp_path / "a-orders.json").write_bytes((FIXTURES / "typescript-app.json").read_bytes())
    (tmp_path / "b-broken.json").write_bytes((FIXTURES / "go-aws-v6.json").read_bytes()[:900])
    done = run_audit_cli(tmp_path, "--policy-pack-config", TRUST_CONFIG)
    assert done.returncode == 2
    errors = done.stderr.decode().strip().splitlines()
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"preflight: error: {tmp_path / 'b-broken.json'}:")
    assert "truncated export" in errors[0]
    out = done.stdout.decode()
    assert "ts-orders/prod" in out and "unreadable (exit 2)" in out


def test_no_exports_in_directory_is_exit_2(tmp_path: Path) -> None:
    done = run_audit_cli(tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        f"preflight: error: {tmp_path}: no stack exports (*.json, *.json.gz) in this directory"
    )


def test_workers_restart_their_packs_and_results_keep_the_input_order(tmp_path: Path) -> None:
    from preflight.audit.runner import AuditOptions, StackAudit, audit_exports, export_sources

    from .conftest import PACK

    names = ["c.json", "a.json", "b.json", "d.json"]
    for name in names:
        (tmp_path / name).write_bytes((FIXTURES / "typescript-app.json").read_bytes())
    sources = export_sources([str(tmp_path / n) for n in names])
    # Two workers, each starting a fresh pack for every stack while the other one is calling its
    # own: the fork gate keeps a process start from overlapping a gRPC call.
    options = AuditOptions([PACK], [TRUST_CONFIG], workers=2, stacks_per_pack=1)
    seen: list[str] = []
    setup, results = audit_exports(sources, options, lambda r: seen.append(r.source))
    assert [Path(r.source).name for r in results] == names
    assert sorted(Path(s).name for s in seen) == sorted(names)
    assert all(isinstance(r, StackAudit) and len(r.mandatory) == 5 for r in results)
    assert [p.name for p in setup.packs] == ["residency"]


def test_evidence_of_a_run_with_no_readable_export_still_names_the_pack(tmp_path: Path) -> None:
    import json

    (tmp_path / "broken.json").write_text('{"version": 4, "deployment": {}}')
    out = tmp_path / "evidence.json"
    done = run_audit_cli(tmp_path / "broken.json", "--format", "evidence", "--output", out)
    assert done.returncode == 2
    document = json.loads(out.read_text())
    assert [p["name"] for p in document["packs"]] == ["residency"]
    assert document["stacks"] == []
    assert document["unreadable"][0]["error"].startswith(f"{tmp_path / 'broken.json'}: at /version")
