"""The rule scaffold, as docs/adding-a-rule.md tells a new contributor to use it: in a copy of
the repository, `python -m residency_pack.new_rule NAME --kind resource|stack`, then the pack's
tests. Right after the scaffold they pass, and the new rule's placeholder flags its own
fixture's `# violation:` resource (advisory) until the check is written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from residency_pack.new_rule import ScaffoldError, new_rule

ROOT = Path(__file__).resolve().parents[2]
RULES = {"resource": "oci-bucket-versioning", "stack": "backups-stay-home"}


def _copy_of_the_repository(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True, timeout=60,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    pack_venv = ROOT / "policy_packs" / "residency" / "venv"
    (target / "policy_packs" / "residency" / "venv").symlink_to(pack_venv, target_is_directory=True)
    return target


def _in_copy(copy: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    # The copy's own packages first: the project environment installs this checkout's.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(copy / "policy_packs" / "residency"), str(copy)]),
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = _copy_of_the_repository(tmp_path_factory.mktemp("clone"))
    for kind, name in RULES.items():
        result = _in_copy(copy, "-m", "residency_pack.new_rule", name, "--kind", kind)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"scaffolded residency-{name} ({kind} rule" in result.stdout
    return copy


def test_the_scaffold_writes_module_fixture_registry_docs_and_schema(scaffolded: Path) -> None:
    pack = scaffolded / "policy_packs" / "residency"
    for kind, name in RULES.items():
        policy, module = f"residency-{name}", name.replace("-", "_")
        source = (pack / "residency_pack" / "rules" / f"{module}.py").read_text()
        assert "advisory=True" in source and "PLACEHOLDER" in source
        assert ("stack_policy(SPEC, check)" in source) == (kind == "stack")
        fixture = (scaffolded / "tests" / "pack" / "programs" / policy / "__main__.py").read_text()
        assert fixture.count(f"# violation: {policy}") == 1
        assert fixture.count(f"# ok: {policy}") == 1
        assert f'"{module}",' in (pack / "residency_pack" / "policies.py").read_text()
        for doc in (
            pack / "README.md",
            scaffolded / "docs" / "reading-reports.md",
            scaffolded / "docs" / "data-classification.md",
            pack / "CHANGELOG.md",
        ):
            assert f"`{policy}`" in doc.read_text(), doc  # fmt: skip
        assert f'"{policy}"' in (pack / "config" / "policy-config.schema.json").read_text()


def test_the_pack_tests_pass_right_after_the_scaffold(scaffolded: Path) -> None:
    programs = [f"tests/pack/test_annotated_programs.py::test_annotated_program[residency-{n}]"
                for n in RULES.values()]  # fmt: skip
    result = _in_copy(
        scaffolded, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
        "tests/pack/test_policies.py", "tests/pack/test_config_schema.py",
        "tests/pack/test_annotated_programs.py::test_every_policy_has_a_program",
        *programs, "tests/delivery/test_docs.py",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
    lint = subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "check",
         *(f"policy_packs/residency/residency_pack/rules/{n.replace('-', '_')}.py"
           for n in RULES.values())],
        cwd=scaffolded, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout


def test_the_placeholder_flags_its_fixture_until_it_is_written(scaffolded: Path) -> None:
    policy = f"residency-{RULES['stack']}"
    program = scaffolded / "tests" / "pack" / "programs" / policy
    report = scaffolded / "report.txt"
    result = _in_copy(
        scaffolded, "-m", "preflight.cli", "--program", str(program), "--stack", "test",
        "--output", str(report),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr  # advisory: it does not block
    text = report.read_text()
    assert f"advisory  {policy}" in text
    assert f"PLACEHOLDER: `{policy}` is not written yet; it flags `flagged`" in text
    assert "compliant" not in text.split("Residency inventory")[0]


@pytest.mark.parametrize("bad", ["Bad_Name", "-x", "two  words", "residency-"])
def test_the_scaffold_refuses_a_bad_name(bad: str) -> None:
    with pytest.raises(ScaffoldError, match="not a rule name"):
        new_rule(bad, "resource")
