"""Small programs run by the real ``preflight`` CLI (in-process ``main()``), each ending with the
documented exit status and message: 0 when the program ran and the pack found nothing mandatory,
2 when the program could not be evaluated (one message on stderr).

What the answers put into the program's resources is read through preflight's own program
runner, which the CLI uses.
"""

from __future__ import annotations

import io
import json
import os
import sys
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from pulumi.runtime.rpc import UNKNOWN

from preflight.cli import main
from preflight.program_runner import ProgramRun, run_program
from preflight.project import load_project, load_stack_config

PROGRAMS = Path(__file__).resolve().parents[1] / "fixtures" / "programs"
PACK = Path(__file__).resolve().parents[2] / "policy_packs" / "residency"




def preflight(tmp_path: Path, program: str, stack: str = "dev") -> tuple[int, Any, str]:
    """Exit status, JSON report (None if none was written) and stderr of one CLI run."""
    report_file = tmp_path / f"{program}-{stack}.json"
    argv = ["--program", str(PROGRAMS / program), "--stack", stack, "--policy-pack", str(PACK)]
    if (PROGRAMS / program / "policy-config.json").is_file():
        argv += ["--policy-pack-config", str(PROGRAMS / program / "policy-config.json")]
    argv += ["--format", "json", "--output", str(report_file)]
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        code = main(argv)
    report = json.loads(report_file.read_text()) if report_file.exists() else None
    return code, report, stderr.getvalue()


def program_run(program: str, stack: str = "dev") -> ProgramRun:
    project = load_project(PROGRAMS / program)
    return run_program(project, load_stack_config(project, stack))


def inputs(run: ProgramRun, name: str) -> dict[str, Any]:
    (resource,) = [r for r in run.resources if r.name == name]
    return json_format.MessageToDict(resource.properties)


BUILTIN_TOKENS = {
    "aws:index/getCallerIdentity:getCallerIdentity",
    "aws:index/getRegion:getRegion",
    "aws:index/getPartition:getPartition",
    "aws:index/getAvailabilityZones:getAvailabilityZones",
    "aws:iam/getPolicyDocument:getPolicyDocument",
    "oci:Identity/getAvailabilityDomains:getAvailabilityDomains",
    "oci:Identity/getRegions:getRegions",
    "oci:Identity/getRegionSubscriptions:getRegionSubscriptions",
    "oci:Identity/getTenancy:getTenancy",
    "oci:ObjectStorage/getNamespace:getNamespace",
}


def test_every_builtin_invoke_is_answered_offline_and_listed_with_its_call_site(
    tmp_path: Path,
) -> None:
    code, report, stderr = preflight(tmp_path, "invokes_builtins")
    assert code == 0, stderr
    invokes = report["invokes"]
    assert {i["token"] for i in invokes} == BUILTIN_TOKENS
    # The policy document over a security group's ARN is unknown in preview: listed, not answered.
    assert [(i["token"], i["source"]) for i in invokes if i["source"] != "built-in"] == [
        ("aws:iam/getPolicyDocument:getPolicyDocument", "unknown")
    ]
    assert len(invokes) == 13
    lines = (PROGRAMS / "invokes_builtins" / "__main__.py").read_text().splitlines()
    for invoke in invokes:  # both forms: get_x() and get_x_output()
        path, _, line = invoke["callSite"].rpartition(":")
        assert path.endswith("invokes_builtins/__main__.py"), invoke
        function = invoke["token"].rsplit(":", 1)[1]
        snake = "".join("_" + c.lower() if c.isupper() else c for c in function)
        assert snake in lines[int(line) - 1], invoke
    regions = {r["name"]: r["region"] for r in report["resources"]}
    assert regions["singapore-web"] == "ap-southeast-1"


@pytest.fixture(scope="module")
def builtins_run() -> ProgramRun:
    return program_run("invokes_builtins")


def test_builtin_answers_reach_the_programs_resources(builtins_run: ProgramRun) -> None:
    assert inputs(builtins_run, "worker")["tags"] == {
        "account": "123456789012",
        "region": "us-east-1",
        "partition": "aws/amazonaws.com",
        "zones": "us-east-1a,us-east-1b,us-east-1c",
    }
    trust = json.loads(inputs(builtins_run, "worker")["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    # The explicit provider's own region and account, not the stack config's.
    assert inputs(builtins_run, "singapore-web")["tags"] == {
        "zones": "ap-southeast-1a,ap-southeast-1b,ap-southeast-1c",
        "account": "210987654321",
    }
    assert inputs(builtins_run, "records")["freeformTags"] == {
        "namespace": "preflightns",
        "ad": "Xxxx:PHX-AD-1",
        "home": "PHX",
        "subscribed": "us-phoenix-1",
        "ashburn-listed": "True",
    }


def test_policy_document_over_unknown_outputs_stays_unknown_in_preview(
    builtins_run: ProgramRun,
) -> None:
    assert inputs(builtins_run, "read-groups")["policy"] == UNKNOWN


def test_fixture_answers_by_matching_arguments_then_the_entry_without_match(
    tmp_path: Path,
) -> None:
    code, report, stderr = preflight(tmp_path, "invokes_fixture")
    assert code == 0, stderr
    assert [(i["token"], i["source"]) for i in report["invokes"]] == [
        ("aws:ec2/getAmi:getAmi", "fixture"),
        ("aws:ec2/getAmi:getAmi", "fixture"),
    ]
    run = program_run("invokes_fixture")
    assert inputs(run, "web")["imageId"] == "ami-0123456789abcdef0"
    assert inputs(run, "batch")["imageId"] == "ami-0fedcba9876543210"


def test_local_module_imports_from_the_main_directory(tmp_path: Path) -> None:
    code, _report, stderr = preflight(tmp_path, "invokes_local_module")
    assert code == 0, stderr
    assert "naming" not in sys.modules  # the program's modules are forgotten after the run
    # naming.py beside app/__main__.py; cwd is app/ (main: app/); Config() reads the project's
    # namespace; the resource exists only because __name__ == "__main__".
    assert inputs(program_run("invokes_local_module"), "named")["name"] == "residency-app"


def test_missing_required_config_exits_2_naming_the_key_and_the_line_to_add(
    tmp_path: Path,
) -> None:
    code, report, stderr = preflight(tmp_path, "invokes_missing_config")
    assert (code, report) == (2, None)
    first = stderr.splitlines()[0]
    assert first.startswith("preflight: error: ")
    assert first.endswith(
        "invokes_missing_config/Pulumi.dev.yaml: missing required configuration value "
        "invokes-missing-config:logBucketName (required at "
        "tests/fixtures/programs/invokes_missing_config/__main__.py:5). Add it to "
        "tests/fixtures/programs/invokes_missing_config/Pulumi.dev.yaml under config:"
    )
    assert "\nconfig:\n  invokes-missing-config:logBucketName: <value>\n" in stderr
    assert "pulumi config set invokes-missing-config:logBucketName <value> --stack dev" in stderr


@pytest.mark.parametrize(("stack", "line"), [("dev", 8), ("output", 5)])
def test_unanswered_invoke_exits_2_with_token_call_site_and_fixture_entry(
    tmp_path: Path, stack: str, line: int
) -> None:
    code, report, stderr = preflight(tmp_path, "invokes_unanswered", stack)
    assert (code, report) == (2, None)
    first = stderr.splitlines()[0]
    assert first.startswith("preflight: error: invoke aws:ec2/getVpc:getVpc (called at ")
    assert f"invokes_unanswered/__main__.py:{line})" in first
    assert "invokes_unanswered/preflight.yaml (beside Pulumi.yaml)" in first
    entry = "invokes:\n  aws:ec2/getVpc:\n  - match:\n      default: true\n    result:\n"
    assert entry in stderr
    assert "      cidrBlock: '...'\n" in stderr  # output names from the SDK
    assert "Future exception was never retrieved" not in stderr


def test_missing_package_exits_2_naming_the_module(tmp_path: Path) -> None:
    code, report, stderr = preflight(tmp_path, "invokes_missing_package")
    assert (code, report) == (2, None)
    assert stderr.startswith(
        "preflight: error: the program imports 'pulumi_random_not_installed_here', which is not "
        "installed in this environment (imported at "
    )
    assert "invokes_missing_package/__main__.py:2" in stderr
    assert "dependencies listed in requirements.txt must be installed in this environment" in stderr


def test_program_that_raises_exits_2_with_only_its_own_frames(tmp_path: Path) -> None:
    code, report, stderr = preflight(tmp_path, "invokes_raises")
    assert (code, report) == (2, None)
    lines = stderr.splitlines()
    assert lines[0] == (
        "preflight: error: the program raised an exception. "
        "Traceback (the program's own frames only):"
    )
    frames = [line for line in lines if line.startswith('  File "')]
    assert len(frames) == 2
    assert frames[0].endswith('invokes_raises/__main__.py", line 3, in <module>')
    assert frames[1].endswith('invokes_raises/sizing.py", line 3, in replicas')
    assert lines[-1] == "ValueError: no capacity plan for ap-southeast-1"
    assert "site-packages" not in stderr and "runpy" not in stderr


def test_invalid_fixture_file_exits_2_naming_the_file_and_key(tmp_path: Path) -> None:
    code, report, stderr = preflight(tmp_path, "invokes_bad_fixture")
    assert (code, report) == (2, None)
    fixture_file = PROGRAMS / "invokes_bad_fixture" / "preflight.yaml"
    assert stderr.startswith(
        f"preflight: error: {fixture_file}: key invokes.aws:ec2/getAmi[0]: 'result' is a "
        "required property; key invokes.aws:ec2/getAmi[0]: Additional properties are not "
        "allowed ('results' was unexpected)."
    )


def test_main_that_does_not_exist_exits_2_naming_pulumi_yaml(tmp_path: Path) -> None:
    code, report, stderr = preflight(tmp_path, "invokes_bad_main")
    assert (code, report) == (2, None)
    assert stderr == (
        f"preflight: error: {PROGRAMS / 'invokes_bad_main' / 'Pulumi.yaml'}: main: 'src/' does "
        "not exist (it is resolved against the directory of Pulumi.yaml).\n"
    )


def test_policy_document_the_provider_rejects_exits_2_at_its_call_site(tmp_path: Path) -> None:
    code, report, stderr = preflight(tmp_path, "invokes_bad_policy_arguments")
    assert (code, report) == (2, None)
    assert stderr == (
        "preflight: error: invoke aws:iam/getPolicyDocument:getPolicyDocument (called at "
        "tests/fixtures/programs/invokes_bad_policy_arguments/__main__.py:3): the provider "
        "rejects these arguments too: duplicate Sid (Read). Remove the Sid or ensure the Sid "
        "is unique.\n"
    )


def test_component_annotations_resolve_after_the_programs_code_returns(tmp_path: Path) -> None:
    # The SDK resolves a component's string annotations through sys.modules[cls.__module__]
    # while registrations are still in flight; the language host keeps the program's modules
    # loaded until the run is over, and so must preflight.
    code, report, stderr = preflight(tmp_path, "host_component_module")
    assert code == 0, stderr
    names = {resource["name"] for resource in report["resources"]}
    assert {"artifacts", "artifacts-bucket"} <= names


def test_run_error_is_reported_by_its_message_alone(tmp_path: Path) -> None:
    code, report, stderr = preflight(tmp_path, "host_run_error")
    assert (code, report) == (2, None)
    assert stderr.strip() == (
        "preflight: error: the program stopped with an error at "
        f"{Path(os.path.relpath(PROGRAMS / 'host_run_error' / '__main__.py'))}:5: "
        "host-run-error:tier is 'platinum'; allowed: standard, premium"
    )
    assert "Traceback" not in stderr
