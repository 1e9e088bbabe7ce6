"""Conformance of the pack's decode-once servicer with the SDK's stock servicer.

``residency_pack/decode_once.py`` re-writes the SDK's ``Analyze`` and ``AnalyzeStack`` so each
request is decoded once instead of once per policy. Its answers must be the stock servicer's,
byte for byte: the same requests go to both and the responses are compared

* for every policy of the pack, on every annotated fixture program under ``tests/pack/programs``
  (its ``Analyze`` requests and its ``AnalyzeStack`` request as preflight builds them, with the
  program's policy config and stack config), in preview (unknowns, deferred findings) and in an
  update;
* for policies written to probe the SDK's behaviour: one that changes what it is given (the
  SDK's proxies write through, so each policy must get its own copy), one that reads an unknown,
  not-applicable, remediation-only, async, advisory, remediate and disabled policies, assets,
  parents and dependencies naming resources that are not in the request.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi_policy.policy as sdk_policy
import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ResourceValidationPolicy,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import SPECIAL_ASSET_SIG, SPECIAL_SIG_KEY
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE
from residency_pack import decode_once
from residency_pack.engine import stack_config
from residency_pack.engine.props import unwrap
from residency_pack.policies import all_policies
from residency_pack.servicer import ResidencyAnalyzerServicer

from preflight.analyzer_client import analyze_request, stack_resource
from preflight.program_runner import run_program
from preflight.project import load_project, load_stack_config

PROGRAMS = Path(__file__).resolve().parent / "programs"
STOCK: type[sdk_policy._PolicyAnalyzerServicer] = ResidencyAnalyzerServicer.__mro__[2]

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pulumi_aws's own, on import


def test_stock_is_the_sdks_own_servicer() -> None:
    assert STOCK.__module__ == "pulumi_policy.policy"
    assert STOCK.__name__ == "_PolicyAnalyzerServicer"
    assert decode_once.DecodeOnceServicer.__bases__ == (STOCK,)


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    json_format.ParseDict(dict(values), message)
    return message


def _configure_request(config: Mapping[str, Mapping[str, Any]]) -> Any:
    levels = {
        "advisory": proto.ADVISORY,
        "mandatory": proto.MANDATORY,
        "remediate": proto.REMEDIATE,
        "disabled": proto.DISABLED,
    }
    request = proto.ConfigureAnalyzerRequest()
    for name, entry in config.items():
        props = {k: v for k, v in entry.items() if k != "enforcementLevel"}
        request.policyConfig[name].CopyFrom(
            proto.PolicyConfig(
                enforcementLevel=levels[entry.get("enforcementLevel", "mandatory")],
                properties=_struct(props),
            )
        )
    return request


def _pair(
    policies: list[Policy],
    override: type[sdk_policy._PolicyAnalyzerServicer],
    config: Mapping[str, Mapping[str, Any]] | None = None,
    stack: Mapping[str, str] | None = None,
) -> tuple[Any, Any]:
    """The stock servicer and ``override``, configured alike, as the engine configures them."""
    servicers = []
    for cls in (STOCK, override):
        servicer = cls("residency", "0.0.1", policies, EnforcementLevel.MANDATORY)
        servicer.ConfigureStack(
            proto.AnalyzerStackConfigureRequest(stack="test", config=dict(stack or {})), None
        )
        if config:
            servicer.Configure(_configure_request(config), None)
        servicers.append(servicer)
    return servicers[0], servicers[1]


def _same(stock: Any, ours: Any, method: str, request: Any) -> Any:
    expected = getattr(stock, method)(request, None)
    got = getattr(ours, method)(request, None)
    assert got.SerializeToString(deterministic=True) == expected.SerializeToString(
        deterministic=True
    ), f"{method} differs for {getattr(request, 'urn', 'the stack')}:\n{expected}\nvs\n{got}"
    return got


def _same_but_follow_ups(stock: Any, ours: Any, request: Any) -> Any:
    """``AnalyzeStack`` of both, equal once the resource policies' stack follow-ups (which only
    the pack's servicer runs, ``rule.ResourcePolicy``) are left out of ours."""
    follow_ups = {p.name for p in all_policies() if getattr(p, "stack_follow_up", None) is not None}
    expected = stock.AnalyzeStack(request, None)
    got = ours.AnalyzeStack(request, None)
    plain = proto.AnalyzeResponse()
    plain.CopyFrom(got)
    del plain.diagnostics[:]
    plain.diagnostics.extend(d for d in got.diagnostics if d.policyName not in follow_ups)
    assert plain.SerializeToString(deterministic=True) == expected.SerializeToString(
        deterministic=True
    ), f"AnalyzeStack differs:\n{expected}\nvs\n{plain}"
    return got


# ---------------------------------------------------------------------------------------------
# Every policy of the pack on every annotated fixture program


def program_dirs() -> list[Path]:
    return sorted(p for p in PROGRAMS.iterdir() if (p / "Pulumi.yaml").is_file())


def test_the_corpus_is_every_fixture_program() -> None:
    assert {p.name for p in program_dirs()} == {p.name for p in all_policies()}


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
@pytest.mark.parametrize("program", program_dirs(), ids=lambda p: p.name)
def test_every_policy_answers_as_under_the_stock_servicer(
    program: Path, preview: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PULUMI_DRY_RUN", "true" if preview else "false")
    project = load_project(program)
    config = load_stack_config(project, "test")
    run = run_program(project, config)
    policy_config_file = program / "policy-config.json"
    policy_config = (
        json.loads(policy_config_file.read_text()) if policy_config_file.is_file() else None
    )
    stack = dict(config.values)
    with stack_config.overridden(stack):
        stock, ours = _pair(all_policies(), ResidencyAnalyzerServicer, policy_config, stack)
        diagnostics = 0
        for resource in (r for r in run.resources if r.analyzed):
            request = analyze_request(resource, resource.properties)
            _same(stock, ours, "Remediate", request)
            response = _same(stock, ours, "Analyze", request)
            diagnostics += len(response.diagnostics)
        stack_request = proto.AnalyzeStackRequest(
            resources=[stack_resource(r, r.outputs) for r in run.resources]
        )
        response = _same_but_follow_ups(stock, ours, stack_request)
        diagnostics += len(response.diagnostics)
    assert diagnostics > 0  # every fixture program has violations: the comparison saw some


def test_the_corpus_has_unknowns_and_preview_deferrals(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above covers the SDK's "can't run policy during preview" answer: the
    data-flow program has unknowns in preview and defers findings that hinge on them."""
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    program = PROGRAMS / "residency-data-flow"
    project = load_project(program)
    config = load_stack_config(project, "test")
    run = run_program(project, config)
    unknowns = sum(
        UNKNOWN_STRING_VALUE in json.dumps(json_format.MessageToDict(r.properties))
        for r in run.resources
    )
    assert unknowns > 0
    with stack_config.overridden(dict(config.values)):
        _, ours = _pair(all_policies(), ResidencyAnalyzerServicer, None, dict(config.values))
        messages = [
            d.message
            for r in run.resources
            if r.analyzed
            for d in ours.Analyze(analyze_request(r, r.properties), None).diagnostics
        ]
    assert any("during preview" in m for m in messages)


# ---------------------------------------------------------------------------------------------
# The SDK's behaviour, probed by policies written for it

URN = "urn:pulumi:test::p::aws:s3/bucket:Bucket::"
PROVIDER_URN = "urn:pulumi:test::p::pulumi:providers:aws::default"


def _shown(value: Any) -> str:
    """An object by its type and attributes (its default repr holds its address)."""
    return f"{type(value).__name__}{sorted(vars(value).items())}"


def _record(seen: list[Any]) -> Callable[[Any, Any], None]:
    def validate(args: Any, report: Any) -> None:
        view = unwrap(args.props)
        provider = unwrap(args.provider.props) if args.provider is not None else None
        shown = json.dumps([view, provider], sort_keys=True, default=_shown)
        seen.append(shown)
        report(shown, args.urn)

    return validate


def _vandal(args: Any, report: Any) -> None:
    """Changes everything it can reach of what the SDK gave it."""
    props = args.props
    props["added"] = "by the vandal"
    target = props["__target"]
    target["tags"]["__target"]["classification"] = "changed"
    target["list"]["__target"].append("appended")
    target.pop("gone", None)
    if "code" in target:
        target["code"].text = "changed"
    if args.provider is not None:
        args.provider.props["region"] = "eu-west-1"
        args.provider.props["__target"]["extra"] = 1
    args.opts.protect = not args.opts.protect
    report("vandalised", args.urn)


def _reads_unknown(args: Any, report: Any) -> None:
    report(f"computed: {args.props['computed']}", args.urn)


def _not_applicable(args: Any, report: Any) -> None:
    args.not_applicable("not for this one")


async def _later(args: Any, report: Any) -> None:
    await asyncio.sleep(0)
    report(f"async saw {sorted(args.props)}", args.urn)


def _remediate_only(args: Any) -> None:
    return None


def _probe_resource_policies(seen: list[Any]) -> list[Policy]:
    return [
        ResourceValidationPolicy("record-first", "Records its view.", _record(seen)),
        ResourceValidationPolicy("vandal", "Changes its view.", _vandal),
        ResourceValidationPolicy("record-after", "Records its view.", _record(seen)),
        ResourceValidationPolicy("reads-unknown", "Reads an unknown.", _reads_unknown),
        ResourceValidationPolicy("not-applicable", "Does not apply.", _not_applicable),
        ResourceValidationPolicy("async", "Validates asynchronously.", _later),
        ResourceValidationPolicy("remediate-only", "Only remediates.", remediate=_remediate_only),
        ResourceValidationPolicy("advisory", "Advisory.", _record([]), EnforcementLevel.ADVISORY),
        ResourceValidationPolicy("remediate-level", "Remediate level.", _record([])),
        ResourceValidationPolicy("disabled", "Disabled by config.", _record([])),
        StackValidationPolicy("a-stack-policy", "Not run by Analyze.", lambda args, report: None),
    ]


_PROBE_CONFIG: dict[str, dict[str, Any]] = {
    "remediate-level": {"enforcementLevel": "remediate"},
    "disabled": {"enforcementLevel": "disabled"},
    "record-first": {"anything": [1, "two"]},
}

_PROPS = {
    "bucket": "user-data",
    "tags": {"classification": "us-user-data"},
    "list": ["a", {"b": [1, 2.5, True, None]}],
    "gone": "still here",
    "computed": UNKNOWN_STRING_VALUE,
    "code": {SPECIAL_SIG_KEY: SPECIAL_ASSET_SIG, "text": "print('hi')"},
}


def _analyze_request(props: Mapping[str, Any], *, provider: bool = True) -> Any:
    request = proto.AnalyzeRequest(
        type="aws:s3/bucket:Bucket",
        properties=_struct(props),
        urn=URN + "b",
        name="b",
        options=proto.AnalyzerResourceOptions(protect=True, parent="urn:parent"),
    )
    if provider:
        request.provider.CopyFrom(
            proto.AnalyzerProviderResource(
                type="pulumi:providers:aws",
                urn=PROVIDER_URN,
                name="default",
                properties=_struct({"region": "us-east-1", "allowedAccountIds": ["1"]}),
            )
        )
    return request


@pytest.mark.parametrize("provider", [True, False])
@pytest.mark.parametrize(
    "props", [_PROPS, {k: v for k, v in _PROPS.items() if k != "code"}], ids=["asset", "plain"]
)
def test_analyze_answers_as_the_stock_servicer(provider: bool, props: dict[str, Any]) -> None:
    seen: list[Any] = []
    stock, ours = _pair(
        _probe_resource_policies(seen), decode_once.DecodeOnceServicer, _PROBE_CONFIG
    )
    response = _same(stock, ours, "Analyze", _analyze_request(props, provider=provider))
    assert {d.policyName for d in response.diagnostics} >= {"reads-unknown", "vandal", "async"}
    assert [n.policy_name for n in response.not_applicable] == ["not-applicable", "remediate-only"]
    # Under both servicers (stock first), the policy after the vandal saw what the one before
    # it saw.
    assert len(seen) == 4 and seen[0] == seen[1] == seen[2] == seen[3]
    view, provider_view = json.loads(seen[3])
    assert view["tags"] == {"classification": "us-user-data"} and view["gone"] == "still here"
    assert "added" not in view and view["list"][-1] != "appended"
    assert "changed" not in seen[3]
    if provider:
        assert provider_view == {"region": "us-east-1", "allowedAccountIds": ["1"]}


def test_a_request_is_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[Any] = []
    real = decode_once.decode

    def counting(struct: Any) -> Any:
        decoded.append(struct)
        return real(struct)

    monkeypatch.setattr(decode_once, "decode", counting)
    servicer = decode_once.DecodeOnceServicer(
        "residency", "0.0.1", _probe_resource_policies([]), EnforcementLevel.MANDATORY
    )
    servicer.Analyze(_analyze_request(_PROPS), None)
    assert len(decoded) == 2  # the properties and the provider's, for 8 validating policies
    decoded.clear()
    servicer.AnalyzeStack(_stack_request(), None)
    assert len(decoded) == 4 + 2  # four resources, two distinct providers, for 3 stack policies


@pytest.mark.parametrize(
    "config",
    [
        _PROBE_CONFIG,
        {**_PROBE_CONFIG, "remediate-only": {"enforcementLevel": "remediate"}},
        {},
    ],
    ids=["no-remediation-runs", "a-remediation-runs", "nothing-at-remediate"],
)
def test_remediate_answers_as_the_stock_servicer(config: dict[str, dict[str, Any]]) -> None:
    stock, ours = _pair(_probe_resource_policies([]), decode_once.DecodeOnceServicer, config)
    response = _same(stock, ours, "Remediate", _analyze_request(_PROPS))
    remediating = sorted(n for n, c in config.items() if c.get("enforcementLevel") == "remediate")
    answered = sorted(n.policy_name for n in response.not_applicable)
    assert answered == [n for n in remediating if n != "remediate-only"]


def test_remediate_decodes_nothing_when_no_policy_can_remediate() -> None:
    """With a remediation to run, the request is decoded (the SDK's ``Remediate``) and one it
    cannot decode fails; without one, it is answered without being decoded: the engine's
    ``Analyze`` of the same resource, which decodes it, fails instead."""
    bad = _analyze_request({"x": {SPECIAL_SIG_KEY: "not a signature"}})
    policies = _probe_resource_policies([])
    runs_one = {"remediate-only": {"enforcementLevel": "remediate"}}
    _, ours = _pair(policies, decode_once.DecodeOnceServicer, runs_one)
    with pytest.raises(AssertionError, match="Unrecognized signature"):
        ours.Remediate(bad, None)
    _, ours = _pair(policies, decode_once.DecodeOnceServicer, _PROBE_CONFIG)
    response = ours.Remediate(bad, None)
    assert [n.policy_name for n in response.not_applicable] == ["remediate-level"]
    with pytest.raises(AssertionError, match="Unrecognized signature"):
        ours.Analyze(bad, None)


def test_nothing_is_decoded_when_no_policy_runs() -> None:
    """The SDK decodes inside the per-policy loop: with every policy disabled, a request it
    could not decode is answered (empty) rather than failed; so is it here."""
    bad = {"x": {SPECIAL_SIG_KEY: "not a signature"}}
    disabled = {"vandal": {"enforcementLevel": "disabled"}}
    policies: list[Policy] = [ResourceValidationPolicy("vandal", "Changes its view.", _vandal)]
    stock, ours = _pair(policies, decode_once.DecodeOnceServicer, disabled)
    _same(stock, ours, "Analyze", _analyze_request(bad))
    stock, ours = _pair(policies, decode_once.DecodeOnceServicer)
    for servicer in (stock, ours):
        with pytest.raises(AssertionError, match="Unrecognized signature"):
            servicer.Analyze(_analyze_request(bad), None)


def _stack_vandal(args: Any, report: Any) -> None:
    first = args.resources[0]
    first.props["added"] = "by the vandal"
    first.props["__target"]["tags"]["__target"]["classification"] = "changed"
    first.dependencies.clear()
    first.property_dependencies.clear()
    first.parent = None
    first.provider.props["region"] = "eu-west-1"
    args.resources.reverse()
    report("vandalised", None)


def _stack_record(args: Any, report: Any) -> None:
    lines = []
    for r in args.resources:
        lines.append(
            json.dumps(
                {
                    "urn": r.urn,
                    "type": r.resource_type,
                    "props": unwrap(r.props),
                    "provider": [r.provider.urn, unwrap(r.provider.props)] if r.provider else None,
                    "parent": r.parent.urn if r.parent is not None else None,
                    "dependencies": [d.urn for d in r.dependencies],
                    "property_dependencies": {
                        k: [d.urn for d in v] for k, v in r.property_dependencies.items()
                    },
                    "protect": r.opts.protect,
                    "same_provider_object": r.provider is args.resources[0].provider,
                },
                sort_keys=True,
                default=_shown,
            )
        )
        report(lines[-1], r.urn)


def _stack_reads_unknown(args: Any, report: Any) -> None:
    for r in args.resources:
        report(str(r.props["computed"]), r.urn)


def _stack_request() -> Any:
    def provider(region: str) -> Any:
        return proto.AnalyzerProviderResource(
            type="pulumi:providers:aws",
            urn=PROVIDER_URN + region,
            name="default" + region,
            properties=_struct({"region": region}),
        )

    resources = []
    for i, region in enumerate(["us-east-1", "us-east-1", "us-west-2", "us-east-1"]):
        message = proto.AnalyzerResource(
            type="aws:s3/bucket:Bucket",
            properties=_struct({**_PROPS, "index": i}),
            urn=f"{URN}r{i}",
            name=f"r{i}",
            options=proto.AnalyzerResourceOptions(protect=bool(i % 2)),
            parent=f"{URN}r{i - 1}" if i else "urn:not-in-the-request",
            dependencies=[f"{URN}r{j}" for j in range(i)] + ["urn:gone"],
        )
        message.provider.CopyFrom(provider(region))
        message.propertyDependencies["bucket"].CopyFrom(
            proto.AnalyzerPropertyDependencies(urns=[f"{URN}r0", "urn:gone"])
        )
        resources.append(message)
    return proto.AnalyzeStackRequest(resources=resources)


def test_analyze_stack_answers_as_the_stock_servicer() -> None:
    policies: list[Policy] = [
        StackValidationPolicy("record-first", "Records its view.", _stack_record),
        StackValidationPolicy("vandal", "Changes its view.", _stack_vandal),
        StackValidationPolicy("record-after", "Records its view.", _stack_record),
        StackValidationPolicy("reads-unknown", "Reads an unknown.", _stack_reads_unknown),
        StackValidationPolicy("not-applicable", "Does not apply.", _not_applicable),
        StackValidationPolicy("remediate-level", "Remediate level.", _stack_record),
        StackValidationPolicy("disabled", "Disabled by config.", _stack_record),
        ResourceValidationPolicy("a-resource-policy", "Not run by AnalyzeStack.", _vandal),
    ]
    stock, ours = _pair(policies, decode_once.DecodeOnceServicer, _PROBE_CONFIG)
    response = _same(stock, ours, "AnalyzeStack", _stack_request())
    first = [d.message for d in response.diagnostics if d.policyName == "record-first"]
    after = [d.message for d in response.diagnostics if d.policyName == "record-after"]
    assert first == after and len(first) == 4
    assert '"parent": "urn:pulumi:test::p::aws:s3/bucket:Bucket::r0"' in first[1]
    assert any(d.policyName == "reads-unknown" and "during preview" in d.message
               for d in response.diagnostics)  # fmt: skip
