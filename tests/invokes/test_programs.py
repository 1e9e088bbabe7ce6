"""Small programs under the mock runtime: each ends with the documented exit code and message.

Exit 0: the program ran; exit 2: it could not be evaluated (one clear message).
"""

from __future__ import annotations

import json
import sys

import pytest
from harness import PROGRAMS, run

from preflight.invokes import InvokeRecord


def by_token(records: list[InvokeRecord]) -> dict[str, list[InvokeRecord]]:
    grouped: dict[str, list[InvokeRecord]] = {}
    for record in records:
        grouped.setdefault(record.token, []).append(record)
    return grouped


@pytest.fixture(scope="module")
def builtins_run():
    return run("invokes_builtins")


def test_every_builtin_invoke_is_answered_and_reaches_the_program(builtins_run) -> None:
    outcome = builtins_run
    assert outcome.exit_code == 0, outcome.message
    tags = outcome.resources["data"].inputs["tags"]
    assert tags["account"] == "123456789012"
    assert tags["region"] == "us-east-1"
    assert tags["partition"] == "aws/amazonaws.com"
    assert tags["zones"] == "us-east-1a,us-east-1b,us-east-1c"
    trust = json.loads(outcome.resources["worker"].inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}

    oci_tags = outcome.resources["records"].inputs["freeformTags"]
    assert oci_tags["ad"] == "Xxxx:PHX-AD-1"
    assert oci_tags["home"] == "PHX"
    assert oci_tags["subscribed"] == "us-phoenix-1"
    assert oci_tags["ashburn-listed"] == "True"
    assert outcome.resources["records"].inputs["namespace"] == "preflightns"

    tokens = set(by_token(outcome.records))
    assert tokens == {
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


def test_output_form_through_an_explicit_provider_uses_that_providers_settings(
    builtins_run,
) -> None:
    west = builtins_run.resources["west"].inputs["tags"]
    assert west == {"zones": "us-west-2a,us-west-2b,us-west-2c", "account": "210987654321"}
    zones = by_token(builtins_run.records)["aws:index/getAvailabilityZones:getAvailabilityZones"]
    assert [r.note for r in zones] == [
        "derived offline from the stack config (default provider)",
        "derived offline from the explicit provider",
    ]


def test_call_sites_are_recorded_for_both_invoke_forms(builtins_run) -> None:
    main = PROGRAMS / "invokes_builtins" / "__main__.py"
    lines = main.read_text().splitlines()
    for record in builtins_run.records:
        assert record.call_site is not None, record
        path, _, line = record.call_site.rpartition(":")
        assert path.endswith("invokes_builtins/__main__.py")
        called = lines[int(line) - 1]
        function = record.token.rsplit(":", 1)[1]
        snake = "".join("_" + c.lower() if c.isupper() else c for c in function)
        assert snake in called, (record.call_site, called)
    namespace = by_token(builtins_run.records)["oci:ObjectStorage/getNamespace:getNamespace"][0]
    assert "get_namespace_output" in lines[int(namespace.call_site.rpartition(":")[2]) - 1]


def test_policy_document_over_unknown_resource_outputs_is_unknown_in_preview(
    builtins_run,
) -> None:
    policy = builtins_run.resources["data-policy"].inputs["policy"]
    assert not isinstance(policy, str)  # the engine's unknown, not an invented document
    unknown = [r for r in builtins_run.records if r.source == "unknown"]
    assert [r.token for r in unknown] == ["aws:iam/getPolicyDocument:getPolicyDocument"]


def test_fixture_answers_by_matching_arguments_then_falls_back_to_entry_without_match() -> None:
    outcome = run("invokes_fixture")
    assert outcome.exit_code == 0, outcome.message
    assert outcome.resources["web"].inputs["ami"] == "ami-0123456789abcdef0"
    assert outcome.resources["batch"].inputs["ami"] == "ami-0fedcba9876543210"
    assert [(r.source, r.note) for r in outcome.records] == [
        ("fixture", "preflight.yaml: invokes.aws:ec2/getAmi[0]"),
        ("fixture", "preflight.yaml: invokes.aws:ec2/getAmi[1]"),
    ]


def test_local_module_imports_from_main_directory_with_project_config() -> None:
    outcome = run("invokes_local_module")
    assert outcome.exit_code == 0, outcome.message
    # naming.py from app/ imported; cwd was app/ (main: app/); Config() read the project namespace;
    # the resource exists only if __name__ == "__main__".
    assert outcome.resources["named"].inputs["bucket"] == "residency-app"
    assert "naming" not in sys.modules  # forgotten after the run


def test_missing_required_config_names_key_and_the_line_to_add() -> None:
    outcome = run("invokes_missing_config")
    assert outcome.exit_code == 2
    first = outcome.message.splitlines()[0]
    assert first.endswith(
        "invokes_missing_config/Pulumi.dev.yaml: missing required configuration value "
        "invokes-missing-config:logBucketName (required at "
        "tests/fixtures/programs/invokes_missing_config/__main__.py:5). Add it to "
        "tests/fixtures/programs/invokes_missing_config/Pulumi.dev.yaml under config:"
    )
    assert "config:\n  invokes-missing-config:logBucketName: <value>" in outcome.message
    assert (
        "pulumi config set invokes-missing-config:logBucketName <value> --stack dev"
        in outcome.message
    )
    assert "__main__.py:5" in outcome.message


@pytest.mark.parametrize(("stack", "line"), [("dev", 8), ("output", 5)])
def test_unanswered_invoke_stops_with_token_call_site_and_fixture_entry(
    stack: str, line: int
) -> None:
    outcome = run("invokes_unanswered", stack)
    assert outcome.exit_code == 2
    first = outcome.message.splitlines()[0]
    assert first.startswith("invoke aws:ec2/getVpc:getVpc (called at ")
    assert f"invokes_unanswered/__main__.py:{line})" in first
    assert "invokes_unanswered/preflight.yaml" in first
    assert "invokes:\n  aws:ec2/getVpc:\n  - match:\n      default: true\n    result:" in (
        outcome.message
    )
    assert "      cidrBlock: '...'" in outcome.message  # outputs named from the SDK
    assert outcome.records == []


def test_missing_package_names_module_and_says_to_install_dependencies() -> None:
    outcome = run("invokes_missing_package")
    assert outcome.exit_code == 2
    assert outcome.message.startswith(
        "the program imports 'pulumi_random_not_installed_here', which is not installed in this "
        "environment (imported at "
    )
    assert "invokes_missing_package/__main__.py:2" in outcome.message
    assert "dependencies listed in requirements.txt must be installed in this environment" in (
        outcome.message
    )


def test_program_that_raises_shows_only_its_own_frames() -> None:
    outcome = run("invokes_raises")
    assert outcome.exit_code == 2
    lines = outcome.message.splitlines()
    assert lines[0] == "the program raised an exception. Traceback (the program's own frames only):"
    frames = [line for line in lines if line.startswith('  File "')]
    assert len(frames) == 2
    assert frames[0].endswith('invokes_raises/__main__.py", line 3, in <module>')
    assert frames[1].endswith('invokes_raises/sizing.py", line 3, in replicas')
    assert lines[-1] == "ValueError: no capacity plan for ap-southeast-1"
    assert "site-packages" not in outcome.message and "runpy" not in outcome.message
