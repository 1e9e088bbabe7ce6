"""Loading a Pulumi project (``Pulumi.yaml``) and a stack's config (``Pulumi.<stack>.yaml``).

Config is read the way the CLI reads it:

* keys without a namespace belong to the project (``owner`` in project ``shop`` is ``shop:owner``);
* project-level ``config:`` in ``Pulumi.yaml`` gives defaults (``default:``) and values for other
  namespaces (``value:`` or a bare value); the stack file overrides them;
* every value reaches the program and the policy pack as a string: scalars as their YAML text
  (``true``, ``3``), objects and lists as compact JSON, exactly what ``PULUMI_CONFIG`` carries.

Secure values (``secure: v1:...``) cannot be decrypted offline; they are passed as a secret
placeholder and listed in ``secret_keys``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from preflight.errors import PreflightError

PROJECT_FILE_NAMES = ("Pulumi.yaml", "Pulumi.yml")
SECRET_PLACEHOLDER = "[secret]"
_TYPE_DECLARATION_KEYS = {"type", "default", "value", "description", "secret", "items"}


@dataclass(frozen=True)
class Project:
    name: str
    root: Path
    file: Path
    runtime: str
    runtime_options: Mapping[str, Any]
    main: str | None
    stack_config_dir: Path
    declared_config: Mapping[str, Any] = field(default_factory=dict)
    """Project-level ``config:`` block, as written."""

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"


@dataclass(frozen=True)
class StackConfig:
    stack: str
    file: Path
    values: Mapping[str, str]
    """Namespaced key -> the string the language host and the pack receive (``PULUMI_CONFIG``)."""
    parsed: Mapping[str, Any]
    """Namespaced key -> the value as written in YAML (objects stay objects)."""
    secret_keys: tuple[str, ...] = ()
    document: Mapping[str, Any] = field(default_factory=dict)
    """The stack file as written (``secretsprovider``, ``encryptedkey``, ``config`` ...)."""

    def package_config(self, package: str) -> dict[str, str]:
        """The config of one package (``aws:region`` -> ``region``): a default provider's inputs."""
        prefix = f"{package}:"
        return {k[len(prefix) :]: v for k, v in self.values.items() if k.startswith(prefix)}


def read_text(path: Path, what: str = "") -> str:
    """A UTF-8 text file; one clear error naming the file (and the first bad byte) otherwise."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PreflightError(f"{path}: cannot read{what}: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PreflightError(
            f"{path}: not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} "
            f"(line {line}, column {column}); save the file as UTF-8"
        ) from None


def read_yaml(path: Path) -> Any:
    text = read_text(path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PreflightError(f"{where}: malformed YAML: {problem}") from exc


def runtime_of(doc: Mapping[str, Any]) -> tuple[Any, Mapping[str, Any]]:
    """``runtime`` of a Pulumi.yaml or PulumiPolicy.yaml document, in either documented form
    (``runtime: python`` or ``runtime: {name: python, options: {...}}``): (name, options)."""
    node = doc.get("runtime")
    if isinstance(node, dict):
        options = node.get("options") or {}
        return node.get("name"), options if isinstance(options, Mapping) else {}
    return node, {}


def find_project_file(program_dir: Path) -> Path:
    for name in PROJECT_FILE_NAMES:
        candidate = program_dir / name
        if candidate.is_file():
            return candidate
    if not program_dir.is_dir():
        raise PreflightError(f"{program_dir}: no such directory (--program names a Pulumi project)")
    raise PreflightError(
        f"{program_dir / 'Pulumi.yaml'}: not found; --program must name a directory that holds a "
        "Pulumi project (Pulumi.yaml with runtime python)"
    )


def load_project(program_dir: Path) -> Project:
    program_dir = program_dir.resolve()
    file = find_project_file(program_dir)
    doc = read_yaml(file)
    if not isinstance(doc, dict):
        raise PreflightError(f"{file}: expected a mapping with `name` and `runtime`")
    name = doc.get("name")
    if not isinstance(name, str) or not name:
        raise PreflightError(f"{file}: `name` is missing; add `name: <project name>`")
    runtime, options = runtime_of(doc)
    if runtime != "python":
        raise PreflightError(
            f"{file}: runtime is {runtime!r}; preflight runs Python programs (`runtime: python`)"
        )
    main = doc.get("main")
    if main is not None and not isinstance(main, str):
        raise PreflightError(f"{file}: `main` must be a relative path, got {main!r}")
    config_dir = doc.get("stackConfigDir")
    stack_config_dir = (program_dir / config_dir).resolve() if config_dir else program_dir
    declared = doc.get("config") or {}
    if not isinstance(declared, dict):
        raise PreflightError(
            f"{file}: `config` must be a mapping of keys to values or declarations"
        )
    return Project(
        name=name,
        root=program_dir,
        file=file,
        runtime="python",
        runtime_options=options,
        main=main,
        stack_config_dir=stack_config_dir,
        declared_config=declared,
    )


def namespaced(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def config_string(value: Any) -> str:
    """A config value as the CLI hands it to programs and packs (``PULUMI_CONFIG``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


_CONFIG_TYPES = ("string", "integer", "boolean", "array", "object")


def _declarations(project: Project) -> dict[str, dict[str, Any]]:
    """Namespaced key -> its typed declaration in Pulumi.yaml (``type``/``secret``/``items``)."""
    declared: dict[str, dict[str, Any]] = {}
    for key, decl in project.declared_config.items():
        if isinstance(decl, dict) and set(decl) <= _TYPE_DECLARATION_KEYS:
            declared[namespaced(str(key), project.name)] = decl
        else:
            declared[namespaced(str(key), project.name)] = {}
    return declared


def _type_name(decl: Mapping[str, Any]) -> str:
    items = decl.get("items")
    if decl.get("type") == "array" and isinstance(items, Mapping):
        return f"array<{_type_name(items)}>"
    return str(decl.get("type"))


def _matches(decl: Mapping[str, Any], value: Any) -> bool:
    """The CLI's ``ValidateConfigValue`` over the value as the CLI holds it: scalars as their
    text (``30``, ``true``), objects and lists as themselves."""
    kind = decl.get("type")
    if kind == "string":
        return not isinstance(value, dict | list)
    if kind == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return True
        return isinstance(value, str) and bool(re.fullmatch(r"[+-]?\d+", value))
    if kind == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        items = decl.get("items")
        return (
            isinstance(value, list)
            and isinstance(items, Mapping)
            and all(_matches(items, item) for item in value)
        )
    return True


def _check_declared(
    project: Project, file: Path, raw: Mapping[Any, Any], secrets: set[str]
) -> None:
    """What the CLI checks before it runs the program, and one thing more.

    * A key declared with a ``type`` must hold a value of that type, and a key declared
      ``secret: true`` must be set with ``pulumi config set --secret`` (``secure:``), as the CLI
      validates (``validateStackConfigValue``).
    * When ``Pulumi.yaml`` declares config, a key of the project's namespace it does not declare
      is refused: a misspelled key (``dnsZoneNam``) would leave the program on its default.
      Pulumi CLIs before 3.46 refused such a key; later ones accept it silently
      (pulumi/pulumi#11127 relaxed the check for every namespace), preflight stays strict.
    """
    declared = _declarations(project)
    prefix = f"{project.name}:"
    for key, value in raw.items():
        full = namespaced(str(key), project.name)
        shown = str(key)
        if declared and full.startswith(prefix) and full not in declared:
            names = [k[len(prefix) :] for k in declared if k.startswith(prefix)]
            close = difflib.get_close_matches(full[len(prefix) :], names, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise PreflightError(
                f"{file}: config key {shown!r} is not declared in {project.file.name}'s "
                f"`config:` block ({full} is in the project's namespace).{hint} Declare it "
                f"there (`{full[len(prefix) :]}: {{type: string}}`) or fix its name."
            )
        decl = declared.get(full) or {}
        if decl.get("secret") and not _is_secure(value):
            short = full[len(prefix) :] if full.startswith(prefix) else full
            raise PreflightError(
                f"{file}: config key {shown!r} is declared secret in {project.file.name}; set it "
                f"with `pulumi config set --secret {short} <value>` (a `secure:` value), as the "
                "CLI requires."
            )
        if "type" in decl and full not in secrets and not _matches(decl, value):
            raise PreflightError(
                f"{file}: config key {shown!r} must be of type {_type_name(decl)!r} (declared in "
                f"{project.file.name}), got {value!r}."
            )


def load_stack_config(project: Project, stack: str) -> StackConfig:
    file = project.stack_file(stack)
    if not file.is_file():
        known = sorted(
            p.name[len("Pulumi.") : -len(".yaml")]
            for p in project.stack_config_dir.glob("Pulumi.*.yaml")
        )
        hint = f" (stacks here: {', '.join(known)})" if known else ""
        raise PreflightError(
            f"{file}: stack {stack!r} has no config file; create it or pass --stack NAME{hint}"
        )
    doc = read_yaml(file) or {}
    if not isinstance(doc, dict):
        raise PreflightError(f"{file}: expected a mapping with a `config:` block")
    raw = doc.get("config") or {}
    if not isinstance(raw, dict):
        raise PreflightError(f"{file}: `config` must be a mapping of keys to values")

    parsed: dict[str, Any] = {}
    secrets: set[str] = set()
    missing: list[str] = []
    for key, decl in project.declared_config.items():
        full = namespaced(str(key), project.name)
        if isinstance(decl, dict) and set(decl) <= _TYPE_DECLARATION_KEYS:
            if "value" in decl:
                parsed[full] = decl["value"]
            elif "default" in decl:
                parsed[full] = decl["default"]
            elif "type" in decl:
                missing.append(full)
            if decl.get("secret"):
                secrets.add(full)
        else:
            parsed[full] = decl
    for key, value in raw.items():
        full = namespaced(str(key), project.name)
        if _is_secure(value):
            secrets.add(full)
            parsed[full] = SECRET_PLACEHOLDER
        else:
            parsed[full] = value
    _check_declared(project, file, raw, secrets)
    absent = [k for k in missing if k not in parsed]
    if absent:
        key = absent[0]
        short = key.split(":", 1)[1] if key.startswith(f"{project.name}:") else key
        raise PreflightError(
            f"{file}: missing required config {key!r} (declared in {project.file.name}); "
            f"add `  {short}: <value>` under `config:` or run `pulumi config set {short} <value>`"
        )
    values = {k: config_string(v) for k, v in parsed.items() if v is not None}
    return StackConfig(
        stack=stack,
        file=file,
        values=values,
        parsed=parsed,
        secret_keys=tuple(sorted(secrets)),
        document=doc,
    )
