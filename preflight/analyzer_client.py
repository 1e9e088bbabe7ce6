"""The engine's side of the analyzer protocol, call for call.

Order, as ``pulumi preview --policy-pack`` makes the calls: ``Handshake`` (skipped when the pack's
SDK answers UNIMPLEMENTED), ``ConfigureStack``, ``GetAnalyzerInfo``, ``Configure`` (reconciled and
validated policy config), then per resource ``Remediate`` and ``Analyze``, then ``AnalyzeStack``
once with every resource.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from preflight.errors import PreflightError
from preflight.model import EngineResource, PolicyInfo
from preflight.pack_process import PackProcess
from preflight.policy_config import PolicyConfig


def rpc_timeout_default() -> float:
    """Seconds to wait for one analyzer call (``PREFLIGHT_RPC_TIMEOUT``, default 120)."""
    try:
        return float(os.environ.get("PREFLIGHT_RPC_TIMEOUT", "120"))
    except ValueError:
        return 120.0


_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", 400 * 1024 * 1024),
    ("grpc.max_send_message_length", 400 * 1024 * 1024),
]

_LEVELS: dict[int, str] = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.REMEDIATE: "remediate",
    analyzer_pb2.DISABLED: "disabled",
}
_LEVEL_VALUES = {v: k for k, v in _LEVELS.items()}
_SEVERITIES: dict[int, str] = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}


@dataclass(frozen=True)
class AnalyzerInfo:
    name: str
    version: str
    supports_config: bool
    policies: list[PolicyInfo]
    initial_config: dict[str, PolicyConfig]


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    pack: str
    version: str
    message: str
    description: str
    urn: str
    enforcement: str
    severity: str


@dataclass(frozen=True)
class Remediation:
    policy: str
    pack: str
    description: str
    properties: struct_pb2.Struct | None
    diagnostic: str


def _json_numbers(value: Any) -> Any:
    """Struct numbers are doubles; show a whole number as JSON does (``3``, not ``3.0``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _json_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_numbers(v) for v in value]
    return value


def level_name(value: int) -> str:
    return _LEVELS.get(value, "advisory")


def resource_options(resource: EngineResource) -> analyzer_pb2.AnalyzerResourceOptions:
    ct = resource.custom_timeouts
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=resource.protect,
        ignoreChanges=resource.ignore_changes,
        deleteBeforeReplace=bool(resource.delete_before_replace),
        deleteBeforeReplaceDefined=resource.delete_before_replace is not None,
        additionalSecretOutputs=resource.additional_secret_outputs,
        aliases=resource.aliases,
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
            create=ct.create, update=ct.update, delete=ct.delete
        ),
        parent=resource.parent,
    )


def provider_message(resource: EngineResource) -> analyzer_pb2.AnalyzerProviderResource | None:
    if resource.provider is None:
        return None
    p = resource.provider
    return analyzer_pb2.AnalyzerProviderResource(
        urn=p.urn, type=p.type, name=p.name, properties=p.properties
    )


def analyze_request(resource: EngineResource, properties: struct_pb2.Struct) -> Any:
    return analyzer_pb2.AnalyzeRequest(
        type=resource.type,
        properties=properties,
        urn=resource.urn,
        name=resource.name,
        options=resource_options(resource),
        provider=provider_message(resource),
    )


def stack_resource(resource: EngineResource, outputs: struct_pb2.Struct) -> Any:
    return analyzer_pb2.AnalyzerResource(
        type=resource.type,
        properties=outputs,
        urn=resource.urn,
        name=resource.name,
        options=resource_options(resource),
        provider=provider_message(resource),
        parent=resource.parent,
        dependencies=resource.dependencies,
        propertyDependencies={
            k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v)
            for k, v in resource.property_dependencies.items()
            if v
        },
    )


class AnalyzerClient:
    def __init__(self, pack: PackProcess, *, rpc_timeout: float | None = None) -> None:
        self.pack = pack
        self.rpc_timeout = rpc_timeout if rpc_timeout is not None else rpc_timeout_default()
        self.name = pack.project.dir.name
        port = pack.port()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_CHANNEL_OPTIONS)
        deadline = time.monotonic() + min(self.rpc_timeout, 30.0)
        ready = grpc.channel_ready_future(self.channel)
        while True:
            try:
                ready.result(timeout=0.25)
                break
            except grpc.FutureTimeoutError:
                # Give up at once if the pack died (or was stopped) instead of waiting it out.
                if not self.pack.alive() or time.monotonic() > deadline:
                    ready.cancel()
                    self.close()
                    raise self._failure("connecting", None) from None
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self.calls: list[str] = []
        """Every RPC made, in order (the engine's call order is part of the contract)."""

    def close(self) -> None:
        self.channel.close()

    def _failure(self, what: str, error: grpc.RpcError | None) -> PreflightError:
        where = f"policy pack {self.name!r} ({self.pack.project.dir})"
        code = error.code() if error is not None else None
        # A dying pack shows as a lost connection (or a reset call) a moment before its exit
        # status is there: give it that moment before calling it anything but a crash.
        exited = None
        if code != grpc.StatusCode.DEADLINE_EXCEEDED:
            exited = self.pack._wait_exit(1.0 if code != grpc.StatusCode.UNAVAILABLE else 2.0)
        if exited is not None or not self.pack.alive() or code == grpc.StatusCode.UNAVAILABLE:
            status = f"exit status {exited}" if exited is not None else "connection lost"
            return PreflightError(
                f"{where} crashed while {what} ({status}): {self.pack.failure_summary()}"
            )
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            return PreflightError(
                f"{where} did not answer within {self.rpc_timeout:.0f}s while {what} "
                "(set PREFLIGHT_RPC_TIMEOUT to wait longer)"
            )
        details = error.details() if error is not None else "no connection"
        first = (details or "").strip().splitlines()
        return PreflightError(f"{where} failed while {what}: {first[-1] if first else error}")

    def _call(self, method: str, request: Any, what: str) -> Any:
        self.calls.append(method)
        try:
            return getattr(self.stub, method)(request, timeout=self.rpc_timeout)
        except grpc.RpcError as error:
            raise self._failure(what, error) from None

    def handshake(self, engine_address: str) -> bool:
        directory = str(self.pack.project.dir)
        request = analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address=engine_address, root_directory=directory, program_directory=directory
        )
        self.calls.append("Handshake")
        try:
            self.stub.Handshake(request, timeout=self.rpc_timeout)
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.UNIMPLEMENTED:
                return False
            raise self._failure("handshaking", error) from None
        return True

    def configure_stack(
        self,
        *,
        stack: str,
        project: str,
        organization: str,
        config: Mapping[str, str],
        secret_keys: Iterable[str],
        dry_run: bool = True,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack,
            project=project,
            organization=organization,
            config=dict(config),
            config_secret_keys=list(secret_keys),
            dry_run=dry_run,
            tags=dict(tags or {}),
        )
        self.calls.append("ConfigureStack")
        try:
            self.stub.ConfigureStack(request, timeout=self.rpc_timeout)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise self._failure("configuring the stack", error) from None

    def get_analyzer_info(self) -> AnalyzerInfo:
        info = self._call("GetAnalyzerInfo", empty_pb2.Empty(), "listing its policies")
        policies: list[PolicyInfo] = []
        for p in info.policies:
            schema: dict[str, Any] | None = None
            if info.supportsConfig:
                schema = {
                    "properties": _json_numbers(
                        json_format.MessageToDict(p.configSchema.properties)
                    ),
                    "required": list(p.configSchema.required),
                }
                schema["properties"]["enforcementLevel"] = {
                    "type": "string",
                    "enum": ["advisory", "mandatory", "remediate", "disabled"],
                }
            policies.append(
                PolicyInfo(
                    name=p.name,
                    description=p.description,
                    enforcement=level_name(p.enforcementLevel),  # type: ignore[arg-type]
                    severity=_SEVERITIES.get(p.severity, ""),
                    remediation_steps=p.remediation_steps,
                    policy_type="stack"
                    if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK
                    else "resource",
                    config_schema=schema,
                )
            )
        policies.sort(key=lambda p: p.name)
        initial = {
            k: PolicyConfig(
                level_name(v.enforcementLevel) if v.enforcementLevel in _LEVELS else "",
                _json_numbers(json_format.MessageToDict(v.properties)) or None,
            )
            for k, v in info.initialConfig.items()
        }
        return AnalyzerInfo(info.name, info.version, info.supportsConfig, policies, initial)

    def configure(self, config: Mapping[str, PolicyConfig], source: str = "") -> None:
        """``Configure``; a pack that refuses the config (``INVALID_ARGUMENT``) stops the run with
        its own message, naming the config's file (``source``)."""
        if not config:
            return
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, value in config.items():
            entry = request.policyConfig[name]
            entry.enforcementLevel = _LEVEL_VALUES.get(  # type: ignore[assignment]
                value.enforcement or "advisory", analyzer_pb2.ADVISORY
            )
            if value.properties:
                entry.properties.update(value.properties)
        self.calls.append("Configure")
        try:
            self.stub.Configure(request, timeout=self.rpc_timeout)
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.INVALID_ARGUMENT:
                where = f"{source}: " if source else ""
                raise PreflightError(
                    f"{where}policy config rejected by pack {self.name!r}: "
                    + " ".join((error.details() or "").split())
                ) from None
            raise self._failure("applying the policy config", error) from None

    def analyze(self, resource: EngineResource, properties: struct_pb2.Struct) -> list[Diagnostic]:
        response = self._call(
            "Analyze", analyze_request(resource, properties), f"analysing {resource.urn}"
        )
        return [self._diagnostic(d) for d in response.diagnostics]

    def remediate(
        self, resource: EngineResource, properties: struct_pb2.Struct
    ) -> list[Remediation]:
        response = self._call(
            "Remediate", analyze_request(resource, properties), f"remediating {resource.urn}"
        )
        return [
            Remediation(
                policy=r.policyName,
                pack=r.policyPackName,
                description=r.description,
                properties=r.properties if r.HasField("properties") else None,
                diagnostic=r.diagnostic,
            )
            for r in response.remediations
        ]

    def analyze_stack(
        self, resources: list[tuple[EngineResource, struct_pb2.Struct]]
    ) -> list[Diagnostic]:
        request = analyzer_pb2.AnalyzeStackRequest(
            resources=[stack_resource(r, outputs) for r, outputs in resources]
        )
        response = self._call("AnalyzeStack", request, "analysing the stack")
        return [self._diagnostic(d) for d in response.diagnostics]

    @staticmethod
    def _diagnostic(d: Any) -> Diagnostic:
        level = level_name(d.enforcementLevel)
        if level == "remediate":
            level = "mandatory"  # a violation left after remediation is mandatory, as in the engine
        return Diagnostic(
            policy=d.policyName,
            pack=d.policyPackName,
            version=d.policyPackVersion,
            message=d.message,
            description=d.description,
            urn=d.urn,
            enforcement=level,
            severity=_SEVERITIES.get(d.severity, ""),
        )
