"""Reads the pulumi-aws / pulumi-oci SDK classes to check catalog paths against the providers'
own schemas: a resource token maps to its class, and a camelCase property path is walked
through the SDK's output types (``@pulumi.getter(name=...)`` carries the engine's name)."""

from __future__ import annotations

import importlib
import re
from functools import cache
from pathlib import Path
from typing import Any

import pulumi_aws
import pulumi_oci

_SUPER_INIT = re.compile(r"super\((\w+), __self__\)\.__init__\(\s*'([^']+)'")
_TYPE_REF = re.compile(r"(?:outputs\.)?([A-Z]\w+)'")


@cache
def token_index() -> dict[str, tuple[str, str]]:
    """Resource token -> (module, class name), read from the SDK sources."""
    index: dict[str, tuple[str, str]] = {}
    for package in (pulumi_aws, pulumi_oci):
        root = Path(package.__file__).parent
        for source in root.rglob("*.py"):
            if source.name.startswith("_"):
                continue
            text = source.read_text(encoding="utf-8")
            for match in _SUPER_INIT.finditer(text):
                module = ".".join(source.relative_to(root.parent).with_suffix("").parts)
                index[match.group(2)] = (module, match.group(1))
    return index


def _getters(cls: type) -> dict[str, Any]:
    out = {}
    for attr in dir(cls):
        prop = getattr(cls, attr, None)
        if isinstance(prop, property) and hasattr(prop.fget, "_pulumi_name"):
            out[prop.fget._pulumi_name] = prop.fget
    return out


def resolve_path(token: str, steps: tuple[str, ...]) -> str | None:
    """None if ``steps`` (``*`` = list element) exist under the resource ``token``, else why not."""
    if token not in token_index():
        return f"no resource {token} in the SDK"
    module_name, class_name = token_index()[token]
    module = importlib.import_module(module_name)
    cls: type | None = getattr(module, class_name)
    try:
        outputs: Any = importlib.import_module(module_name.rsplit(".", 1)[0] + ".outputs")
    except ImportError:  # a module whose resources have no nested types
        outputs = None
    for step in steps:
        if step == "*":
            continue
        if cls is None:
            return f"`{step}` is below a scalar"
        getters = _getters(cls)
        if step not in getters:
            return f"no property `{step}` on {cls.__name__} (has: {', '.join(sorted(getters))})"
        refs = _TYPE_REF.findall(repr(getters[step].__annotations__.get("return")))
        cls = getattr(outputs, refs[-1], None) if refs and outputs else None
    return None
