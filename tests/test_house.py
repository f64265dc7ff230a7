"""The house's rules, read from the source (ast, nothing imported): the import arrows
(`app_pages -> ui -> {classroom, lessons, sim}`, `lessons -> sim`), no import cycle between
project modules, `ui/` made of one subpackage per screen, and small files and functions.

Imports are read wherever they stand (in functions and under `if TYPE_CHECKING:` too), so a
type-only import counts as an arrow. tests/sim/test_imports.py proves the same for `sim` at run
time, in a fresh interpreter.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from graphlib import CycleError, TopologicalSorter
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "lessons", "classroom", "ui", "app_pages")
ENTRY = "streamlit_app"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60

# What each layer must never import (top-level names). Arrows point down only.
FORBIDDEN = {
    "sim": {"lessons", "classroom", "ui", "app_pages", ENTRY, "streamlit", "altair"},
    "lessons": {"classroom", "ui", "app_pages", ENTRY, "streamlit", "altair"},
    "classroom": {"ui", "app_pages", ENTRY, "streamlit", "altair"},
    "ui": {"app_pages", ENTRY},
    "app_pages": {"app_pages", ENTRY},  # a page imports no other page
}

# Functions allowed past MAX_FUNCTION_LINES because their body is mostly a literal table:
# "path/to/file.py::qualname" -> why. Keep it short; an entry that no longer applies fails.
LONG_TABLES: dict[str, str] = {}
DYNAMIC_IMPORTS = ("import_module", "__import__")  # calls whose literal argument is an import


@dataclass(frozen=True)
class Import:
    source: str  # importing module, e.g. "ui.common.frame"
    target: str  # imported module, as precise as the project's files allow
    path: str  # importing file, relative to the repo root
    line: int


# ---------------------------------------------------------------------------------------------
# Reading the tree


@cache
def product_files() -> tuple[Path, ...]:
    files = [ROOT / f"{ENTRY}.py"]
    for package in PACKAGES:
        if (ROOT / package).is_dir():
            files += sorted((ROOT / package).rglob("*.py"))
    return tuple(f for f in files if f.exists() and "__pycache__" not in f.parts)


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(f): f for f in product_files()}


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def resolve(name: str) -> str:
    """The longest prefix of a dotted name that is a project module (else the name itself)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules():
            return ".".join(parts[:end])
    return name


def base_of_relative(source: str, path: Path, level: int) -> str:
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    parts = package.split(".")
    return ".".join(parts[: len(parts) - (level - 1)])


def imported_names(node: ast.AST, source: str, path: Path) -> list[str]:
    """Dotted names that one node imports: `import a.b`, `from a import b` (a.b when b is a
    module), relative imports, and `importlib.import_module("a")` with a literal name."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            base = ".".join(p for p in (base_of_relative(source, path, node.level), base) if p)
        return [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules() else base
            for alias in node.names
        ]
    if isinstance(node, ast.Call) and called_name(node) in DYNAMIC_IMPORTS and node.args:
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return [first.value]
    return []


def called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


@cache
def imports() -> tuple[Import, ...]:
    found = []
    for source, path in modules().items():
        for node in ast.walk(tree(path)):
            for name in imported_names(node, source, path):
                found.append(Import(source, resolve(name), rel(path), node.lineno))
    return tuple(dict.fromkeys(found))  # `from a import b, c` is one import of a


def report(problems: list[str], what: str) -> None:
    """Fail with every problem on its own line, counted (no repr of the list)."""
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n" + "\n".join(problems), pytrace=False)


# ---------------------------------------------------------------------------------------------
# Cycles


def import_loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every loop of imports (`[a, b, a]`: a imports b, b imports a), found one at a time by
    graphlib; each found loop loses one edge so that the search moves on to the next."""
    graph = {module: set(targets) for module, targets in graph.items()}
    loops = []
    while True:
        try:
            tuple(TopologicalSorter(graph).static_order())
            return loops
        except CycleError as error:
            loop = error.args[1][::-1]  # graphlib lists each module after what it imports
            loops.append(loop)
            graph[loop[0]].discard(loop[1])


def test_no_import_cycle_between_project_modules():
    graph: dict[str, set[str]] = {}
    where: dict[tuple[str, str], str] = {}
    for i in imports():
        if i.target in modules() and i.target != i.source:
            graph.setdefault(i.source, set()).add(i.target)
            where.setdefault((i.source, i.target), f"{i.path}:{i.line}")
    problems = [
        f"{loop[0]} -> " + " -> ".join(f"{b} ({where[a, b]})" for a, b in pairwise(loop))
        for loop in import_loops(graph)
    ]
    report(problems, "import cycle(s), each with where its imports stand")


def test_the_cycle_finder_names_every_loop():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "d"}, "e": {"a"}}
    loops = import_loops(graph)
    assert {frozenset(loop) for loop in loops} == {frozenset("abc"), frozenset("d")}
    for loop in loops:
        assert loop[0] == loop[-1] and all(b in graph[a] for a, b in pairwise(loop))


# ---------------------------------------------------------------------------------------------
# Arrows


def layer(module: str) -> str:
    return module.split(".")[0]


def test_imports_point_down_the_layers():
    problems = [
        f"{i.path}:{i.line} {i.source} imports {i.target} "
        f"({layer(i.source)} must not import {layer(i.target)})"
        for i in imports()
        if layer(i.target) in FORBIDDEN.get(layer(i.source), ())
    ]
    report(problems, "import(s) against the arrows")


def test_ui_is_one_subpackage_per_screen():
    """ui/ holds __init__.py (optional) and subpackages, nothing else."""
    problems = []
    for entry in sorted((ROOT / "ui").iterdir()):
        if entry.name in ("__init__.py", "__pycache__"):
            continue
        if entry.is_file():
            problems.append(f"{rel(entry)}: a file directly in ui/ (put it in a subpackage)")
        elif not (entry / "__init__.py").exists():
            problems.append(f"{rel(entry)}/: a folder in ui/ without __init__.py")
    report(problems, "problem(s) in ui/")


# ---------------------------------------------------------------------------------------------
# Sizes


def functions(node: ast.AST, prefix: str = ""):
    """(qualified name, def node) for every function and method, nested ones included."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                yield name, child
            yield from functions(child, f"{name}.")
        else:
            yield from functions(child, prefix)


def length(node: ast.AST) -> int:
    """Lines from the first decorator (or the def) to the end of the body."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return node.end_lineno - first + 1


def test_no_product_module_over_300_lines():
    problems = []
    for path in product_files():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_MODULE_LINES:
            problems.append(f"{rel(path)}: {count} lines")
    report(problems, f"module(s) over {MAX_MODULE_LINES} lines")


def long_functions() -> dict[str, str]:
    """'file::qualname' -> the message, for every function over the limit."""
    found = {}
    for path in product_files():
        for name, node in functions(tree(path)):
            if (count := length(node)) > MAX_FUNCTION_LINES:
                found[f"{rel(path)}::{name}"] = f"{rel(path)}:{node.lineno} {name}(): {count} lines"
    return found


def test_no_function_over_60_lines():
    found = long_functions()
    problems = [message for key, message in found.items() if key not in LONG_TABLES]
    problems += [f"{key}: in LONG_TABLES, not over the limit" for key in LONG_TABLES - found.keys()]
    report(problems, f"function(s) over {MAX_FUNCTION_LINES} lines")


def test_no_test_imports_a_conftest():
    """conftest.py holds fixtures; helpers shared by tests are ordinary modules (helpers.py)."""
    problems = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(tree(path)):
            names = set(imported_names(node, module_name(path), path))
            problems += [f"{rel(path)}:{node.lineno} imports {n}" for n in names if "conftest" in n]
    report(problems, "import(s) of a conftest")
