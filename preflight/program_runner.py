"""Run a Pulumi Python program as ``pulumi preview`` runs it; record what it registers.

The program runs in its own process, started as the Python language host starts it (the exec
script's command line, ``PULUMI_CONFIG`` and ``PULUMI_CONFIG_SECRET_KEYS``, ``--pwd`` and the entry
point as the engine derives them from ``main:``), with the real SDK runtime in preview talking
to preflight's resource monitor and engine over gRPC (``preflight/monitor.py``), which keep every
request and answer as a preview does.

From those requests :func:`engine_resources` builds the resources the engine would hand an
analyzer: default providers (``pulumi:providers:<pkg>::default_<version>``, inputs = the stack
config of the package) inserted before their first user, explicit and inherited providers as
registered, URNs with their parent type chain, options as ``AnalyzerResourceOptions`` carries them.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import functools
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from google.protobuf import struct_pb2
from pulumi import _types as _pulumi_types
from pulumi.runtime import rpc as pulumi_rpc

from preflight import language_host, process_tree
from preflight.errors import PreflightError
from preflight.invoke_adapter import InvokeAnswerer
from preflight.model import (
    CustomTimeouts,
    EngineResource,
    ProviderResource,
    ReadRecord,
    UncheckedResource,
)
from preflight.monitor import (
    RESOURCE_REFERENCE_SIG,
    SIG_KEY,
    STACK_REFERENCE_TYPE,
    ReadFixtures,
    RecordingMonitor,
    Registration,
    plain_properties,
    reference_value,
    serving,
)
from preflight.project import Project, StackConfig
from preflight.urns import (
    STACK_TYPE,
    default_provider_name,
    is_provider_type,
    make_urn,
    package_of,
    provider_ref_urn,
)

__all__ = [
    "ProgramRun",
    "Registration",
    "engine_resources",
    "plain_properties",
    "preview_outputs",
    "run_program",
]

UNKNOWN = pulumi_rpc.UNKNOWN
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
HOST_SCRIPT_NAME = "pulumi-language-python-exec"
# Output of the program's process kept for the message when it dies without a word.
OUTPUT_TAIL_LINES = 40


@dataclass
class ProgramRun:
    project: str
    stack: str
    organization: str
    registrations: list[Registration]
    resources: list[EngineResource]
    invokes: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reads: list[ReadRecord] = field(default_factory=list)
    unchecked: list[UncheckedResource] = field(default_factory=list)


def run_program(
    project: Project,
    config: StackConfig,
    *,
    organization: str = "organization",
    answerer: InvokeAnswerer | None = None,
    watch: Callable[[RecordingMonitor], None] | None = None,
) -> ProgramRun:
    """Run the program once, in its own process, and return what it registered. ``watch`` is
    given the monitor before the program starts, to follow the registrations as they come."""
    answerer = answerer or InvokeAnswerer.for_program(project.root, config.parsed)
    entry = language_host.entry_point(project.root, project.main)
    pwd, main = language_host.engine_pwd_main(entry)
    fixtures = answerer.fixtures
    monitor = RecordingMonitor(
        config.stack,
        project.name,
        answerer,
        ReadFixtures(fixtures.reads, fixtures.stack_references, "preflight.yaml"),
        program_frame=lambda position: _position(position, project.root) is not None,
    )
    if watch is not None:
        watch(monitor)
    with serving(monitor) as server:
        command = host_command(
            address=server.address,
            project=project,
            stack=config.stack,
            organization=organization,
            pwd=pwd,
            main=main,
        )
        exit_code, tail = _run_host(command, host_environment(config))
        report = server.report
    if report is not None:
        answerer.saw_calls(report.calls)
        _REPORTED_OUTPUTS.update(report.outputs)
    if monitor.errors:
        # What preflight could not answer (an invoke, a method call, a transform) is the cause,
        # whatever the program did with the error it got.
        raise PreflightError(monitor.errors[0].message)
    if exit_code != 0:
        if report is not None and report.error:
            raise language_host.ProgramError(report.error)
        raise language_host.ProgramError(
            f"the program's process exited with status {exit_code} before it finished"
            + (f"; its last output:\n{tail}" if tail else "")
        )
    unchecked = remote_components(monitor.registrations, fixtures.remote_components, project)
    resources = engine_resources(
        monitor.registrations,
        config,
        project.name,
        project.root,
        monitor.registered_outputs,
        unknown_reads=frozenset(r.urn for r in monitor.reads if r.answer == "unknown"),
    )
    sources = {r.urn: r.source for r in resources}
    return ProgramRun(
        project=project.name,
        stack=config.stack,
        organization=organization,
        registrations=monitor.registrations,
        resources=resources,
        invokes=list(answerer.records),
        reads=[
            ReadRecord(
                urn=r.urn,
                type=r.type,
                name=r.urn.rsplit("::", 1)[-1],
                id=r.id,
                answered_by=r.answer,
                detail=r.where,
                program_state_ignored=r.program_state_ignored,
                source=sources.get(r.urn),
            )
            for r in monitor.reads
        ],
        unchecked=unchecked,
    )


def remote_components(
    registrations: list[Registration], accepted: Mapping[str, str], project: Project
) -> list[UncheckedResource]:
    """The program's multi-language components, each accepted in ``preflight.yaml`` with a
    reason; any other is an evaluation error. Their provider's ``Construct`` creates their
    resources during a real preview, where the pack checks them; offline no provider runs, so
    preflight would check none of them."""
    found: list[UncheckedResource] = []
    refused: list[str] = []
    for reg in registrations:
        req = reg.request
        if reg.kind != "register" or not req.remote:
            continue
        package = package_of(req.type)
        source = _source(req, project.root)
        version = f" {req.version}" if req.version else ""
        at = f" (declared at {source})" if source else ""
        if req.type in accepted:
            found.append(
                UncheckedResource(reg.urn, req.type, req.name, package, accepted[req.type], source)
            )
            continue
        refused.append(
            f"component {req.name!r} of type {req.type} (package {package}{version}){at}"
        )
    if refused:
        types = sorted(
            {
                r.request.type
                for r in registrations
                if r.kind == "register" and r.request.remote and r.request.type not in accepted
            }
        )
        entries = "\n".join(
            f"  {t}:\n    reason: <why the resources it creates need no check here>" for t in types
        )
        raise language_host.ProgramError(
            f"{refused[0]} is a multi-language component (remote): its package's provider "
            "creates its resources when `pulumi preview` runs, and the policy pack checks them "
            "there; preflight cannot run providers offline, so it would check none of them"
            + (
                f" (and {len(refused) - 1} more: " + "; ".join(refused[1:]) + ")"
                if len(refused) > 1
                else ""
            )
            + ". Check this program with `pulumi preview --policy-pack`, or accept the "
            f"component unchecked in {project.root / 'preflight.yaml'}:\n\n"
            f"remoteComponents:\n{entries}"
        )
    return found


def default_parallel() -> int:
    """The CLI's default ``--parallel``: ``PULUMI_PARALLEL``, else four per CPU."""
    with contextlib.suppress(ValueError):
        value = int(os.environ.get("PULUMI_PARALLEL", "0"))
        if value > 0:
            return value
    return (os.cpu_count() or 1) * 4


def host_command(
    *, address: str, project: Project, stack: str, organization: str, pwd: Path, main: str
) -> list[str]:
    """The language host's command line for the exec script (``constructArguments``)."""
    return [
        sys.executable,
        "-u",
        str(host_script()),
        "--monitor",
        address,
        "--engine",
        address,
        "--project",
        project.name,
        "--root_directory",
        str(project.root),
        "--stack",
        stack,
        "--pwd",
        str(pwd),
        "--dry_run",
        "true",
        "--parallel",
        str(default_parallel()),
        "--organization",
        organization,
        main,
    ]


def host_environment(config: StackConfig) -> dict[str, str]:
    """The language host's environment for the program: the caller's, with the stack config
    (``PULUMI_CONFIG``) and its secret keys (``PULUMI_CONFIG_SECRET_KEYS``); preflight's own
    settings (``PREFLIGHT_*``) are not the program's business."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFLIGHT_")}
    env["PULUMI_CONFIG"] = json.dumps(dict(sorted(config.values.items())), separators=(",", ":"))
    env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(config.secret_keys), separators=(",", ":"))
    return env


@functools.cache
def host_script() -> Path:
    """The exec script under the name the language host gives it, in a private directory."""
    directory = Path(tempfile.mkdtemp(prefix="pulumi-language-python-"))
    atexit.register(shutil.rmtree, directory, True)
    script = directory / HOST_SCRIPT_NAME
    shutil.copyfile(Path(__file__).parent / "host" / "exec_shim.py", script)
    return script


def _forward(stream: IO[bytes], tail: collections.deque[str]) -> None:
    """The program's output, as the CLI shows it: diagnostics, never preflight's report."""
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        tail.append(line.rstrip("\n"))
        with contextlib.suppress(ValueError, OSError):
            sys.stderr.write(line)
            sys.stderr.flush()


def _run_host(command: list[str], env: Mapping[str, str]) -> tuple[int, str]:
    """Run the program's process to its end; it never outlives preflight."""
    proc = subprocess.Popen(
        command,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # No preexec_fn: the exec script asks the kernel itself to kill it with preflight, so no
        # Python code runs between fork and exec while gRPC's threads are busy here.
    )
    process_tree.track(proc.pid)
    tail: collections.deque[str] = collections.deque(maxlen=OUTPUT_TAIL_LINES)
    readers = [
        threading.Thread(target=_forward, args=(stream, tail), daemon=True)
        for stream in (proc.stdout, proc.stderr)
        if stream is not None
    ]
    for reader in readers:
        reader.start()
    try:
        exit_code = proc.wait()
    finally:
        process_tree.stop_group(proc.pid)
        process_tree.untrack(proc.pid)
        for reader in readers:
            reader.join(timeout=5.0)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5.0)
    return exit_code, "\n".join(tail)


# --- from monitor requests to the resources the engine analyses ---------------------------------


def engine_resources(
    registrations: list[Registration],
    config: StackConfig,
    project: str,
    program_root: Path,
    registered_outputs: Mapping[str, struct_pb2.Struct] | None = None,
    unknown_reads: frozenset[str] = frozenset(),
) -> list[EngineResource]:
    """``unknown_reads``: URNs of reads answered with unknown outputs (no fixture)."""
    add = engine_resource_builder(config, project, program_root, registered_outputs, unknown_reads)
    return [resource for reg in registrations for resource in add(reg)]


def engine_resource_builder(
    config: StackConfig,
    project: str,
    program_root: Path,
    registered_outputs: Mapping[str, struct_pb2.Struct] | None = None,
    unknown_reads: frozenset[str] = frozenset(),
    *,
    outputs: bool = True,
) -> Callable[[Registration], list[EngineResource]]:
    """:func:`engine_resources` one registration at a time, in registration order: each call
    returns the resources that registration adds (a default provider first, when it is the
    first resource to need one). ``outputs=False``: a custom resource's preview outputs are
    left as its inputs (what ``Remediate`` / ``Analyze`` need), so the provider SDK modules
    that tell its output names are not imported while the program's own process holds them."""
    with_outputs = outputs
    by_urn: dict[str, EngineResource] = {}  # providers only: see _remember_provider
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

    def add(reg: Registration) -> list[EngineResource]:
        out.clear()
        req = reg.request
        if reg.kind == "read":
            provider = _provider_of(req, by_urn)
            props = (
                unknown_state(req.type, req.id)
                if reg.urn in unknown_reads
                else engine_properties(req.properties)
            )
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
            _remember_provider(by_urn, resource)
            out.append(resource)
            return list(out)

        needs_provider = (req.custom or req.remote) and not is_provider_type(req.type)
        provider = _provider_of(req, by_urn)
        if provider is None and needs_provider and req.type != STACK_TYPE:
            default = default_provider_for(req.type, req.version, req.pluginDownloadURL)
            provider = _as_provider(default)
        props = engine_properties(req.object)
        if req.custom:
            outputs = preview_outputs(req.type, props) if with_outputs else props
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
        _remember_provider(by_urn, resource)
        out.append(resource)
        return list(out)

    return add


def _remember_provider(providers: dict[str, EngineResource], resource: EngineResource) -> None:
    """Keep ``resource`` for the resources that name it as their provider; only providers are
    kept (a resource's provider reference names a provider resource), so that a builder that
    follows a long program holds no other resource it built."""
    if is_provider_type(resource.type):
        providers[resource.urn] = resource


@functools.cache
def _sdk_classes(type_: str) -> tuple[type, type | None] | None:
    """The resource class of a type token in its provider's Python SDK, and its Args class."""
    package, _, rest = type_.partition(":")
    module_path, _, class_name = rest.partition(":")
    module_name = module_path.split("/", 1)[0].lower()
    base = f"pulumi_{package.replace('-', '_')}"
    candidates = [base] if module_name in ("", "index") else [f"{base}.{module_name}", base]
    for name in candidates:
        try:
            module = importlib.import_module(name)
            cls = getattr(module, class_name)
        except (ImportError, AttributeError):
            continue
        args_cls = getattr(module, f"{class_name}Args", None)
        if isinstance(cls, type):
            return cls, args_cls if isinstance(args_cls, type) else None
    return None


# Output names the program's process computed from the SDK classes it had loaded (the same
# installed SDK as this process): importing every subpackage again here cost 1.8 s of CPU on
# the blueprint's 60 types.
_REPORTED_OUTPUTS: dict[str, frozenset[str]] = {}


def output_names(type_: str) -> frozenset[str]:
    """The output-only properties of a resource type (computed by the provider, not inputs),
    from its classes in the provider's Python SDK: ``aws:s3/bucket:Bucket`` -> outputs of
    ``pulumi_aws.s3.Bucket`` minus the inputs of ``BucketArgs``. Empty if they are not found.
    As the program's process reported them when it did, else from the SDK here."""
    reported = _REPORTED_OUTPUTS.get(type_)
    return reported if reported is not None else _sdk_output_names(type_)


@functools.cache
def _sdk_output_names(type_: str) -> frozenset[str]:
    classes = _sdk_classes(type_)
    if classes is None:
        return frozenset()
    cls, args_cls = classes
    if args_cls is None:
        return frozenset()
    outputs = set(_pulumi_types.resource_pulumi_to_py_names(cls))
    inputs = set(_pulumi_types.input_type_py_to_pulumi_names(args_cls).values())
    return frozenset(outputs - inputs - {"id", "urn"})


def unknown_state(type_: str, id_: str) -> struct_pb2.Struct:
    """A read resource's state before the read: every property of its type unknown (a
    ``StackReference``'s name is its ID)."""
    state = struct_pb2.Struct()
    if type_ == STACK_REFERENCE_TYPE:
        state.fields["name"].string_value = id_
        names: frozenset[str] | set[str] = {"outputs", "secretOutputNames"}
    else:
        classes = _sdk_classes(type_)
        names = (
            set(_pulumi_types.resource_pulumi_to_py_names(classes[0])) - {"id", "urn"}
            if classes is not None
            else set()
        )
    for name in sorted(names):
        state.fields[name].string_value = UNKNOWN
    return state


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
            return reference_value(fields)
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
    """Where the program declared the resource: the innermost frame of the SDK's stack trace
    that is in the program's own files. The SDK's ``sourcePosition`` is the frame under the
    third ``__init__``, which for a provider (one more class level) or a ``Resource.get`` (a
    static method) is a frame of the provider's SDK, not of the program."""
    positions = []
    if req.HasField("sourcePosition"):
        positions.append(req.sourcePosition)
    if req.HasField("stackTrace"):
        positions.extend(frame.pc for frame in req.stackTrace.frames if frame.HasField("pc"))
    for pos in positions:
        shown = _position(pos, program_root)
        if shown is not None:
            return shown
    return None


def _position(pos: Any, program_root: Path) -> str | None:
    if not pos.uri:
        return None
    parsed = urllib.parse.urlparse(pos.uri)
    path = Path(urllib.request.url2pathname(parsed.path))
    if any(part in ("site-packages", "dist-packages") for part in path.parts):
        return None  # a library installed inside the project (a virtualenv there)
    try:
        path = path.relative_to(program_root)
    except ValueError:
        return None  # a frame in the SDK or a library, not in the user's program
    return f"{path.as_posix()}:{pos.line}" if pos.line else path.as_posix()
