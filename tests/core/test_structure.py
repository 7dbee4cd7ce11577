"""The package's import structure (issue 15): no import cycle, and no import moved into a
function to hide one. The layers themselves are import-linter contracts (pyproject.toml,
``make lint``); these tests catch what a layers list cannot: a cycle among modules no contract
names yet.

Imports under ``if TYPE_CHECKING:`` are left out: they exist for annotations only and are
never run. An import inside a function is legitimate to put off a heavy dependency (Qt,
WeasyPrint) until it is needed, never to break a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

import kamdesk

PACKAGE = Path(kamdesk.__file__).resolve().parent


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("kamdesk", exclude_type_checking_imports=True, cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _deferred_imports(tree: ast.Module) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every kamdesk import inside a function body."""
    found: list[tuple[int, str, list[str]]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            inner = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if in_function and isinstance(child, ast.ImportFrom) and child.level == 0:
                if child.module and child.module.split(".")[0] == "kamdesk":
                    found.append((child.lineno, child.module, [a.name for a in child.names]))
            elif in_function and isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] == "kamdesk":
                        found.append((child.lineno, alias.name, []))
            visit(child, inner)

    visit(tree, False)
    return found


def test_the_package_has_no_import_cycle() -> None:
    graph = _graph()
    assert len(graph.modules) > 50  # the whole package was read
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = _graph()
    graph.add_import(importer="kamdesk.core.errors", imported="kamdesk.core.storage.db")
    cycles = _cycles(graph)
    assert len(cycles) == 1
    assert {"kamdesk.core.storage.db", "kamdesk.core.errors"} <= set(cycles[0])


def test_no_import_inside_a_function_hides_a_cycle() -> None:
    graph = _graph()
    hiding = []
    checked = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        if importer not in graph.modules:
            continue
        for line, module, names in _deferred_imports(ast.parse(path.read_text(), str(path))):
            targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in graph.modules]
            for imported in targets or [module]:
                checked += 1
                if imported == importer or imported not in graph.modules:
                    continue
                chain = graph.find_shortest_chain(importer=imported, imported=importer)
                if chain is not None:
                    hiding.append(f"{path.relative_to(PACKAGE.parent)}:{line} {' -> '.join(chain)}")
    assert checked > 10  # the walk saw the deferred imports that exist
    assert hiding == []


def _session_calls(tree: ast.Module) -> list[int]:
    """Lines where ``<anything>.session(...)`` is called: a database session opened."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "session"
    ]


def test_the_session_finder_sees_a_session() -> None:
    code = "def f(db):\n    with db.session() as s:\n        return s\n"
    assert _session_calls(ast.parse(code)) == [2]


def test_the_gui_opens_no_database_session() -> None:
    """The GUI reads through ``core.reading`` and writes through ``core.editing`` (one way:
    storage → core services → GUI); import-linter keeps SQLModel and SQLAlchemy out of it,
    this keeps a session borrowed from the ``Database`` out."""
    gui = PACKAGE / "gui"
    files = sorted(gui.rglob("*.py"))
    assert len(files) > 20  # the whole GUI was read
    opened = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in files
        for line in _session_calls(ast.parse(path.read_text(), str(path)))
    ]
    assert opened == []
