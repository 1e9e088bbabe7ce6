"""``preflight.yaml``: answers, given by the user, for invokes preflight cannot derive offline.

The file sits beside ``Pulumi.yaml``::

    # preflight.yaml
    invokes:
      aws:ec2/getAmi:                 # the invoke token (the trailing ":getAmi" is optional)
        - match:                      # optional: used only when every listed argument is equal
            mostRecent: true          # argument names as the engine sees them (camelCase)
            owners: [amazon]
          result:                     # the data source's outputs, camelCase
            id: ami-0123456789abcdef0
            architecture: x86_64
        - result: {id: ami-0fedcba9876543210}   # no match: any other call of this token

Entries are tried in order; the first whose ``match`` holds answers. A fixture for a token that
also has a built-in answer takes precedence over it.

The same file answers reads and accepts multi-language components::

    reads:                            # Resource.get(...): keyed by type, then ID
      aws:ec2/vpc:Vpc:
        vpc-0123456789abcdef0:        # the read resource's outputs, camelCase
          cidrBlock: 10.0.0.0/16
    stackReferences:                  # StackReference("org/project/stack"): its outputs
      acme/network/prod:
        vpcId: vpc-0123456789abcdef0
    remoteComponents:                 # a remote=True component preflight cannot expand offline
      awsx:ecr:Repository:
        reason: the repository it creates is checked by `pulumi preview --policy-pack` in CI
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from preflight.project import read_text

from .errors import FixtureFileError
from .tokens import short_token

FIXTURE_FILE = "preflight.yaml"

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "preflight fixtures",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "reads": {
            "type": "object",
            "description": "Outputs of resources the program reads (Resource.get), by type, "
            "then ID; a read without an entry has every output unknown.",
            "propertyNames": {"$ref": "#/$defs/typeToken"},
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "object"},
            },
        },
        "stackReferences": {
            "type": "object",
            "description": "Outputs of the stacks the program references, by stack name.",
            "propertyNames": {"minLength": 1},
            "additionalProperties": {"type": "object"},
        },
        "remoteComponents": {
            "type": "object",
            "description": "Multi-language components accepted unchecked, by type, each with "
            "the reason the resources they create need not be checked here.",
            "propertyNames": {"$ref": "#/$defs/typeToken"},
            "additionalProperties": {
                "type": "object",
                "required": ["reason"],
                "additionalProperties": False,
                "properties": {"reason": {"type": "string", "minLength": 1, "pattern": "\\S"}},
            },
        },
        "invokes": {
            "type": "object",
            "propertyNames": {
                "pattern": r"^[A-Za-z0-9_-]+:[A-Za-z0-9_.-]*/?[A-Za-z0-9_]+(:[A-Za-z0-9_]+)?$"
            },
            # A token maps to one answer or to a list of them; the loader reads the first form
            # as a list of one before validating, so errors point into the entry itself.
            "additionalProperties": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/$defs/answer"},
            },
        },
    },
    "$defs": {
        "typeToken": {"pattern": r"^[A-Za-z0-9_-]+:[A-Za-z0-9_./-]*:[A-Za-z0-9_]+$"},
        "answer": {
            "type": "object",
            "required": ["result"],
            "additionalProperties": False,
            "properties": {
                "match": {"type": "object"},
                "result": {"type": "object"},
                "description": {"type": "string"},
            },
        },
    },
}


@dataclass(frozen=True)
class FixtureAnswer:
    token: str  # as written in the file
    index: int
    match: Mapping[str, Any]
    result: Mapping[str, Any]

    @property
    def where(self) -> str:
        return f"{FIXTURE_FILE}: invokes.{self.token}[{self.index}]"

    def matches(self, args: Mapping[str, Any]) -> bool:
        return all(key in args and _equal(args[key], want) for key, want in self.match.items())


def _equal(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, Mapping):
        return (
            isinstance(actual, Mapping)
            and set(actual) == set(wanted)
            and all(_equal(actual[k], wanted[k]) for k in wanted)
        )
    if isinstance(wanted, list):
        return (
            isinstance(actual, list | tuple)
            and len(actual) == len(wanted)
            and all(_equal(a, w) for a, w in zip(actual, wanted, strict=True))
        )
    if isinstance(wanted, bool) or isinstance(actual, bool):
        return actual is wanted
    return bool(actual == wanted)


@dataclass
class Fixtures:
    path: Path | None = None
    by_token: dict[str, list[FixtureAnswer]] = field(default_factory=dict)
    reads: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    stack_references: dict[str, dict[str, Any]] = field(default_factory=dict)
    remote_components: dict[str, str] = field(default_factory=dict)
    """Accepted multi-language component type -> the reason given."""

    def find(self, token: str) -> list[FixtureAnswer]:
        return self.by_token.get(short_token(token), [])

    def answer_for(self, token: str, args: Mapping[str, Any]) -> FixtureAnswer | None:
        for answer in self.find(token):
            if answer.matches(args):
                return answer
        return None


def _format_path(path: Any) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")


def load_fixtures(program_dir: Path) -> Fixtures:
    """The fixtures beside ``Pulumi.yaml``; none if the file does not exist."""
    path = Path(program_dir) / FIXTURE_FILE
    if not path.is_file():
        return Fixtures()
    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise FixtureFileError(f"{path}{at}: not valid YAML: {problem}") from error
    if data is None:
        return Fixtures(path=path)
    single: set[str] = set()
    if isinstance(data, dict) and isinstance(data.get("invokes"), dict):
        for token, entries in data["invokes"].items():
            if isinstance(entries, dict):
                single.add(token)
                data["invokes"][token] = [entries]
    errors = sorted(
        jsonschema.Draft202012Validator(SCHEMA).iter_errors(data),
        key=jsonschema.exceptions.relevance,
        reverse=True,
    )
    if errors:
        problems = []
        for problem in errors[:3]:
            where = list(problem.absolute_path)
            if len(where) > 2 and where[0] == "invokes" and where[1] in single:
                del where[2]  # written as one mapping, not a list
            problems.append(f"key {_format_path(where) or '(top level)'}: {problem.message}")
        more = f"; and {len(errors) - 3} more" if len(errors) > 3 else ""
        raise FixtureFileError(
            f"{path}: {'; '.join(problems)}{more}. Each invoke token maps to "
            "{result: {...}, match: {...}} or a list of those; reads.<type>.<id> and "
            "stackReferences.<stack> to outputs; remoteComponents.<type> to {reason: ...} "
            "(preflight/invokes/README.md)."
        )
    fixtures = Fixtures(
        path=path,
        reads={
            t: {str(i): dict(o) for i, o in ids.items()}
            for t, ids in (data.get("reads") or {}).items()
        },
        stack_references={str(k): dict(v) for k, v in (data.get("stackReferences") or {}).items()},
        remote_components={
            t: str(entry["reason"]).strip()
            for t, entry in (data.get("remoteComponents") or {}).items()
        },
    )
    for token, entries in (data.get("invokes") or {}).items():
        answers = [
            FixtureAnswer(token, i, e.get("match") or {}, e["result"])
            for i, e in enumerate(entries)
        ]
        fixtures.by_token.setdefault(short_token(token), []).extend(answers)
    return fixtures
