"""Run a Pulumi Python program under the SDK's mock runtime in preview; record what it registers.

The program runs with ``pulumi.runtime.set_mocks(..., preview=True)`` and a monitor that stands in
for the engine's resource monitor: every ``RegisterResourceRequest`` is kept as the engine would
receive it, and answered the way a preview answers it (the URN; no ID, so IDs are unknown; the
inputs echoed as outputs, so computed outputs the program reads are unknown).

From those requests :func:`engine_resources` builds the resources the engine would hand an
analyzer: default providers (``pulumi:providers:<pkg>::default_<version>``, inputs = the stack
config of the package) inserted before their first user, explicit and inherited providers as
registered, URNs with their parent type chain, options as ``AnalyzerResourceOptions`` carries them.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import importlib
import re
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import struct_pb2
from pulumi import _types as _pulumi_types
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc as pulumi_rpc
from pulumi.runtime.config import set_all_config
from pulumi.runtime.proto import provider_pb2, resource_pb2
from pulumi.runtime.settings import get_root_resource
from pulumi.runtime.stack import Stack, run_pulumi_func

from preflight import language_host
from preflight.errors import PreflightError
from preflight.invoke_adapter import InvokeAnswerer, InvokeResultUnknown
from preflight.model import CustomTimeouts, EngineResource, ProviderResource
from preflight.project import Project, StackConfig
from preflight.transforms import apply_transforms
from preflight.urns import (
    STACK_TYPE,
    default_provider_name,
    is_provider_type,
    make_urn,
    package_of,
    provider_ref_urn,
)

UNKNOWN = pulumi_rpc.UNKNOWN
RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
SIG_KEY = "4dabf18193072939515e22adb298388d"
EXECUTOR_SHUTDOWN_TIMEOUT = 10.0
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


@dataclass
class Registration:
    """One request the program sent to the resource monitor, in the order it was sent."""

    kind: str  # "register" or "read"
    urn: str
    request: Any  # resource_pb2.RegisterResourceRequest | resource_pb2.ReadResourceRequest


@dataclass
class ProgramRun:
    project: str
    stack: str
    organization: str
    registrations: list[Registration]
    resources: list[EngineResource]
    invokes: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, answering as the engine answers in a preview and keeping requests."""

    def __init__(self, mocks: pulumi_mocks.Mocks, stack: str, project: str) -> None:
        super().__init__(mocks)
        self.stack = stack
        self.project = project
        self.registrations: list[Registration] = []
        self.registered_outputs: dict[str, struct_pb2.Struct] = {}
        self.stack_transforms: list[str] = []
        self.resource_transforms: dict[str, list[str]] = {}
        self.parents: dict[str, str] = {}
        self.states: dict[str, struct_pb2.Struct] = {}
        self._lock = threading.Lock()

    def _record(self, kind: str, urn: str, request: Any) -> None:
        copy = type(request)()
        copy.CopyFrom(request)
        with self._lock:
            self.registrations.append(Registration(kind, urn, copy))

    def registered_object(self, urn: str) -> struct_pb2.Struct | None:
        with self._lock:
            for reg in self.registrations:
                if reg.urn == urn:
                    obj = reg.request.object if reg.kind == "register" else reg.request.properties
                    return obj
        return None

    def RegisterStackTransform(self, request: Any) -> Any:
        with self._lock:
            self.stack_transforms.append(request.token)
        return super().RegisterStackTransform(request)

    def RegisterResource(self, request: Any) -> Any:
        urn = make_urn(self.stack, self.project, request.parent, request.type, request.name)
        own = [callback.token for callback in request.transforms]
        with self._lock:
            self.resource_transforms[urn] = own
            self.parents[urn] = request.parent
            chain, parent = list(own), request.parent
            while parent:
                chain.extend(self.resource_transforms.get(parent, []))
                parent = self.parents.get(parent, "")
            if request.type != STACK_TYPE:
                chain.extend(self.stack_transforms)
        if chain:
            # The engine calls transforms back before it goes on; so do we, on a copy.
            transformed = type(request)()
            transformed.CopyFrom(request)
            apply_transforms(transformed, chain)
            request = transformed
        self._record("register", urn, request)
        if request.type == STACK_TYPE:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        self._keep_state(urn, "", request.object)
        # Preview: no ID yet (the SDK reads an empty ID as unknown) and the inputs come back as the
        # outputs; an output that is not an input stays unknown, as a provider's preview leaves it.
        return resource_pb2.RegisterResourceResponse(urn=urn, id="", object=request.object)

    def _keep_state(self, urn: str, id_: str, state: struct_pb2.Struct) -> None:
        # Kept as the wire struct: `getResource` answers with it as the engine does, and the SDK
        # rebuilds any resource reference in it on the program's own event loop.
        copy = struct_pb2.Struct()
        copy.CopyFrom(state)
        with self._lock:
            self.states[urn] = copy
            self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, id_, {})

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = struct_pb2.Struct()
        outputs.CopyFrom(request.outputs)
        with self._lock:
            self.registered_outputs[request.urn] = outputs
        return super().RegisterResourceOutputs(request)

    def Invoke(self, request: Any) -> Any:
        if request.tok == "pulumi:pulumi:getResource":
            return self._get_resource(request)
        args = plain_properties(request.args)
        try:
            answer = self.mocks.call(
                pulumi_mocks.MockCallArgs(token=request.tok, args=args, provider=request.provider)
            )
        except InvokeResultUnknown:
            # Arguments unknown in preview: the engine answers with an unknown result.
            return resource_pb2.ResourceInvokeResponse(unknown=True)
        ret, failures = (answer, None) if isinstance(answer, dict) else answer
        response = resource_pb2.ResourceInvokeResponse(
            failures=[
                provider_pb2.CheckFailure(property=prop, reason=reason)
                for prop, reason in failures or ()
            ]
        )
        getattr(response, "return").CopyFrom(serialize_plain(ret))
        return response

    def _get_resource(self, request: Any) -> Any:
        urn = request.args.fields["urn"].string_value
        with self._lock:
            state = self.states.get(urn)
            registration = self.resources.get(urn)
        if state is None or registration is None:
            raise Exception(f"unknown resource {urn}")
        response = resource_pb2.ResourceInvokeResponse()
        ret = getattr(response, "return")
        ret.fields["urn"].string_value = urn
        ret.fields["id"].string_value = registration.id
        ret.fields["state"].struct_value.CopyFrom(state)
        return response

    def ReadResource(self, request: Any) -> Any:
        urn = make_urn(self.stack, self.project, request.parent, request.type, request.name)
        self._record("read", urn, request)
        self._keep_state(urn, request.id, request.properties)
        return resource_pb2.ReadResourceResponse(urn=urn, properties=request.properties)


def plain_properties(obj: struct_pb2.Struct) -> dict[str, Any]:
    """A monitor request's properties as Python values, resource references as the referenced
    resource's ID (unknown in preview) or URN, as a provider without resource-reference support
    receives them.

    The monitor runs on the SDK's executor threads. ``deserialize_properties`` would rebuild a
    resource reference into a resource object there (``Role.get``-style, ``opts.urn``), whose
    ``getResource`` task lands on that thread's private event loop: a loop that only runs while
    a later call on the same thread pumps it, and whose tasks the program's loop then awaits
    through the SDK's shared RPC list ("attached to a different loop", or a hang). References
    are therefore never rebuilt off the program's loop.
    """
    flat = struct_pb2.Struct()
    for key, value in obj.fields.items():
        flat.fields[key].CopyFrom(_references_as_ids(value))
    return dict(pulumi_rpc.deserialize_properties(flat, keep_unknowns=True))


def _references_as_ids(value: struct_pb2.Value) -> struct_pb2.Value:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        fields = value.struct_value.fields
        sig = fields.get(SIG_KEY)
        if sig is not None and sig.string_value == RESOURCE_REFERENCE_SIG:
            return _reference_value(fields)
        result = struct_pb2.Value()
        result.struct_value.SetInParent()
        for k, v in fields.items():
            result.struct_value.fields[k].CopyFrom(_references_as_ids(v))
        return result
    if kind == "list_value":
        result = struct_pb2.Value()
        result.list_value.SetInParent()
        for item in value.list_value.values:
            result.list_value.values.add().CopyFrom(_references_as_ids(item))
        return result
    return value


def _reference_value(fields: Mapping[str, struct_pb2.Value]) -> struct_pb2.Value:
    ident = fields.get("id")
    if ident is not None and ident.WhichOneof("kind") == "string_value":
        return struct_pb2.Value(string_value=ident.string_value or UNKNOWN)
    return struct_pb2.Value(string_value=fields["urn"].string_value)


def serialize_plain(values: Mapping[str, Any]) -> struct_pb2.Struct:
    """Serialize an invoke's answer (plain values) on a private, short-lived event loop: never on
    the monitor thread's shared one, where a stray task would wait for a later call."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(pulumi_rpc.serialize_properties(dict(values), {}))
    finally:
        loop.close()


class PreviewMocks(pulumi_mocks.Mocks):
    """Invokes go to the offline answerer; resource registrations never reach here."""

    def __init__(self, answerer: InvokeAnswerer) -> None:
        self.answerer = answerer
        self.monitor: RecordingMonitor | None = None

    def call(self, args: pulumi_mocks.MockCallArgs) -> dict:  # type: ignore[override]
        provider_inputs: dict[str, Any] | None = None
        if args.provider and self.monitor is not None:
            obj = self.monitor.registered_object(provider_ref_urn(args.provider))
            if obj is not None:
                provider_inputs = dict(plain_properties(obj))
        return self.answerer.answer(args.token, dict(args.args), provider_inputs)

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict]:
        return args.resource_id or "", dict(args.inputs)


def run_program(
    project: Project,
    config: StackConfig,
    *,
    organization: str = "organization",
    answerer: InvokeAnswerer | None = None,
) -> ProgramRun:
    """Run the program once, in a fresh Pulumi runtime context, and return what it registered."""
    answerer = answerer or InvokeAnswerer.for_program(project.root, config.parsed)
    context = contextvars.Context()
    return context.run(_run_in_context, project, config, organization, answerer)


def _run_in_context(
    project: Project, config: StackConfig, organization: str, answerer: InvokeAnswerer
) -> ProgramRun:
    entry = language_host.entry_point(project.root, project.main)
    try:
        previous_loop: asyncio.AbstractEventLoop | None = (
            asyncio.get_event_loop_policy().get_event_loop()
        )
    except RuntimeError:
        previous_loop = None
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    interrupted = False
    mocks = PreviewMocks(answerer)
    monitor = RecordingMonitor(mocks, config.stack, project.name)
    mocks.monitor = monitor
    try:
        set_all_config(dict(config.values), list(config.secret_keys))
        pulumi_mocks.set_mocks(
            mocks,
            project=project.name,
            stack=config.stack,
            preview=True,
            monitor=monitor,
            organization=organization,
        )
        stack = get_root_resource()
        # set_mocks registers the root stack's (empty) outputs at once; like the language host's
        # run_in_stack, register them after the program instead, so exports reach AnalyzeStack.
        if isinstance(stack, Stack):
            stack._outputs_registered = False
            stack._async_program_registration_closed = False

        def program() -> Awaitable[None] | None:
            # The program's own prints are diagnostics, never part of preflight's report on stdout.
            before = dict(sys.modules)
            try:
                with contextlib.redirect_stdout(sys.stderr), answerer.capturing_call_sites():
                    language_host.execute(entry)
            finally:
                # Only what the program imported may be forgotten; a program at the root of a
                # repository must not take preflight's own modules (or ``__main__``) with it.
                for name, module in before.items():
                    sys.modules.setdefault(name, module)
            if not isinstance(stack, Stack):
                return None
            async_program = stack._take_async_program()  # pulumi.run(...)
            if async_program is None:
                stack._finish()
                return None

            async def finish() -> None:
                try:
                    outputs = async_program()
                    stack._add_program_outputs(await outputs)
                finally:
                    stack._finish()

            return finish()

        try:
            # The language host's process state (cwd, sys.path, the program's modules) lasts
            # until every registration the program started has finished, not only its code.
            with language_host.program_environment(entry):
                loop.run_until_complete(run_pulumi_func(program))
        except (Exception, SystemExit) as exc:  # every program failure: one clear error
            error = language_host.explain_program_error(exc, entry, config.stack)
            raise PreflightError(error.message, error.exit_code) from exc
    except BaseException:
        interrupted = True  # Ctrl-C / SIGTERM: leave at once, do not wait for the SDK's threads
        raise
    finally:
        if not interrupted:
            with contextlib.suppress(Exception):
                loop.run_until_complete(
                    asyncio.wait_for(loop.shutdown_default_executor(), EXECUTOR_SHUTDOWN_TIMEOUT)
                )
        loop.close()
        # Leave the caller's event loop as it was (tests that run programs in-process share it).
        asyncio.set_event_loop(previous_loop)

    resources = engine_resources(
        monitor.registrations, config, project.name, project.root, monitor.registered_outputs
    )
    return ProgramRun(
        project=project.name,
        stack=config.stack,
        organization=organization,
        registrations=monitor.registrations,
        resources=resources,
        invokes=list(answerer.records),
    )


# --- from monitor requests to the resources the engine analyses ---------------------------------


def engine_resources(
    registrations: list[Registration],
    config: StackConfig,
    project: str,
    program_root: Path,
    registered_outputs: Mapping[str, struct_pb2.Struct] | None = None,
) -> list[EngineResource]:
    by_urn: dict[str, EngineResource] = {}
    default_providers: dict[tuple[str, str, str], EngineResource] = {}
    out: list[EngineResource] = []

    def default_provider_for(type_: str, version: str, url: str) -> EngineResource:
        package = package_of(type_)
        key = (package, version, url)
        existing = default_providers.get(key)
        if existing is not None:
            return existing
        name = default_provider_name(version, url)
        urn = make_urn(config.stack, project, "", f"pulumi:providers:{package}", name)
        inputs: dict[str, Any] = {}
        for k, v in config.package_config(package).items():
            full = f"{package}:{k}"
            inputs[k] = {SIG_KEY: SECRET_SIG, "value": v} if full in config.secret_keys else v
        if version:
            inputs["version"] = version
        if url:
            inputs["pluginDownloadURL"] = url
        props = _struct(inputs)
        resource = EngineResource(
            urn=urn,
            type=f"pulumi:providers:{package}",
            name=name,
            custom=True,
            parent="",
            properties=props,
            outputs=props,
            provider=None,
            origin="default-provider",
        )
        default_providers[key] = resource
        out.append(resource)
        by_urn[urn] = resource
        return resource

    for reg in registrations:
        req = reg.request
        if reg.kind == "read":
            provider = _provider_of(req, by_urn)
            props = engine_properties(req.properties)
            resource = EngineResource(
                urn=reg.urn,
                type=req.type,
                name=req.name,
                custom=True,
                parent=req.parent,
                properties=props,
                outputs=props,
                provider=provider,
                dependencies=list(req.dependencies),
                source=_source(req, program_root),
                origin="read",
            )
            by_urn[reg.urn] = resource
            out.append(resource)
            continue

        needs_provider = (req.custom or req.remote) and not is_provider_type(req.type)
        provider = _provider_of(req, by_urn)
        if provider is None and needs_provider and req.type != STACK_TYPE:
            default = default_provider_for(req.type, req.version, req.pluginDownloadURL)
            provider = _as_provider(default)
        props = engine_properties(req.object)
        if req.custom:
            outputs = preview_outputs(req.type, props)
        else:
            outputs = engine_properties(
                (registered_outputs or {}).get(reg.urn, struct_pb2.Struct())
            )
        resource = EngineResource(
            urn=reg.urn,
            type=req.type,
            name=req.name,
            custom=req.custom,
            parent=req.parent,
            properties=props,
            outputs=outputs,
            provider=provider,
            protect=bool(req.protect),
            ignore_changes=list(req.ignoreChanges),
            delete_before_replace=req.deleteBeforeReplace
            if req.deleteBeforeReplaceDefined
            else None,
            additional_secret_outputs=list(req.additionalSecretOutputs),
            aliases=_alias_urns(req, config.stack, project),
            custom_timeouts=_custom_timeouts(req),
            dependencies=list(req.dependencies),
            property_dependencies={k: list(v.urns) for k, v in req.propertyDependencies.items()},
            source=_source(req, program_root),
        )
        by_urn[reg.urn] = resource
        out.append(resource)
    return out


@functools.cache
def output_names(type_: str) -> frozenset[str]:
    """The output-only properties of a resource type (computed by the provider, not inputs),
    from its classes in the provider's Python SDK: ``aws:s3/bucket:Bucket`` -> outputs of
    ``pulumi_aws.s3.Bucket`` minus the inputs of ``BucketArgs``. Empty if they are not found."""
    package, _, rest = type_.partition(":")
    module_path, _, class_name = rest.partition(":")
    module_name = module_path.split("/", 1)[0].lower()
    base = f"pulumi_{package.replace('-', '_')}"
    candidates = [base] if module_name in ("", "index") else [f"{base}.{module_name}", base]
    for name in candidates:
        try:
            module = importlib.import_module(name)
            cls = getattr(module, class_name)
            args_cls = getattr(module, f"{class_name}Args")
        except (ImportError, AttributeError):
            continue
        if isinstance(cls, type) and isinstance(args_cls, type):
            outputs = set(_pulumi_types.resource_pulumi_to_py_names(cls))
            inputs = set(_pulumi_types.input_type_py_to_pulumi_names(args_cls).values())
            return frozenset(outputs - inputs - {"id", "urn"})
    return frozenset()


def preview_outputs(type_: str, inputs: struct_pb2.Struct) -> struct_pb2.Struct:
    """A new resource's state after a preview: its inputs, and its computed outputs unknown."""
    if is_provider_type(type_):
        return inputs
    outputs = struct_pb2.Struct()
    outputs.CopyFrom(inputs)
    for name in sorted(output_names(type_) - set(inputs.fields)):
        outputs.fields[name].string_value = UNKNOWN
    return outputs


def _as_provider(resource: EngineResource) -> ProviderResource:
    return ProviderResource(resource.urn, resource.type, resource.name, resource.properties)


def _provider_of(req: Any, by_urn: Mapping[str, EngineResource]) -> ProviderResource | None:
    ref = getattr(req, "provider", "")
    if not ref:
        return None
    registered = by_urn.get(provider_ref_urn(ref))
    if registered is None:
        return None
    return _as_provider(registered)


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def engine_properties(obj: struct_pb2.Struct) -> struct_pb2.Struct:
    """Properties as the engine marshals them for an analyzer.

    ``MarshalOptions{KeepUnknowns, KeepSecrets, SkipInternalKeys}``: unknowns and secrets stay
    (unknowns as the unknown sentinel), ``__``-prefixed internal keys are dropped, and resource
    references (``KeepResources`` is off) become the referenced resource's ID, or its URN.
    """
    out = struct_pb2.Struct()
    for key, value in obj.fields.items():
        if key.startswith("__"):
            continue
        out.fields[key].CopyFrom(_engine_value(value))
    return out


def _engine_value(value: struct_pb2.Value) -> struct_pb2.Value:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        fields = value.struct_value.fields
        sig = fields.get(SIG_KEY)
        if sig is not None and sig.string_value == RESOURCE_REFERENCE_SIG:
            return _reference_value(fields)
        result = struct_pb2.Value()
        result.struct_value.SetInParent()
        for k, v in fields.items():
            result.struct_value.fields[k].CopyFrom(_engine_value(v))
        return result
    if kind == "list_value":
        result = struct_pb2.Value()
        result.list_value.SetInParent()
        for item in value.list_value.values:
            result.list_value.values.add().CopyFrom(_engine_value(item))
        return result
    return value


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """Seconds in a Go duration string (``5m``, ``1h30m``), as the engine parses custom timeouts."""
    text = text.strip()
    if not text:
        return 0.0
    if text == "0":
        return 0.0
    pos, total = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        pos = match.end()
    if pos != len(text):
        raise ValueError(f"invalid duration {text!r}")
    return total


def _custom_timeouts(req: Any) -> CustomTimeouts:
    if not req.HasField("customTimeouts"):
        return CustomTimeouts()
    ct = req.customTimeouts
    try:
        return CustomTimeouts(
            parse_duration(ct.create), parse_duration(ct.update), parse_duration(ct.delete)
        )
    except ValueError as exc:
        raise PreflightError(f"resource {req.name!r} ({req.type}): custom timeout: {exc}") from exc


def _alias_urns(req: Any, stack: str, project: str) -> list[str]:
    result: list[str] = list(req.aliasURNs)
    for alias in req.aliases:
        if alias.WhichOneof("alias") == "urn":
            result.append(alias.urn)
            continue
        spec = alias.spec
        parent = req.parent
        if spec.WhichOneof("parent") == "noParent" and spec.noParent:
            parent = ""
        elif spec.WhichOneof("parent") == "parentUrn" and spec.parentUrn:
            parent = spec.parentUrn
        result.append(
            make_urn(
                spec.stack or stack,
                spec.project or project,
                parent,
                spec.type or req.type,
                spec.name or req.name,
            )
        )
    return result


def _source(req: Any, program_root: Path) -> str | None:
    if not req.HasField("sourcePosition"):
        return None
    pos = req.sourcePosition
    if not pos.uri:
        return None
    parsed = urllib.parse.urlparse(pos.uri)
    path = Path(urllib.request.url2pathname(parsed.path))
    try:
        path = path.relative_to(program_root)
    except ValueError:
        return None  # a frame in the SDK or a library, not in the user's program
    return f"{path.as_posix()}:{pos.line}" if pos.line else path.as_posix()
