"""A synthetic Pulumi program: instantiates every resource listed in ``spec.json`` beside it.

Copied as ``__main__.py`` into each generated project by ``benchmarks.generator``. Resources are the
real ``pulumi_aws`` / ``pulumi_oci`` classes with explicit providers; ``{"$ref": name, "attr": a}``
in an argument is the output ``a`` of an earlier resource (unknown in preview, and a property
dependency of this one).
"""

import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws
import pulumi_oci

_PACKAGES = {"aws": pulumi_aws, "oci": pulumi_oci}


def _class(path: str) -> Any:
    package, *rest = path.split(".")
    obj: Any = _PACKAGES[package]
    for part in rest:
        obj = getattr(obj, part)
    return obj


def _resolve(value: Any, created: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        if "$ref" in value:
            return getattr(created[value["$ref"]], value["attr"])
        return {k: _resolve(v, created) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, created) for v in value]
    return value


def main() -> None:
    spec = json.loads((Path(__file__).parent / "spec.json").read_text(encoding="utf-8"))
    created: dict[str, Any] = {}
    for entry in spec["resources"]:
        cls = _class(entry["cls"])
        provider = created[entry["provider"]] if entry["provider"] else None
        opts = pulumi.ResourceOptions(provider=provider, protect=entry["protect"])
        created[entry["name"]] = cls(entry["name"], opts=opts, **_resolve(entry["args"], created))
    pulumi.export("resources", len(created))


main()
