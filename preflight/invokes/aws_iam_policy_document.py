"""``aws:iam/getPolicyDocument`` answered offline: the policy JSON as the provider renders it.

The data source is a pure function of its arguments, so preflight computes it instead of asking
for a fixture. This follows the upstream terraform-provider-aws implementation that pulumi-aws v7
bridges (``internal/service/iam/policy_model.go`` and ``policy_document_data_source.go``):

- statement fields in the order Sid, Effect, Action, NotAction, Resource, NotResource, Principal,
  NotPrincipal, Condition; empty ones left out (an empty Sid too, since provider v5.0);
- ``actions``/``resources``/principal ``identifiers`` are sets: one element renders as a string,
  several as a list sorted in reverse;
- principals grouped by type (types sorted, as Go sorts map keys); the single principal of type
  ``*`` with identifier ``*`` renders as ``"*"``;
- conditions grouped by test then variable (both sorted); values keep their order; one value
  renders as a string;
- ``&{...}`` becomes ``${...}`` in resources, principals and condition values;
- ``sourcePolicyDocuments`` merged first (their Sids must be unique), then the statements, then
  ``overridePolicyDocuments`` in order; a statement with a Sid replaces the earlier one with
  that Sid;
- ``json`` is Go's ``json.MarshalIndent(doc, "", "  ")`` (HTML characters escaped as Go does),
  ``minifiedJson`` is ``json.Marshal``, ``id`` the CRC-32 of ``json``.

Principal and condition blocks are schema sets: the provider visits them in the order of their
set hash (CRC-32 of the block's serialization, compared as decimal strings), which decides the
order of identifiers when two blocks of one type merge. :func:`_set_order` reproduces it.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import InvalidInvokeArgumentsError

TOKEN = "aws:iam/getPolicyDocument:getPolicyDocument"
DEFAULT_VERSION = "2012-10-17"
VERSIONS = ("2008-10-17", "2012-10-17")
_SID = re.compile(r"^[a-zA-Z0-9]*$")

# An element of Action/Resource/Principal identifiers/Condition values: a string or a list of them
# (or, from a source document, whatever JSON the document held there).
StringOrList = Any


@dataclass
class Principal:
    type: str
    identifiers: StringOrList


@dataclass
class Condition:
    test: str
    variable: str
    values: StringOrList


@dataclass
class Statement:
    sid: str = ""
    effect: str = ""
    actions: StringOrList = None
    not_actions: StringOrList = None
    resources: StringOrList = None
    not_resources: StringOrList = None
    principals: list[Principal] = field(default_factory=list)
    not_principals: list[Principal] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)


@dataclass
class PolicyDocument:
    version: str = ""
    id: str = ""
    statements: list[Statement] = field(default_factory=list)

    def merge(self, other: PolicyDocument) -> None:
        """The provider's ``Merge``: adopt Id, upgrade Version, replace statements by Sid."""
        if other.id:
            self.id = other.id
        if other.version > self.version:
            self.version = other.version
        for statement in other.statements:
            if statement.sid:
                for index, existing in enumerate(self.statements):
                    if existing.sid == statement.sid:
                        self.statements[index] = statement
                        break
                else:
                    self.statements.append(statement)
            else:
                self.statements.append(statement)


def answer(args: Mapping[str, Any]) -> dict[str, Any]:
    """The data source's outputs (camelCase, as the engine returns them) for ``args``."""
    for deprecated in ("sourceJson", "overrideJson"):
        if args.get(deprecated):
            raise InvalidInvokeArgumentsError(
                f"`{deprecated}` is deprecated and must be empty in "
                "pulumi-aws v7; use sourcePolicyDocuments / overridePolicyDocuments."
            )
    version = args.get("version") or DEFAULT_VERSION
    if version not in VERSIONS:
        raise InvalidInvokeArgumentsError(
            f"version must be one of {', '.join(VERSIONS)}, "
            f"got {version!r}."
        )
    merged = PolicyDocument()
    seen_sids: set[str] = set()
    for index, source in enumerate(args.get("sourcePolicyDocuments") or []):
        if source is None:
            continue
        document = parse_document(source, f"source document {index}")
        for statement_index, statement in enumerate(document.statements):
            if statement.sid:
                if statement.sid in seen_sids:
                    raise InvalidInvokeArgumentsError(
                        f"merging source document {index}: duplicate "
                        f"Sid ({statement.sid}) in sourcePolicyDocuments (statement "
                        f"{statement_index}). Remove the Sid or ensure Sids are unique."
                    )
                seen_sids.add(statement.sid)
        merged.merge(document)

    document = PolicyDocument(version=version, id=args.get("policyId") or "")
    statement_sids: set[str] = set()
    for raw in args.get("statements") or []:
        statement = _statement_from_args(raw, version)
        if statement.sid:
            if statement.sid in statement_sids:
                raise InvalidInvokeArgumentsError(
                    f"duplicate Sid ({statement.sid}). Remove the "
                    "Sid or ensure the Sid is unique."
                )
            statement_sids.add(statement.sid)
        document.statements.append(statement)
    merged.merge(document)

    for index, override in enumerate(args.get("overridePolicyDocuments") or []):
        if override is None:
            continue
        merged.merge(parse_document(override, f"override document {index}"))

    indented = render(merged, indent=True)
    result: dict[str, Any] = {
        "id": str(zlib.crc32(indented.encode("utf-8"))),
        "json": indented,
        "minifiedJson": render(merged, indent=False),
        "version": version,
        "statements": list(args.get("statements") or []),
    }
    for echoed in ("policyId", "sourcePolicyDocuments", "overridePolicyDocuments"):
        if echoed in args:
            result[echoed] = args[echoed]
    return result


# ---------------------------------------------------------------------------------------------
# From the invoke's arguments (the provider's schema: sets of strings, principal and condition
# blocks).


def _string_set(values: Sequence[Any] | None) -> list[str]:
    """A TypeSet of strings: duplicates collapse."""
    return list(dict.fromkeys(str(v) for v in values or []))


def _decode_strings(values: list[str]) -> StringOrList:
    """``policyDecodeConfigStrings``: one element as a string, else the list sorted in reverse."""
    if len(values) == 1:
        return values[0]
    return sorted(values, reverse=True)


def _replace_vars(value: StringOrList, version: str) -> StringOrList:
    """``&{...}`` stands for the IAM policy variable ``${...}``; 2008-10-17 has no variables."""
    items = [value] if isinstance(value, str) else value
    for item in items:
        if version == "2008-10-17" and "&{" in item:
            raise InvalidInvokeArgumentsError(
                f"found &{{ sequence in ({item}), which is not "
                "supported in document version 2008-10-17"
            )
    if isinstance(value, str):
        return value.replace("&{", "${")
    return [item.replace("&{", "${") for item in value]


def _set_hash(serialized: str) -> str:
    """terraform-plugin-sdk's set code for an element: its CRC-32, as a decimal string."""
    return str(zlib.crc32(serialized.encode("utf-8")))


def _set_order(serialized: dict[str, Any]) -> list[Any]:
    """Set elements (keyed by their hash serialization) in ``schema.Set.List()`` order."""
    by_code = {_set_hash(text): element for text, element in serialized.items()}
    return [by_code[code] for code in sorted(by_code)]


def _serialize_strings_set(values: list[str]) -> str:
    members = _set_order({value: value for value in values})
    return "{" + "".join(f"{m};" for m in members) + "};"


def _principals_from_args(blocks: Sequence[Mapping[str, Any]], version: str) -> list[Principal]:
    # SerializeResourceForHash: fields in key order, "identifiers:{a;b;};type:AWS;"
    serialized: dict[str, Principal] = {}
    for block in blocks:
        identifiers = _string_set(block.get("identifiers"))
        principal_type = str(block.get("type", ""))
        text = f"identifiers:{_serialize_strings_set(identifiers)}type:{principal_type};"
        serialized[text] = Principal(
            type=principal_type,
            identifiers=_replace_vars(_decode_strings(identifiers), version),
        )
    return _set_order(serialized)


def _conditions_from_args(blocks: Sequence[Mapping[str, Any]], version: str) -> list[Condition]:
    # "test:StringLike;values:(a;b;);variable:s3:prefix;" (values is a list, not a set)
    serialized: dict[str, Condition] = {}
    for block in blocks:
        raw_values = [str(v) for v in block.get("values") or []]
        test, variable = str(block.get("test", "")), str(block.get("variable", ""))
        listed = "".join(f"{v};" for v in raw_values)
        text = f"test:{test};values:({listed});variable:{variable};"
        values = _replace_vars(raw_values, version)
        serialized[text] = Condition(
            test=test, variable=variable, values=values[0] if len(values) == 1 else values
        )
    return _set_order(serialized)


def _statement_from_args(raw: Mapping[str, Any], version: str) -> Statement:
    sid = str(raw.get("sid") or "")
    if not _SID.match(sid):
        raise InvalidInvokeArgumentsError(
            f"statement sid {sid!r} must only include alphanumeric "
            "characters."
        )
    effect = raw.get("effect") or "Allow"
    if effect not in ("Allow", "Deny"):
        raise InvalidInvokeArgumentsError(
            f"statement effect must be Allow or Deny, got {effect!r}."
        )
    statement = Statement(sid=sid, effect=effect)
    if actions := _string_set(raw.get("actions")):
        statement.actions = _decode_strings(actions)
    if not_actions := _string_set(raw.get("notActions")):
        statement.not_actions = _decode_strings(not_actions)
    if resources := _string_set(raw.get("resources")):
        statement.resources = _replace_vars(_decode_strings(resources), version)
    if not_resources := _string_set(raw.get("notResources")):
        statement.not_resources = _replace_vars(_decode_strings(not_resources), version)
    if principals := raw.get("principals"):
        statement.principals = _principals_from_args(principals, version)
    if not_principals := raw.get("notPrincipals"):
        statement.not_principals = _principals_from_args(not_principals, version)
    if conditions := raw.get("conditions"):
        statement.conditions = _conditions_from_args(conditions, version)
    return statement


# ---------------------------------------------------------------------------------------------
# From a JSON policy document (source and override documents): Go's json.Unmarshal into the
# provider's structs, field names matched case-insensitively as Go does.


def _field(obj: Mapping[str, Any], name: str) -> Any:
    if name in obj:
        return obj[name]
    for key, value in obj.items():
        if key.lower() == name.lower():
            return value
    return None


def _principals_from_json(value: Any, where: str) -> list[Principal]:
    if value is None:
        return []
    if isinstance(value, str):
        # The provider reads any string principal as the wildcard.
        return [Principal(type="*", identifiers=["*"])]
    if not isinstance(value, Mapping):
        raise InvalidInvokeArgumentsError(
            f"{where}: unsupported data type for Principal."
        )
    principals = []
    for principal_type, identifiers in value.items():
        if isinstance(identifiers, str):
            principals.append(Principal(type=principal_type, identifiers=identifiers))
        elif isinstance(identifiers, list):
            if not all(isinstance(i, str) for i in identifiers):
                raise InvalidInvokeArgumentsError(
                    f"{where}: principal identifiers of type "
                    f"{principal_type!r} must be strings."
                )
            principals.append(Principal(type=principal_type, identifiers=sorted(identifiers)))
        else:
            raise InvalidInvokeArgumentsError(
                f"{where}: unsupported data type for principal "
                f"identifiers of type {principal_type!r}."
            )
    return principals


def _conditions_from_json(value: Any, where: str) -> list[Condition]:
    if value is None:
        return []
    if not isinstance(value, Mapping) or not all(isinstance(v, Mapping) for v in value.values()):
        raise InvalidInvokeArgumentsError(
            f"{where}: Condition must map tests to variables."
        )
    conditions = []
    for test, variables in value.items():
        for variable, values in variables.items():
            if isinstance(values, bool):
                conditions.append(Condition(test, variable, "true" if values else "false"))
            elif isinstance(values, str):
                conditions.append(Condition(test, variable, [values]))
            elif isinstance(values, list):
                conditions.append(Condition(test, variable, [str(v) for v in values]))
            # The provider silently drops any other JSON type (numbers, objects).
    return conditions


def parse_document(text: Any, where: str) -> PolicyDocument:
    """A source or override document, read as the provider reads it."""
    try:
        raw = json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError as error:
        raise InvalidInvokeArgumentsError(
            f"{where} is not valid JSON: {error}"
        ) from error
    if not isinstance(raw, Mapping):
        raise InvalidInvokeArgumentsError(
            f"{where} must be a JSON object."
        )
    statements_raw = _field(raw, "Statement")
    if statements_raw is not None and not isinstance(statements_raw, list):
        raise InvalidInvokeArgumentsError(
            f"{where}: Statement must be a list (the provider cannot "
            "read a single statement object)."
        )
    document = PolicyDocument(
        version=str(_field(raw, "Version") or ""), id=str(_field(raw, "Id") or "")
    )
    for index, item in enumerate(statements_raw or []):
        if item is None:
            continue
        if not isinstance(item, Mapping):
            raise InvalidInvokeArgumentsError(
                f"{where}: statement {index} must be an object."
            )
        at = f"{where}, statement {index}"
        document.statements.append(
            Statement(
                sid=str(_field(item, "Sid") or ""),
                effect=str(_field(item, "Effect") or ""),
                actions=_field(item, "Action"),
                not_actions=_field(item, "NotAction"),
                resources=_field(item, "Resource"),
                not_resources=_field(item, "NotResource"),
                principals=_principals_from_json(_field(item, "Principal"), at),
                not_principals=_principals_from_json(_field(item, "NotPrincipal"), at),
                conditions=_conditions_from_json(_field(item, "Condition"), at),
            )
        )
    return document


# ---------------------------------------------------------------------------------------------
# Rendering: Go's encoding/json over the provider's structs and their MarshalJSON methods.


def _principals_json(principals: list[Principal]) -> Any:
    if len(principals) == 1:
        only = principals[0]
        if only.type == "*" and only.identifiers in ("*", ["*"]):
            return "*"
    grouped: dict[str, Any] = {}
    for principal in principals:
        current = grouped.get(principal.type)
        if isinstance(principal.identifiers, list):
            merged = [] if current is None else [current] if isinstance(current, str) else current
            merged.extend(sorted(principal.identifiers, reverse=True))
            grouped[principal.type] = merged
        elif current is None:
            grouped[principal.type] = principal.identifiers
        elif isinstance(current, str):
            grouped[principal.type] = [current, principal.identifiers]
        else:
            current.append(principal.identifiers)
    return {key: grouped[key] for key in sorted(grouped)}


def _conditions_json(conditions: list[Condition]) -> dict[str, dict[str, Any]]:
    grouped: dict[str, dict[str, list[str]]] = {}
    for condition in conditions:
        values = grouped.setdefault(condition.test, {}).setdefault(condition.variable, [])
        if isinstance(condition.values, list):
            values.extend(condition.values)
        else:
            values.append(condition.values)
    return {
        test: {
            variable: values[0] if len(values) == 1 else values
            for variable, values in sorted(grouped[test].items())
        }
        for test in sorted(grouped)
    }


def _statement_json(statement: Statement) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if statement.sid:
        out["Sid"] = statement.sid
    if statement.effect:
        out["Effect"] = statement.effect
    for key, value in (
        ("Action", statement.actions),
        ("NotAction", statement.not_actions),
        ("Resource", statement.resources),
        ("NotResource", statement.not_resources),
    ):
        if value is not None:
            out[key] = value
    if statement.principals:
        out["Principal"] = _principals_json(statement.principals)
    if statement.not_principals:
        out["NotPrincipal"] = _principals_json(statement.not_principals)
    if statement.conditions:
        out["Condition"] = _conditions_json(statement.conditions)
    return out


def _go_escape(text: str) -> str:
    """Go's encoder escapes HTML-significant characters and the JS line separators."""
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def render(document: PolicyDocument, *, indent: bool) -> str:
    out: dict[str, Any] = {}
    if document.version:
        out["Version"] = document.version
    if document.id:
        out["Id"] = document.id
    if document.statements:
        out["Statement"] = [_statement_json(s) for s in document.statements]
    if indent:
        text = json.dumps(out, indent=2, ensure_ascii=False)
    else:
        text = json.dumps(out, separators=(",", ":"), ensure_ascii=False)
    return _go_escape(text)
