"""What preflight knows: resources as the engine would hand them to an analyzer, and the report."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from google.protobuf import struct_pb2

from preflight.errors import EXIT_MANDATORY_VIOLATION, EXIT_OK

Enforcement = Literal["advisory", "mandatory", "remediate", "disabled"]
ResourceOrigin = Literal["program", "default-provider", "read"]


@dataclass(frozen=True)
class ProviderResource:
    """The provider of a resource, as ``AnalyzerProviderResource`` carries it."""

    urn: str
    type: str
    name: str
    properties: struct_pb2.Struct


@dataclass(frozen=True)
class CustomTimeouts:
    create: float = 0.0
    update: float = 0.0
    delete: float = 0.0


@dataclass
class EngineResource:
    """One resource of the stack as the engine sees it during ``pulumi preview``.

    ``properties`` are the inputs the engine passes to ``Analyze``; ``outputs`` what it passes to
    ``AnalyzeStack`` (in a preview: the inputs, with computed outputs unknown).
    """

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    properties: struct_pb2.Struct
    outputs: struct_pb2.Struct
    provider: ProviderResource | None
    protect: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool | None = None
    additional_secret_outputs: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    custom_timeouts: CustomTimeouts = field(default_factory=CustomTimeouts)
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    source: str | None = None
    """``path:line`` of the declaration in the user's program, when the SDK reports it."""
    origin: ResourceOrigin = "program"

    @property
    def analyzed(self) -> bool:
        """Reads (``Resource.get``) are not analysed by the engine; everything else is."""
        return self.origin != "read"


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    enforcement: Enforcement
    severity: str
    remediation_steps: str = ""
    policy_type: str = "resource"
    config_schema: dict[str, Any] | None = None


@dataclass(frozen=True)
class PackInfo:
    name: str
    version: str
    path: str
    policies: tuple[PolicyInfo, ...]
    handshake: bool
    """Whether the pack's SDK answered ``Handshake`` (older SDKs return UNIMPLEMENTED)."""


@dataclass(frozen=True)
class Violation:
    policy: str
    pack: str
    enforcement: Enforcement
    urn: str
    message: str
    description: str = ""
    severity: str = ""
    source: str | None = None


ExemptionStatus = Literal["exempted", "unused", "expiring", "expired"]
EXEMPTION_STATUS_ORDER = {"expired": 0, "expiring": 1, "unused": 2, "exempted": 3}


@dataclass(frozen=True)
class ExemptionNote:
    """What an exemption of the policy config did, as the pack reported it: a finding it
    silenced (``exempted``, not enforced), or a warning about the exemption itself (it
    silenced nothing, has expired, or expires soon)."""

    policy: str
    pack: str
    status: ExemptionStatus
    rule: str
    """What the exemption matches: a URN (glob), or ``name <glob> of type <type>``."""
    reason: str
    expires: str
    message: str
    urn: str | None = None
    source: str | None = None

    @property
    def is_warning(self) -> bool:
        return self.status != "exempted"


@dataclass(frozen=True)
class PropertyChange:
    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class RemediationRecord:
    policy: str
    pack: str
    urn: str
    changes: tuple[PropertyChange, ...]
    diagnostic: str = ""


@dataclass(frozen=True)
class ResourceSummary:
    urn: str
    type: str
    name: str
    provider: str | None
    region: str | None
    cloud: str | None
    classification: str | None
    parent: str | None
    source: str | None
    data_store: bool
    encryption_key: str | None
    replication_targets: tuple[str, ...]


@dataclass(frozen=True)
class DataFlow:
    source_urn: str
    target_urn: str | None
    target_region: str | None
    via: str


@dataclass(frozen=True)
class InvokeAnswer:
    token: str
    source: str
    call_site: str | None


@dataclass(frozen=True)
class UncheckedResource:
    """A resource the pack could not check offline, accepted by the user in ``preflight.yaml``:
    a multi-language component, whose provider creates its resources during a real preview."""

    urn: str
    type: str
    name: str
    package: str
    reason: str
    source: str | None = None
    kind: Literal["remote-component"] = "remote-component"


@dataclass(frozen=True)
class ReadRecord:
    """A resource the program reads (``Resource.get``, ``StackReference``) and how it was
    answered offline."""

    urn: str
    type: str
    name: str
    id: str
    answered_by: Literal["fixture", "unknown"]
    detail: str
    program_state_ignored: bool = False
    source: str | None = None


@dataclass
class Report:
    stack: str
    project: str
    program_dir: str
    packs: list[PackInfo]
    resources: list[ResourceSummary]
    violations: list[Violation]
    remediations: list[RemediationRecord] = field(default_factory=list)
    flows: list[DataFlow] = field(default_factory=list)
    invokes: list[InvokeAnswer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    analyzer_calls: dict[str, list[str]] = field(default_factory=dict)
    """Per pack, every analyzer RPC in the order it was made (the engine's order)."""
    unchecked: list[UncheckedResource] = field(default_factory=list)
    reads: list[ReadRecord] = field(default_factory=list)
    inventory: bool = True
    """Whether the residency inventory (regions, classifications, flows) was computed: only
    when the residency pack is loaded."""
    exemptions: list[ExemptionNote] = field(default_factory=list)

    @property
    def exempted(self) -> list[ExemptionNote]:
        return [e for e in self.exemptions if not e.is_warning]

    @property
    def exemption_warnings(self) -> list[ExemptionNote]:
        return [e for e in self.exemptions if e.is_warning]

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement == "mandatory"]

    @property
    def advisory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement == "advisory"]

    @property
    def exit_code(self) -> int:
        return EXIT_MANDATORY_VIOLATION if self.mandatory else EXIT_OK

    def in_stable_order(self) -> Report:
        """The same report with every list in an order that depends only on its content.

        The program registers resources (and so the pack analyses them and reports findings)
        in whatever order its outputs resolve, which changes from run to run; reviewers diff
        reports, caches key on them and CI compares them, so every format renders this.
        """
        resources = [
            replace(r, replication_targets=tuple(sorted(r.replication_targets)))
            for r in self.resources
        ]
        return replace(
            self,
            resources=sorted(resources, key=lambda r: r.urn),
            violations=sorted(self.violations, key=violation_order),
            # Per resource, remediations keep the order the packs applied them in.
            remediations=sorted(self.remediations, key=lambda rem: rem.urn),
            flows=sorted(self.flows, key=flow_order),
            invokes=sorted(self.invokes, key=invoke_order),
            unchecked=sorted(self.unchecked, key=lambda u: u.urn),
            reads=sorted(self.reads, key=lambda r: r.urn),
            exemptions=sorted(self.exemptions, key=exemption_order),
        )


ENFORCEMENT_ORDER = {"mandatory": 0, "remediate": 1, "advisory": 2, "disabled": 3}


def violation_order(v: Violation) -> tuple[str, int, str, str, str, str, str, str]:
    return (
        v.urn,
        ENFORCEMENT_ORDER.get(v.enforcement, 9),
        v.policy,
        v.pack,
        v.message,
        v.description,
        v.severity,
        v.source or "",
    )


def exemption_order(e: ExemptionNote) -> tuple[int, str, str, str, str, str]:
    return (EXEMPTION_STATUS_ORDER.get(e.status, 9), e.urn or "", e.policy, e.rule, e.pack,
            e.message)  # fmt: skip


def flow_order(f: DataFlow) -> tuple[str, str, str, str]:
    return (f.source_urn, f.target_urn or "", f.target_region or "", f.via)


def invoke_order(i: InvokeAnswer) -> tuple[str, str, str]:
    return (i.token, i.source, i.call_site or "")
