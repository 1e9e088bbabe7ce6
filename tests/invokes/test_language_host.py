"""preflight.language_host: where a program starts, and the state it runs in."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from preflight.language_host import ProgramError, entry_point, run_program


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_default_entry_is_the_project_directory(tmp_path: Path) -> None:
    root = project(tmp_path, {"Pulumi.yaml": "", "__main__.py": ""})
    entry = entry_point(root)
    assert (entry.work_dir, entry.path) == (root.resolve(), root.resolve())


def test_main_directory_becomes_working_directory(tmp_path: Path) -> None:
    root = project(tmp_path, {"Pulumi.yaml": "", "infra/__main__.py": ""})
    entry = entry_point(root, "infra/")
    assert entry.work_dir == entry.path == (root / "infra").resolve()


def test_main_file_runs_from_the_project_directory(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "Pulumi.yaml": "",
            "src/helper.py": "VALUE = 'from src'\n",
            "src/program.py": (
                "import os, helper\n"
                "RESULT = (__name__, os.getcwd(), helper.VALUE)\n"
                "import builtins; builtins._preflight_probe = RESULT\n"
            ),
        },
    )
    entry = entry_point(root, "src/program.py")
    before = (os.getcwd(), list(sys.path))
    import builtins

    try:
        run_program(entry)
        assert builtins._preflight_probe == ("__main__", str(root.resolve()), "from src")  # type: ignore[attr-defined]
    finally:
        builtins.__dict__.pop("_preflight_probe", None)
    assert (os.getcwd(), list(sys.path)) == before
    assert "helper" not in sys.modules


@pytest.mark.parametrize(
    ("files", "main", "fragment"),
    [
        ({"Pulumi.yaml": ""}, "missing/", "main: 'missing/' does not exist"),
        ({"Pulumi.yaml": "", "app/x.py": ""}, "app", "main: 'app' has no __main__.py"),
        ({"Pulumi.yaml": ""}, None, "the project directory has no __main__.py"),
    ],
)
def test_bad_entry_points_name_pulumi_yaml_and_the_fix(
    tmp_path: Path, files: dict[str, str], main: str | None, fragment: str
) -> None:
    root = project(tmp_path, files)
    with pytest.raises(ProgramError) as raised:
        entry_point(root, main)
    assert raised.value.message.startswith(f"{root.resolve() / 'Pulumi.yaml'}: ")
    assert fragment in raised.value.message
    assert raised.value.exit_code == 2


def test_modules_imported_before_the_run_stay_imported(tmp_path: Path) -> None:
    # A program inside a project that also holds already-imported code (preflight's own
    # repository runs the blueprint this way): only the program's new modules are forgotten.
    root = project(
        tmp_path,
        {
            "Pulumi.yaml": "",
            "shared_before.py": "",
            "program/__main__.py": "import shared_before, fresh_module\n",
            "program/fresh_module.py": "",
        },
    )
    sys.path.insert(0, str(root))
    try:
        import shared_before  # type: ignore[import-not-found]  # noqa: F401

        run_program(entry_point(root, "program"))
        assert "shared_before" in sys.modules
        assert "fresh_module" not in sys.modules
    finally:
        sys.path.remove(str(root))
        sys.modules.pop("shared_before", None)
