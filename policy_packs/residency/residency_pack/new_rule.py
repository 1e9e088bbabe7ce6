"""Scaffold a new rule of the residency pack, in one command:

    uv run python -m residency_pack.new_rule NAME --kind resource|stack

It writes everything a rule needs to be part of the pack, so that the whole test suite passes
right after it:

* the rule module ``residency_pack/rules/<name>.py``, shipped **advisory** (``advisory=True``)
  with a placeholder check: it flags exactly the resources tagged ``residency-placeholder:
  <policy>``, with a message saying the rule is not written yet;
* the registry entry in ``residency_pack/policies.py``;
* its annotated fixture program ``tests/pack/programs/<policy>/`` with one ``# violation:``
  (the tagged resource, flagged by the placeholder) and one ``# ok:``;
* the rows of the docs tables (the pack README, docs/reading-reports.md,
  docs/data-classification.md) and a CHANGELOG line, each marked TODO;
* the regenerated policy config schema (``config/policy-config.schema.json``).

The placeholder keeps failing its own fixture visibly (an advisory finding "PLACEHOLDER: ...
not written yet" in every report) until the check is written; docs/adding-a-rule.md goes on
from there.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

PACKAGE: Final = Path(__file__).resolve().parent
PACK_DIR: Final = PACKAGE.parent
REPO: Final = PACK_DIR.parents[1]
PLACEHOLDER_TAG: Final = "residency-placeholder"
_NAME: Final = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")

Kind = Literal["resource", "stack"]


class ScaffoldError(Exception):
    """A name or repository state the scaffold refuses, with what to do instead."""


@dataclass(frozen=True)
class NewRule:
    policy: str  # residency-<name>
    module: str  # <name> with underscores
    kind: Kind


def new_rule(name: str, kind: Kind) -> NewRule:
    bare = name.removeprefix("residency-")
    if not _NAME.fullmatch(bare):
        raise ScaffoldError(
            f"{name!r} is not a rule name: use lowercase words joined by hyphens, e.g. "
            "`oci-bucket-versioning` (the policy becomes `residency-oci-bucket-versioning`)"
        )
    return NewRule(f"residency-{bare}", bare.replace("-", "_"), kind)


_RESOURCE_MODULE = '''"""{policy}: TODO say in one sentence what this rule guarantees.

Scaffolded by `python -m residency_pack.new_rule` (docs/adding-a-rule.md). It ships advisory
(`advisory=True` below) with a PLACEHOLDER check, so that the pack and its tests stay green
while it is written. Write `check`, annotate the fixture programs it fires on, then remove
`advisory=True` if the rule is to block.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from residency_pack.engine.rule import Finding, ResourceContext, RuleSpec, resource_policy

NAME = "{policy}"
PLACEHOLDER_TAG = "{tag}"

SPEC = RuleSpec(
    name=NAME,
    display_name="TODO short title",
    description="TODO: what the rule checks, in one sentence.",
    severity=Severity.MEDIUM,
    remediation="TODO: how to fix a violation.",
    frameworks=("residency",),
    advisory=True,  # TODO: remove once the check is written, if the rule is to block
)


def check(ctx: ResourceContext) -> Iterator[Finding]:
    # PLACEHOLDER: flags only the resources tagged `residency-placeholder: <this policy>` (its
    # fixture's `# violation:` resource). Replace it with the real check.
    tags = ctx.props.get("tags") if isinstance(ctx.props, dict) else None
    if isinstance(tags, dict) and tags.get(PLACEHOLDER_TAG) == NAME:
        yield Finding(
            f"PLACEHOLDER: `{{NAME}}` is not written yet; it flags `{{ctx.name}}` only because "
            f"the resource is tagged `{{PLACEHOLDER_TAG}}`.",
            fix=f"write `check` in `{{__name__}}` (docs/adding-a-rule.md).",
        )


POLICY = resource_policy(SPEC, check)
'''

_STACK_MODULE = '''"""{policy}: TODO say in one sentence what this rule guarantees of the stack.

Scaffolded by `python -m residency_pack.new_rule --kind stack` (docs/adding-a-rule.md). A stack
rule sees every resource at once (`ctx.resources`, `ctx.by_urn`, dependencies); it runs at the
end of `pulumi preview`, so the deploy previews before it updates. It ships advisory
(`advisory=True` below) with a PLACEHOLDER check, so that the pack and its tests stay green
while it is written.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from residency_pack.engine.rule import Finding, RuleSpec, StackContext, stack_policy

NAME = "{policy}"
PLACEHOLDER_TAG = "{tag}"

SPEC = RuleSpec(
    name=NAME,
    display_name="TODO short title",
    description="TODO: what the rule checks across the stack, in one sentence.",
    severity=Severity.MEDIUM,
    remediation="TODO: how to fix a violation.",
    frameworks=("residency",),
    advisory=True,  # TODO: remove once the check is written, if the rule is to block
)


def check(ctx: StackContext) -> Iterator[Finding]:
    # PLACEHOLDER: flags only the resources tagged `residency-placeholder: <this policy>` (its
    # fixture's `# violation:` resource). Replace it with the real check; a stack finding
    # names the resource it concerns with `urn=`.
    for resource in ctx.resources:
        tags = resource.props.get("tags") if isinstance(resource.props, dict) else None
        if isinstance(tags, dict) and tags.get(PLACEHOLDER_TAG) == NAME:
            yield Finding(
                f"PLACEHOLDER: `{{NAME}}` is not written yet; it flags `{{resource.name}}` only "
                f"because the resource is tagged `{{PLACEHOLDER_TAG}}`.",
                urn=resource.urn,
                fix=f"write `check` in `{{__name__}}` (docs/adding-a-rule.md).",
            )


POLICY = stack_policy(SPEC, check)
'''

_FIXTURE_MAIN = '''"""Annotated fixture of {policy} (tests/pack/test_annotated_programs.py).

Scaffolded with the rule's placeholder: `flagged` carries the tag the placeholder flags. Replace
both resources with a violating and a compliant case of the real rule, and keep the annotations
exact: every mandatory finding of the pack here is a `# violation:` line.
"""

import pulumi_aws as aws

# violation: {policy}
aws.ec2.SecurityGroup(
    "flagged", description="placeholder case", tags={{"{tag}": "{policy}"}}
)

# ok: {policy}
aws.ec2.SecurityGroup("compliant", description="placeholder case")
'''

_FIXTURE_PROJECT = """name: fixture-{module_dash}
runtime:
  name: python
description: Annotated fixture for {policy} (see tests/pack/test_annotated_programs.py).
"""

_FIXTURE_STACK = """config:
  aws:region: us-east-1
  aws:allowedAccountIds:
    - "111111111111"
  oci:region: us-ashburn-1
  oci:tenancyOcid: ocid1.tenancy.oc1..aaaaaaaafixturetenancy
"""


def _write_new(path: Path, text: str) -> None:
    if path.exists():
        raise ScaffoldError(f"{path} already exists: is `{path.stem}` already a rule?")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _register(policies_py: Path, module: str) -> None:
    text = policies_py.read_text(encoding="utf-8")
    match = re.search(r"RULE_MODULES: tuple\[str, \.\.\.\] = \((?P<body>.*?)\n\)", text, re.S)
    if match is None:
        raise ScaffoldError(f"{policies_py}: no `RULE_MODULES: tuple[str, ...] = (...)` found")
    if f'"{module}"' in match.group("body"):
        raise ScaffoldError(f"{policies_py}: `{module}` is already registered")
    end = match.end("body")
    policies_py.write_text(text[:end] + f'\n    "{module}",' + text[end:], encoding="utf-8")


def _add_row(doc: Path, header_start: str, row: str) -> None:
    """Append ``row`` to the first table whose header line starts with ``header_start``."""
    lines = doc.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if ln.startswith(header_start)), None)
    if start is None:
        raise ScaffoldError(f"{doc}: no table starting with {header_start!r}")
    end = start
    while end + 1 < len(lines) and lines[end + 1].startswith("|"):
        end += 1
    lines.insert(end + 1, row + "\n")
    doc.write_text("".join(lines), encoding="utf-8")


def _changelog(changelog: Path, rule: NewRule) -> None:
    text = changelog.read_text(encoding="utf-8")
    anchor = "## [Unreleased]\n\n### Added\n"
    line = (
        f"\n- `{rule.policy}` (advisory, {rule.kind} rule): TODO what it checks and what a "
        "stack owner may have to do.\n"
    )
    if anchor in text:
        text = text.replace(anchor, anchor + line, 1)
    elif "## [Unreleased]\n" in text:
        text = text.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Added\n" + line, 1)
    else:
        raise ScaffoldError(f"{changelog}: no `## [Unreleased]` section")
    changelog.write_text(text, encoding="utf-8")


def scaffold(rule: NewRule, repo: Path = REPO) -> list[Path]:
    """Write the rule, its fixture, registry entry, docs rows and schema; the paths touched."""
    pack = repo / "policy_packs" / "residency"
    module_file = pack / "residency_pack" / "rules" / f"{rule.module}.py"
    fixture = repo / "tests" / "pack" / "programs" / rule.policy
    if fixture.exists():
        raise ScaffoldError(f"{fixture} already exists: is `{rule.policy}` already a rule?")
    template = _RESOURCE_MODULE if rule.kind == "resource" else _STACK_MODULE
    _write_new(module_file, template.format(policy=rule.policy, module=rule.module,
                                            tag=PLACEHOLDER_TAG))  # fmt: skip
    _write_new(fixture / "__main__.py", _FIXTURE_MAIN.format(policy=rule.policy,
                                                             tag=PLACEHOLDER_TAG))  # fmt: skip
    _write_new(
        fixture / "Pulumi.yaml",
        _FIXTURE_PROJECT.format(policy=rule.policy, module_dash=rule.module.replace("_", "-")),
    )
    _write_new(fixture / "Pulumi.test.yaml", _FIXTURE_STACK)
    _register(pack / "residency_pack" / "policies.py", rule.module)
    todo = "TODO (advisory while it is written)"
    _add_row(pack / "README.md", "| policy | kind | what it checks |",
             f"| `{rule.policy}` | {rule.kind} | {todo} |")  # fmt: skip
    _add_row(repo / "docs" / "reading-reports.md", "| policy | typical cause | fix |",
             f"| `{rule.policy}` | {todo} | TODO |")  # fmt: skip
    _add_row(repo / "docs" / "data-classification.md", "| `residency-classification-required` |",
             f"| `{rule.policy}` | {todo} |")  # fmt: skip
    _changelog(pack / "CHANGELOG.md", rule)
    schema = pack / "config" / "policy-config.schema.json"
    _regenerate_schema(schema, repo)
    return [module_file, fixture, pack / "residency_pack" / "policies.py", pack / "README.md",
            repo / "docs" / "reading-reports.md", repo / "docs" / "data-classification.md",
            pack / "CHANGELOG.md", schema]  # fmt: skip


def _regenerate_schema(schema: Path, repo: Path) -> None:
    """The config schema of the pack as it is on disk now (the new module included), generated
    in a fresh interpreter so that the copy at ``repo`` is the one imported."""
    import subprocess

    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from residency_pack import config_schema; "
        "open(sys.argv[2], 'w', encoding='utf-8').write(config_schema.rendered())"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(repo / "policy_packs" / "residency"), str(schema)],
        check=True, cwd=repo, timeout=300,
    )  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m residency_pack.new_rule",
        description="Scaffold a rule of the residency pack (docs/adding-a-rule.md).",
    )
    parser.add_argument("name", help="e.g. oci-bucket-versioning (becomes residency-<name>)")
    parser.add_argument("--kind", choices=("resource", "stack"), default="resource")
    args = parser.parse_args(argv)
    try:
        rule = new_rule(args.name, args.kind)
        touched = scaffold(rule)
    except ScaffoldError as error:
        print(f"new_rule: error: {error}", file=sys.stderr)
        return 2
    print(f"scaffolded {rule.policy} ({rule.kind} rule, advisory, placeholder check):")
    for path in touched:
        print(f"  {path.relative_to(REPO)}")
    print("next: write `check`, annotate the fixtures it fires on (docs/adding-a-rule.md)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
