"""The pre-commit hook definition and the progress display for large stacks."""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from preflight import cli

from .conftest import REPO


def test_pre_commit_hooks_run_the_declared_console_script() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["preflight"] == "preflight.cli:main"
    ids = [h["id"] for h in hooks]
    assert len(ids) == len(set(ids)) and "preflight" in ids
    for hook in hooks:
        assert hook["entry"].split()[-1] == "preflight"
        assert hook["pass_filenames"] is False  # preflight checks the whole program
        pattern = re.compile(hook["files"])
        assert pattern.search("infra/blueprint/oci_storage.py")
        assert pattern.search("Pulumi.prod.yaml") and pattern.search("Pulumi.yaml")
        assert pattern.search("policy_packs/residency/residency_pack/rules/key_locality.py")
        assert not pattern.search("docs/architecture.md")


class _Terminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "total", "shown"),
    [(True, 301, True), (True, 300, False), (False, 5000, False)],
)
def test_progress_only_for_large_stacks_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tty: bool, total: int, shown: bool
) -> None:
    stream = _Terminal(tty)
    monkeypatch.setattr(cli.sys, "stderr", stream)
    for index in range(1, total + 1):
        cli._progress(index, total)
    text = stream.getvalue()
    assert bool(text) is shown
    if shown:
        assert text.endswith(f"\ranalysing resource {total}/{total}\n")


def test_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--format", "xml"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_report_written_to_output_file(tmp_path: Path, faithful_run, monkeypatch) -> None:
    report, _ = faithful_run
    monkeypatch.setattr(cli, "run_preflight", lambda options, progress: report)
    target = tmp_path / "report.md"
    assert cli.main(["--format", "markdown", "--output", str(target)]) == 0
    # The echo pack only: a policy report, without the residency inventory.
    assert target.read_text().startswith("## Policy preflight: ✅ PASS")
    missing = tmp_path / "nope" / "report.md"
    assert cli.main(["--output", str(missing)]) == 2
