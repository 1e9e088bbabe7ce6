"""Audit stack exports with the policy packs, through the analyzer protocol, as the engine does on
an update: ``ConfigureStack`` (the stack's config, ``dry_run`` false), then per resource
``Remediate`` and ``Analyze`` with its inputs and its provider's inputs, then one ``AnalyzeStack``
with every resource's outputs (``preflight.run`` makes the calls, the same code as a preflight
run).

Many stacks: a bounded pool of workers, each with its own pack processes (started and configured
with the policy config once per ``stacks_per_pack`` stacks), auditing one stack at a time: the
pack gets a ``ConfigureStack`` per stack, as the engine sends one per update. A worker keeps only
the stack's result (its findings and stores), so memory does not grow with the size of the
exports, and only by that result with their number.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from preflight.analyzer_client import AnalyzerClient
from preflight.audit.inventory import Store, stores_of
from preflight.audit.reader import StackExport, UnreadableSecret, parse_export, read_export_file
from preflight.errors import PreflightError
from preflight.model import PackInfo, Report, Violation
from preflight.pack_process import (
    ENGINE_ADDRESS_PLACEHOLDER,
    PackProcess,
    PolicyProject,
    load_policy_project,
    pack_environment,
)
from preflight.policy_config import PolicyConfig, load_policy_pack_config
from preflight.program_runner import ProgramRun
from preflight.project import Project, StackConfig, load_project, load_stack_config
from preflight.run import _analyze, _LoadedPack, configure_policies

STDIN = "-"
EXPORT_SUFFIXES = (".json", ".json.gz")


@dataclass(frozen=True)
class ExportSource:
    """One export to audit: a file, or ``-`` with its bytes already read from stdin."""

    name: str
    data: bytes | None = None

    def read(self) -> StackExport:
        if self.data is not None:
            return parse_export(self.data, self.name)
        return read_export_file(Path(self.name))


@dataclass
class StackAudit:
    """What is kept of one audited stack."""

    source: str
    sha256: str
    stack: str
    project: str
    resources: int
    violations: list[Violation]
    stores: list[Store]
    secrets: list[UnreadableSecret]
    notes: list[str]
    config_file: str | None

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement == "mandatory"]

    @property
    def advisory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement == "advisory"]

    @property
    def user_data_regions(self) -> list[str]:
        return sorted({s.region or "(unknown)" for s in self.stores if s.user_data})


@dataclass(frozen=True)
class AuditFailure:
    """An export that could not be audited (exit 2): the one-line error."""

    source: str
    message: str


@dataclass
class AuditOptions:
    policy_packs: list[Path]
    policy_pack_configs: list[Path] = field(default_factory=list)
    program_dir: Path | None = None
    """The Pulumi project whose ``Pulumi.<stack>.yaml`` holds each stack's config (trust)."""
    organization: str = field(
        default_factory=lambda: os.environ.get("PULUMI_ORGANIZATION", "organization")
    )
    workers: int = 0
    """0: one per core, at most 4."""
    stacks_per_pack: int = 25
    """A worker starts its pack processes afresh after this many stacks. The residency pack
    collects cyclic garbage rarely (``gc.set_threshold`` in its ``__main__.py``, right for one
    update), so a pack process kept for hundreds of stacks would grow with each of them."""


@dataclass
class PackSetup:
    """The packs as every worker configures them: name, version, policies, reconciled config."""

    packs: list[PackInfo]
    config: dict[str, dict[str, PolicyConfig]]
    projects: list[PolicyProject]
    config_files: list[Path | None]


Progress = Callable[[StackAudit | AuditFailure], None]
T = TypeVar("T")


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class ForkGate:
    """Starting a process forks this one; gRPC's fork handlers give up (and the child can abort)
    while another thread is inside a gRPC call. Workers make their calls holding the gate shared
    and start pack processes holding it alone, so a fork never overlaps a call."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._calls = 0
        self._forking = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: not self._forking)
            self._calls += 1
        try:
            yield
        finally:
            with self._condition:
                self._calls -= 1
                self._condition.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: not self._forking)
            self._forking = True
            self._condition.wait_for(lambda: self._calls == 0)
        try:
            yield
        finally:
            with self._condition:
                self._forking = False
                self._condition.notify_all()


FORK_GATE = ForkGate()


class StackConfigs:
    """Each stack's own config from the project's ``Pulumi.<stack>.yaml``, when the export's project
    is that project: the trust the engine would send in ``ConfigureStack``."""

    def __init__(self, program_dir: Path | None) -> None:
        self.project: Project | None = None
        if program_dir is not None:
            self.project = load_project(program_dir)

    def for_stack(self, project: str, stack: str) -> StackConfig | None:
        if self.project is None or self.project.name != project:
            return None
        if not self.project.stack_file(stack).is_file():
            return None
        return load_stack_config(self.project, stack)


class Worker:
    """Pack processes for one worker thread, reused per stack. They start with the worker's first
    readable stack, in the engine's order: ``Handshake``, ``ConfigureStack`` (that stack),
    ``GetAnalyzerInfo``, ``Configure``; every later stack gets its own ``ConfigureStack``."""

    def __init__(self, options: AuditOptions, cleanup: ExitStack) -> None:
        self.options = options
        self.cleanup = cleanup
        self.packs: list[_LoadedPack] = []
        self.config: dict[str, dict[str, PolicyConfig]] = {}
        self.configured = False

    def _start(self) -> None:
        env = pack_environment(
            config={}, project="", stack="", organization=self.options.organization, dry_run=False
        )
        for index, pack_dir in enumerate(self.options.policy_packs):
            project = load_policy_project(pack_dir)
            configs = self.options.policy_pack_configs
            config_file = configs[index] if index < len(configs) else None
            given = load_policy_pack_config(config_file) if config_file is not None else None
            loaded = _LoadedPack(project, config_file, given, PackProcess(project, env))
            with FORK_GATE.exclusive():
                self.cleanup.enter_context(loaded.process)
            self.packs.append(loaded)

    def configure(self, export: StackExport | None, stack_config: StackConfig | None) -> None:
        """Start and configure the packs; ``export``: the stack whose ``ConfigureStack`` comes
        first (None: none, only to learn the packs' policies and config)."""
        self._start()
        with FORK_GATE.shared():
            for pack in self.packs:
                client = AnalyzerClient(pack.process)
                self.cleanup.callback(client.close)
                pack.client = client
                handshake = client.handshake(ENGINE_ADDRESS_PLACEHOLDER)
                if export is not None:
                    self._configure_stack(client, export, stack_config)
                self._configure_pack(pack, client, handshake)
        self.configured = True

    def _configure_stack(
        self, client: AnalyzerClient, export: StackExport, stack_config: StackConfig | None
    ) -> None:
        client.configure_stack(
            stack=export.stack,
            project=export.project,
            organization=self.options.organization,
            config=stack_config.values if stack_config else {},
            secret_keys=stack_config.secret_keys if stack_config else (),
            dry_run=False,
        )

    def _configure_pack(self, pack: _LoadedPack, client: AnalyzerClient, handshake: bool) -> None:
        configure_policies(pack, client, handshake)
        if pack.configured and pack.info is not None:
            self.config[pack.info.name] = pack.configured

    def setup(self) -> PackSetup:
        return PackSetup(
            [p.info for p in self.packs if p.info is not None],
            self.config,
            [p.project for p in self.packs],
            [p.config_file for p in self.packs],
        )

    def audit(self, export: StackExport, configs: StackConfigs) -> StackAudit:
        stack_config = configs.for_stack(export.project, export.stack)
        if not self.configured:
            self.configure(export, stack_config)
            with FORK_GATE.shared():
                return self._audit(export, stack_config)
        with FORK_GATE.shared():
            for pack in self.packs:
                assert pack.client is not None
                self._configure_stack(pack.client, export, stack_config)
            return self._audit(export, stack_config)

    def _audit(self, export: StackExport, stack_config: StackConfig | None) -> StackAudit:
        notes = list(export.notes)
        if stack_config is None:
            notes.append(
                f"no stack config for {export.project}/{export.stack} (pass --program with its "
                "Pulumi.<stack>.yaml): trusted accounts and tenancies come only from the policy "
                "config"
            )
        run = ProgramRun(
            project=export.project,
            stack=export.stack,
            organization=self.options.organization,
            registrations=[],
            resources=export.resources,
        )
        where = Project(
            name=export.project,
            root=Path(export.source).parent,
            file=Path(export.source),
            runtime="",
            runtime_options={},
            main=None,
            stack_config_dir=Path(export.source).parent,
        )
        report: Report = _analyze(run, where, stack_config, self.packs, None)  # type: ignore[arg-type]
        notes.extend(report.notes)
        return StackAudit(
            source=export.source,
            sha256=export.sha256,
            stack=export.stack,
            project=export.project,
            resources=len(export.resources),
            # The policy's description is the same text in every finding of the policy: keep one.
            violations=[
                replace(v, description=sys.intern(v.description))
                for v in report.in_stable_order().violations
            ],
            stores=stores_of(export.resources, report.resources) if report.inventory else [],
            secrets=sorted(export.secrets, key=lambda s: (s.urn, s.path)),
            notes=notes,
            config_file=str(stack_config.file) if stack_config else None,
        )


def audit_exports(
    sources: Sequence[ExportSource],
    options: AuditOptions,
    progress: Progress | None = None,
) -> tuple[PackSetup, list[StackAudit | AuditFailure]]:
    """Audit every export; results in the order of ``sources``. A pack or policy-config error
    stops the run (PreflightError); an unreadable export is an ``AuditFailure``."""
    return audit_each(sources, options, _itself, progress)


def _itself(result: StackAudit | AuditFailure) -> StackAudit | AuditFailure:
    return result


def audit_each(
    sources: Sequence[ExportSource],
    options: AuditOptions,
    keep: Callable[[StackAudit | AuditFailure], T],
    progress: Progress | None = None,
) -> tuple[PackSetup, list[T]]:
    """``audit_exports``, keeping of each stack only what ``keep`` makes of it, made in the worker
    as soon as the stack is audited (the report's lines, the evidence's text): what the run holds
    grows with the number of stacks only by that."""
    if not options.policy_packs:
        raise PreflightError("no policy pack given; pass --policy-pack DIR")
    configs = StackConfigs(options.program_dir)
    workers = min(options.workers or default_workers(), max(1, len(sources)))
    jobs: queue.Queue[int] = queue.Queue()
    for index in range(len(sources)):
        jobs.put(index)
    results: list[T | None] = [None] * len(sources)
    setups: list[PackSetup] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    stop = threading.Event()

    def work() -> None:
        try:
            while not stop.is_set() and not jobs.empty():
                with ExitStack() as cleanup:
                    worker = Worker(options, cleanup)
                    for index in _drain(jobs, stop, options.stacks_per_pack):
                        result = _audit_one(worker, sources[index], configs)
                        results[index] = keep(result)
                        if progress is not None:
                            with lock:
                                progress(result)
                    if worker.configured:
                        with lock:
                            setups.append(worker.setup())
        except BaseException as exc:
            stop.set()
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.2)
    except BaseException:
        stop.set()
        raise
    if errors:
        raise errors[0]
    if not setups:  # no export was readable: the packs still say what they are, for the evidence
        with ExitStack() as cleanup:
            worker = Worker(options, cleanup)
            worker.configure(None, None)
            setups.append(worker.setup())
    done = [r for r in results if r is not None]
    assert len(done) == len(sources) and setups
    return setups[0], done


def _drain(jobs: queue.Queue[int], stop: threading.Event, limit: int) -> Iterator[int]:
    for _ in range(limit):
        if stop.is_set():
            return
        try:
            yield jobs.get_nowait()
        except queue.Empty:
            return


def _audit_one(
    worker: Worker, source: ExportSource, configs: StackConfigs
) -> StackAudit | AuditFailure:
    try:
        export = source.read()
    except PreflightError as exc:
        return AuditFailure(source.name, exc.message)
    return worker.audit(export, configs)


def export_sources(paths: Sequence[str], stdin: bytes | None = None) -> list[ExportSource]:
    """Files as given; a directory: its ``*.json`` (and ``*.json.gz``) files, by name; ``-``:
    stdin."""
    sources: list[ExportSource] = []
    for name in paths:
        if name == STDIN:
            sources.append(ExportSource(STDIN, stdin if stdin is not None else b""))
            continue
        path = Path(name)
        if path.is_dir():
            files = sorted(
                p for p in path.iterdir() if p.name.endswith(EXPORT_SUFFIXES) and p.is_file()
            )
            if not files:
                raise PreflightError(
                    f"{path}: no stack exports (*.json, *.json.gz) in this directory"
                )
            sources.extend(ExportSource(str(p)) for p in files)
        elif not path.exists():
            raise PreflightError(f"{path}: no such file or directory")
        else:
            sources.append(ExportSource(str(path)))
    return sources
