"""The package's shape: dependencies run one way, and no module imports itself back.

Layers, top to bottom: cli → evaluation / training / records / engines →
pipeline → text / resources.  A module may import its own package and any
package of a lower layer, never one above or beside it (the four middle
packages stay independent of each other, except that evaluation may score
records and run training for cross-validation).  Lazy imports inside
functions count: a cycle hidden in a function is still a cycle.
"""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "kgov_ner"

LAYER = {"cli": 3, "evaluation": 2, "training": 2, "records": 2, "engines": 2, "pipeline": 1, "text": 0,
         "resources": 0}
ALLOWED_SIDEWAYS = {("evaluation", "records"), ("evaluation", "training"), ("text", "resources")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package modules ``path`` imports, at module level or inside functions.

    ``from kgov_ner.training import train`` imports the module ``train`` (and,
    as Python does, runs the package's ``__init__``, which only re-exports
    lazily): it counts as an edge to ``kgov_ner.training.train`` alone.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "kgov_ner")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "kgov_ner":
                continue
            submodules = {f"{mod}.{a.name}" for a in node.names} & modules
            found.update(submodules or {mod})
            if len(submodules) < len(node.names):
                found.add(mod)
    return found


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in PKG.rglob("*.py")}
    modules = set(paths)
    # The root __init__ holds __version__ and lazy re-exports only; an import of
    # it is no edge (its own imports are still checked as the node "kgov_ner").
    return {name: {m for m in _imports(path, modules) if m in modules and m not in (name, "kgov_ner")}
            for name, path in paths.items()}


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYER) else None


def test_the_graph_sees_the_package():
    graph = _graph()
    assert "kgov_ner.pipeline.tagger" in graph
    assert "kgov_ner.resources.gazetteer" in graph["kgov_ner.pipeline.rules.district"]


def test_no_import_cycle():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(_graph()))
def test_dependencies_run_one_way(module):
    src = _package(module)
    if src is None:
        return
    for target in _graph()[module]:
        dst = _package(target)
        if dst is None or dst == src:
            continue
        assert LAYER[dst] < LAYER[src] or (src, dst) in ALLOWED_SIDEWAYS, f"{module} imports {target}"


@pytest.mark.parametrize("package", ["pipeline", "records", "evaluation"])
def test_no_function_over_fifty_lines(package):
    """Long functions are split into named steps (issue 12): none over 50 lines here."""
    long = []
    for path in sorted((PKG / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > 50:
                    long.append(f"{path.relative_to(PKG)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []


def test_one_atomic_writer():
    """Every output goes through text/files.py: no other module replaces files itself."""
    others = [str(p.relative_to(PKG)) for p in PKG.rglob("*.py")
              if p.name != "files.py" and any(s in p.read_text(encoding="utf-8")
                                              for s in ("os.replace(", "mkstemp(", "NamedTemporaryFile("))]
    assert others == []
