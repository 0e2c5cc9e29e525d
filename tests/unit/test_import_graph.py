"""Features side by side, not in a tower (STYLE §11): the import graph between the packages
of ``election_app`` has no cycle (imports inside functions included: moving an import into a
function does not hide a loop), and the JSON API never imports an HTML views module."""
from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2] / "election_app"
# Top-level modules that compose the app (they import everything by design).
COMPOSITION = {"__init__", "blueprints", "cli", "models", "demo", "demo_hooks"}


def _module_name(path: pathlib.Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: pathlib.Path) -> list[tuple[str, int]]:
    """Absolute election_app.* names imported by a file, at any depth of the file."""
    mod = _module_name(path).split(".")
    package = mod if path.name == "__init__.py" else mod[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                full = ".".join(base + ([node.module] if node.module else []))
            else:
                full = node.module or ""
            names = [full] + [f"{full}.{a.name}" for a in node.names]
            out += [(n, node.lineno) for n in names]
        elif isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
    return [(n, line) for n, line in out if n.startswith("election_app.")]


def _unit(dotted: str) -> str | None:
    """The package a module belongs to (``election_app.elections.services`` → ``elections``);
    a top-level infrastructure module is its own unit (``election_app.door`` → ``door``)."""
    parts = dotted.split(".")
    if len(parts) < 2:
        return None
    name = parts[1]
    if (ROOT / name).is_dir() or (ROOT / f"{name}.py").exists():
        return name
    return None


def package_graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], list[str]]]:
    edges: dict[str, set[str]] = {}
    where: dict[tuple[str, str], list[str]] = {}
    for path in ROOT.rglob("*.py"):
        src = _unit(_module_name(path))
        if src is None or src in COMPOSITION:
            continue
        for name, line in _imports(path):
            dst = _unit(name)
            if dst is None or dst == src or dst in COMPOSITION:
                continue
            edges.setdefault(src, set()).add(dst)
            where.setdefault((src, dst), []).append(f"{path.relative_to(ROOT)}:{line}")
    return edges, where


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    for v in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if v not in index:
            visit(v)
    return out


def test_no_cycle_between_packages():
    edges, where = package_graph()
    cycles = _cycles(edges)
    detail = []
    for comp in cycles:
        for a in comp:
            for b in comp:
                if b in edges.get(a, ()):
                    detail.append(f"{a} → {b}: {', '.join(where[(a, b)][:3])}")
    assert cycles == [], "import cycles:\n" + "\n".join(detail)


def test_the_detector_finds_a_planted_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_api_never_imports_a_views_module():
    offenders = []
    for path in (ROOT / "api").glob("*.py"):
        for name, line in _imports(path):
            if name.split(".")[-1] in ("views",) or ".views." in name + ".":
                offenders.append(f"api/{path.name}:{line} imports {name}")
    assert offenders == []


def test_rules_depend_on_nothing_of_the_app():
    for path in (ROOT / "rules").rglob("*.py"):
        for name, line in _imports(path):
            assert name.startswith("election_app.rules"), f"{path.name}:{line} imports {name}"
