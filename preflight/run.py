"""One preflight run: the program under the mock runtime, each pack in its own process, the
analyzer calls in the engine's order, and the report."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2
from residency_pack.engine.exemption_log import parse_note

from preflight.analyzer_client import (
    AnalyzerClient,
    Diagnostic,
    provider_message,
    resource_options,
)
from preflight.errors import PreflightError
from preflight.model import (
    DataFlow,
    EngineResource,
    ExemptionNote,
    InvokeAnswer,
    PackInfo,
    PolicyInfo,
    PropertyChange,
    RemediationRecord,
    Report,
    ResourceSummary,
    Violation,
)
from preflight.monitor import RecordingMonitor
from preflight.pack_process import (
    ENGINE_ADDRESS_PLACEHOLDER,
    PackProcess,
    PolicyProject,
    load_policy_project,
    pack_environment,
)
from preflight.policy_config import PolicyConfig, load_policy_pack_config, reconcile_policy_config
from preflight.program_runner import (
    ProgramRun,
    engine_resource_builder,
    preview_outputs,
    run_program,
)
from preflight.project import Project, StackConfig, load_project, load_stack_config
from preflight.stack_secrets import check_stack_secrets
from preflight.urns import STACK_TYPE, make_urn

Progress = Callable[[int, int], None]


@dataclass
class Options:
    program_dir: Path
    stack: str = "prod"
    policy_packs: list[Path] = field(default_factory=list)
    policy_pack_configs: list[Path | None] = field(default_factory=list)
    """Per pack, in order; None: the pack's defaults."""
    organization: str = field(
        default_factory=lambda: os.environ.get("PULUMI_ORGANIZATION", "organization")
    )


@dataclass
class _LoadedPack:
    project: PolicyProject
    config_file: Path | None
    given_config: dict[str, PolicyConfig] | None
    process: PackProcess
    client: AnalyzerClient | None = None
    info: PackInfo | None = None
    configured: dict[str, PolicyConfig] = field(default_factory=dict)
    """Each policy's config as ``Configure`` sent it: the pack's defaults with the given file."""


def _load_packs(options: Options, env: dict[str, str]) -> list[_LoadedPack]:
    if not options.policy_packs:
        raise PreflightError("no policy pack given; pass --policy-pack DIR")
    if len(options.policy_pack_configs) > len(options.policy_packs):
        raise PreflightError(
            f"{options.policy_pack_configs[len(options.policy_packs)]}: more --policy-pack-config "
            "files than --policy-pack directories (they pair up in order)"
        )
    packs: list[_LoadedPack] = []
    for index, pack_dir in enumerate(options.policy_packs):
        policy_project = load_policy_project(pack_dir)
        config_file = (
            options.policy_pack_configs[index] if index < len(options.policy_pack_configs) else None
        )
        given = load_policy_pack_config(config_file) if config_file is not None else None
        packs.append(
            _LoadedPack(policy_project, config_file, given, PackProcess(policy_project, env))
        )
    return packs


def _config_note(pack: _LoadedPack) -> str:
    name = pack.info.name if pack.info else str(pack.project.dir)
    if pack.config_file is None:
        return f"policy config of pack `{name}`: none (every policy at its defaults)"
    shown = pack.config_file
    if shown.is_relative_to(Path.cwd()):
        shown = shown.relative_to(Path.cwd())
    return f"policy config of pack `{name}`: {shown}"


def check_policy_configs(options: Options) -> list[str]:
    """Configure every pack with its config exactly as a run does (the pack's own schemas and
    its ``Configure``), without running a program; a rejected config raises the same
    :class:`PreflightError` a run would. Returns one line per pack saying what was checked."""
    env = pack_environment(
        config={}, project="policy-config-check", stack=options.stack,
        organization=options.organization, dry_run=True,
    )  # fmt: skip
    packs = _load_packs(options, env)
    with ExitStack() as cleanup:
        for pack in packs:
            cleanup.enter_context(pack.process)
        try:
            _configure_for_stack(packs, "policy-config-check", options.stack, {}, [], options)
        finally:
            for pack in packs:
                if pack.client is not None:
                    pack.client.close()
    return [f"{_config_note(pack)}: accepted" for pack in packs]


def run_preflight(options: Options, progress: Progress | None = None) -> Report:
    project = load_project(options.program_dir)
    config = load_stack_config(project, options.stack)
    env = pack_environment(
        config=config.values,
        project=project.name,
        stack=config.stack,
        organization=options.organization,
        dry_run=True,
    )
    packs = _load_packs(options, env)

    with ExitStack() as cleanup:
        for pack in packs:
            cleanup.enter_context(pack.process)  # started now; stopped on every way out
        # The engine loads policy packs before it runs the program; both take a moment, so the
        # pack handshake and configuration run while the program runs.
        with ThreadPoolExecutor(max_workers=1) as pool:
            setup: Future[None] = pool.submit(_configure_packs, packs, project, config, options)
            stream = _StreamingAnalysis(packs, setup, config, project)
            program_error: PreflightError | None = None
            run: ProgramRun | None = None
            try:
                run = run_program(
                    project, config, organization=options.organization, watch=stream.start
                )
            except PreflightError as exc:
                program_error = exc
            except BaseException:
                # Ctrl-C while the program runs: stop the packs first so setup cannot block.
                stream.cancel()
                for pack in packs:
                    pack.process.stop(grace=0.5)
                raise
            finally:
                stream.program_ended(cancel=run is None)
            setup.result()  # a pack or policy-config error is reported first, as the engine does
        for pack in packs:
            if pack.client is not None:
                cleanup.callback(pack.client.close)
        if program_error is not None:
            raise program_error
        assert run is not None
        report = _analyze(run, project, config, packs, progress, stream.results())
    report.notes.extend(_config_note(pack) for pack in packs)
    if _residency_loaded(packs):
        # Where the stack's secrets key lives is a residency question: the residency pack's.
        # Judged against the table the pack itself received, so report and pack never disagree.
        allowed = _us_user_data_regions(packs)
        report.notes.extend(
            str(w)
            for w in check_stack_secrets(
                config.document, allowed=allowed, file_name=config.file.name
            )
        )
    return report


REGION_ALLOWLIST = "residency-region-allowlist"


def _us_user_data_regions(packs: list[_LoadedPack]) -> dict[str, frozenset[str]]:
    """The regions allowed for US user data in the config the residency pack's region allowlist
    received (its defaults when no config file was given)."""
    from residency_pack.engine import pack_config
    from residency_pack.engine.classification import US_USER_DATA

    residency = next(p for p in packs if p.info is not None and p.info.name == RESIDENCY_PACK)
    sent = residency.configured.get(REGION_ALLOWLIST)
    table = pack_config.allowed_regions(
        (sent.properties or {}) if sent is not None else {}, US_USER_DATA
    )
    return {str(cloud): regions for cloud, regions in table.items()}


RESIDENCY_PACK = "residency"


def _residency_loaded(packs: list[_LoadedPack]) -> bool:
    return any(p.info is not None and p.info.name == RESIDENCY_PACK for p in packs)


def _configure_packs(
    packs: list[_LoadedPack], project: Project, config: StackConfig, options: Options
) -> None:
    _configure_for_stack(
        packs, project.name, config.stack, config.values, config.secret_keys, options
    )


def _configure_for_stack(
    packs: list[_LoadedPack],
    project: str,
    stack: str,
    values: Mapping[str, str],
    secret_keys: Iterable[str],
    options: Options,
) -> None:
    for pack in packs:
        client = AnalyzerClient(pack.process)
        pack.client = client
        handshake = client.handshake(ENGINE_ADDRESS_PLACEHOLDER)
        client.configure_stack(
            stack=stack,
            project=project,
            organization=options.organization,
            config=values,
            secret_keys=secret_keys,
            dry_run=True,
        )
        configure_policies(pack, client, handshake)


def configure_policies(pack: _LoadedPack, client: AnalyzerClient, handshake: bool) -> None:
    """``GetAnalyzerInfo``, then ``Configure`` with the pack's defaults reconciled with the given
    config file (as the CLI does); sets ``pack.info`` and ``pack.configured``."""
    info = client.get_analyzer_info()
    client.name = info.name
    version = pack.project.version or info.version
    source = str(pack.config_file) if pack.config_file else str(pack.project.file)
    if info.supports_config:
        reconciled = reconcile_policy_config(
            info.policies,
            info.initial_config,
            pack.given_config,
            pack=info.name,
            version=version,
            source=source,
        )
        client.configure(reconciled, source)
        pack.configured = dict(reconciled)
        policies = tuple(
            PolicyInfo(
                name=p.name,
                description=p.description,
                enforcement=reconciled[p.name].enforcement or p.enforcement,  # type: ignore[arg-type]
                severity=p.severity,
                remediation_steps=p.remediation_steps,
                policy_type=p.policy_type,
                config_schema=p.config_schema,
            )
            for p in info.policies
        )
    else:
        if pack.given_config:
            raise PreflightError(f"{source}: policy pack {info.name!r} does not support config")
        policies = tuple(info.policies)
    pack.info = PackInfo(info.name, version, str(pack.project.dir), policies, handshake)


@dataclass
class _ResourceAnalysis:
    """What the packs said about one resource: ``Remediate`` then ``Analyze``, in that order.

    The resource itself is not kept (a streamed analysis lives as long as the program runs, next
    to the program's own process): only its URN, the digest of what the packs were sent
    (:func:`request_digest`), and the properties a remediation changed."""

    urn: str
    digest: bytes
    remediated: struct_pb2.Struct | None  # None: the resource's own properties were analysed
    violations: list[Violation]
    remediations: list[RemediationRecord]
    exemptions: list[ExemptionNote]

    def properties(self, resource: EngineResource) -> struct_pb2.Struct:
        """What was analysed for ``resource`` (the one this analysis is of)."""
        return self.remediated if self.remediated is not None else resource.properties


def request_digest(resource: EngineResource) -> bytes:
    """A digest of what ``Remediate`` / ``Analyze`` are sent for the resource, and of its
    source: two resources with the same digest get the same answers and the same report lines."""
    digest = hashlib.sha256()
    provider = provider_message(resource)
    for part in (
        (resource.source or "").encode(),
        resource.type.encode(),
        resource.urn.encode(),
        resource.name.encode(),
        resource.properties.SerializeToString(deterministic=True),
        resource_options(resource).SerializeToString(deterministic=True),
        provider.SerializeToString(deterministic=True) if provider is not None else b"",
        b"provider" if provider is not None else b"",
    ):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


def _analyze_resource(clients: list[AnalyzerClient], resource: EngineResource) -> _ResourceAnalysis:
    violations: list[Violation] = []
    remediations: list[RemediationRecord] = []
    exemptions: list[ExemptionNote] = []
    props = resource.properties
    # First every pack may remediate, then every pack analyses the final properties.
    for client in clients:
        for remediation in client.remediate(resource, props):
            if remediation.diagnostic:
                violations.append(
                    Violation(
                        remediation.policy,
                        remediation.pack,
                        "advisory",
                        resource.urn,
                        remediation.diagnostic,
                        remediation.description,
                        source=resource.source,
                    )
                )
            elif remediation.properties is not None:
                remediations.append(
                    RemediationRecord(
                        remediation.policy,
                        remediation.pack,
                        resource.urn,
                        tuple(property_changes(props, remediation.properties)),
                    )
                )
                props = remediation.properties
    for client in clients:
        for d in client.analyze(resource, props):
            note = _exemption_note(d, resource.urn, resource.source)
            if note is not None:
                exemptions.append(note)
            else:
                violations.append(_violation(d, resource.urn, resource.source))
    return _ResourceAnalysis(
        resource.urn,
        request_digest(resource),
        props if props is not resource.properties else None,
        violations,
        remediations,
        exemptions,
    )


class _StreamingAnalysis:
    """The engine analyses each resource as the program registers it, while the program still
    runs; so does preflight. Once the packs are configured, a thread follows the monitor's
    registrations in order, builds each resource as :func:`engine_resources` will at the end,
    and sends its ``Remediate`` then ``Analyze``. ``AnalyzeStack`` waits for the program's end
    (:func:`_analyze`), which also checks every streamed resource against the run's final one
    and analyses again any that differ, so the report is the one a run after the program's end
    would give."""

    def __init__(
        self,
        packs: list[_LoadedPack],
        setup: Future[None],
        config: StackConfig,
        project: Project,
    ) -> None:
        self._packs = packs
        self._setup = setup
        self._config = config
        self._project = project
        self._done: list[_ResourceAnalysis] = []
        self._ended = threading.Event()
        self._cancelled = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self, monitor: RecordingMonitor) -> None:
        self._thread = threading.Thread(
            target=self._follow, args=(monitor,), name="preflight-analysis", daemon=True
        )
        self._thread.start()

    def cancel(self) -> None:
        self._cancelled.set()

    def program_ended(self, *, cancel: bool) -> None:
        if cancel:
            self._cancelled.set()
        self._ended.set()
        if self._thread is not None:
            self._thread.join()

    def results(self) -> list[_ResourceAnalysis]:
        if self._error is not None:
            raise self._error
        return self._done

    def _follow(self, monitor: RecordingMonitor) -> None:
        while True:  # the engine analyses nothing before the packs are configured
            try:
                self._setup.result(timeout=0.05)
                break
            except TimeoutError:
                if self._cancelled.is_set():
                    return
            except BaseException:  # reported by the main thread, as before
                return
        clients = [p.client for p in self._packs if p.client is not None]
        add = engine_resource_builder(
            self._config, self._project.name, self._project.root, outputs=False
        )
        seen = 0
        try:
            while not self._cancelled.is_set():
                ended = self._ended.is_set()  # before reading: nothing registers after the end
                new = monitor.registrations_after(seen, 0 if ended else 0.05)
                seen += len(new)
                for reg in new:
                    for resource in add(reg):
                        if self._cancelled.is_set():
                            return
                        if resource.analyzed:
                            self._done.append(_analyze_resource(clients, resource))
                if ended and not new:
                    return
        except BaseException as exc:  # a pack's error: raised after the program's own
            self._error = exc


def _analyze(
    run: ProgramRun,
    project: Project,
    config: StackConfig,
    packs: list[_LoadedPack],
    progress: Progress | None,
    streamed: list[_ResourceAnalysis] | None = None,
) -> Report:
    clients = [p.client for p in packs if p.client is not None]
    violations: list[Violation] = []
    exemptions: list[ExemptionNote] = []
    remediations: list[RemediationRecord] = []
    properties: dict[str, struct_pb2.Struct] = {}
    sources = {r.urn: r.source for r in run.resources}
    analyzed = [r for r in run.resources if r.analyzed]
    total = len(analyzed)
    streamed = streamed or []
    for index, resource in enumerate(analyzed, start=1):
        if progress is not None:
            progress(index, total)
        earlier = streamed[index - 1] if index <= len(streamed) else None
        if earlier is not None and earlier.digest == request_digest(resource):
            done = earlier
        else:
            done = _analyze_resource(clients, resource)
        properties[resource.urn] = done.properties(resource)
        violations.extend(done.violations)
        remediations.extend(done.remediations)
        exemptions.extend(done.exemptions)

    stack_urn = make_urn(run.stack, run.project, "", STACK_TYPE, f"{run.project}-{run.stack}")
    stack_resources = [(r, _stack_outputs(r, properties.get(r.urn))) for r in run.resources]
    known = {r.urn for r in run.resources}
    notes: list[str] = list(run.notes)
    # The inventory is built in this process while the packs' AnalyzeStack runs in theirs: it
    # reads the same analysed properties and outputs, and nothing the packs answer.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="preflight-inventory") as pool:
        inventory = (
            pool.submit(_inventory, run.resources, properties, stack_resources)
            if _residency_loaded(packs)
            else None
        )
        for client in clients:
            for d in client.analyze_stack(stack_resources):
                urn = d.urn if d.urn in known else stack_urn
                note = _exemption_note(d, d.urn if d.urn in known else None, sources.get(urn))
                if note is not None:
                    exemptions.append(note)
                else:
                    violations.append(_violation(d, urn, sources.get(urn)))
        summaries = [_bare_summary(r) for r in run.resources]
        flows: list[DataFlow] = []
        if inventory is not None:
            found = inventory.result()
            if isinstance(found, str):
                notes.append(found)
            else:
                summaries, flows = found
    return Report(
        stack=run.stack,
        project=run.project,
        program_dir=str(project.root),
        packs=[p.info for p in packs if p.info is not None],
        resources=summaries,
        violations=violations,
        exemptions=exemptions,
        remediations=remediations,
        flows=flows,
        notes=notes,
        analyzer_calls={
            (p.info.name if p.info else str(p.project.dir)): list(p.client.calls)
            for p in packs
            if p.client is not None
        },
        inventory=_residency_loaded(packs),
        unchecked=list(run.unchecked),
        reads=list(run.reads),
        invokes=[
            InvokeAnswer(
                str(getattr(r, "token", "")),
                str(getattr(r, "source", "")),
                getattr(r, "call_site", None),
            )
            for r in run.invokes
        ],
    )


def _inventory(
    resources: list[EngineResource],
    properties: dict[str, struct_pb2.Struct],
    stack_resources: list[tuple[EngineResource, struct_pb2.Struct]],
) -> tuple[list[ResourceSummary], list[DataFlow]] | str:
    """The residency inventory and data flows, from the pack's engine; or, when that fails, the
    note that says so (the inventory informs; the verdict is the pack's)."""
    try:
        from preflight.residency import summarize

        return summarize(resources, properties, {r.urn: outputs for r, outputs in stack_resources})
    except Exception as exc:
        return f"residency inventory unavailable ({type(exc).__name__}: {exc})"


def _stack_outputs(
    resource: EngineResource, analysed: struct_pb2.Struct | None
) -> struct_pb2.Struct:
    """What AnalyzeStack sees: the preview's outputs, recomputed if a remediation changed inputs."""
    if analysed is None or analysed is resource.properties or not resource.custom:
        return resource.outputs
    return preview_outputs(resource.type, analysed)


def _bare_summary(r: EngineResource) -> ResourceSummary:
    return ResourceSummary(
        urn=r.urn,
        type=r.type,
        name=r.name,
        provider=r.provider.urn if r.provider else None,
        region=None,
        cloud=None,
        classification=None,
        parent=r.parent or None,
        source=r.source,
        data_store=False,
        encryption_key=None,
        replication_targets=(),
    )


def _exemption_note(d: Diagnostic, urn: str | None, source: str | None) -> ExemptionNote | None:
    """An exemption note of the residency pack (an advisory diagnostic whose description
    carries the exemption's facts, ``residency_pack/engine/exemption_log.py``), or None."""
    facts = parse_note(d.description)
    if facts is None or d.enforcement != "advisory":
        return None
    return ExemptionNote(
        policy=d.policy, pack=d.pack, status=facts["status"], rule=str(facts.get("rule", "")),
        reason=str(facts.get("reason", "")), expires=str(facts.get("expires", "")),
        message=d.message, urn=urn, source=source if urn else None,
    )  # fmt: skip


def _violation(d: Diagnostic, urn: str, source: str | None) -> Violation:
    return Violation(
        policy=d.policy,
        pack=d.pack,
        enforcement=d.enforcement,  # type: ignore[arg-type]
        urn=urn,
        message=d.message,
        description=d.description,
        severity=d.severity,
        source=source,
    )


def property_changes(before: struct_pb2.Struct, after: struct_pb2.Struct) -> list[PropertyChange]:
    old = json_format.MessageToDict(before)
    new = json_format.MessageToDict(after)
    changes: list[PropertyChange] = []
    _diff(old, new, "", changes)
    return changes


def _diff(old: Any, new: Any, path: str, out: list[PropertyChange]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            _diff(old.get(key), new.get(key), f"{path}.{key}" if path else key, out)
        return
    if old != new:
        out.append(PropertyChange(path or "(all)", old, new))
