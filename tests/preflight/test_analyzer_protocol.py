"""The analyzer calls at the protocol level, against a recording analyzer server.

The Python policy SDK hides part of what the engine sends (it has no Handshake, ignores most of
ConfigureStack), so these tests stand a recording ``Analyzer`` gRPC server where the pack would be
and check the requests themselves.
"""

from __future__ import annotations

from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from preflight.errors import PreflightError
from preflight.model import Report
from preflight.pack_process import PolicyProject
from preflight.program_runner import run_program
from preflight.project import load_project, load_stack_config
from preflight.run import Options, _analyze, _configure_packs, _LoadedPack

from .conftest import PROGRAMS

URN = "urn:pulumi:prod::faithful::"


class RecordingAnalyzer(analyzer_pb2_grpc.AnalyzerServicer):
    def __init__(self, schema_max: int = 10) -> None:
        self.requests: list[tuple[str, Any]] = []
        self.schema_max = schema_max

    def _keep(self, name: str, request: Any) -> None:
        self.requests.append((name, request))

    def Handshake(self, request, context):
        self._keep("Handshake", request)
        return analyzer_pb2.AnalyzerHandshakeResponse()

    def ConfigureStack(self, request, context):
        self._keep("ConfigureStack", request)
        return analyzer_pb2.AnalyzerStackConfigureResponse()

    def GetAnalyzerInfo(self, request, context):
        self._keep("GetAnalyzerInfo", request)
        schema = analyzer_pb2.PolicyConfigSchema()
        schema.properties.update({"limit": {"type": "integer", "maximum": self.schema_max}})
        initial = analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.MANDATORY)
        initial.properties.update({"limit": 3})
        return analyzer_pb2.AnalyzerInfo(
            name="recorder",
            version="1.2.3",
            supportsConfig=True,
            policies=[
                analyzer_pb2.PolicyInfo(
                    name="rec-policy",
                    description="Records.",
                    enforcementLevel=analyzer_pb2.ADVISORY,
                    configSchema=schema,
                )
            ],
            initialConfig={"rec-policy": initial},
        )

    def Configure(self, request, context):
        self._keep("Configure", request)
        return empty_pb2.Empty()

    def Remediate(self, request, context):
        self._keep("Remediate", request)
        return analyzer_pb2.RemediateResponse()

    def Analyze(self, request, context):
        self._keep("Analyze", request)
        diagnostics = []
        if request.name == "artifacts":
            diagnostics.append(
                analyzer_pb2.AnalyzeDiagnostic(
                    policyName="rec-policy",
                    policyPackName="recorder",
                    message="left after remediation",
                    urn="urn:pulumi:prod::faithful::some:other:Thing::x",
                    enforcementLevel=analyzer_pb2.REMEDIATE,
                )
            )
        return analyzer_pb2.AnalyzeResponse(diagnostics=diagnostics)

    def AnalyzeStack(self, request, context):
        self._keep("AnalyzeStack", request)
        return analyzer_pb2.AnalyzeResponse(
            diagnostics=[
                analyzer_pb2.AnalyzeDiagnostic(
                    policyName="rec-policy",
                    policyPackName="recorder",
                    message="stack-wide",
                    urn="urn:pulumi:prod::faithful::not:in:Stack::x",
                    enforcementLevel=analyzer_pb2.ADVISORY,
                )
            ]
        )


class FakePackProcess:
    """Stands where the pack's process would: the port of the recording server."""

    def __init__(self, project: PolicyProject, port: int) -> None:
        self.project = project
        self._port = port

    def port(self) -> int:
        return self._port

    def alive(self) -> bool:
        return True

    def failure_summary(self) -> str:
        return ""

    def _wait_exit(self, timeout: float) -> int | None:
        return None


def serve(servicer: RecordingAnalyzer) -> tuple[grpc.Server, int]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    analyzer_pb2_grpc.add_AnalyzerServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


def loaded_pack(tmp_path: Path, port: int, config: dict | None = None) -> _LoadedPack:
    project = PolicyProject(tmp_path, tmp_path / "PulumiPolicy.yaml", "python", {}, "1.2.3", "")
    given = None
    if config is not None:
        from preflight.policy_config import PolicyConfig

        given = {k: PolicyConfig("", v) for k, v in config.items()}
    return _LoadedPack(project, None, given, FakePackProcess(project, port))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[RecordingAnalyzer, Report, Path]:
    tmp = tmp_path_factory.mktemp("protocol")
    servicer = RecordingAnalyzer()
    server, port = serve(servicer)
    try:
        project = load_project(PROGRAMS / "faithful")
        config = load_stack_config(project, "prod")
        pack = loaded_pack(tmp, port)
        _configure_packs([pack], project, config, Options(program_dir=project.root))
        run = run_program(project, config)
        report = _analyze(run, project, config, [pack], None)
        assert pack.client is not None
        pack.client.close()
    finally:
        server.stop(0)
    return servicer, report, tmp


def test_call_order(recorded) -> None:
    servicer, _, _ = recorded
    names = [name for name, _ in servicer.requests]
    assert names[:4] == ["Handshake", "ConfigureStack", "GetAnalyzerInfo", "Configure"]
    assert names[-1] == "AnalyzeStack"


def test_handshake_names_the_pack_directory(recorded) -> None:
    servicer, report, tmp = recorded
    [request] = [r for n, r in servicer.requests if n == "Handshake"]
    assert request.root_directory == request.program_directory == str(tmp)
    assert report.packs[0].handshake is True


def test_configure_stack_carries_stack_project_org_config_and_dry_run(recorded) -> None:
    servicer, _, _ = recorded
    [request] = [r for n, r in servicer.requests if n == "ConfigureStack"]
    assert (request.stack, request.project, request.organization) == (
        "prod",
        "faithful",
        "organization",
    )
    assert request.dry_run is True
    assert request.config["aws:region"] == "us-east-1"
    assert request.config["aws:allowedAccountIds"] == '["111122223333"]'
    assert request.config["faithful:owner"] == "platform"


def test_configure_sends_the_reconciled_policy_config(recorded) -> None:
    servicer, report, _ = recorded
    [request] = [r for n, r in servicer.requests if n == "Configure"]
    config = request.policyConfig["rec-policy"]
    assert config.enforcementLevel == analyzer_pb2.MANDATORY  # from the pack's initialConfig
    assert json_format.MessageToDict(config.properties) == {"limit": 3}
    assert report.packs[0].policies[0].enforcement == "mandatory"


def test_analyze_requests_as_the_engine_builds_them(recorded) -> None:
    servicer, _, _ = recorded
    analyzes = {r.urn: r for n, r in servicer.requests if n == "Analyze"}
    users = analyzes[f"{URN}faithful:index:Store$aws:s3/bucket:Bucket::users-data"]
    assert users.type == "aws:s3/bucket:Bucket" and users.name == "users-data"
    assert users.options.protect is True
    assert users.options.HasField("customTimeouts")
    assert users.options.customTimeouts.create == 300.0
    assert users.options.deleteBeforeReplaceDefined and users.options.deleteBeforeReplace
    assert users.provider.name == "virginia"
    logs = analyzes[f"{URN}aws:s3/bucket:Bucket::logs"]
    assert not logs.options.deleteBeforeReplaceDefined
    assert json_format.MessageToDict(logs.provider.properties)["region"] == "us-east-1"
    remediations = [r.urn for n, r in servicer.requests if n == "Remediate"]
    assert remediations == list(analyzes)  # every resource: Remediate first, then Analyze


def test_analyze_stack_resources_carry_the_graph(recorded) -> None:
    servicer, _, _ = recorded
    [request] = [r for n, r in servicer.requests if n == "AnalyzeStack"]
    by_urn = {r.urn: r for r in request.resources}
    policy = by_urn[f"{URN}aws:s3/bucketPolicy:BucketPolicy::logs-policy"]
    assert list(policy.propertyDependencies["bucket"].urns) == [f"{URN}aws:s3/bucket:Bucket::logs"]
    assert list(policy.dependencies) == [f"{URN}aws:s3/bucket:Bucket::logs"]
    assert policy.parent == f"{URN}pulumi:pulumi:Stack::faithful-prod"
    logs_outputs = json_format.MessageToDict(by_urn[f"{URN}aws:s3/bucket:Bucket::logs"].properties)
    assert logs_outputs["arn"] == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def test_diagnostics_are_attributed_as_the_engine_does(recorded) -> None:
    _, report, _ = recorded
    by_message = {v.message: v for v in report.violations}
    left = by_message["left after remediation"]
    assert left.enforcement == "mandatory"  # remediate downgraded to mandatory
    assert left.urn == f"{URN}aws:s3/bucket:Bucket::artifacts"  # the analysed resource's URN
    stack_wide = by_message["stack-wide"]
    assert stack_wide.urn == f"{URN}pulumi:pulumi:Stack::faithful-prod"  # unknown URN -> stack


def test_config_rejected_before_any_resource_is_analysed(tmp_path: Path) -> None:
    servicer = RecordingAnalyzer(schema_max=2)
    server, port = serve(servicer)
    try:
        project = load_project(PROGRAMS / "faithful")
        config = load_stack_config(project, "prod")
        pack = loaded_pack(tmp_path, port)
        with pytest.raises(PreflightError, match="rec-policy: limit: 3 is greater than"):
            _configure_packs([pack], project, config, Options(program_dir=project.root))
        assert [n for n, _ in servicer.requests] == [
            "Handshake",
            "ConfigureStack",
            "GetAnalyzerInfo",
        ]
    finally:
        server.stop(0)
