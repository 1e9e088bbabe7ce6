"""The engine's side of a program run: the resource monitor and engine services a Pulumi Python
program talks to over gRPC, answering as ``pulumi preview`` answers, and keeping every request.

The program runs in its own process under the language host's exec script
(``preflight/host/exec_shim.py``) with the real SDK runtime; nothing is mocked on its side.
Here, in preflight's process:

* ``RegisterResource`` is kept as the engine receives it (after the resource's transforms, its
  parents' and the stack's, called back on the program's callback server as the engine calls
  them) and answered as a preview answers: the URN, no ID (unknown), the inputs echoed as the
  outputs, every other output unknown. A multi-language (``remote``) component's outputs are all
  unknown: its provider's ``Construct`` cannot run offline (the run reports it).
* ``ReadResource`` (``Resource.get``, ``StackReference``) never takes the state the program
  passes: the read is answered from a ``preflight.yaml`` fixture keyed by type and ID, or with
  every output unknown, as a preview shows a read it has not done yet.
* ``Invoke`` is answered offline (``preflight.invokes``): a fixture, a built-in answer, or a
  clear error; never an invented answer.
* ``Call`` (a method of a multi-language component) cannot be answered offline: an error.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    provider_pb2,
    resource_pb2,
    resource_pb2_grpc,
)

from preflight.errors import PreflightError
from preflight.invoke_adapter import InvokeAnswerer, InvokeCall, InvokeResultUnknown
from preflight.transforms import apply_transforms, transform_invoke
from preflight.urns import STACK_TYPE, make_urn, provider_ref_urn

REPORT_SERVICE = "preflight.ProgramHost"
INVOKE_CALL_METADATA = "preflight-invoke-call"
GET_RESOURCE = "pulumi:pulumi:getResource"
STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"
RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
SIG_KEY = "4dabf18193072939515e22adb298388d"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

# What the monitor tells the SDK it supports: the engine's features, except output values (the
# SDK then resolves its outputs before sending them, unknowns as the unknown sentinel, exactly
# what the engine hands an analyzer) and invoke gating by dependencies (an invoke whose
# dependencies are unknown gets an unknown result in the SDK, as with older engines).
SUPPORTED_FEATURES = (
    resource_pb2.RESOURCE_MONITOR_FEATURE_SECRETS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    resource_pb2.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_REPLACEMENT_TRIGGER,
    resource_pb2.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
    resource_pb2.RESOURCE_MONITOR_FEATURE_REPLACE_WITH,
    resource_pb2.RESOURCE_MONITOR_FEATURE_TRANSFORMS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_INVOKE_TRANSFORMS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_PARAMETERIZATION,
    resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_HOOKS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_ERROR_HOOKS,
)
_LEGACY_FEATURES = {
    "secrets",
    "resourceReferences",
    "aliasSpecs",
    "deletedWith",
    "transforms",
    "invokeTransforms",
    "parameterization",
    "resourceHooks",
}


class Registration:
    """One request the program sent to the resource monitor, in the order it was sent.

    Kept serialized (about a fifth of the parsed message's memory: a large program's
    registrations all wait for the end of the run, next to the program's own process), and
    parsed afresh on each read of :attr:`request`; read it once per use."""

    __slots__ = ("_kind_of_message", "_message", "kind", "urn")

    def __init__(self, kind: str, urn: str, request: Any) -> None:
        self.kind = kind  # "register" or "read"
        self.urn = urn
        # resource_pb2.RegisterResourceRequest | resource_pb2.ReadResourceRequest
        self._kind_of_message: type = type(request)
        self._message: bytes = request.SerializeToString()

    @property
    def request(self) -> Any:
        message = self._kind_of_message()
        message.ParseFromString(self._message)
        return message

    def __repr__(self) -> str:
        return f"Registration({self.kind!r}, {self.urn!r})"


@dataclass(frozen=True)
class ReadAnswer:
    """How a read (``Resource.get``, ``StackReference``) was answered offline."""

    urn: str
    type: str
    id: str
    answer: Literal["fixture", "unknown"]
    where: str  # the fixture entry, or why the outputs are unknown
    program_state_ignored: bool  # the program passed state=, which the engine never uses


@dataclass
class ProgramReport:
    """What the program's side said once it was over: the data-source calls it saw, and why it
    failed (preflight's explanation), if it did."""

    calls: list[InvokeCall] = field(default_factory=list)
    error: str | None = None
    outputs: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per resource type, its computed (output-only) properties, from the program's process."""


class ReadFixtures:
    """``preflight.yaml`` answers for reads: ``reads.<type>.<id>`` (the resource's outputs) and
    ``stackReferences.<stack name>`` (the referenced stack's outputs)."""

    def __init__(
        self,
        reads: Mapping[str, Mapping[str, Mapping[str, Any]]],
        stack_references: Mapping[str, Mapping[str, Any]],
        file_name: str,
    ) -> None:
        self.reads = reads
        self.stack_references = stack_references
        self.file_name = file_name

    def answer(self, type_: str, id_: str) -> tuple[dict[str, Any], str] | None:
        if type_ == STACK_REFERENCE_TYPE and id_ in self.stack_references:
            outputs = dict(self.stack_references[id_])
            state = {"name": id_, "outputs": outputs, "secretOutputNames": []}
            return state, f"{self.file_name}: stackReferences.{id_}"
        by_id = self.reads.get(type_) or {}
        if id_ in by_id:
            return dict(by_id[id_]), f"{self.file_name}: reads.{type_}.{id_}"
        return None


class RecordingMonitor(resource_pb2_grpc.ResourceMonitorServicer):
    """The resource monitor a preview gives the program; every request is kept."""

    def __init__(
        self,
        stack: str,
        project: str,
        answerer: InvokeAnswerer,
        read_fixtures: ReadFixtures | None = None,
        program_frame: Callable[[Any], bool] | None = None,
    ) -> None:
        """``program_frame`` tells whether a source position is in the program's own files:
        a registration's stack trace is kept only up to its first such frame, the one the report
        shows (the SDK sends the whole stack, most of a registration's size)."""
        self.program_frame = program_frame
        self.stack = stack
        self.project = project
        self.answerer = answerer
        self.read_fixtures = read_fixtures
        self.registrations: list[Registration] = []
        self.registered_outputs: dict[str, struct_pb2.Struct] = {}
        self.reads: list[ReadAnswer] = []
        self.errors: list[PreflightError] = []
        self.root_urn = ""
        self._stack_transforms: list[Any] = []
        self._stack_invoke_transforms: list[Any] = []
        self._resource_transforms: dict[str, list[Any]] = {}
        self._parents: dict[str, str] = {}
        self._states: dict[str, tuple[str, bytes]] = {}  # urn -> ID, serialized state
        self._lock = threading.Lock()
        self._recorded = threading.Condition(self._lock)
        self._channels: dict[str, grpc.Channel] = {}

    # --- features and bookkeeping ------------------------------------------------------------

    def GetDeploymentInfo(self, request: Any, context: Any) -> Any:
        return resource_pb2.DeploymentInfo(supportedFeatures=list(SUPPORTED_FEATURES))

    def SupportsFeature(self, request: Any, context: Any) -> Any:
        return resource_pb2.SupportsFeatureResponse(hasSupport=request.id in _LEGACY_FEATURES)

    def RegisterPackage(self, request: Any, context: Any) -> Any:
        return resource_pb2.RegisterPackageResponse(ref=f"{request.name}@{request.version}")

    def RegisterResourceHook(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()

    def RegisterErrorHook(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()

    def SignalAndWaitForShutdown(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()

    def RegisterStackTransform(self, request: Any, context: Any) -> Any:
        with self._lock:
            self._stack_transforms.append(_copy(request))
        return empty_pb2.Empty()

    def RegisterStackInvokeTransform(self, request: Any, context: Any) -> Any:
        with self._lock:
            self._stack_invoke_transforms.append(_copy(request))
        return empty_pb2.Empty()

    def ExistsResource(self, request: Any, context: Any) -> Any:
        return resource_pb2.ExistsResourceResponse(exists=False)

    def channel(self, target: str) -> grpc.Channel:
        with self._lock:
            channel = self._channels.get(target)
            if channel is None:
                channel = self._channels[target] = grpc.insecure_channel(target)
            return channel

    def close(self) -> None:
        with self._lock:
            channels, self._channels = list(self._channels.values()), {}
        for channel in channels:
            channel.close()

    def _fail(self, context: Any, error: PreflightError) -> None:
        with self._lock:
            self.errors.append(error)
        context.abort(grpc.StatusCode.UNKNOWN, error.message)

    # --- resources -----------------------------------------------------------------------------

    def RegisterResource(self, request: Any, context: Any) -> Any:
        urn = make_urn(self.stack, self.project, request.parent, request.type, request.name)
        with self._lock:
            own = list(request.transforms)
            self._resource_transforms[urn] = own
            self._parents[urn] = request.parent
            chain, parent = list(own), request.parent
            while parent:
                chain.extend(self._resource_transforms.get(parent, []))
                parent = self._parents.get(parent, "")
            if request.type != STACK_TYPE:
                chain.extend(self._stack_transforms)
        if chain:
            # The engine calls transforms back before it goes on; so do we, on a copy.
            request = _copy(request)
            try:
                apply_transforms(request, chain, self.channel)
            except PreflightError as error:
                self._fail(context, error)
        if self.program_frame is not None:
            _keep_first_program_frame(request, self.program_frame)
        self._record("register", urn, request)
        if request.type == STACK_TYPE:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        if request.remote:
            # Its provider's Construct would register the children and return the outputs.
            self._keep_state(urn, "", struct_pb2.Struct())
            return resource_pb2.RegisterResourceResponse(urn=urn)
        self._keep_state(urn, "", request.object)
        # Preview: no ID yet (the SDK reads an empty ID as unknown) and the inputs come back as the
        # outputs; an output that is not an input stays unknown, as a provider's preview leaves it.
        return resource_pb2.RegisterResourceResponse(urn=urn, id="", object=request.object)

    def ReadResource(self, request: Any, context: Any) -> Any:
        urn = make_urn(self.stack, self.project, request.parent, request.type, request.name)
        fixtures = self.read_fixtures
        fixture = fixtures.answer(request.type, request.id) if fixtures is not None else None
        given = _program_state(request.properties, request.type)
        if fixture is not None:
            state, where = fixture
            properties = struct_pb2.Struct()
            properties.update(state)
            answer = ReadAnswer(urn, request.type, request.id, "fixture", where, given)
        else:
            properties = struct_pb2.Struct()
            where = "outputs unknown: a preview reads it from the cloud, which preflight cannot"
            answer = ReadAnswer(urn, request.type, request.id, "unknown", where, given)
        recorded = _copy(request)
        recorded.properties.Clear()
        recorded.properties.CopyFrom(properties)
        self._record("read", urn, recorded)
        with self._lock:
            self.reads.append(answer)
        self._keep_state(urn, request.id, properties)
        return resource_pb2.ReadResourceResponse(urn=urn, properties=properties)

    def RegisterResourceOutputs(self, request: Any, context: Any) -> Any:
        with self._lock:
            self.registered_outputs[request.urn] = _copy(request.outputs)
        return empty_pb2.Empty()

    def _record(self, kind: str, urn: str, request: Any) -> None:
        registration = Registration(kind, urn, request)
        with self._lock:
            self.registrations.append(registration)
            self._recorded.notify_all()

    def registrations_after(self, seen: int, timeout: float) -> list[Registration]:
        """The registrations recorded after the first ``seen``, waiting up to ``timeout``
        seconds for one (empty when none came)."""
        with self._recorded:
            self._recorded.wait_for(lambda: len(self.registrations) > seen, timeout)
            return self.registrations[seen:]

    def _keep_state(self, urn: str, id_: str, state: struct_pb2.Struct) -> None:
        serialized = state.SerializeToString()  # serialized, as the registrations are
        with self._lock:
            self._states[urn] = (id_, serialized)

    def _state(self, urn: str) -> tuple[str, struct_pb2.Struct] | None:
        with self._lock:
            known = self._states.get(urn)
        if known is None:
            return None
        state = struct_pb2.Struct()
        state.ParseFromString(known[1])
        return known[0], state

    def registered_object(self, urn: str) -> struct_pb2.Struct | None:
        """The inputs a registered resource was given (a read's state)."""
        known = self._state(urn)
        return known[1] if known is not None else None

    # --- invokes and calls ---------------------------------------------------------------------

    def Invoke(self, request: Any, context: Any) -> Any:
        if request.tok == GET_RESOURCE:
            return self._get_resource(request, context)
        with self._lock:
            invoke_transforms = list(self._stack_invoke_transforms)
        if invoke_transforms:
            request = _copy(request)
            try:
                transform_invoke(request, invoke_transforms, self.channel)
            except PreflightError as error:
                self._fail(context, error)
        call = _invoke_call(context)
        args = plain_properties(request.args)
        provider_inputs: dict[str, Any] | None = None
        if request.provider:
            obj = self.registered_object(provider_ref_urn(request.provider))
            if obj is not None:
                provider_inputs = plain_properties(obj)
        try:
            answer = self.answerer.answer(request.tok, args, provider_inputs, call)
        except InvokeResultUnknown:
            # Arguments unknown in preview: the engine answers with an unknown result.
            return resource_pb2.ResourceInvokeResponse(unknown=True)
        except PreflightError as error:
            self._fail(context, error)
        response = resource_pb2.ResourceInvokeResponse()
        getattr(response, "return").update(_json_safe(answer))
        return response

    def _get_resource(self, request: Any, context: Any) -> Any:
        urn = request.args.fields["urn"].string_value
        known = self._state(urn)
        if known is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"unknown resource {urn}")
            raise AssertionError("unreachable: abort raises")
        id_, state = known
        response = resource_pb2.ResourceInvokeResponse()
        ret = getattr(response, "return")
        ret.fields["urn"].string_value = urn
        ret.fields["id"].string_value = id_
        ret.fields["state"].struct_value.CopyFrom(state)
        return response

    def Call(self, request: Any, context: Any) -> Any:
        self._fail(
            context,
            PreflightError(
                f"the program calls method {request.tok} of a multi-language component; its "
                "provider runs it, and preflight cannot run providers offline. Check this "
                "program with `pulumi preview --policy-pack`."
            ),
        )
        return provider_pb2.CallResponse()


class EngineService(engine_pb2_grpc.EngineServicer):
    """The engine service: the program's log messages (shown as the CLI shows diagnostics) and
    the root stack resource."""

    def __init__(self, monitor: RecordingMonitor) -> None:
        self.monitor = monitor
        self.messages: list[tuple[int, str]] = []

    def Log(self, request: Any, context: Any) -> Any:
        self.messages.append((request.severity, request.message))
        label = {
            engine_pb2.INFO: "info",
            engine_pb2.WARNING: "warning",
            engine_pb2.ERROR: "error",
        }.get(request.severity)
        if label is not None and not request.ephemeral:
            sys.stderr.write(f"    {label}: {request.message}\n")
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:
        return engine_pb2.GetRootResourceResponse(urn=self.monitor.root_urn)

    def SetRootResource(self, request: Any, context: Any) -> Any:
        self.monitor.root_urn = request.urn
        return engine_pb2.SetRootResourceResponse()

    def RequirePulumiVersion(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()


@dataclass
class ProgramServer:
    address: str
    monitor: RecordingMonitor
    engine: EngineService
    report: ProgramReport | None = None


@contextlib.contextmanager
def serving(monitor: RecordingMonitor) -> Iterator[ProgramServer]:
    """The monitor, the engine and the program's report channel on one local gRPC server."""
    engine = EngineService(monitor)
    server = grpc.server(
        ThreadPoolExecutor(max_workers=16, thread_name_prefix="preflight-monitor"),
        options=[
            ("grpc.max_receive_message_length", 400 * 1024 * 1024),
            ("grpc.max_send_message_length", 400 * 1024 * 1024),
        ],
    )
    resource_pb2_grpc.add_ResourceMonitorServicer_to_server(monitor, server)
    engine_pb2_grpc.add_EngineServicer_to_server(engine, server)
    port = server.add_insecure_port("127.0.0.1:0")
    served = ProgramServer(f"127.0.0.1:{port}", monitor, engine)

    def report(payload: bytes, context: Any) -> bytes:
        data = json.loads(payload)
        calls = [
            InvokeCall(int(number), str(token), tuple([tuple(frame)] if frame else []))
            for number, token, frame in data.get("calls") or []
        ]
        outputs = {
            str(token): frozenset(str(n) for n in names)
            for token, names in (data.get("outputs") or {}).items()
            if isinstance(names, list)
        }
        served.report = ProgramReport(calls, data.get("error"), outputs)
        return b""

    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                REPORT_SERVICE, {"Report": grpc.unary_unary_rpc_method_handler(report)}
            )
        ]
    )
    server.start()
    try:
        yield served
    finally:
        server.stop(grace=None)
        monitor.close()


# --- values ----------------------------------------------------------------------------------


def _copy(message: Any) -> Any:
    copy = type(message)()
    copy.CopyFrom(message)
    return copy


def _keep_first_program_frame(request: Any, program_frame: Callable[[Any], bool]) -> None:
    """Cut a registration's stack trace (SDK frames, the program's, the runtime's: half of a
    typical registration's bytes) to the first frame in the program's own files, the only one
    the source of a resource is read from after ``sourcePosition``; none: no stack trace."""
    if not request.HasField("stackTrace"):
        return
    first = next(
        (f for f in request.stackTrace.frames if f.HasField("pc") and program_frame(f.pc)), None
    )
    kept = _copy(first) if first is not None else None
    request.ClearField("stackTrace")
    if kept is not None:
        request.stackTrace.frames.add().CopyFrom(kept)


def _invoke_call(context: Any) -> InvokeCall | None:
    for key, value in context.invocation_metadata() or ():
        if key == INVOKE_CALL_METADATA:
            number, token, frame = json.loads(value)
            return InvokeCall(int(number), str(token), tuple([tuple(frame)] if frame else []))
    return None


def _program_state(properties: struct_pb2.Struct, type_: str) -> bool:
    """Whether the program passed ``state=`` to a read (StackReference sends its own inputs)."""
    if type_ == STACK_REFERENCE_TYPE:
        return False
    return any(
        value.WhichOneof("kind") not in (None, "null_value") for value in properties.fields.values()
    )


def _json_safe(values: Mapping[str, Any]) -> dict[str, Any]:
    from pulumi.runtime.rpc import UNKNOWN as SDK_UNKNOWN

    def convert(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        if value is None or isinstance(value, str | bool | int | float):
            return value
        if type(value).__name__ == "Unknown":
            return SDK_UNKNOWN
        return str(value)

    return convert(dict(values))


def plain_properties(obj: struct_pb2.Struct) -> dict[str, Any]:
    """A request's properties as plain Python values, as a provider without resource-reference
    support receives them: a resource reference becomes the referenced resource's ID (the
    unknown sentinel in a preview) or URN, a secret its value, an unknown the unknown sentinel.
    Nothing is ever rebuilt into an SDK object here."""
    return {k: _plain(v) for k, v in obj.fields.items()}


def _plain(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        fields = value.struct_value.fields
        sig = fields.get(SIG_KEY)
        if sig is not None:
            if sig.string_value == RESOURCE_REFERENCE_SIG:
                return reference_value(fields).string_value
            if "value" in fields:
                return _plain(fields["value"])
            return {k: _plain(v) for k, v in fields.items() if k != SIG_KEY}
        return {k: _plain(v) for k, v in fields.items()}
    if kind == "list_value":
        return [_plain(v) for v in value.list_value.values]
    if kind == "number_value":
        return value.number_value
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    return None


def reference_value(fields: Mapping[str, struct_pb2.Value]) -> struct_pb2.Value:
    """A resource reference as the engine marshals it without ``KeepResources``: the ID (the
    unknown sentinel while it is not known), or the URN of a component."""
    ident = fields.get("id")
    if ident is not None and ident.WhichOneof("kind") == "string_value":
        return struct_pb2.Value(string_value=ident.string_value or UNKNOWN)
    return struct_pb2.Value(string_value=fields["urn"].string_value)
