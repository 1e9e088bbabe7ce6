"""Mutation testing of the residency pack's engine modules against the pack's unit tests.

Run from the repository root:

    uv run python scripts/mutation.py                      # every engine module, every mutant
    uv run python scripts/mutation.py --module rule        # one module (repeatable)
    uv run python scripts/mutation.py --sample 40          # a seeded sample: 40 mutants a module
    uv run python scripts/mutation.py --workers 2 --seed 7

It prints the score per module and overall (killed / (mutants - listed equivalents)) and writes
`build/mutation/survivors.txt` (one surviving mutant a line, with its id and the changed source)
and `build/mutation/results.json`, plus `<module>.json` and `<module>-survivors.txt` per module.
A sample depends only on `--seed` and the module, not on which other modules run.

Why a small AST runner and not mutmut: mutmut 3 names its mutants after the file's path and
swaps functions through trampolines in a `mutants/` copy of the source tree that it puts first on
sys.path. Here the package is `residency_pack`, living at `policy_packs/residency/residency_pack`
and imported through the editable install's .pth entry; mutmut would derive the module name
`policy_packs.residency.residency_pack...` and the trampolines would not match what the tests
import. This runner instead is a fork server:

* the parent imports pytest, pulumi, pulumi_policy, grpc, the SDKs and every dependency of the
  selected tests once (a `pytest --collect-only` of those tests), then drops every module of
  ours (the pack, the tests, preflight, infra) from sys.modules again;
* per mutant it forks; the child puts a finder first on sys.meta_path that serves the mutated
  source (`ast.unparse` of the mutated tree, compiled in memory, nothing written to disk) for
  that one module, imports the pack and the tests afresh, and runs the module's tests
  (MODULE_TESTS below) in-process with `pytest -x`; its exit status says killed or survived,
  and a child that runs past 3 x the unmutated run + 20 s is killed and counts as killed;
* every child starts from the same pristine parent, so mutants never see each other;
  `--workers` children run at a time (default 2).

Before a module's mutants run, its tests must pass unmutated (baseline; the run stops if not)
and a canary (the module replaced by one that raises on import) must be killed (the run stops
if not: the swap would not be reaching the tests). A mutant costs about a second instead of a
pytest start (10-30 s on the shared machine), so whole modules can be run.

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
kills. Survivors of the selected tests can be re-run against every unit test with `--recheck`,
and `--only-file build/mutation/<module>-survivors.txt` re-runs just the last survivors.

Equivalent mutants are listed in `scripts/mutation_equivalent.txt`, one `<mutant id>  <reason>` a
line; they are excluded from the score (and reported as such). A mutant id is
`<module>:<line>:<col>:<operator>`, stable while the line does not move.
"""

from __future__ import annotations

import argparse
import ast
import compileall
import copy
import importlib.abc
import importlib.util
import json
import os
import random
import signal
import sys
import time
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

import pytest

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

# `--recheck`: the survivors of a module's own tests run again against the whole unit suite
# (its own tests first, so that -x stops early).
ALL_UNIT_TESTS = ("tests/pack",)

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


def pytest_args(tests: tuple[str, ...]) -> list[str]:
    deselect = [arg for test in PROCESS_TESTS for arg in ("--ignore", test)]
    return [
        "-x", "-q", "-p", "no:cacheprovider", "--no-header",
        "-o", "addopts=--import-mode=importlib", *deselect, *tests,
    ]  # fmt: skip


def _is_project_module(name: str, module: object) -> bool:
    """Modules the child must import afresh: the pack, the tests, and anything else of ours."""
    if name.split(".")[0] in ("residency_pack", "tests", "preflight", "blueprint", "benchmarks"):
        return True
    file = getattr(module, "__file__", None)
    if not file:
        return False
    path = Path(file).resolve()
    return path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv")


class _MutantFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves one pack module from the mutated source, in the child only."""

    def __init__(self, name: str, path: Path, source: str) -> None:
        self.name, self.path, self.source = name, path, source

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> ModuleSpec | None:
        if fullname != self.name:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin=str(self.path))

    def create_module(self, spec: ModuleSpec) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        module.__file__ = str(self.path)
        exec(compile(self.source, str(self.path), "exec"), module.__dict__)


# (key, module to mutate or None for the unmutated pack, the module's source to serve)
Job = tuple[str, str | None, str | None]


class ForkServer:
    """Imports pytest, the SDKs and the tests' dependencies once; then forks one child a mutant.

    The child drops every module of ours from sys.modules (the pack, the test modules: pytest's
    importlib mode would otherwise hand back the parent's copies), puts a finder first on
    sys.meta_path that serves the mutated source for the mutated module only, and runs the
    module's tests with `pytest -x` in-process. Each mutant starts from the same pristine parent
    state, so mutants cannot see each other; the exit status says killed or survived.
    """

    def __init__(self, tests: tuple[str, ...]) -> None:
        log = OUT / "preload.log"
        # Cache the bytecode of the pack and of the assertion-rewritten tests now, so that each
        # child reads it instead of compiling it again (children never write bytecode).
        sys.dont_write_bytecode = False
        compileall.compile_dir(PACKAGE, quiet=2)
        with log.open("w") as out, redirect_stdout(out), redirect_stderr(out):
            code = pytest.main(["--collect-only", *pytest_args(tests)])
        if code != 0:
            sys.exit(f"collecting the tests failed (exit {code}); see {log}")
        for name in [n for n, m in list(sys.modules.items()) if _is_project_module(n, m)]:
            del sys.modules[name]

    def start(
        self, tests: tuple[str, ...], module: str | None, source: str | None, log: Path | None
    ) -> int:
        pid = os.fork()
        if pid:
            return pid
        code = 3
        try:
            target = os.open(log or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(target, 1)
            os.dup2(target, 2)
            if module is not None and source is not None:
                file = MODULE_TESTS[module][0]
                name = "residency_pack." + file.removesuffix(".py").replace("/", ".")
                sys.meta_path.insert(0, _MutantFinder(name, PACKAGE / file, source))
            os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
            sys.dont_write_bytecode = True
            code = 0 if pytest.main(pytest_args(tests)) == 0 else 1
        except BaseException:  # a mutant may break anything, even pytest's own run
            code = 2
        finally:
            os._exit(code)

    def run(
        self,
        jobs: Sequence[Job],
        tests: tuple[str, ...],
        workers: int,
        timeout: float,
        log_dir: Path | None = None,
    ) -> dict[str, str]:
        """Runs (key, module, source) jobs, `workers` children at a time: key -> outcome."""
        pending = list(reversed(jobs))
        running: dict[int, tuple[str, float]] = {}
        outcomes: dict[str, str] = {}
        while pending or running:
            while pending and len(running) < workers:
                key, module, source = pending.pop()
                log = log_dir / f"{key.replace(':', '_')}.log" if log_dir else None
                running[self.start(tests, module, source, log)] = (key, time.monotonic())
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid:
                key, _ = running.pop(pid)
                outcomes[key] = "survived" if os.waitstatus_to_exitcode(status) == 0 else "killed"
                if len(outcomes) % 50 == 0:
                    print(f"  {len(outcomes)}/{len(jobs)} run", flush=True)
                continue
            now = time.monotonic()
            for child, (key, started) in list(running.items()):
                if now - started > timeout:
                    os.kill(child, signal.SIGKILL)
                    os.waitpid(child, 0)
                    running.pop(child)
                    outcomes[key] = "timeout"
            time.sleep(0.02)
        return outcomes


def load_equivalents() -> dict[str, str]:
    equivalents: dict[str, str] = {}
    if EQUIVALENTS.exists():
        for raw in EQUIVALENTS.read_text().splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                mutant_id, _, reason = line.partition(" ")
                equivalents[mutant_id] = reason.strip()
    return equivalents


def changed_line(mutant: Mutant) -> str:
    original = (PACKAGE / MODULE_TESTS[mutant.module][0]).read_text().splitlines()
    return original[mutant.line - 1].strip() if 0 < mutant.line <= len(original) else "?"


BROKEN = 'raise RuntimeError("mutation.py canary: a module that cannot be imported")\n'


def baseline_seconds(server: ForkServer, tests: tuple[str, ...], workers: int) -> float:
    """The unmutated tests must pass; how long they take (under the load of `workers` runs)."""
    started = time.monotonic()
    jobs: list[Job] = [(f"baseline{i}", None, None) for i in range(workers)]
    outcomes = server.run(jobs, tests, workers, 1800, OUT)
    if set(outcomes.values()) != {"survived"}:
        sys.exit(f"the unmutated tests fail ({' '.join(tests)}); see {OUT}/baseline*.log")
    return time.monotonic() - started


def run_module(
    module: str, mutants: list[Mutant], workers: int, recheck: bool, server: ForkServer
) -> dict[str, str]:
    """Baseline (unmutated: must pass), canary (a broken module: must be killed), then mutants.

    A mutant that runs past 3 x the baseline + 20 s counts as killed (it hangs)."""
    file, tests = MODULE_TESTS[module]
    timeout = baseline_seconds(server, tests, workers) * 3 + 20
    canary = server.run([("canary", module, BROKEN)], tests, 1, timeout, OUT)["canary"]
    if canary == "survived":
        sys.exit(f"{module}: a broken {file} survived its tests; the mutant swap does not work")
    print(f"{module}: {len(mutants)} mutants, timeout {timeout:.0f}s", flush=True)
    jobs: list[Job] = [(m.id, module, mutated_source(m)) for m in mutants]
    results = server.run(jobs, tests, workers, timeout)
    again = [job for job in jobs if results[job[0]] == "survived"]
    if recheck and again:
        everything = (*tests, *ALL_UNIT_TESTS)
        timeout = baseline_seconds(server, everything, workers) * 3 + 20
        print(f"{module}: {len(again)} survivors re-run on every unit test", flush=True)
        results.update(server.run(again, everything, workers, timeout))
    for m in mutants:
        if results[m.id] == "survived":
            print(f"  survived {m.id}", flush=True)
    return results


def selected(module: str, sample: int | None, seed: int) -> list[Mutant]:
    """All mutants, or a sample that depends only on (seed, module), not on the other modules."""
    mutants = mutation_points(module)
    if sample is not None and sample < len(mutants):
        rng = random.Random(f"{seed}:{module}")
        mutants = sorted(rng.sample(mutants, sample), key=lambda m: m.index)
    return mutants


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", choices=sorted(MODULE_TESTS))
    parser.add_argument("--sample", type=int, help="mutants per module (seeded random sample)")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", action="append", help="run only these mutant ids")
    parser.add_argument(
        "--only-file", type=Path, help="run only the mutant ids listed (first column) in a file"
    )
    parser.add_argument("--recheck", action="store_true", help="survivors: rerun all unit tests")
    parser.add_argument("--list", action="store_true", help="list mutants and exit")
    args = parser.parse_args(argv)

    equivalents = load_equivalents()
    only: set[str] | None = set(args.only) if args.only else None
    if args.only_file is not None:
        listed = (line.split()[0] for line in args.only_file.read_text().splitlines() if line)
        only = (only or set()) | set(listed)
    modules = args.module or sorted(MODULE_TESTS)
    OUT.mkdir(parents=True, exist_ok=True)
    all_results: dict[str, dict[str, str]] = {}
    survivors: list[str] = []
    server = None
    if not args.list:
        os.chdir(ROOT)
        preload = tuple(t for m in modules for t in MODULE_TESTS[m][1])
        server = ForkServer((*preload, *(ALL_UNIT_TESTS if args.recheck else ())))
    for module in modules:
        mutants = selected(module, args.sample, args.seed)
        if only is not None:
            mutants = [m for m in mutation_points(module) if m.id in only]
        if args.list:
            for m in mutants:
                print(m.id, changed_line(m))
            continue
        if not mutants or server is None:
            continue
        results = run_module(module, mutants, args.workers, args.recheck, server)
        all_results[module] = results
        left = [f"{m.id}\t{changed_line(m)}" for m in mutants
                if results[m.id] == "survived" and m.id not in equivalents]  # fmt: skip
        survivors += left
        (OUT / f"{module}.json").write_text(json.dumps(results, indent=2, sort_keys=True))
        (OUT / f"{module}-survivors.txt").write_text("".join(f"{s}\n" for s in left))
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
