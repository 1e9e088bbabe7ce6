"""Annotated fixture programs, one per policy (semgrep-rules style), checked by one runner.

Each folder of ``tests/pack/programs/`` is named after a policy and holds a small Pulumi Python
program (``Pulumi.yaml``, ``Pulumi.test.yaml``, ``__main__.py``). A resource that matters is
preceded by one or more comment lines::

    # violation: residency-region-allowlist
    # ok: residency-key-locality
    bucket = aws.s3.Bucket("user-content", ...)

The annotations apply to the call that starts on the next code line; the resource's name is that
call's first positional string argument. The runner runs ``preflight`` in-process on the program
(stack ``test``, JSON report; with the folder's ``policy-config.json`` as ``--policy-pack-config``
when there is one) and requires:

* the set of (policy, resource name) pairs of the mandatory violations (and of the advisory
  findings of a policy shipped advisory in code, such as a freshly scaffolded rule) to equal
  the set of ``# violation:`` annotations exactly (a finding without an annotation fails too, so the
  annotations describe everything the pack says about the program);
* no finding at all, of any enforcement, for an ``# ok:`` pair;
* at least one violating and one compliant resource for the program's own policy.
"""

from __future__ import annotations

import ast
import io
import json
import re
from contextlib import redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import EnforcementLevel
from residency_pack.policies import all_policies

from preflight.cli import main

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
PACK = HERE.parents[1] / "policy_packs" / "residency"
STACK = "test"
POLICY_CONFIG = "policy-config.json"  # optional, in the format of `--policy-pack-config`
POLICY_NAMES = frozenset(policy.name for policy in all_policies())
# Policies shipped advisory in code (a rule being written, or on probation): their advisory
# findings are what their `# violation:` annotations describe.
ADVISORY_IN_CODE = frozenset(
    policy.name
    for policy in all_policies()
    if policy.enforcement_level == EnforcementLevel.ADVISORY
)
ANNOTATION = re.compile(r"^#\s*(violation|ok)\s*:\s*(\S+)\s*$")
LOOKS_LIKE_ANNOTATION = re.compile(r"^#\s*(violation|ok)\s*:")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pulumi_aws's own, on import

Pair = tuple[str, str]  # (policy, resource name)


@dataclass(frozen=True)
class Annotation:
    line: int
    kind: str  # "violation" | "ok"
    policy: str
    resource: str


class AnnotationError(Exception):
    """An annotation that does not say what it applies to."""


def _call_names(tree: ast.AST) -> dict[int, str | None]:
    """For each line where a call starts: the first positional argument of the outermost call
    starting there, if it is a string literal (else None)."""
    names: dict[int, str | None] = {}
    for node in ast.walk(tree):  # breadth first: an outer call is seen before the calls inside it
        if isinstance(node, ast.Call) and node.lineno not in names:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names[node.lineno] = first.value
            else:
                names[node.lineno] = None
    return names


def parse_annotations(source: str, file: str = "__main__.py") -> list[Annotation]:
    """Every annotation of ``source`` with the resource name it applies to."""
    names = _call_names(ast.parse(source, filename=file))
    lines = source.splitlines()
    found: list[Annotation] = []
    pending: list[tuple[int, str, str]] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if match := ANNOTATION.match(text):
            kind, policy = match.groups()
            if policy not in POLICY_NAMES:
                raise AnnotationError(f"{file}:{number}: `{policy}` is not a policy of the pack")
            pending.append((number, kind, policy))
            continue
        if LOOKS_LIKE_ANNOTATION.match(text):
            raise AnnotationError(
                f"{file}:{number}: malformed annotation {text!r}; write one "
                "`# violation: <policy>` or `# ok: <policy>` per line"
            )
        if text.startswith("#") or not pending:
            continue
        first = pending[0][0]
        if not text:
            raise AnnotationError(f"{file}:{first}: annotation followed by a blank line")
        if number not in names:
            raise AnnotationError(f"{file}:{first}: line {number} after it starts no call")
        name = names[number]
        if name is None:
            raise AnnotationError(
                f"{file}:{first}: the call on line {number} has no string literal as its first "
                "positional argument (the resource name)"
            )
        found += [Annotation(n, kind, policy, name) for n, kind, policy in pending]
        pending = []
    if pending:
        raise AnnotationError(f"{file}:{pending[0][0]}: annotation at the end of the file")
    return found


def run_preflight_json(program: Path, report_file: Path) -> tuple[int, dict[str, Any], str]:
    argv = ["--program", str(program), "--stack", STACK, "--policy-pack", str(PACK)]
    if (program / POLICY_CONFIG).is_file():
        argv += ["--policy-pack-config", str(program / POLICY_CONFIG)]
    argv += ["--format", "json", "--output", str(report_file)]
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        code = main(argv)
    if not report_file.exists():
        pytest.fail(
            f"preflight wrote no report for {program.name} (exit {code}):\n{stderr.getvalue()}"
        )
    return code, json.loads(report_file.read_text()), stderr.getvalue()


def resource_name(urn: str | None) -> str:
    return urn.rsplit("::", 1)[-1] if urn else "<no urn>"


def _show(pairs: set[Pair], messages: dict[Pair, list[str]] | None = None) -> str:
    rows = []
    for policy, name in sorted(pairs, key=lambda p: (p[1], p[0])):
        rows.append(f"    # violation: {policy}  ->  {name}")
        for message in (messages or {}).get((policy, name), [])[:2]:
            rows.append(f"        {message[:240]}")
    return "\n".join(rows)


def program_dirs() -> list[Path]:
    return sorted(p for p in PROGRAMS.iterdir() if (p / "Pulumi.yaml").is_file())


def test_every_policy_has_a_program() -> None:
    assert {p.name for p in program_dirs()} == set(POLICY_NAMES)


def test_annotations_apply_to_the_call_on_the_next_code_line() -> None:
    source = (
        "# violation: residency-region-allowlist\n"
        "# ok: residency-key-locality\n"
        "# a plain comment between annotations and code is fine\n"
        "bucket = aws.s3.Bucket(\n"
        '    "user-content", tags=tags("us-user-data"))\n'
        "# ok: residency-data-flow\n"
        'helper("replica", make("ignored"))\n'
    )
    assert [(a.line, a.kind, a.policy, a.resource) for a in parse_annotations(source)] == [
        (1, "violation", "residency-region-allowlist", "user-content"),
        (2, "ok", "residency-key-locality", "user-content"),
        (6, "ok", "residency-data-flow", "replica"),
    ]


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("# ok: residency-no-such-policy\nf('x')\n", "not a policy of the pack"),
        ("# ok: residency-data-flow\n\nf('x')\n", "blank line"),
        ("# ok: residency-data-flow\nx = 1\n", "starts no call"),
        ("# ok: residency-data-flow\nf(name)\n", "no string literal"),
        ("f('x')\n# ok: residency-data-flow\n", "end of the file"),
        ("# ok: residency-data-flow, residency-key-locality\nf('x')\n", "malformed"),
    ],
)
def test_annotations_that_name_no_resource_are_errors(source: str, error: str) -> None:
    with pytest.raises(AnnotationError, match=error):
        parse_annotations(source)


@pytest.mark.parametrize("program", program_dirs(), ids=lambda p: p.name)
def test_annotated_program(program: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pulumi_aws.Provider falls back to these for its region; the programs say where things are.
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    annotations = parse_annotations((program / "__main__.py").read_text())
    own = {a.kind for a in annotations if a.policy == program.name}
    assert own == {"violation", "ok"}, (
        f"{program.name}: needs at least one `# violation:` and one `# ok:` for its own policy"
    )

    code, report, stderr = run_preflight_json(program, tmp_path / "report.json")
    assert code in (0, 1), f"preflight could not evaluate {program.name} (exit {code}):\n{stderr}"

    names = [r["name"] for r in report["resources"]]
    for annotation in annotations:
        count = names.count(annotation.resource)
        assert count == 1, (
            f"__main__.py:{annotation.line}: `{annotation.resource}` names {count} resources of "
            "the program; an annotation must precede the call that creates the resource, and "
            "annotated resources need unique names"
        )

    messages: dict[Pair, list[str]] = {}
    every: set[Pair] = set()
    mandatory: set[Pair] = set()
    for violation in report["violations"]:
        pair = (violation["policy"], resource_name(violation["urn"]))
        messages.setdefault(pair, []).append(violation["message"])
        every.add(pair)
        if violation["enforcement"] == "mandatory" or violation["policy"] in ADVISORY_IN_CODE:
            mandatory.add(pair)

    expected = {(a.policy, a.resource) for a in annotations if a.kind == "violation"}
    unexpected, missing = mandatory - expected, expected - mandatory
    assert not unexpected and not missing, (
        f"{program.name}: findings and annotations differ\n"
        f"  found but not annotated (add the annotation or fix the rule):\n"
        f"{_show(unexpected, messages) or '    none'}\n"
        f"  annotated but not found (false negative, or a stale annotation):\n"
        f"{_show(missing) or '    none'}"
    )

    flagged_ok = [a for a in annotations if a.kind == "ok" and (a.policy, a.resource) in every]
    assert not flagged_ok, f"{program.name}: `# ok:` resources with findings:\n" + "\n".join(
        f"    __main__.py:{a.line} {a.policy} -> {a.resource}: "
        f"{messages[(a.policy, a.resource)][0][:240]}"
        for a in flagged_ok
    )
