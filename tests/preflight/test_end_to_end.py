"""preflight with the real residency pack: the blueprint passes, user data abroad fails.

Fixture programs annotate their resources (``# violation: <policy>``, ``# ok: <policy>, ...``);
the runner checks each annotation against the report through the resources' source positions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from preflight.cli import main
from preflight.model import Report
from preflight.run import Options, run_preflight

from .conftest import PROGRAMS, REPO

RESIDENCY_PACK = REPO / "policy_packs" / "residency"
ANNOTATION = re.compile(r"#\s*(violation|ok):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*$")


def annotations(program: Path) -> list[tuple[str, int, str, str]]:
    """(file, line, kind, policy) for every annotation in the program's Python files."""
    found = []
    for file in sorted(program.rglob("*.py")):
        for number, line in enumerate(file.read_text().splitlines(), start=1):
            match = ANNOTATION.search(line)
            if match:
                for policy in match.group(2).split(","):
                    found.append(
                        (
                            file.relative_to(program).as_posix(),
                            number,
                            match.group(1),
                            policy.strip(),
                        )
                    )
    return found


@pytest.fixture(scope="module")
def abroad() -> Report:
    return run_preflight(
        Options(program_dir=PROGRAMS / "user_data_abroad", policy_packs=[RESIDENCY_PACK])
    )


def test_user_data_in_a_disallowed_region_fails(abroad: Report) -> None:
    assert abroad.exit_code == 1
    named = {v.urn.rsplit("::", 1)[1] for v in abroad.mandatory}
    assert "user-profiles-sg" in named


@pytest.mark.parametrize(
    ("file", "line", "kind", "policy"), annotations(PROGRAMS / "user_data_abroad")
)
def test_annotated_expectations(
    abroad: Report, file: str, line: int, kind: str, policy: str
) -> None:
    at_line = {v.policy for v in abroad.mandatory if v.source == f"{file}:{line}"}
    if kind == "violation":
        assert policy in at_line, f"{file}:{line} expected {policy}, got {sorted(at_line)}"
    else:
        assert policy not in at_line, f"{file}:{line} must not violate {policy}"


def test_cli_on_the_blueprint_with_its_defaults_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    code = main(["--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    assert report["stack"] == "prod"
    assert report["summary"]["mandatory"] == 0
    assert [p["name"] for p in report["packs"]] == ["residency"]
    # Data sources the blueprint calls are answered offline, and the report says how.
    assert report["invokes"]
    assert {i["source"] for i in report["invokes"]} <= {"built-in", "fixture"}
    user_data = [r for r in report["resources"] if r["classification"] == "us-user-data"]
    assert user_data, "the blueprint declares user-data stores"
    assert all(
        r["region"] in {"us-ashburn-1", "us-phoenix-1", "us-chicago-1", "us-sanjose-1", "us-east-1"}
        for r in user_data
    )
