"""Policy config as the CLI handles ``--policy-pack-config``.

The file is JSON: ``{"<policy>": "<enforcement level>"}`` or ``{"<policy>": {"enforcementLevel":
..., "<property>": ...}}``, with ``"all"`` setting the level of every policy. The CLI reconciles it
with the pack (schema defaults, then the pack's ``initialConfig``, then the file), validates every
policy's properties against that policy's JSON schema, and only then calls ``Configure``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from preflight.errors import PreflightError
from preflight.model import PolicyInfo
from preflight.project import read_text

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")


@dataclass
class PolicyConfig:
    enforcement: str = ""
    """Empty when the config leaves the level as it is."""
    properties: dict[str, Any] | None = field(default=None)


def _extract_level(where: str, props: dict[str, Any]) -> str:
    if "enforcementLevel" not in props:
        return ""
    level = props.pop("enforcementLevel")
    if not isinstance(level, str):
        raise PreflightError(
            f"{where}: {level!r} is not a valid enforcement level; must be a string"
        )
    if level not in ENFORCEMENT_LEVELS:
        raise PreflightError(
            f"{where}: {level!r} is not a valid enforcement level "
            f"(one of {', '.join(ENFORCEMENT_LEVELS)})"
        )
    return level


def parse_policy_pack_config(text: str, source: str) -> dict[str, PolicyConfig]:
    if not text.strip():
        return {}
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PreflightError(
            f"{source}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}"
        ) from exc
    if not isinstance(doc, dict):
        raise PreflightError(f"{source}: expected a JSON object keyed by policy name")
    result: dict[str, PolicyConfig] = {}
    for key, value in doc.items():
        where = f"{source}: parsing enforcement level for {key!r}"
        if isinstance(value, str):
            if value not in ENFORCEMENT_LEVELS:
                raise PreflightError(f"{where}: {value!r} is not a valid enforcement level")
            level, props = value, None
        elif isinstance(value, dict):
            props = dict(value)
            level = _extract_level(where, props)
            props = props or None
        else:
            raise PreflightError(
                f"{source}: parsing {key!r}: {value!r} is not a valid value; "
                "must be a string or object"
            )
        if not level and not props:
            continue
        result[key] = PolicyConfig(level, props)
    return result


def load_policy_pack_config(path: Path) -> dict[str, PolicyConfig]:
    return parse_policy_pack_config(read_text(path, " policy config"), str(path))


def _defaults(policies: list[PolicyInfo]) -> dict[str, PolicyConfig]:
    result: dict[str, PolicyConfig] = {}
    for policy in policies:
        props: dict[str, Any] | None = None
        for key, schema in ((policy.config_schema or {}).get("properties") or {}).items():
            if isinstance(schema, dict) and "default" in schema:
                props = props or {}
                props[key] = schema["default"]
        result[policy.name] = PolicyConfig(policy.enforcement, props)
    return result


def _apply(result: dict[str, PolicyConfig], given: Mapping[str, PolicyConfig]) -> None:
    every = given.get("all")
    if every is not None and every.enforcement in ENFORCEMENT_LEVELS:
        for name, current in list(result.items()):
            result[name] = PolicyConfig(every.enforcement, current.properties)
    for name, config in given.items():
        current = result.get(name, PolicyConfig())
        level = (
            config.enforcement if config.enforcement in ENFORCEMENT_LEVELS else current.enforcement
        )
        props = dict(current.properties) if current.properties is not None else None
        if config.properties:
            props = props or {}
            props.update(config.properties)
        result[name] = PolicyConfig(level, props)


def _validation_errors(policies: list[PolicyInfo], config: Mapping[str, PolicyConfig]) -> list[str]:
    errors: list[str] = []
    for policy in policies:
        if policy.config_schema is None:
            continue
        schema: dict[str, Any] = {"type": "object"}
        if policy.config_schema.get("properties"):
            schema["properties"] = policy.config_schema["properties"]
        if policy.config_schema.get("required"):
            schema["required"] = policy.config_schema["required"]
        props = (config.get(policy.name) or PolicyConfig()).properties or {}
        validator_cls = jsonschema.validators.validator_for(
            schema, default=jsonschema.Draft7Validator
        )
        validator = validator_cls(schema)
        for error in sorted(validator.iter_errors(props), key=lambda e: list(e.absolute_path)):
            where = ".".join(str(p) for p in error.absolute_path)
            errors.append(f"{policy.name}: {where + ': ' if where else ''}{error.message}")
    return errors


def _check_names_and_keys(
    policies: list[PolicyInfo],
    given: Mapping[str, PolicyConfig],
    *,
    pack: str,
    version: str,
    source: str,
) -> None:
    """Stricter than the CLI, which ignores a policy name the pack does not have and passes
    on any key: a misspelled name or key means the restriction the user wrote never applies."""
    by_name = {p.name: p for p in policies}
    for name, config in given.items():
        if name == "all":
            if config.properties:
                raise PreflightError(
                    f"{source}: \"all\" sets only the enforcement level of every policy; it takes "
                    f"no config keys ({', '.join(sorted(config.properties))}). Fix: put them under "
                    "the policy they are for."
                )
            continue
        policy = by_name.get(name)
        if policy is None:
            close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise PreflightError(
                f"{source}: {name!r} is not a policy of pack {pack!r} {version}{hint} (the CLI "
                "ignores an unknown name, so what it sets would never apply). Fix: use one of "
                f"the pack's policy names ({', '.join(sorted(by_name))})."
            )
        allowed = sorted((policy.config_schema or {}).get("properties") or {})
        unknown = sorted(set(config.properties or {}) - set(allowed))
        if unknown:
            keys = ", ".join(repr(k) for k in unknown)
            takes = f"allowed keys: {', '.join(allowed)}" if allowed else "it takes no config keys"
            close = difflib.get_close_matches(unknown[0], allowed, n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise PreflightError(
                f"{source}: policy {name!r} of pack {pack!r} has no config key {keys}{hint}; "
                f"{takes}."
            )


def reconcile_policy_config(
    policies: list[PolicyInfo],
    initial: Mapping[str, PolicyConfig],
    given: Mapping[str, PolicyConfig] | None,
    *,
    pack: str,
    version: str,
    source: str,
) -> dict[str, PolicyConfig]:
    """Defaults, then the pack's initial config, then the file; rejected config is an error."""
    if given:
        _check_names_and_keys(policies, given, pack=pack, version=version, source=source)
    result = _defaults(policies)
    if initial:
        _apply(result, initial)
    if given:
        _apply(result, given)
    errors = _validation_errors(policies, result)
    if errors:
        detail = "\n".join(f"  validating policy config: {pack} {version}  {e}" for e in errors)
        raise PreflightError(
            f"{source}: policy config rejected by the schema of pack {pack!r}: "
            f"{errors[0]}\n{detail}"
        )
    return result
