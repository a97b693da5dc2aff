"""The package's shape: sitegen's modules import one another without a cycle, imports inside functions included.

A cycle hidden behind a function-level import or a module ``__getattr__`` still
means two modules cannot be understood (or loaded) one without the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "sitegen"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> set[str]:
    """The sitegen modules ``path`` imports, wherever in the file the import stands."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            base = [*base, *(node.module.split(".") if node.module else [])]
            candidates = {".".join(base), *(".".join([*base, alias.name]) for alias in node.names)}
        elif isinstance(node, ast.Import):
            candidates = {alias.name for alias in node.names}
        else:
            continue
        found |= {candidate for candidate in candidates if candidate in known and candidate != name}
    return found


def graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(path) for path in files}
    return {module_name(path): imports(path, known) for path in files}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle of the import graph once, as the modules on it (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_sitegen_imports_itself_through_others() -> None:
    edges = graph()
    assert "sitegen.templating" in edges and "sitegen.theme" in edges["sitegen.templating"]
    assert cycles(edges) == []


def test_the_readme_maps_every_module() -> None:
    """README's module map names every module of the package, so a reader finds where a change goes."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("\nsitegen/\n") : readme.index("\ntests/ ")]
    named = {line.split()[0] for line in block.splitlines()[2:] if line.startswith("  ")}
    modules = {path.name for path in PACKAGE.glob("*.py") if path.name != "__init__.py"} | {"commands/"}
    assert modules - named == set(), "modules the README does not map"
    assert named - modules == set(), "the README maps modules that are gone"


#: Module-level state that is the process's by nature, not a memo of one build's values.
PROCESS_STATE = {
    "sitegen.connections._said": "when each kind of terminal line was last said, to say it at most so often",
    "sitegen.parallel._worker_task": "set in a forked worker by its initializer, never in the parent",
    "sitegen.pagefind._running": "the Pagefind runs under way, so that stopping the preview ends them",
}


def mutable_globals(path: Path) -> set[str]:
    """The module-level names ``path`` binds to a list, dict or set (a literal, a comprehension or a call)."""
    makers = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            value = node.value
            made = isinstance(value, makers) or (
                isinstance(value, ast.Call) and getattr(value.func, "id", "") in {"dict", "list", "set", "defaultdict"}
            )
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if made:
                found |= {f"{module_name(path)}.{target.id}" for target in targets if isinstance(target, ast.Name)}
    return found


def test_no_module_keeps_a_memo_between_builds() -> None:
    """What one build worked out lives in that build's values: no module-level list, dict or set it fills.

    Tables (constants, in capitals or frozen) are fine; a private mutable global is a memo that one
    site's build leaves to the next (the preview runs many in one process), or it is named above.
    """
    private = {
        name
        for path in sorted(PACKAGE.rglob("*.py"))
        for name in mutable_globals(path)
        if (short := name.rsplit(".", 1)[1]).startswith("_") and not short.isupper() and short != "__all__"
    }
    assert private - set(PROCESS_STATE) == set(), "module-level state: keep it in the build's own values"
    assert set(PROCESS_STATE) - private == set(), "PROCESS_STATE names state that is gone"


def test_frozen_values_are_only_set_while_they_are_made() -> None:
    """The model stays frozen: ``object.__setattr__`` only in a ``__post_init__``, never on a value in use.

    The HTML the build cache keeps apart from an article joins it in a new value (shelf.with_bodies).
    """
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef) or function.name == "__post_init__":
                continue
            found += [
                f"{path.relative_to(PACKAGE.parent)}:{node.lineno} in {function.name}"
                for node in ast.walk(function)
                if isinstance(node, ast.Attribute) and node.attr == "__setattr__"
                if isinstance(node.value, ast.Name) and node.value.id == "object"
            ]
    assert found == []
