"""Every user-data store of an audited stack: where it is, whose account or tenancy holds it, its
key and its copies. Region, classification, key and copies are preflight's residency inventory
(``preflight.residency``: the pack's own engine over the very properties the pack received); the
account is read from the deployed state (the resource's ARN, else its provider's account)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from residency_pack.engine.classification import NON_PERSONAL, PUBLIC
from residency_pack.engine.places import parse_arn

from preflight.model import EngineResource, ResourceSummary
from preflight.residency import plain_props

_ACCOUNT_ID_LENGTH = 12


@dataclass(frozen=True)
class Store:
    urn: str
    type: str
    name: str
    cloud: str | None
    region: str | None
    classification: str | None
    account: str | None
    """AWS account id or OCI tenancy OCID; None when the state does not tell."""
    account_source: str
    """Where the account was read: ``arn``, ``provider``, or ``unknown``."""
    key: str | None
    copies: tuple[str, ...]

    @property
    def user_data(self) -> bool:
        # Unclassified or unknown classification counts as user data: fail closed.
        return self.classification not in (NON_PERSONAL, PUBLIC)


def stores_of(
    resources: Sequence[EngineResource], summaries: Sequence[ResourceSummary]
) -> list[Store]:
    by_urn = {r.urn: r for r in resources}
    stores: list[Store] = []
    for summary in summaries:
        resource = by_urn.get(summary.urn)
        if not summary.data_store or resource is None:
            continue
        account, source = account_of(resource)
        stores.append(
            Store(
                urn=summary.urn,
                type=summary.type,
                name=summary.name,
                cloud=summary.cloud,
                region=summary.region,
                classification=summary.classification,
                account=account,
                account_source=source,
                key=summary.encryption_key,
                copies=tuple(sorted(summary.replication_targets)),
            )
        )
    return sorted(stores, key=lambda s: s.urn)


def account_of(resource: EngineResource) -> tuple[str | None, str]:
    outputs = plain_props(resource.outputs)
    provider = plain_props(resource.provider.properties) if resource.provider else {}
    if resource.type.startswith("aws:"):
        value = outputs.get("arn")
        arn = parse_arn(value) if isinstance(value, str) else None
        if arn is not None and len(arn.account) == _ACCOUNT_ID_LENGTH and arn.account.isdigit():
            return arn.account, "arn"
        allowed = _string_list(provider.get("allowedAccountIds"))
        if len(allowed) == 1:
            return allowed[0], "provider"
        for role in _roles(provider):
            role_arn = parse_arn(role) if isinstance(role, str) else None
            if role_arn is not None and role_arn.account.isdigit():
                return role_arn.account, "provider"
        return None, "unknown"
    if resource.type.startswith("oci:"):
        tenancy = provider.get("tenancyOcid")
        if isinstance(tenancy, str) and tenancy.startswith("ocid1.tenancy."):
            return tenancy, "provider"
        compartment = outputs.get("compartmentId")
        if isinstance(compartment, str) and compartment.startswith("ocid1.tenancy."):
            return compartment, "compartment"
        return None, "unknown"
    return None, "unknown"


def _string_list(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value] if value else []
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int)]
    if isinstance(value, str):
        return [value]
    return []


def _roles(provider: dict[str, Any]) -> list[Any]:
    roles: list[Any] = []
    for key in ("assumeRole", "assumeRoles"):
        value = provider.get(key)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                roles.append(item.get("roleArn"))
    return roles
