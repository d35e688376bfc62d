"""The house: every import points down the pipeline's stages (docs/architecture.md), no module
imports another that imports it back, only cli/ speaks typer and rich, no module is too long."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "qualikit"
# bottom to top: a module may import its own stage and those before it
STAGES = ("base", "referentiel", "project", "journey", "quality", "documents", "delivery", "admin", "audit",
          "commands", "cli")
RANK = {"base": 0, "referentiel": 0} | {s: i for i, s in enumerate(STAGES)}
MAX_LINES = 600


def modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(path: Path, name: str) -> set[str]:
    """Every qualikit module `path` imports, at the top or inside a function."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return {m for m in found if m.startswith("qualikit")}


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: {m for m in imports(path, name) if m in mods and m != name} for name, path in mods.items()}


def stage(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in RANK) else None


def test_imports_point_down_the_stages():
    up = []
    for name, targets in graph().items():
        here = stage(name)
        if here is None:
            continue  # qualikit/__init__ and __main__
        up += [f"{name} → {t}" for t in targets
               if stage(t) is not None and RANK[stage(t)] > RANK[here]]
    assert not up, "imports that point up:\n" + "\n".join(sorted(up))


def test_no_circles():
    g = graph()
    # a package's __init__ re-exporting its modules is not a circle with them
    mods = modules()
    g = {n: {t for t in ts if not (n.startswith(t + ".") and mods[t].name == "__init__.py")} for n, ts in g.items()}
    seen, stack, circles = set(), [], []

    def visit(node):
        if node in stack:
            circles.append(" → ".join([*stack[stack.index(node):], node]))
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for t in sorted(g.get(node, ())):
            visit(t)
        stack.pop()

    for n in sorted(g):
        visit(n)
    assert not circles, "\n".join(circles)


def test_only_the_cli_speaks_typer_and_rich():
    offenders = []
    for name, path in modules().items():
        if stage(name) == "cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{name}: {n}" for n in names if n.split(".")[0] in ("typer", "rich")]
    assert not offenders, offenders


def test_no_module_is_too_long():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long
