"""``oci:ObjectStorage/getNamespace`` answered offline with a stable placeholder.

The real namespace is a per-tenancy random string; nothing about residency depends on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .provider_settings import ProviderSettings

GET_NAMESPACE = "oci:ObjectStorage/getNamespace:getNamespace"
PLACEHOLDER_NAMESPACE = "preflightns"


def get_namespace(args: Mapping[str, Any], settings: ProviderSettings) -> dict[str, Any]:
    result: dict[str, Any] = {"id": PLACEHOLDER_NAMESPACE, "namespace": PLACEHOLDER_NAMESPACE}
    if "compartmentId" in args:
        result["compartmentId"] = args["compartmentId"]
    return result
