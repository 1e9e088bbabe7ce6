"""``aws:index/getCallerIdentity`` answered offline from the provider's ``allowedAccountIds``.

With no credentials, the only account preflight can name is the one the stack pins the provider
to. The identity is that account's root principal, which is what STS returns for root credentials.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from residency_pack.engine import region_catalog

from .builtin import NoBuiltinAnswer
from .provider_settings import ProviderSettings

GET_CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"


def get_caller_identity(args: Mapping[str, Any], settings: ProviderSettings) -> dict[str, Any]:
    accounts = settings.string_list("allowedAccountIds")
    if len(accounts) != 1:
        found = "none" if not accounts else f"{len(accounts)}: {', '.join(accounts)}"
        raise NoBuiltinAnswer(
            "the caller's account is known offline only when the provider allows exactly one "
            f"account ({settings.describe('allowedAccountIds')} lists {found})"
        )
    account = accounts[0]
    region_name = settings.string("region")
    region = region_catalog.lookup("aws", region_name) if region_name else None
    partition = region.partition if region else "aws"
    return {
        "id": account,
        "accountId": account,
        "arn": f"arn:{partition}:iam::{account}:root",
        "userId": account,
    }
