"""Read ``pulumi stack export`` output: the checkpoint format, deployment version 3.

The format is the CLI's ``apitype.UntypedDeployment`` (``{"version": 3, "deployment": ...}``)
around a ``DeploymentV3`` (``manifest``, ``secrets_providers``, ``resources``,
``pending_operations``, ``metadata``) of ``ResourceV3`` entries (``urn``, ``custom``, ``delete``,
``id``, ``type``, ``inputs``, ``outputs``, ``parent``, ``protect``, ``external``,
``dependencies``, ``provider`` as ``<provider urn>::<provider id>``, ``propertyDependencies``,
...). A self-managed backend's own checkpoint file (``.pulumi/stacks/<project>/<stack>.json``,
``apitype.VersionedCheckpoint``: ``{"version": 3, "checkpoint": {"stack": ..., "latest": ...}}``)
is read too, so an auditor may read the bucket without the CLI.

Every resource becomes the ``EngineResource`` the engine would hand an analyzer on an update:
its inputs (all known after a deployment) for ``Analyze``, its outputs for ``AnalyzeStack``,
its provider's inputs. Values are marshalled as the engine marshals them for analyzers: a
resource reference becomes the referenced resource's ID (or a component's URN), a secret stays a
secret; a secret the export holds encrypted (``ciphertext``) cannot be read offline and becomes
the engine's unknown sentinel, so a rule it decides fails closed. ``pulumi stack export
--show-secrets`` writes ``plaintext`` (the value as JSON text) instead: those are read.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import struct_pb2

from preflight.errors import PreflightError
from preflight.model import CustomTimeouts, EngineResource, ProviderResource
from preflight.program_runner import parse_duration
from preflight.urns import STACK_TYPE, is_provider_type, provider_ref_urn

SUPPORTED_VERSION = 3
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class UnreadableSecret:
    """A secret the export holds encrypted: unknown to the audit."""

    urn: str
    path: str
    """``inputs.<path>`` or ``outputs.<path>``."""


@dataclass
class StackExport:
    source: str
    """The file name as given (``-`` for stdin)."""
    sha256: str
    stack: str
    project: str
    resources: list[EngineResource]
    secrets: list[UnreadableSecret] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_export_file(path: Path) -> StackExport:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PreflightError(f"{path}: cannot read the export: {exc.strerror or exc}") from exc
    return parse_export(raw, str(path))


def parse_export(raw: bytes, source: str) -> StackExport:
    digest = hashlib.sha256(raw).hexdigest()
    if raw[:2] == _GZIP_MAGIC:
        # A self-managed backend's checkpoint with PULUMI_SELF_MANAGED_STATE_GZIP=true.
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise PreflightError(
                f"{source}: truncated or corrupt gzip ({exc}). Fix: copy the checkpoint again."
            ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PreflightError(
            f"{source}: byte {exc.start}: not UTF-8 text; `pulumi stack export` writes UTF-8 "
            "JSON. Fix: export again with `pulumi stack export --file FILE`."
        ) from exc
    document = _json(text, source)
    deployment, base = _deployment(document, source)
    resources_json = _list(deployment.get("resources"), source, f"{base}/resources")
    reader = _Reader(source, base)
    entries = [
        reader.entry(item, f"{base}/resources/{index}") for index, item in enumerate(resources_json)
    ]
    stack, project = _stack_and_project(entries, source)
    notes = _pending_notes(deployment, source, base)
    resources = reader.engine_resources(entries, notes)
    return StackExport(source, digest, stack, project, resources, reader.secrets, notes)


def _json(text: str, source: str) -> Any:
    if not text.strip():
        raise PreflightError(
            f"{source}:1:1: empty file where a stack export was expected. Fix: "
            "`pulumi stack export --stack ORG/PROJECT/STACK --file FILE`."
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # The document ended early: at the end of the text, or inside a string (a string with a
        # raw line break in it is "invalid control character", not unterminated).
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            line = text.count("\n") + 1
            column = len(text) - (text.rfind("\n") + 1) + 1
            raise PreflightError(
                f"{source}:{line}:{column}: truncated export: the JSON ends before the document "
                f"does ({exc.msg} at {exc.lineno}:{exc.colno}). Fix: export again; check the "
                "copy is complete."
            ) from None
        raise PreflightError(
            f"{source}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}. Fix: use the "
            "unedited output of `pulumi stack export`."
        ) from None


def _deployment(document: Any, source: str) -> tuple[dict[str, Any], str]:
    if not isinstance(document, dict):
        raise PreflightError(
            f"{source}: at /: expected an object with `version` and `deployment`, found "
            f"{_kind(document)}; is this the output of `pulumi stack export`?"
        )
    version = document.get("version")
    if "checkpoint" in document and "deployment" not in document:
        inner = _object(document["checkpoint"], source, "/checkpoint")
        key, base = "latest", "/checkpoint/latest"
        container = inner
    else:
        key, base = "deployment", "/deployment"
        container = document
    if version != SUPPORTED_VERSION or isinstance(version, bool):
        found = "no `version`" if version is None else f"version {json.dumps(version)}"
        raise PreflightError(
            f"{source}: at /version: {found}; this audit reads deployment version "
            f"{SUPPORTED_VERSION} (`pulumi stack export` of Pulumi 2.x and later). Fix: export "
            "with a current Pulumi CLI, which migrates older state."
        )
    if key not in container:
        raise PreflightError(f"{source}: at {base}: missing; not a stack export")
    return _object(container[key], source, base), base


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "null" if value is None else f"{type(value).__name__} {json.dumps(value)[:40]}"


def _object(value: Any, source: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PreflightError(f"{source}: at {where}: expected an object, found {_kind(value)}")
    return value


def _list(value: Any, source: str, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PreflightError(f"{source}: at {where}: expected an array, found {_kind(value)}")
    return value


def _string(entry: Mapping[str, Any], key: str, source: str, where: str, *, required: bool) -> str:
    value = entry.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise PreflightError(
            f"{source}: at {where}/{key}: expected a non-empty string, found {_kind(value)}"
        )
    return value


def _urn_parts(urn: str) -> tuple[str, str, str, str] | None:
    if not urn.startswith("urn:pulumi:"):
        return None
    parts = urn[len("urn:pulumi:") :].split("::", 3)
    if len(parts) != 4:
        return None
    stack, project, qualified, name = parts
    return stack, project, qualified, name


@dataclass
class _Entry:
    where: str
    json: dict[str, Any]
    urn: str
    type: str
    name: str


def _stack_and_project(entries: list[_Entry], source: str) -> tuple[str, str]:
    root = next((e for e in entries if e.type == STACK_TYPE), entries[0] if entries else None)
    if root is None:
        return Path(source).stem, ""
    parts = _urn_parts(root.urn)
    assert parts is not None  # checked per entry
    return parts[0], parts[1]


def _pending_notes(deployment: Mapping[str, Any], source: str, base: str) -> list[str]:
    pending = _list(deployment.get("pending_operations"), source, f"{base}/pending_operations")
    notes: list[str] = []
    for index, op in enumerate(pending):
        op = _object(op, source, f"{base}/pending_operations/{index}")
        resource = op.get("resource")
        if not isinstance(resource, dict):
            resource = {}
        notes.append(
            f"pending operation {op.get('type', '?')} on {resource.get('urn', '?')}: an update "
            "was interrupted; the cloud may hold a resource the state does not describe "
            "(`pulumi refresh`, then export again)"
        )
    return notes


class _Reader:
    def __init__(self, source: str, base: str) -> None:
        self.source = source
        self.base = base
        self.secrets: list[UnreadableSecret] = []

    def entry(self, item: Any, where: str) -> _Entry:
        obj = _object(item, self.source, where)
        urn = _string(obj, "urn", self.source, where, required=True)
        parts = _urn_parts(urn)
        if parts is None:
            raise PreflightError(
                f"{self.source}: at {where}/urn: {urn!r} is not a Pulumi URN "
                "(urn:pulumi:<stack>::<project>::<type>::<name>)"
            )
        type_ = _string(obj, "type", self.source, where, required=True)
        for key in ("inputs", "outputs", "propertyDependencies"):
            if obj.get(key) is not None:
                _object(obj[key], self.source, f"{where}/{key}")
        for key in ("dependencies", "aliases", "ignoreChanges", "additionalSecretOutputs"):
            _list(obj.get(key), self.source, f"{where}/{key}")
        for key in ("custom", "protect", "external", "delete"):
            if obj.get(key) is not None and not isinstance(obj[key], bool):
                raise PreflightError(
                    f"{self.source}: at {where}/{key}: expected true or false, found "
                    f"{_kind(obj[key])}"
                )
        return _Entry(where, obj, urn, type_, parts[3])

    def engine_resources(self, entries: Iterable[_Entry], notes: list[str]) -> list[EngineResource]:
        by_urn: dict[str, EngineResource] = {}
        out: list[EngineResource] = []
        for entry in entries:
            obj = entry.json
            if obj.get("delete"):
                # The old copy of a replaced resource, deleted at the end of the next update; the
                # live one has the same URN and is audited.
                notes.append(f"{entry.urn}: an old copy pending deletion is in the state")
                continue
            provider = self._provider(entry, by_urn)
            inputs = self._struct(obj.get("inputs") or {}, entry.urn, "inputs")
            outputs = self._struct(obj.get("outputs") or {}, entry.urn, "outputs")
            timeouts = obj.get("customTimeouts")
            if not isinstance(timeouts, dict):
                timeouts = {}
            resource = EngineResource(
                urn=entry.urn,
                type=entry.type,
                name=entry.name,
                custom=bool(obj.get("custom")),
                parent=str(obj.get("parent") or ""),
                properties=inputs,
                outputs=outputs,
                provider=provider,
                protect=bool(obj.get("protect")),
                ignore_changes=[str(x) for x in obj.get("ignoreChanges") or []],
                additional_secret_outputs=[
                    str(x) for x in obj.get("additionalSecretOutputs") or []
                ],
                aliases=[
                    str(a) if isinstance(a, str) else str(a.get("urn", ""))
                    for a in obj.get("aliases") or []
                    if isinstance(a, str | dict)
                ],
                custom_timeouts=_timeouts(timeouts),
                dependencies=[str(x) for x in obj.get("dependencies") or []],
                property_dependencies={
                    str(k): [str(u) for u in v] if isinstance(v, list) else []
                    for k, v in (obj.get("propertyDependencies") or {}).items()
                },
                # A resource read with `get` (or imported read-only) is not the program's to
                # analyse: the engine analyses only resources it creates or updates.
                origin="read" if obj.get("external") else "program",
            )
            by_urn[entry.urn] = resource
            out.append(resource)
        return out

    def _provider(
        self, entry: _Entry, by_urn: Mapping[str, EngineResource]
    ) -> ProviderResource | None:
        ref = entry.json.get("provider")
        if not ref:
            if entry.json.get("custom") and not is_provider_type(entry.type):
                raise PreflightError(
                    f"{self.source}: at {entry.where}/provider: custom resource {entry.urn} has no "
                    "provider reference; a version 3 export names one for every custom resource"
                )
            return None
        if not isinstance(ref, str):
            raise PreflightError(
                f"{self.source}: at {entry.where}/provider: expected `<urn>::<id>`, found "
                f"{_kind(ref)}"
            )
        provider = by_urn.get(provider_ref_urn(ref))
        if provider is None:
            raise PreflightError(
                f"{self.source}: at {entry.where}/provider: {ref!r} names no provider listed "
                "before it in the export (the engine writes providers before their resources)"
            )
        return ProviderResource(provider.urn, provider.type, provider.name, provider.properties)

    def _struct(self, values: Mapping[str, Any], urn: str, base: str) -> struct_pb2.Struct:
        struct = struct_pb2.Struct()
        for key, value in values.items():
            if str(key).startswith("__"):
                continue  # internal keys (`__defaults`, `__meta`): the engine skips them too
            struct.fields[str(key)].CopyFrom(self._value(value, urn, f"{base}.{key}"))
        return struct

    def _value(self, value: Any, urn: str, path: str) -> struct_pb2.Value:
        if isinstance(value, dict):
            sig = value.get(SIG_KEY)
            if sig == SECRET_SIG:
                return self._secret(value, urn, path)
            if sig == RESOURCE_REFERENCE_SIG:
                ident = value.get("id")
                if isinstance(ident, str):
                    return struct_pb2.Value(string_value=ident or UNKNOWN)
                return struct_pb2.Value(string_value=str(value.get("urn", "")))
            result = struct_pb2.Value()
            result.struct_value.SetInParent()
            for k, v in value.items():
                if str(k).startswith("__"):
                    continue  # nested internal keys too: the engine marshals objects the same way
                result.struct_value.fields[str(k)].CopyFrom(self._value(v, urn, f"{path}.{k}"))
            return result
        if isinstance(value, list):
            result = struct_pb2.Value()
            result.list_value.SetInParent()
            for index, item in enumerate(value):
                result.list_value.values.add().CopyFrom(self._value(item, urn, f"{path}[{index}]"))
            return result
        if value is None:
            return struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)
        if isinstance(value, bool):
            return struct_pb2.Value(bool_value=value)
        if isinstance(value, int | float):
            return struct_pb2.Value(number_value=float(value))
        return struct_pb2.Value(string_value=str(value))

    def _secret(self, value: Mapping[str, Any], urn: str, path: str) -> struct_pb2.Value:
        if "plaintext" in value and isinstance(value["plaintext"], str):
            try:
                plain = json.loads(value["plaintext"])
            except ValueError:
                plain = value["plaintext"]
        elif "value" in value:
            plain = value["value"]
        else:
            self.secrets.append(UnreadableSecret(urn, path))
            return struct_pb2.Value(string_value=UNKNOWN)
        # The engine keeps secrets when it marshals properties for an analyzer.
        result = struct_pb2.Value()
        result.struct_value.fields[SIG_KEY].string_value = SECRET_SIG
        result.struct_value.fields["value"].CopyFrom(self._value(plain, urn, path))
        return result


def _timeouts(value: Mapping[str, Any]) -> CustomTimeouts:
    def seconds(key: str) -> float:
        raw = value.get(key)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        if isinstance(raw, str) and raw:
            try:
                return parse_duration(raw)
            except ValueError:
                return 0.0
        return 0.0

    return CustomTimeouts(seconds("create"), seconds("update"), seconds("delete"))
