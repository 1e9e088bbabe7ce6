"""What a built-in answer may read: the calling provider's settings.

An invoke made through an explicit provider sees that provider's inputs; one made through the
package's default provider sees the stack config of that package (``aws:region`` ...), which is
exactly what the default provider is configured from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProviderSettings:
    package: str  # "aws", "oci", ...
    values: Mapping[str, Any]  # provider input names without the package namespace: "region"
    origin: str  # "explicit provider" or "stack config (default provider)"

    @classmethod
    def for_call(
        cls,
        package: str,
        provider_inputs: Mapping[str, Any] | None,
        stack_config: Mapping[str, Any],
    ) -> ProviderSettings:
        if provider_inputs is not None:
            return cls(package, dict(provider_inputs), "explicit provider")
        prefix = f"{package}:"
        values = {k[len(prefix) :]: v for k, v in stack_config.items() if k.startswith(prefix)}
        return cls(package, values, "stack config (default provider)")

    def string(self, key: str) -> str | None:
        value = self.values.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        return None

    def string_list(self, key: str) -> list[str]:
        """A list setting, given as a list or as its JSON text (providers receive JSON strings)."""
        value = self.values.get(key)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                value = [value]
        if isinstance(value, list | tuple):
            return [str(v) for v in value if str(v).strip()]
        return []

    def describe(self, key: str) -> str:
        """How the user sets ``key`` for this provider, for error messages."""
        if self.origin == "explicit provider":
            return f"the `{key}` input of the explicit {self.package} provider"
        return f"the stack config key `{self.package}:{key}`"
