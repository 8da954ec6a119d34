"""The shape of the code (docs/architecture.md): no import loops, short modules, short functions.

The layers themselves are import-linter's contracts in pyproject.toml (`lint-imports`, run by
`./run tests`). These checks cover what a contract cannot state: no loop between any two modules
(counting imports inside functions and under TYPE_CHECKING, which grimp reads), no module over
800 lines and no function over 100. Migrations are generated and left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import grimp

SRC = Path(__file__).resolve().parents[1] / "src" / "returnhome"
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 100


def _sources() -> Iterator[Path]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.relative_to(SRC).parts:
            yield path


def _loops(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected sets of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so a long chain of imports cannot exhaust the recursion limit.
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = low[other] = len(index)
                    stack.append(other)
                    on_stack.add(other)
                    work.append(
                        (other, iter(sorted(graph.find_modules_directly_imported_by(other))))
                    )
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        if member == module:
                            break
                    if len(members) > 1:
                        found.append(sorted(members))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return sorted(found)


def test_no_import_loop_between_modules() -> None:
    graph = grimp.build_graph("returnhome", cache_dir=None)
    loops = _loops(graph)
    described = []
    for members in loops:
        chain = graph.find_shortest_chain(importer=members[0], imported=members[-1]) or ()
        back = graph.find_shortest_chain(importer=members[-1], imported=members[0]) or ()
        described.append(f"{' -> '.join(chain)} -> ... -> {' -> '.join(back[1:])}")
    assert not loops, "Modules that import each other (through any chain):\n" + "\n".join(described)


def test_the_loop_finder_finds_loops() -> None:
    graph = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c", "p.d"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    graph.add_import(importer="p.d", imported="p.a")
    assert _loops(graph) == [["p.a", "p.b", "p.c"]]


def test_no_module_over_800_lines() -> None:
    long = {
        str(path.relative_to(SRC)): lines
        for path in _sources()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"Modules over {MAX_MODULE_LINES} lines: {long}"


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def test_no_function_over_100_lines() -> None:
    long = {}
    for path in _sources():
        for function in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            lines = (function.end_lineno or function.lineno) - function.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                long[f"{path.relative_to(SRC)}:{function.lineno} {function.name}"] = lines
    assert not long, f"Functions over {MAX_FUNCTION_LINES} lines: {long}"
