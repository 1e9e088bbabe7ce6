"""The pack's analyzer servicer: it keeps the stack's config and refuses bad policy config once,
in ``Configure``, instead of the SDK accepting anything."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any, NoReturn

import grpc
import pulumi_policy.policy as sdk_policy
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import proto
from residency_pack import servicer as pack_servicer
from residency_pack.engine import stack_config
from residency_pack.policies import all_policies
from residency_pack.rules import no_foreign_principals, region_allowlist
from residency_pack.servicer import ConfigRejected, ResidencyAnalyzerServicer
from residency_pack.testing import Resource, analyze, aws_provider, configure

from preflight.cli import main

from .test_annotated_programs import PACK, PROGRAMS

REGIONS = region_allowlist.SPEC.name
TRUST = "residency-provider-trust"
OURS = "111111111111"
PARTNER = "999999999999"


def request(
    entries: dict[str, tuple[int, dict[str, Any]]],
) -> proto.ConfigureAnalyzerRequest:
    message = proto.ConfigureAnalyzerRequest()
    for name, (level, properties) in entries.items():
        struct = struct_pb2.Struct()
        struct.update(properties)
        message.policyConfig[name].CopyFrom(
            proto.PolicyConfig(enforcementLevel=level, properties=struct)  # type: ignore[arg-type]
        )
    return message


def fresh() -> ResidencyAnalyzerServicer:
    from pulumi_policy import EnforcementLevel

    return ResidencyAnalyzerServicer(
        "residency", "0.0.1", all_policies(), EnforcementLevel.MANDATORY
    )


class Aborted(Exception):
    pass


class Context:
    """The part of a gRPC servicer context that ``Configure`` uses."""

    def __init__(self) -> None:
        self.code: grpc.StatusCode | None = None
        self.details = ""

    def abort(self, code: grpc.StatusCode, details: str) -> NoReturn:
        self.code, self.details = code, details
        raise Aborted(details)


def test_configure_stack_keeps_the_stacks_config() -> None:
    stack = {"aws:allowedAccountIds": json.dumps([OURS]), "oci:tenancyOcid": "ocid1.tenancy.oc1..a"}
    with stack_config.overridden({}):
        fresh().ConfigureStack(proto.AnalyzerStackConfigureRequest(config=stack), None)
        assert dict(stack_config.current()) == stack
        assert stack_config.account_ids() == {OURS}
        assert stack_config.tenancy_ocids() == {"ocid1.tenancy.oc1..a"}


def test_trust_follows_the_stack_config_the_engine_sent() -> None:
    role = Resource(
        "aws:iam/role:Role",
        "partner-support",
        {
            "assumeRolePolicy": {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
                        "Action": "sts:AssumeRole",
                    }
                ]
            }
        },
        # The program's own provider lists the partner: that must not make it trusted.
        aws_provider("us-east-1", name="partner", allowedAccountIds=[OURS, PARTNER]),
    )
    ours = {"aws:allowedAccountIds": json.dumps([OURS])}
    [finding] = analyze(no_foreign_principals.POLICY, role, stack_config=ours)
    assert finding.enforcement == "mandatory" and PARTNER in finding.message
    both = {"aws:allowedAccountIds": json.dumps([OURS, PARTNER])}
    assert analyze(no_foreign_principals.POLICY, role, stack_config=both) == []


def test_good_config_is_passed_on_to_the_sdk() -> None:
    config = {REGIONS: {"allowedRegions": {"us-user-data": {"aws": ["us-west-2"]}}}}
    servicer = configure(region_allowlist.POLICY, config)
    args_config = servicer._get_policy_config(REGIONS)
    assert args_config == config[REGIONS]


@pytest.mark.parametrize(
    ("level", "refused"),
    [
        (proto.MANDATORY, False),
        (proto.REMEDIATE, False),
        (proto.ADVISORY, True),
        (proto.DISABLED, True),
    ],
)
def test_enforcement_level_cannot_switch_a_policy_off(level: int, refused: bool) -> None:
    message = request({REGIONS: (level, {})})
    if not refused:
        fresh().Configure(message, None)
        return
    with pytest.raises(ConfigRejected) as error:
        fresh().Configure(message, None)
    text = str(error.value)
    assert f"`{REGIONS}`" in text and "`enforcementLevel`" in text
    assert "Fix:" in text and "exemption" in text


def test_disabled_in_the_testing_helper_is_refused_too() -> None:
    with pytest.raises(ConfigRejected, match="switch a residency policy off"):
        configure(region_allowlist.POLICY, {REGIONS: {"enforcementLevel": "disabled"}})


def test_bad_config_fails_the_rpc_with_one_message_per_bad_policy() -> None:
    message = request(
        {
            REGIONS: (proto.MANDATORY, {"allowedRegions": {"nope": {}}}),
            no_foreign_principals.NAME: (proto.DISABLED, {"trustedAccountIds": ["12"]}),
            "residency-classification-required": (proto.MANDATORY, {}),
            "some-other-packs-policy": (proto.DISABLED, {"anything": 1}),
        }
    )
    context = Context()
    with pytest.raises(Aborted):
        fresh().Configure(message, context)
    assert context.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "\n" not in context.details  # preflight and the CLI show one line
    assert context.details.count("Fix:") == 3  # one policy: two problems in one message
    assert context.details.count(f"The policy config for `{no_foreign_principals.NAME}`") == 2
    assert f"`{REGIONS}` is invalid: allowedRegions" in context.details
    assert "classification-required" not in context.details
    assert "some-other-packs-policy" not in context.details


def test_a_refused_configure_leaves_the_previous_config_in_place() -> None:
    servicer = fresh()
    good = {"allowedRegions": {"us-user-data": {"aws": ["us-west-2"]}}}
    servicer.Configure(request({REGIONS: (proto.MANDATORY, good)}), None)
    with pytest.raises(ConfigRejected):
        servicer.Configure(request({REGIONS: (proto.DISABLED, good)}), None)
    assert servicer._get_enforcement_level(region_allowlist.POLICY).value == "mandatory"


@pytest.mark.parametrize(
    ("version", "tested"),
    [("1.21.0", True), ("1.21.7", True), ("1.20.9", False), ("1.22.0", False), ("2.0.0", False)],
)
def test_tested_sdk_range(version: str, tested: bool) -> None:
    assert pack_servicer.is_tested_sdk(version) is tested


def test_install_replaces_the_sdk_servicer_only_in_the_tested_range(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stock = sdk_policy._PolicyAnalyzerServicer
    monkeypatch.setattr(sdk_policy, "_PolicyAnalyzerServicer", stock)
    assert pack_servicer.install("1.99.0") is False
    assert sdk_policy._PolicyAnalyzerServicer is stock
    note = capsys.readouterr().err
    assert "pulumi-policy 1.99.0 is outside the tested range" in note and "Fix:" in note
    assert pack_servicer.install() is True
    assert sdk_policy._PolicyAnalyzerServicer is ResidencyAnalyzerServicer
    assert capsys.readouterr().err == ""


def test_the_sdk_builds_its_servicer_by_name_in_policy_pack() -> None:
    # install() relies on PolicyPack looking the class up in its module at call time.
    import inspect

    source = inspect.getsource(sdk_policy.PolicyPack.__init__)
    assert "servicer = _PolicyAnalyzerServicer(" in source


def test_preflight_stops_with_exit_2_and_the_configure_message(tmp_path: Path) -> None:
    config = tmp_path / "policy-config.json"
    star = {"urn": "*", "policy": TRUST, "reason": "vendor onboarding", "expires": "2026-12-31"}
    config.write_text(
        json.dumps({REGIONS: {"enforcementLevel": "disabled"}, TRUST: {"exemptions": [star]}})
    )
    argv = ["--program", str(PROGRAMS / TRUST), "--stack", "test", "--policy-pack", str(PACK)]
    argv += ["--policy-pack-config", str(config), "--output", str(tmp_path / "report.json")]
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(argv)
    text = stderr.getvalue()
    assert code == 2, text
    assert f"{config}: policy config rejected by pack" in text
    assert f"`{REGIONS}` sets `enforcementLevel` to `disabled`" in text
    assert f"`{TRUST}` is invalid: exemptions[0]: urn '*' is not a URN" in text
