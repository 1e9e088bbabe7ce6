"""Reads the pulumi-aws / pulumi-oci SDK sources to check catalog paths against the providers'
own schemas: a resource token maps to its class through the table each SDK registers with the
Pulumi runtime, and a camelCase property path is walked through the class's getters and the
output types they return (``@pulumi.getter(name=...)`` carries the engine's property name).

The sources are read as text, not imported: importing hundreds of SDK modules costs tens of
seconds when bytecode is not cached, and the text is the same schema.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pulumi_aws
import pulumi_oci

_RESOURCE_MODULES = re.compile(r'resource_modules="""(.*?)"""', re.DOTALL)
_CLASS = re.compile(r"^class (\w+)(?:\(([^)]*)\))?:", re.MULTILINE)
_GETTER = re.compile(
    r'@pulumi\.getter(?:\(name="(\w+)"\))?\n'  # the engine's (camelCase) name, if not the def's
    r"(?:[ \t]+@[^\n]*\n)*"  # other decorators (deprecation)
    r"\s+def (\w+)\(self\)\s*->\s*(.+?):\n"
)
_TYPE_REF = re.compile(r"'(?:outputs\.)?([A-Z]\w+)'")
_PACKAGES = {"pulumi_aws": pulumi_aws, "pulumi_oci": pulumi_oci}


@cache
def token_index() -> dict[str, tuple[str, str]]:
    """Resource token -> (module, class name), from ``resource_modules`` in each SDK's
    ``__init__`` (the table it registers with the Pulumi runtime)."""
    index: dict[str, tuple[str, str]] = {}
    for package in _PACKAGES.values():
        source = Path(package.__file__).read_text(encoding="utf-8")
        match = _RESOURCE_MODULES.search(source)
        assert match, f"{package.__name__} no longer registers its resource modules"
        for module in json.loads(match.group(1)):
            for token, class_name in module["classes"].items():
                index[token] = (module["fqn"], class_name)
    return index


def _module_dir(fqn: str) -> Path:
    top, *rest = fqn.split(".")
    return Path(_PACKAGES[top].__file__).parent.joinpath(*rest)


@cache
def _classes(path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """class name -> (bases, {property name: return annotation}) for one source file."""
    text = path.read_text(encoding="utf-8")
    starts = list(_CLASS.finditer(text))
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        getters = {
            (g.group(1) or g.group(2)): g.group(3) for g in _GETTER.finditer(text, match.end(), end)
        }
        out[match.group(1)] = (match.group(2) or "", getters)
    return out


@cache
def _resource_getters(fqn: str, class_name: str) -> dict[str, str] | None:
    for path in sorted(_module_dir(fqn).glob("*.py")):
        bases_getters = _classes(path).get(class_name)
        if bases_getters and "CustomResource" in bases_getters[0]:
            return bases_getters[1]
    return None


def resolve_path(token: str, steps: tuple[str, ...]) -> str | None:
    """None if ``steps`` (``*`` = list element) exist under the resource ``token``, else why not."""
    if token not in token_index():
        return f"no resource {token} in the SDK"
    fqn, class_name = token_index()[token]
    getters = _resource_getters(fqn, class_name)
    if getters is None:
        return f"no class {class_name} in {fqn}"
    outputs = _module_dir(fqn) / "outputs.py"
    where = class_name
    for step in steps:
        if step == "*":
            continue
        if getters is None:
            return f"`{step}` is below a scalar"
        if step not in getters:
            return f"no property `{step}` on {where} (has: {', '.join(sorted(getters))})"
        refs = _TYPE_REF.findall(getters[step])
        nested = _classes(outputs).get(refs[-1]) if refs and outputs.exists() else None
        getters, where = (nested[1], refs[-1]) if nested else (None, "")
    return None


@cache
def _input_getters(fqn: str, class_name: str) -> dict[str, str] | None:
    """The settable (input) properties of a resource: its ``<Class>Args`` class."""
    for path in sorted(_module_dir(fqn).glob("*.py")):
        classes = _classes(path)
        # `<Class>InitArgs` where `<Class>Args` would clash with a nested input type's name.
        found = classes.get(f"{class_name}Args") or classes.get(f"{class_name}InitArgs")
        if found and class_name in classes:
            return found[1]
    return None


def input_paths(token: str, max_depth: int = 6) -> list[str]:
    """Every settable property path of the resource ``token`` (dotted, lists not marked),
    walked through the SDK's input types in ``_inputs.py``."""
    fqn, class_name = token_index()[token]
    top = _input_getters(fqn, class_name)
    inputs = _module_dir(fqn) / "_inputs.py"
    nested = _classes(inputs) if inputs.exists() else {}
    out: list[str] = []

    def walk(getters: dict[str, str], prefix: str, seen: frozenset[str]) -> None:
        for name, annotation in getters.items():
            path = f"{prefix}.{name}" if prefix else name
            out.append(path)
            refs = [r for r in _TYPE_REF.findall(annotation) if r in nested and r not in seen]
            if refs and len(seen) < max_depth:
                walk(nested[refs[-1]][1], path, seen | {refs[-1]})

    walk(top or {}, "", frozenset())
    return out
