"""Mutation testing of the residency pack's engine modules against the pack's unit tests.

Run from the repository root:

    uv run python scripts/mutation.py                      # every engine module, every mutant
    uv run python scripts/mutation.py --module rule        # one module (repeatable)
    uv run python scripts/mutation.py --sample 40          # a seeded sample: 40 mutants a module
    uv run python scripts/mutation.py --workers 2 --seed 7

It prints the score per module and overall (killed / (mutants - listed equivalents)) and writes
`build/mutation/survivors.txt` (one surviving mutant a line, with its id and the changed source)
and `build/mutation/results.json`.

Why a small AST runner and not mutmut: mutmut 3 names its mutants after the file's path and
swaps functions through trampolines in a `mutants/` copy of the source tree that it puts first on
sys.path. Here the package is `residency_pack`, living at `policy_packs/residency/residency_pack`
and imported through the editable install's .pth entry; mutmut would derive the module name
`policy_packs.residency.residency_pack...` and the trampolines would not match what the tests
import, and the team's deadline left no time to bend that layout. This runner instead:

* parses one module, enumerates mutation points, and for each mutant writes the mutated source
  (via `ast.unparse`) into a per-worker temporary copy of `policy_packs/residency`, which is put
  first on PYTHONPATH (ahead of the editable install's .pth entry), with bytecode writing off and
  the copy's `__pycache__` removed, so the tests import the mutant and never a stale .pyc;
* runs that module's selected tests (MODULE_TESTS below) with `pytest -x` and a timeout
  (3 x the unmutated run + 20 s; a timeout counts as killed); any failure kills the mutant;
* runs mutants in parallel over `--workers` processes (default 2).

Operators: comparison swaps (== / !=, < / >=, > / <=, in / not in, is / is not), and/or swap,
arithmetic swaps (+ / -, * / //), `not x` -> `x`, constant changes (True/False flipped, int n ->
n + 1, str s -> "XX" + s + "XX"; f-string literal text is left alone), `return <expr>` ->
`return None`, and statement deletion
(an expression statement, `raise`, `continue`, `break` or augmented assignment -> `pass`).
Docstrings, `...` stub bodies, annotations and `if TYPE_CHECKING:` blocks are not mutated.

Tests run per mutant: the module's own unit tests (MODULE_TESTS), never the end-to-end tests that
start a policy-pack process (`test_pack_process.py`, `test_annotated_programs.py`,
`flows/test_end_to_end.py`, `test_servicer.py`, `test_decode_once.py`): that process is started by
preflight/the Pulumi CLI, costs seconds per mutant, and imports the pack from disk where the
mutant copy may not be the one it finds. So the score is a lower bound on what the whole suite
kills. Survivors of the selected tests can be re-checked against every unit test with `--recheck`.

Equivalent mutants are listed in `scripts/mutation_equivalent.txt`, one `<mutant id>  <reason>` a
line; they are excluded from the score (and reported as such). A mutant id is
`<module>:<line>:<col>:<operator>`, stable while the line does not move.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACK_DIR = ROOT / "policy_packs" / "residency"
PACKAGE = PACK_DIR / "residency_pack"
OUT = ROOT / "build" / "mutation"
EQUIVALENTS = ROOT / "scripts" / "mutation_equivalent.txt"

ENGINE = "engine"
RULES = "rules"

# module -> (file under residency_pack, the unit tests that exercise it)
MODULE_TESTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "effective_region": (
        f"{ENGINE}/effective_region.py",
        ("tests/pack/engine/test_effective_region.py", "tests/pack/rules/test_region_allowlist.py"),
    ),
    "classification": (
        f"{ENGINE}/classification.py",
        (
            "tests/pack/engine/test_classification.py",
            "tests/pack/rules/test_classification_required.py",
            "tests/pack/rules/test_classification_in_region.py",
        ),
    ),
    "copy_fields": (
        f"{ENGINE}/copy_fields.py",
        ("tests/pack/flows/test_copy_fields.py", "tests/pack/flows/test_no_cross_region_copy.py"),
    ),
    "dataflow": (
        f"{ENGINE}/dataflow.py",
        (
            "tests/pack/flows/test_data_flow.py",
            "tests/pack/flows/test_connectors.py",
            "tests/pack/flows/test_flow_properties.py",
        ),
    ),
    "rule": (f"{ENGINE}/rule.py", ("tests/pack/engine/test_rule.py",)),
    "pack_config": (
        f"{ENGINE}/pack_config.py",
        ("tests/pack/engine/test_pack_config.py", "tests/pack/rules/test_provider_trust.py"),
    ),
    "places": (
        f"{ENGINE}/places.py",
        ("tests/pack/engine/test_places.py", "tests/pack/rules/test_named_places.py"),
    ),
    "stack_config": (
        f"{ENGINE}/stack_config.py",
        ("tests/pack/engine/test_pack_config.py", "tests/pack/rules/test_provider_trust.py"),
    ),
    "key_locality": (f"{RULES}/key_locality.py", ("tests/pack/rules/test_key_locality.py",)),
    "provider_trust": (f"{RULES}/provider_trust.py", ("tests/pack/rules/test_provider_trust.py",)),
}

# Tests that start a policy-pack process or a Pulumi program: never run per mutant.
PROCESS_TESTS = (
    "tests/pack/test_pack_process.py",
    "tests/pack/test_annotated_programs.py",
    "tests/pack/flows/test_end_to_end.py",
    "tests/pack/test_servicer.py",
    "tests/pack/test_decode_once.py",
)

COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult,
}
DELETABLE = (ast.Expr, ast.Raise, ast.Continue, ast.Break, ast.AugAssign)


@dataclass(frozen=True)
class Mutant:
    module: str
    index: int
    line: int
    col: int
    operator: str

    @property
    def id(self) -> str:
        return f"{self.module}:{self.line}:{self.col}:{self.operator}"


def _is_ellipsis(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and stmt.value.value is Ellipsis
    )


class Mutator(ast.NodeTransformer):
    """Walks a module; counts mutation points, and applies the one numbered `target`."""

    def __init__(self, target: int = -1) -> None:
        self.target = target
        self.count = 0
        self.points: list[tuple[int, int, str]] = []

    def _hit(self, node: ast.AST, operator: str) -> bool:
        self.points.append((getattr(node, "lineno", 0), getattr(node, "col_offset", 0), operator))
        hit = self.count == self.target
        self.count += 1
        return hit

    # never mutate docstrings, annotations or TYPE_CHECKING blocks
    def _body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        start = 0
        first = body[0] if body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            start = 1 if isinstance(first.value.value, str) else 0
        out = body[:start]
        for stmt in body[start:]:
            out.append(self._statement(stmt))
        return out

    def _statement(self, stmt: ast.stmt) -> ast.stmt:
        if _is_ellipsis(stmt):  # a stub body (`...`): deleting it changes nothing
            return stmt
        if isinstance(stmt, DELETABLE) and self._hit(stmt, f"delete-{type(stmt).__name__}"):
            return ast.copy_location(ast.Pass(), stmt)
        result = self.visit(stmt)
        assert isinstance(result, ast.stmt)
        return result

    def visit_Module(self, node: ast.Module) -> ast.Module:
        node.body = self._body(node.body)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [d if d is None else self.visit(d) for d in node.args.kw_defaults]
        node.body = self._body(node.body)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        node.body = self._body(node.body)
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AnnAssign:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_If(self, node: ast.If) -> ast.If:
        test = node.test
        if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
            return node
        node.test = self.visit(node.test)
        node.body = self._body(node.body)
        node.orelse = self._body(node.orelse)
        return node

    def _blocks(self, node: ast.AST) -> ast.AST:
        for field in ("body", "orelse", "finalbody"):
            if hasattr(node, field):
                setattr(node, field, self._body(getattr(node, field)))
        for name, value in ast.iter_fields(node):
            if name in ("body", "orelse", "finalbody"):
                continue
            if isinstance(value, ast.AST):
                setattr(node, name, self.visit(value))
            elif isinstance(value, list):
                setattr(node, name, [self.visit(v) if isinstance(v, ast.AST) else v for v in value])
        return node

    visit_For = visit_While = visit_With = visit_Try = visit_ExceptHandler = _blocks
    visit_match_case = _blocks

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            swap = COMPARE_SWAPS.get(type(op))
            if swap and self._hit(node, f"{type(op).__name__}->{swap.__name__}"):
                node.ops[i] = swap()
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        other: ast.boolop = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        if self._hit(node, f"{type(node.op).__name__}->{type(other).__name__}"):
            node.op = other
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swap = BINOP_SWAPS.get(type(node.op))
        if swap and self._hit(node, f"{type(node.op).__name__}->{swap.__name__}"):
            node.op = swap()
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and self._hit(node, "remove-not"):
            return node.operand
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        value = node.value
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return node
        if self._hit(node, "return-None"):
            node.value = ast.Constant(None)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        # f-string literal parts are message text; mutate the interpolated values only
        node.values = [v if isinstance(v, ast.Constant) else self.visit(v) for v in node.values]
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool):
            if self._hit(node, f"{value}->{not value}"):
                return ast.copy_location(ast.Constant(not value), node)
        elif isinstance(value, int):
            if self._hit(node, "int+1"):
                return ast.copy_location(ast.Constant(value + 1), node)
        elif isinstance(value, str) and self._hit(node, "str"):
            return ast.copy_location(ast.Constant(f"XX{value}XX"), node)
        return node


def mutation_points(module: str) -> list[Mutant]:
    source = (PACKAGE / MODULE_TESTS[module][0]).read_text()
    mutator = Mutator()
    mutator.visit(ast.parse(source))
    return [Mutant(module, i, line, col, op) for i, (line, col, op) in enumerate(mutator.points)]


def mutated_source(mutant: Mutant) -> str:
    source = (PACKAGE / MODULE_TESTS[mutant.module][0]).read_text()
    tree = ast.parse(source)
    mutator = Mutator(target=mutant.index)
    tree = mutator.visit(copy.deepcopy(tree))
    ast.fix_missing_locations(tree)
    return ast.unparse(tree)


def pytest_command(tests: tuple[str, ...]) -> list[str]:
    deselect = [arg for test in PROCESS_TESTS for arg in ("--ignore", test)]
    return [
        sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
        "--no-header", "-o", "addopts=--import-mode=importlib",
        *deselect, *tests,
    ]  # fmt: skip


def run_tests(tests: tuple[str, ...], pack_copy: Path, timeout: float) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(pack_copy), str(ROOT / "infra")]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "default"),
    }
    try:
        done = subprocess.run(
            pytest_command(tests), cwd=ROOT, env=env, capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return "timeout"
    return "survived" if done.returncode == 0 else "killed"


def make_copy(workdir: Path) -> Path:
    target = workdir / "residency"
    shutil.copytree(PACK_DIR, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def unmutated_seconds(tests: tuple[str, ...], pack_copy: Path) -> float:
    started = time.monotonic()
    outcome = run_tests(tests, pack_copy, timeout=900)
    if outcome != "survived":
        sys.exit(f"the unmutated tests fail ({' '.join(tests)}): fix them before mutating")
    return time.monotonic() - started


def load_equivalents() -> dict[str, str]:
    equivalents: dict[str, str] = {}
    if EQUIVALENTS.exists():
        for raw in EQUIVALENTS.read_text().splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                mutant_id, _, reason = line.partition(" ")
                equivalents[mutant_id] = reason.strip()
    return equivalents


def changed_line(mutant: Mutant, source: str) -> str:
    original = (PACKAGE / MODULE_TESTS[mutant.module][0]).read_text().splitlines()
    line = original[mutant.line - 1].strip() if 0 < mutant.line <= len(original) else "?"
    return line


def run_module(module: str, mutants: list[Mutant], workers: int, recheck: bool) -> dict[str, str]:
    file, tests = MODULE_TESTS[module]
    results: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        copies = [make_copy(Path(tmp) / f"w{i}") for i in range(workers)]
        baseline = unmutated_seconds(tests, copies[0])
        timeout = baseline * 3 + 20
        print(f"{module}: {len(mutants)} mutants, unmutated tests {baseline:.1f}s", flush=True)
        free = list(range(workers))

        def one(mutant: Mutant) -> tuple[Mutant, str]:
            slot = free.pop()
            try:
                target = copies[slot] / "residency_pack" / file
                try:
                    target.write_text(mutated_source(mutant))
                    outcome = run_tests(tests, copies[slot], timeout)
                    if outcome == "survived" and recheck:
                        outcome = run_tests(("tests/pack",), copies[slot], timeout * 4)
                finally:
                    shutil.copyfile(PACKAGE / file, target)
                return mutant, outcome
            finally:
                free.append(slot)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for mutant, outcome in pool.map(one, mutants):
                results[mutant.id] = outcome
                if outcome == "survived":
                    print(f"  survived {mutant.id}", flush=True)
    return results


def selected(module: str, sample: int | None, rng: random.Random) -> list[Mutant]:
    mutants = mutation_points(module)
    if sample is not None and sample < len(mutants):
        mutants = sorted(rng.sample(mutants, sample), key=lambda m: m.index)
    return mutants


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", choices=sorted(MODULE_TESTS))
    parser.add_argument("--sample", type=int, help="mutants per module (seeded random sample)")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", action="append", help="run only these mutant ids")
    parser.add_argument("--recheck", action="store_true", help="survivors: rerun all unit tests")
    parser.add_argument("--list", action="store_true", help="list mutants and exit")
    args = parser.parse_args(argv)

    equivalents = load_equivalents()
    modules = args.module or sorted(MODULE_TESTS)
    rng = random.Random(args.seed)
    OUT.mkdir(parents=True, exist_ok=True)
    all_results: dict[str, dict[str, str]] = {}
    survivors: list[str] = []
    for module in modules:
        mutants = selected(module, args.sample, rng)
        if args.only:
            mutants = [m for m in mutation_points(module) if m.id in args.only]
        if args.list:
            for m in mutants:
                print(m.id, changed_line(m, ""))
            continue
        if not mutants:
            continue
        results = run_module(module, mutants, args.workers, args.recheck)
        all_results[module] = results
        for m in mutants:
            if results[m.id] == "survived" and m.id not in equivalents:
                survivors.append(f"{m.id}\t{changed_line(m, '')}")
    if args.list:
        return 0

    print("\nmodule            mutants  equivalent  killed  survived  score")
    total_scored = total_killed = 0
    for module, results in all_results.items():
        scored = [k for k in results if k not in equivalents]
        killed = sum(1 for k in scored if results[k] != "survived")
        equivalent = len(results) - len(scored)
        score = 100 * killed / len(scored) if scored else 100.0
        total_scored += len(scored)
        total_killed += killed
        print(
            f"{module:<17} {len(results):>7}  {equivalent:>10}  {killed:>6}"
            f"  {len(scored) - killed:>8}  {score:5.1f} %"
        )
    overall = 100 * total_killed / total_scored if total_scored else 100.0
    print(f"{'overall':<17} {total_scored:>7}  {'':>10}  {total_killed:>6}  "
          f"{total_scored - total_killed:>8}  {overall:5.1f} %")  # fmt: skip
    (OUT / "survivors.txt").write_text("".join(f"{s}\n" for s in survivors))
    (OUT / "results.json").write_text(json.dumps(all_results, indent=2, sort_keys=True))
    print(f"survivors: {OUT / 'survivors.txt'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
