"""What preflight cannot do offline, it says: multi-language components are an evaluation error
unless accepted in ``preflight.yaml`` (then listed as not checked in every format), and reads
(``Resource.get``, ``StackReference``) never take the program's word: their outputs are unknown
or come from a fixture, and every report lists them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from preflight.cli import main
from preflight.reporters import render
from preflight.run import Options, run_preflight

from .conftest import PACKS, PROGRAMS

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
ACCEPTED = """\
remoteComponents:
  awsx:ecr:Repository:
    reason: the awsx provider's ECR repository is checked by `pulumi preview --policy-pack` in CI
"""


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_remote_component_is_an_evaluation_error_naming_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = cli(
        capsys, "--program", PROGRAMS / "remote_component", "--policy-pack", PACKS / "echo"
    )
    assert (code, out) == (2, "")
    first = err.splitlines()[0]
    assert first.startswith(
        "preflight: error: component 'repo' of type awsx:ecr:Repository (package awsx) "
        "(declared at __main__.py:25) is a multi-language component (remote)"
    )
    assert "preflight cannot run providers offline, so it would check none of them" in first
    assert "remoteComponents:\n  awsx:ecr:Repository:\n    reason: <" in err


@pytest.fixture
def accepted(tmp_path: Path) -> Path:
    program = Path(shutil.copytree(PROGRAMS / "remote_component", tmp_path / "remote_component"))
    (program / "preflight.yaml").write_text(ACCEPTED)
    return program


def test_accepted_remote_component_is_listed_as_not_checked_in_every_format(
    accepted: Path,
) -> None:
    report = run_preflight(Options(program_dir=accepted, policy_packs=[PACKS / "echo"]))
    assert report.exit_code == 0
    [unchecked] = report.unchecked
    assert (unchecked.name, unchecked.type, unchecked.package) == (
        "repo",
        "awsx:ecr:Repository",
        "awsx",
    )
    assert unchecked.reason.startswith("the awsx provider's ECR repository is checked")
    # The Python component of the program itself is registered with its child, as before.
    names = {r.name for r in report.resources}
    assert {"site", "site-content", "repo"} <= names
    text = render(report, "text")
    assert "Not checked offline:\n  repo (awsx:ecr:Repository) at __main__.py:25" in text
    assert text.splitlines()[-1].endswith("; 1 not checked offline (listed above)")
    document = json.loads(render(report, "json"))
    assert document["notCheckedOffline"][0]["type"] == "awsx:ecr:Repository"
    assert document["summary"]["notCheckedOffline"] == 1
    assert "Not checked offline (1)" in render(report, "markdown")
    sarif = json.loads(render(report, "sarif"))
    [result] = [
        r for r in sarif["runs"][0]["results"] if r["ruleId"] == "preflight-not-checked-offline"
    ]
    assert "repo (awsx:ecr:Repository)" in result["message"]["text"]


def test_a_remote_component_accepted_without_a_reason_is_a_fixture_error(
    accepted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (accepted / "preflight.yaml").write_text("remoteComponents:\n  awsx:ecr:Repository: {}\n")
    code, _out, err = cli(capsys, "--program", accepted, "--policy-pack", PACKS / "echo")
    assert code == 2
    assert err.startswith(
        f"preflight: error: {accepted / 'preflight.yaml'}: key "
        "remoteComponents.awsx:ecr:Repository: 'reason' is a required property"
    )


def stack_props(records: list[dict[str, Any]], name: str) -> dict[str, Any]:
    [stack] = [r for r in records if r["call"] == "AnalyzeStack"]
    [resource] = [r for r in stack["resources"] if r["urn"].endswith(f"::{name}")]
    return dict(resource["props"])


def reads_run(program: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    echo_file = tmp_path / "echo.jsonl"
    monkeypatch.setenv("PREFLIGHT_ECHO_FILE", str(echo_file))
    report = run_preflight(Options(program_dir=program, policy_packs=[PACKS / "echo"]))
    records = [json.loads(line) for line in echo_file.read_text().splitlines()]
    return report, records


def test_reads_never_take_the_programs_state_and_are_unknown_without_a_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, records = reads_run(PROGRAMS / "reads", tmp_path, monkeypatch)
    existing = stack_props(records, "existing")
    # The forged region and classification never reach the pack: every output is unknown.
    assert existing["region"] == UNKNOWN and existing["tags"] == UNKNOWN
    assert stack_props(records, "acme/network/prod")["outputs"] == UNKNOWN
    # Nor does the program see them: what it derives from the read is unknown too.
    analyzed = {r["name"]: r for r in records if r["call"] == "Analyze"}
    assert analyzed["copy"]["props"]["tags"] == {"source-region": UNKNOWN, "vpc": UNKNOWN}
    assert "existing" not in analyzed  # the engine never analyses a read
    by_name = {r.name: r for r in report.reads}
    assert by_name["existing"].answered_by == "unknown"
    assert by_name["existing"].program_state_ignored
    assert by_name["existing"].source == "__main__.py:7"
    assert by_name["acme/network/prod"].answered_by == "unknown"
    text = render(report, "text")
    assert "existing (aws:s3/bucket:Bucket, id legacy-user-data) at __main__.py:7: outputs " in text
    document = json.loads(render(report, "json"))
    assert {r["answeredBy"] for r in document["reads"]} == {"unknown"}


def test_reads_answered_from_fixtures_by_type_and_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = Path(shutil.copytree(PROGRAMS / "reads", tmp_path / "reads"))
    shutil.copy(program / "preflight.with-fixtures.yaml", program / "preflight.yaml")
    report, records = reads_run(program, tmp_path, monkeypatch)
    existing = stack_props(records, "existing")
    assert existing["region"] == "eu-west-1"
    assert existing["tags"] == {"data-classification": "us-user-data"}
    analyzed = {r["name"]: r for r in records if r["call"] == "Analyze"}
    assert analyzed["copy"]["props"]["tags"] == {
        "source-region": "eu-west-1",
        "vpc": "vpc-0123456789abcdef0",
    }
    by_name = {r.name: r for r in report.reads}
    assert by_name["existing"].detail == (
        "preflight.yaml: reads.aws:s3/bucket:Bucket.legacy-user-data"
    )
    assert (
        by_name["acme/network/prod"].detail == "preflight.yaml: stackReferences.acme/network/prod"
    )
    assert "answered by preflight.yaml: stackReferences.acme/network/prod" in render(report, "text")
