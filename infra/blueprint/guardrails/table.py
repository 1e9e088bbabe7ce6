"""The allowed-regions table the guardrails are generated from: the residency pack's own.

One table, two readers. The pack reads ``allowedRegions`` from each policy's section of the
``--policy-pack-config`` file (defaults: ``pack_config.DEFAULT_ALLOWED_REGIONS``); the guardrails
read the same file through the same functions (``pack_config.resolve`` validates it against the
policy's own schema, ``allowed_union`` / ``allowed_regions`` read it). Nothing here lists a region.

A config file that gives two policies different tables would make the layers disagree with one
another, so it is refused here with one message, as the pack refuses any other bad config.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from residency_pack.engine import pack_config
from residency_pack.engine.classification import US_USER_DATA
from residency_pack.engine.region_catalog import Cloud

# The pack's policy whose table the guardrails follow: the one that says where anything at all
# may be placed. Every other section that sets `allowedRegions` must say the same.
REGION_POLICY = "residency-region-allowlist"


class TableError(ValueError):
    """A policy config file the guardrails cannot follow."""


@dataclass(frozen=True)
class RegionTable:
    """The regions the guardrails enforce, per cloud.

    ``anywhere``: regions some classification may use (the pack's ``residency-region-allowlist``
    union): the SCP's and RCP's region lists, since nothing may be placed elsewhere at all.
    ``user_data``: regions allowed for ``us-user-data``: the OCI quotas and IAM conditions of the
    user-data compartment.
    """

    anywhere: Mapping[Cloud, tuple[str, ...]]
    user_data: Mapping[Cloud, tuple[str, ...]]
    source: str  # where the table came from, for reports and errors


def _policy_config(raw: Mapping[str, Any], source: str) -> dict[str, Any]:
    sections = {
        name: section
        for name, section in raw.items()
        if isinstance(section, Mapping) and pack_config.ALLOWED_REGIONS in section
    }
    tables = {json.dumps(s[pack_config.ALLOWED_REGIONS], sort_keys=True) for s in sections.values()}
    if len(tables) > 1:
        raise TableError(
            f"{source}: the policies {', '.join(sorted(sections))} give different "
            f"`{pack_config.ALLOWED_REGIONS}` tables, so the guardrails cannot agree with all of "
            "them. Fix: give every policy the same table (policy_packs/residency/README.md)."
        )
    section = raw.get(REGION_POLICY)
    if section is None and sections:
        section = next(iter(sections.values()))
    given = (
        {pack_config.ALLOWED_REGIONS: section[pack_config.ALLOWED_REGIONS]}
        if isinstance(section, Mapping) and pack_config.ALLOWED_REGIONS in section
        else {}
    )
    properties = {pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema()}
    try:
        return pack_config.resolve(REGION_POLICY, properties, given)
    except pack_config.ConfigError as error:
        raise TableError(f"{source}: {error}") from error


def load(policy_pack_config: Path | None) -> RegionTable:
    """The table from ``policy_pack_config`` (the file a team deploys the pack with), or the
    pack's default table when there is none."""
    if policy_pack_config is None:
        raw: Mapping[str, Any] = {}
        source = "the residency pack's default allowedRegions"
    else:
        source = str(policy_pack_config)
        try:
            raw = json.loads(policy_pack_config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise TableError(
                f"{source}: cannot read the policy pack config ({error}). Fix: point "
                "`residency-guardrails:policyPackConfig` at the JSON file passed to "
                "--policy-pack-config, or leave it unset for the pack's defaults."
            ) from error
        if not isinstance(raw, Mapping):
            raise TableError(f"{source}: the policy pack config must be a JSON object.")
    return from_config(raw, source)


def from_config(raw: Mapping[str, Any], source: str = "policy pack config") -> RegionTable:
    config = _policy_config(raw, source)
    union = pack_config.allowed_union(config)
    user = pack_config.allowed_regions(config, US_USER_DATA)
    return RegionTable(
        anywhere={cloud: tuple(sorted(names)) for cloud, names in union.items()},
        user_data={cloud: tuple(sorted(names)) for cloud, names in user.items()},
        source=source,
    )
