"""The pack's analyzer servicer: the policy SDK's own, with five calls taken over.

``PolicyPack`` builds ``pulumi_policy.policy._PolicyAnalyzerServicer`` by name, so
``policy_packs/residency/__main__.py`` calls :func:`install` before it builds the pack, and the
SDK then serves :class:`ResidencyAnalyzerServicer`. Everything else (``GetAnalyzerInfo``,
``Remediate``, ...) is the SDK's, unchanged. The override is pinned to the pulumi-policy
versions it was tested with (:data:`TESTED_SDK`); with any other version the stock servicer
runs and a note on stderr says what is lost.

* ``Analyze`` / ``AnalyzeStack`` (``residency_pack/decode_once.py``): each request is decoded
  once, not once per policy; every policy still gets its own proxies over the shared decode,
  and the responses are the stock servicer's (``tests/pack/test_decode_once.py``).

* ``Remediate`` (``residency_pack/decode_once.py``): the engine calls it for every resource
  before ``Analyze``; when no policy at the ``remediate`` level has a remediation (the pack's own
  have none) the SDK's answer does not depend on the request, and it is given without decoding
  the request.
* ``ConfigureStack``: the engine sends the stack's own config (``"ns:key"`` -> string). The SDK
  keeps only the stack's tags; the pack keeps the config too (``engine/stack_config.py``), as the
  source of trust when the policy config does not name trusted accounts and tenancies.
* ``Configure``: every policy's config is validated here, once, before any resource is analysed.
  A bad config fails the call with ``INVALID_ARGUMENT`` and one message per bad policy, naming
  the policy, the key and the fix; the CLI and preflight stop with that message. The SDK would
  otherwise accept anything and leave each policy to report the error on every resource.
  An ``enforcementLevel`` that would make a residency policy ``advisory`` or ``disabled`` is
  refused the same way (the SDK would honour it and skip the policy): the promise cannot be
  switched off by config. ``mandatory`` and ``remediate`` (reported as mandatory by the SDK,
  since no residency policy remediates) are accepted.

* ``Analyze`` / ``AnalyzeStack`` also report what the policy config's exemptions did
  (``engine/exemption_log.py``): each finding an exemption silenced, as an advisory diagnostic
  of its policy naming the exemption's rule, reason and expiry; and, after the stack policies,
  an advisory note for each exemption that silenced nothing, has expired, or expires within
  ``exemptionWarningDays``.

Further calls are taken over the same way: a method of :class:`ResidencyAnalyzerServicer` that
does its part and hands the rest to the SDK's (``super()``), so that each stays testable on its
own through ``residency_pack.testing``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any, Final

import grpc
import pulumi_policy.policy as sdk_policy
from google.protobuf import json_format
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel, Policy
from pulumi_policy.version import VERSION as SDK_VERSION

from residency_pack.decode_once import DecodeOnceServicer
from residency_pack.engine import exemption_log, pack_config, stack_config

# The pulumi-policy versions whose servicer internals this override was tested against
# (inclusive lower bound, exclusive upper bound). Keep in step with pyproject.toml and the
# pack's requirements.txt.
TESTED_SDK: Final = ((1, 21), (1, 22))

_SWITCHED_OFF: Final[dict[int, str]] = {proto.ADVISORY: "advisory", proto.DISABLED: "disabled"}


class ConfigRejected(pack_config.ConfigError):
    """``Configure`` refused the policy config (raised when there is no gRPC context)."""


def _enforcement_problem(policy_name: str, level: int) -> str | None:
    shown = _SWITCHED_OFF.get(level)
    if shown is None:
        return None
    return (
        f"The policy config for `{policy_name}` sets `enforcementLevel` to `{shown}`, which "
        "would switch a residency policy off; the pack refuses it. Fix: remove "
        f"`enforcementLevel` from the `{policy_name}` section (and from any `all` entry) of the "
        "file passed to --policy-pack-config; to waive a resource, add an exemption with a "
        "reason and an expiry."
    )


def resolved_configs(policies: Sequence[Policy], request: Any) -> dict[str, Mapping[str, Any]]:
    """Each policy's config of a ``ConfigureAnalyzerRequest``, resolved (defaults applied,
    exemptions parsed); a policy whose config is bad is left out (``config_problems`` says why)."""
    by_name = {policy.name: policy for policy in policies}
    resolved: dict[str, Mapping[str, Any]] = {}
    for name in sorted(request.policyConfig):
        policy = by_name.get(name)
        if policy is None:
            continue
        schema = policy.config_schema.properties if policy.config_schema else {}
        raw = json_format.MessageToDict(request.policyConfig[name].properties)
        try:
            resolved[name] = pack_config.resolve(name, schema, raw)
        except pack_config.ConfigError:
            continue
    return resolved


def config_problems(policies: Sequence[Policy], request: Any) -> list[str]:
    """One message per policy of ``policies`` whose config in a ``ConfigureAnalyzerRequest``
    is bad (level or properties); empty when all of it is good."""
    by_name = {policy.name: policy for policy in policies}
    problems: list[str] = []
    for name in sorted(request.policyConfig):
        policy = by_name.get(name)
        if policy is None:  # not a policy of this pack: the SDK ignores it too
            continue
        entry = request.policyConfig[name]
        # A policy shipped advisory in code (a rule being written) is configured at its own
        # level by the engine; only a level below the code's switches a policy off.
        own = proto.ADVISORY if policy.enforcement_level == EnforcementLevel.ADVISORY else None
        level = entry.enforcementLevel
        found = [p for p in [_enforcement_problem(name, level)] if p and level != own]
        schema = policy.config_schema.properties if policy.config_schema else {}
        try:
            pack_config.resolve(name, schema, json_format.MessageToDict(entry.properties))
        except pack_config.ConfigError as error:
            found.append(str(error))
        if found:
            problems.append(" ".join(found))
    return problems


class ResidencyAnalyzerServicer(DecodeOnceServicer):
    """The SDK's servicer, decoding each request once, keeping the stack config, refusing
    bad policy config and reporting what the exemptions did."""

    def __init__(
        self, name: str, version: str, policies: list[Policy], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(name, version, policies, *args, **kwargs)
        self._residency_policies: tuple[Policy, ...] = tuple(policies)
        self._configs: dict[str, Mapping[str, Any]] = {}
        self._pack = (name, version)

    def _note(self, note: exemption_log.Note) -> Any:
        by_name = {policy.name: policy for policy in self._residency_policies}
        policy = by_name.get(note.policy)
        return proto.AnalyzeDiagnostic(
            policyName=note.policy,
            policyPackName=self._pack[0],
            policyPackVersion=self._pack[1],
            message=note.message,
            urn=note.urn,
            description=exemption_log.note_description(note),
            enforcementLevel=self._map_enforcement_level(EnforcementLevel.ADVISORY),
            severity=self._map_severity(policy.severity if policy is not None else None),
        )

    def Analyze(self, request: Any, context: Any) -> Any:
        with exemption_log.collecting() as exempted:
            response = super().Analyze(request, context)
        response.diagnostics.extend(self._note(note) for note in exempted)
        return response

    def AnalyzeStack(self, request: Any, context: Any) -> Any:
        with exemption_log.collecting() as exempted:
            response = super().AnalyzeStack(request, context)
        response.diagnostics.extend(self._note(note) for note in exempted)
        # The stack policies run last, after every resource was analysed: now it is known
        # which exemption silenced nothing.
        today = pack_config.today()
        for name, config in sorted(self._configs.items()):
            exemptions = list(pack_config.exemptions(config))
            warning_days = pack_config.exemption_warning_days(config)
            for note in exemption_log.review(name, exemptions, warning_days, today):
                response.diagnostics.append(self._note(note))
        return response

    def ConfigureStack(self, request: Any, context: Any) -> Any:
        stack_config.capture(request.config)
        return super().ConfigureStack(request, context)

    def Configure(self, request: Any, context: Any) -> Any:
        problems = config_problems(self._residency_policies, request)
        if problems:
            # One line: preflight and the CLI show the error's last line.
            message = " ".join(problems)
            if context is not None:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, message)
            raise ConfigRejected(message)
        self._configs = resolved_configs(self._residency_policies, request)
        exemption_log.forget_usage()
        return super().Configure(request, context)


def _release(version: str) -> tuple[int, ...]:
    parts: list[int] = []
    for part in version.split("."):
        digits = "".join(c for c in part if c.isdigit())
        if not digits or digits != part:
            break
        parts.append(int(digits))
    return tuple(parts)


def is_tested_sdk(version: str = SDK_VERSION) -> bool:
    low, high = TESTED_SDK
    release = _release(version)
    return low <= release < high


def install(version: str = SDK_VERSION) -> bool:
    """Make ``PolicyPack`` serve :class:`ResidencyAnalyzerServicer`. With an untested SDK,
    leave the stock servicer and say so on stderr; returns whether the override is in place."""
    if not is_tested_sdk(version):
        low, high = (".".join(map(str, v)) for v in TESTED_SDK)
        print(
            f"residency policy pack: pulumi-policy {version} is outside the tested range "
            f"(>={low},<{high}); running the SDK's stock analyzer servicer. It decodes each "
            "request once per policy (slower), the stack's own config is not captured (trust "
            "then comes only from the policy config and PULUMI_CONFIG), bad policy config is "
            "reported per resource instead of refused once, and an `enforcementLevel` in the "
            "policy config is honoured, even `disabled`. Fix: install "
            "the pulumi-policy version pinned in the pack's requirements.txt.",
            file=sys.stderr,
        )
        return False
    sdk_policy._PolicyAnalyzerServicer = ResidencyAnalyzerServicer  # type: ignore[misc]
    return True
