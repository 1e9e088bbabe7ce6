"""The program runs as the Python language host runs it, in a process of its own: where it
starts, and what it can see of the process it runs in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format

import preflight
from preflight.language_host import ProgramError, engine_pwd_main, entry_point
from preflight.program_runner import ProgramRun, run_program
from preflight.project import load_project, load_stack_config

PROGRAMS = Path(__file__).resolve().parents[1] / "fixtures" / "programs"
STACK_TYPE = "pulumi:pulumi:Stack"


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def seen(run: ProgramRun) -> dict[str, Any]:
    (stack,) = [r for r in run.resources if r.type == STACK_TYPE]
    return dict(json_format.MessageToDict(stack.outputs)["seen"])


def run(name: str, monkeypatch: pytest.MonkeyPatch | None = None) -> ProgramRun:
    program = load_project(PROGRAMS / name)
    return run_program(program, load_stack_config(program, "dev"))


def test_default_entry_is_the_project_directory(tmp_path: Path) -> None:
    root = project(tmp_path, {"Pulumi.yaml": "", "__main__.py": ""})
    assert engine_pwd_main(entry_point(root)) == (root.resolve(), ".")


def test_main_directory_becomes_working_directory(tmp_path: Path) -> None:
    root = project(tmp_path, {"Pulumi.yaml": "", "infra/__main__.py": ""})
    assert engine_pwd_main(entry_point(root, "infra/")) == ((root / "infra").resolve(), ".")


def test_main_file_runs_by_name_from_its_directory() -> None:
    # The engine's getPwdMain: the file's directory is the working directory, its name the
    # entry point the exec script runs.
    observed = seen(run("host_main_file"))
    assert observed == {
        "argv": ["program.py"],
        "cwd": str(PROGRAMS / "host_main_file" / "src"),
        "name": "__main__",
    }


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


def test_the_program_sees_the_language_hosts_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFLIGHT_PACK_START_TIMEOUT", "60")  # preflight's own knob
    root = PROGRAMS / "host_environment"
    observed = seen(run("host_environment"))
    # Nothing of preflight: no module, no variable, no process name, no frame.
    assert observed["modules"] == []
    assert observed["env"] == []
    assert not any("preflight" in part for part in observed["cmdline"][1:] if "/" not in part)
    assert Path(observed["cmdline"][2]).name == "pulumi-language-python-exec"
    assert "preflight" not in observed["cmdline"][2]
    package = str(Path(preflight.__file__).parent) + "/"
    outside = [f for f in observed["frames"] if not f.startswith(str(root))]
    assert outside and not any(f.startswith(package) for f in outside), outside
    # The language host's command line, argument shape, working directory and environment.
    assert observed["cmdline"][1] == "-u"
    options = observed["cmdline"][3:-1]
    assert options[0::2] == [
        "--monitor",
        "--engine",
        "--project",
        "--root_directory",
        "--stack",
        "--pwd",
        "--dry_run",
        "--parallel",
        "--organization",
    ]
    assert observed["cmdline"][-1] == "."
    assert observed["argv"] == ["."]
    assert observed["path0"] == "."
    assert observed["cwd"] == str(root)
    assert (observed["mainName"], Path(observed["file"]).name) == ("__main__", "__main__.py")
    assert observed["config"] == {
        "aws:region": "us-east-1",
        "host-environment:tier": "standard",
        "host-environment:token": "[secret]",
    }
    assert observed["secretKeys"] == ["host-environment:token"]
    # The SDK runs against a real (gRPC) monitor, in preview, not under mocks.
    assert (observed["monitor"], observed["settings"]) == ("ResourceMonitorStub", "Settings")
    assert observed["dryRun"] is True
    assert (observed["stack"], observed["project"], observed["organization"]) == (
        "dev",
        "host-environment",
        "organization",
    )
    assert observed["tier"] == "standard"
    assert json.loads(json.dumps(observed))  # everything the program exported was plain data
