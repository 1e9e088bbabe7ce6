"""Propose type-catalog entries for every resource type of the installed pulumi-aws / pulumi-oci.

The pack's type catalog (``policy_packs/residency/residency_pack/engine/catalog/*.json``) gives
every resource type token one reviewed entry: its role (stores-data, moves-data, grants-access,
holds-keys, config-only, global), a one-line reason, where its tags live, whether it accepts a
customer-managed key, the inputs that place it, and the inputs where a named place is harmless.

This script reads the SDKs' sources (as text: importing every SDK module costs tens of seconds)
and, for every type token that has no entry yet, writes a PROPOSAL marked ``"unreviewed": true``,
derived from hand-decided roles (``--seed``), the copy catalog (``engine/copy_fields.py``), and
the type's own names, property names and descriptions. It never changes a reviewed entry: after
a provider upgrade, ``git diff`` shows exactly the new proposals to review. A reviewer reads each
proposal, fixes its role and reason, and deletes the ``unreviewed`` marker. Until then the pack
treats the type as unreviewed (``residency-reviewed-types`` reports it, and it counts as
data-bearing: fail closed).

Usage::

    uv run python scripts/generate_type_catalog.py            # add proposals for new tokens
    uv run python scripts/generate_type_catalog.py --check    # exit 1 if a token lacks an entry
    uv run python scripts/generate_type_catalog.py --show MODULE   # print a module's entries

``--check`` also lists entries for tokens the SDKs no longer define and schema facts (tag paths)
that drifted from a reviewed entry.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = ROOT / "policy_packs/residency/residency_pack/engine/catalog"
PACKAGES = ("pulumi_aws", "pulumi_oci")
ROLES = ("stores-data", "moves-data", "grants-access", "holds-keys", "config-only", "global")

# --- reading the SDK sources ------------------------------------------------------------------

_RESOURCE_MODULES = re.compile(r'resource_modules="""(.*?)"""', re.DOTALL)
_CLASS = re.compile(r"^class (\w+)(?:\(([^)]*)\))?:", re.MULTILINE)
_GETTER = re.compile(
    r'@pulumi\.getter(?:\(name="(\w+)"\))?\n'  # the engine's (camelCase) name, if not the def's
    r"(?:[ \t]+@[^\n]*\n)*"  # other decorators (deprecation)
    r"\s+def (\w+)\(self\)\s*->\s*(.+?):\n"
    r'(?:\s+"""(.*?)""")?',
    re.DOTALL,
)
_TYPE_REF = re.compile(r"'(?:outputs\.)?([A-Z]\w+)'")
_SUPER_TOKEN = re.compile(r"super\((\w+), __self__\)\.__init__\(\s*'([^']+)'")
_CLASS_DOC = re.compile(r'__props__=None\):\n\s+"""(.*?)"""', re.DOTALL)


@dataclass(frozen=True)
class Input:
    """One settable property of a resource type: camelCase path (``a.b``), annotation, doc."""

    path: str
    annotation: str
    doc: str


@dataclass(frozen=True)
class TypeSchema:
    token: str
    package: str
    class_name: str
    description: str
    inputs: tuple[Input, ...] = field(default=())

    @property
    def top_level(self) -> dict[str, Input]:
        return {i.path: i for i in self.inputs if "." not in i.path}


def _site_dir(package: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{package} is not installed")
    return Path(spec.origin).parent


@cache
def _classes(path: Path) -> dict[str, tuple[str, dict[str, tuple[str, str]]]]:
    """class name -> (bases, {property name: (annotation, doc)}) for one source file."""
    text = path.read_text(encoding="utf-8")
    starts = list(_CLASS.finditer(text))
    out: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {}
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        getters: dict[str, tuple[str, str]] = {}
        for g in _GETTER.finditer(text, match.end(), end):
            getters.setdefault(g.group(1) or g.group(2), (g.group(3), _clean(g.group(4) or "")))
        out[match.group(1)] = (match.group(2) or "", getters)
    return out


def _clean(doc: str) -> str:
    return " ".join(doc.split())


def _description(text: str) -> str:
    """The first paragraph of the resource's own docstring that says what it is (OCI's start
    with a boilerplate "This resource provides ..." paragraph and API links)."""
    match = _CLASS_DOC.search(text)
    if not match:
        return ""
    for paragraph in re.split(r"\n\s*\n", match.group(1)):
        lines = [
            line.strip() for line in paragraph.splitlines()
            if line.strip() and not line.strip().startswith(_BOILERPLATE)
        ]  # fmt: skip
        if lines:
            return " ".join(lines)[:400]
    return ""


_BOILERPLATE = ("This resource provides", "Api doc link", "Example terraform", ">", "## ", "**")


@cache
def sdk_types() -> dict[str, TypeSchema]:
    """Every resource type token of the installed SDKs -> its schema, found by walking every
    resource class (the token is what it passes to ``super().__init__``)."""
    out: dict[str, TypeSchema] = {}
    for package in PACKAGES:
        base = _site_dir(package)
        for path in sorted(base.rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for class_name, token in _SUPER_TOKEN.findall(text):
                if token.count(":") != 2:  # the provider class passes its package name
                    continue
                inputs = tuple(_walk_inputs(path, class_name))
                out[token] = TypeSchema(token, package, class_name, _description(text), inputs)
    return dict(sorted(out.items()))


def _walk_inputs(path: Path, class_name: str, max_depth: int = 5) -> Iterator[Input]:
    top = _classes(path).get(f"{class_name}Args")
    if top is None:
        return
    nested_file = path.parent / "_inputs.py"
    nested = _classes(nested_file) if nested_file.exists() else {}

    def walk(
        getters: Mapping[str, tuple[str, str]], prefix: str, seen: frozenset[str]
    ) -> Iterator[Input]:
        for name, (annotation, doc) in getters.items():
            path_ = f"{prefix}.{name}" if prefix else name
            yield Input(path_, annotation, doc)
            refs = [r for r in _TYPE_REF.findall(annotation) if r in nested and r not in seen]
            if refs and len(seen) < max_depth:
                yield from walk(nested[refs[-1]][1], path_, seen | {refs[-1]})

    yield from walk(top[1], "", frozenset())


def module_of(token: str) -> str:
    return token.split(":")[1].split("/", 1)[0]


def name_of(token: str) -> str:
    return token.rsplit(":", 1)[-1]


# --- facts read from the schema ---------------------------------------------------------------

_KEY_FIELD = re.compile(
    r"(kms|cmk|customerManagedKey|customerMasterKey|encryptionKey(Arn|Id)?$|masterKeyId"
    r"|^keyId$|sseKey|customerEncryptionKey|kmsKeyVersion)",
    re.IGNORECASE,
)
_NOT_KEY = re.compile(r"(Type$|Enabled$|^is|Policy$|Algorithm$|Spec$|Usage$|Name$)")
_TAG_LEAF = {"aws": "tags", "oci": "freeformTags"}


# Inputs whose nested tags are the resource's own (elsewhere nested tags are a filter, or the
# tags of what the resource launches): the database of oci:Database/database:Database and the
# OCI-tags extension of identity-domain objects.
OWN_TAG_PARENTS = ("database", "urnietfparamsscimschemasoracleidcsextensionOciTags")


def tags_at(schema: TypeSchema) -> list[str]:
    """Where the resource's own tags live: its top-level tags input, else a nested one under a
    parent in :data:`OWN_TAG_PARENTS` (``database.freeformTags``)."""
    leaf = _TAG_LEAF[schema.token.split(":", 1)[0]]
    if leaf in schema.top_level:
        return [leaf]
    return [f"{parent}.{leaf}" for parent in OWN_TAG_PARENTS
            if any(i.path == f"{parent}.{leaf}" for i in schema.inputs)]  # fmt: skip


def key_fields(schema: TypeSchema) -> list[str]:
    found = []
    for item in schema.inputs:
        leaf = item.path.rsplit(".", 1)[-1]
        if _KEY_FIELD.search(leaf) and not _NOT_KEY.search(leaf):
            found.append(item.path)
    return found


def has_region_input(schema: TypeSchema) -> bool:
    return "region" in schema.top_level


_LOCATION_NAME = re.compile(r"^(homeRegion|regionName|region)$")


def proposed_location_fields(schema: TypeSchema) -> list[str]:
    """Inputs that say where the resource itself is, besides the AWS v7 ``region`` input that
    every regional AWS type takes (the engine reads that one for every AWS type)."""
    cloud = schema.token.split(":", 1)[0]
    out = []
    for name, item in schema.top_level.items():
        if not _LOCATION_NAME.match(name):
            continue
        if cloud == "aws" and name == "region":
            continue
        out.append(item.path)
    return out


_HARMLESS = re.compile(r"^(description|displayName|comment|notes|documentation\w*|helpUrl)$")


def proposed_harmless_fields(schema: TypeSchema) -> dict[str, str]:
    return {
        name: "free text that describes the resource; no data goes to a place named there"
        for name in schema.top_level
        if _HARMLESS.match(name)
    }


# --- proposing a role -------------------------------------------------------------------------

_NAME_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "holds-keys",
        re.compile(
            r"^(Key|ExternalKey|ReplicaKey|ReplicaExternalKey|KeyVersion|"
            r"Hsm\w*|CustomKeyStore|KeyStore|Vault)$"
        ),
        "holds encryption keys (key material or a key container)",
    ),
    (
        "grants-access",
        re.compile(
            r"(Policy|Policies|Permission|Permissions|Grant|Share|"
            r"Trust|Authorization|Principal|Federation|IdentityProvider|"
            r"Link|Attachment|AccessEntry|RoleAssociation|Membership|"
            r"Invitation|Delegat\w*|Acl|AclRule)$"
        ),
        "grants or links access to resources or data",
    ),
    (
        "moves-data",
        re.compile(
            r"(Replication\w*|Replicator|Copy|Export\w*|Import\w*|Pipe|"
            r"Pipeline|Subscription|Destination|Delivery\w*|Integration|"
            r"Connector|Connection|Transfer\w*|Sync\w*|Migration\w*|Task|"
            r"Target|Forwarding\w*|Channel|Mirror\w*|Peering\w*|Endpoint|"
            r"Stream\w*Destination|Flow\w*|Job\w*|Route\w*)$"
        ),
        "moves or sends data to another resource or place",
    ),
    (
        "stores-data",
        re.compile(
            r"(Database|Db|DbInstance|DbSystem|Table|Bucket|Volume|Snapshot|"
            r"Backup|FileSystem|Queue|Topic|Stream|Repository|Secret|"
            r"LogGroup|Log|Domain|Index|Ledger|Cache|Cluster|Dataset|"
            r"Collection|Store|Warehouse|Lake|Object|Archive|Image|Ami|"
            r"Broker|Disk|Registry|Catalog|Datastore|Graph|Model|Notebook"
            r"|Instance|Environment|Workspace|Application|Function)$"
        ),
        "may hold data: a store, database, cache, file system, stream, image or compute instance",
    ),
)
_DESCRIPTION_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "moves-data",
        re.compile(
            r"\b(replicat|export|copies|copy|deliver|stream(s|ing)? (data|"
            r"records)|migrat|transfer|synchroni|forward)",
            re.I,
        ),
    ),
    (
        "stores-data",
        re.compile(
            r"\b(stores?|database|data store|persist|backup|snapshot|"
            r"file system|storage)\b",
            re.I,
        ),
    ),
)


def propose_role(
    schema: TypeSchema, seeds: Mapping[str, str], movers: Iterable[str]
) -> tuple[str, str]:
    token = schema.token
    if token in seeds:
        role = seeds[token]
        return role, f"seeded from the pack's earlier hand list ({role})"
    if token in set(movers):
        return "moves-data", "named in the copy catalog (engine/copy_fields.py) as copying data"
    name = name_of(token)
    for role, pattern, reason in _NAME_RULES:
        if pattern.search(name):
            return role, f"proposed from its name: {reason}"
    for role, pattern in _DESCRIPTION_HINTS:
        if pattern.search(schema.description):
            return role, f"proposed from its description: {schema.description[:120]}"
    if token.startswith("aws:") and not has_region_input(schema):
        return "global", "proposed: the AWS v7 type takes no `region` input (a global service)"
    return "config-only", "proposed: no name, property or description says it holds or moves data"


def propose(schema: TypeSchema, seeds: Mapping[str, str], movers: Iterable[str]) -> dict[str, Any]:
    role, reason = propose_role(schema, seeds, movers)
    row: dict[str, Any] = {"role": role, "reason": reason, "unreviewed": True}
    row.update(schema_facts(schema))
    location = proposed_location_fields(schema)
    if location:
        row["location_fields"] = location
    harmless = proposed_harmless_fields(schema)
    if harmless:
        row["harmless_fields"] = harmless
    return row


def schema_facts(schema: TypeSchema) -> dict[str, Any]:
    """Facts the schema decides (not judgement): where tags live, whether a key is taken."""
    facts: dict[str, Any] = {}
    tags = tags_at(schema)
    if tags:
        facts["tags_at"] = tags
    if key_fields(schema):
        facts["takes_key"] = True
    return facts


# --- the data files ---------------------------------------------------------------------------

FIELD_ORDER = (
    "role", "reason", "tags_at", "takes_key", "location_fields", "harmless_fields",
    "reached_fields", "s3_location_fields", "image_fields", "personal_by_nature", "unreviewed",
)  # fmt: skip


def file_for(token: str) -> str:
    prefix = token.split(":", 1)[0]
    return f"{prefix}.json" if prefix in ("aws", "oci") else "other.json"


def load(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


ABOUT = (
    "Reviewed type catalog of the residency pack: one line per resource type token. "
    "Fields: role (stores-data | moves-data | grants-access | holds-keys | config-only | global), "
    "reason (one line, why), tags_at (input paths of the resource's own tags; absent: none), "
    "takes_key (accepts a customer-managed encryption key), location_fields (inputs that place the "
    "resource itself), harmless_fields (input path -> why a place named there is harmless), "
    "reached_fields (input path -> why the requests or logs the resource routes reach the place "
    "named there, whatever its role: judged as reached by data), s3_location_fields (input paths "
    "whose value is an S3 location `bucket[/prefix]`), image_fields (input path -> why the value "
    "there is a container image reference the resource runs: its registry is judged as the place "
    "the code comes from), "
    "personal_by_nature (why every store of the type holds personal data whatever its "
    "data-classification tag says: held to us-user-data's regions; reviewed per type), "
    "unreviewed (a generated proposal nobody reviewed yet: the pack fails closed on it; review the "
    "role and reason, then delete the marker). Proposals come from "
    "`uv run python scripts/generate_type_catalog.py`."
)


def render(entries: Mapping[str, Mapping[str, Any]]) -> str:
    lines = [f'"_about": {json.dumps(ABOUT)}']
    for token in sorted(entries):
        row = entries[token]
        ordered = {k: row[k] for k in FIELD_ORDER if k in row}
        ordered.update({k: v for k, v in row.items() if k not in ordered})
        lines.append(f"{json.dumps(token)}: {json.dumps(ordered, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def merge(
    existing: Mapping[str, dict[str, Any]], proposals: Mapping[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Existing entries as they are (reviewed or not); a proposal only for a new token."""
    merged = {token: dict(row) for token, row in existing.items()}
    for token, row in proposals.items():
        merged.setdefault(token, row)
    return merged


def copy_catalog_types() -> frozenset[str]:
    sys.path.insert(0, str(ROOT / "policy_packs/residency"))
    from residency_pack.engine import copy_fields

    return copy_fields.covered_types()


def proposals(seeds: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    movers = copy_catalog_types()
    return {token: propose(schema, seeds, movers) for token, schema in sdk_types().items()}


def check() -> list[str]:
    """What is wrong with the committed files against the installed SDKs."""
    problems: list[str] = []
    types = sdk_types()
    for cloud in ("aws", "oci"):
        entries = load(CATALOG_DIR / f"{cloud}.json")
        tokens = {t for t in types if t.startswith(f"{cloud}:")}
        problems += [f"no entry for {t}" for t in sorted(tokens - set(entries))]
        problems += [f"entry for {t}, which the SDK no longer defines"
                     for t in sorted(set(entries) - tokens)]  # fmt: skip
        problems += [f"unreviewed proposal for {t}" for t, row in sorted(entries.items())
                     if row.get("unreviewed")]  # fmt: skip
        for token in sorted(tokens & set(entries)):
            want = tags_at(types[token])
            have = entries[token].get("tags_at", [])
            if want != have:
                problems.append(f"{token}: tags_at is {have}, the SDK schema says {want}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if an entry is missing")
    parser.add_argument("--show", metavar="MODULE", help="print the entries of one module")
    parser.add_argument(
        "--seed", type=Path, help="JSON file {token: role} of roles decided by hand elsewhere"
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    if args.show:
        for cloud in ("aws", "oci"):
            for token, row in load(CATALOG_DIR / f"{cloud}.json").items():
                if module_of(token).lower() == args.show.lower():
                    print(token, json.dumps(row))
        return 0
    CATALOG_DIR.mkdir(parents=True, exist_ok=True)
    seeds = json.loads(args.seed.read_text()) if args.seed else {}
    new = proposals(seeds)
    for cloud in ("aws", "oci"):
        path = CATALOG_DIR / f"{cloud}.json"
        existing = load(path)
        ours = {t: row for t, row in new.items() if t.startswith(f"{cloud}:")}
        merged = merge(existing, ours)
        added = sorted(set(merged) - set(existing))
        path.write_text(render(merged), encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(merged)} entries, {len(added)} new proposals")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
