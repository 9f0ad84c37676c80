"""The doors between the rooms hold: ops and rules change the state only through its
methods, library code never imports the CLI, and no import is optional."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "orgmodel"
MUTATORS = {"append", "extend", "insert", "update", "setdefault", "pop", "popitem", "remove", "clear",
            "discard", "add", "sort", "reverse", "__setitem__", "__delitem__"}


def modules(*folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (PACKAGE / f).rglob("*.py"))


def attribute_root(node) -> ast.expr:
    """For ``a.b[c].d`` the innermost expression ``a``."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node


def through_attribute(node) -> bool:
    """True for a target such as ``x.attr``, ``x.attr[k]`` or ``x.attr[k][j]``: it writes
    into an object's attribute rather than into a local name."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, ast.Attribute)


def writes_into_objects(tree: ast.AST) -> list[str]:
    """Every place a module writes an attribute of an object (or into one), or calls a
    mutating method on one: what only the state may do to its records."""
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for t in targets:
            for leaf in (t.elts if isinstance(t, ast.Tuple) else [t]):
                if through_attribute(leaf):
                    found.append(f"line {node.lineno}: {ast.unparse(leaf)}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            if isinstance(node.func.value, ast.Attribute):
                found.append(f"line {node.lineno}: {ast.unparse(node.func)}(…)")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            found.append(f"line {node.lineno}: {node.func.id}(…)")
    return found


def private_reads(tree: ast.AST) -> list[str]:
    """Every ``x._name`` where ``x`` is not ``self``/``cls``: a reach into another object's internals."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            root = attribute_root(node)
            if not (isinstance(root, ast.Name) and root.id in ("self", "cls")):
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_ops_and_rules_touch_no_private_attribute_of_the_state():
    bad = {str(p.relative_to(PACKAGE)): private_reads(ast.parse(p.read_text(encoding="utf-8")))
           for p in modules("ops", "rules")}
    assert {k: v for k, v in bad.items() if v} == {}


def test_ops_and_rules_change_records_only_through_the_state():
    bad = {str(p.relative_to(PACKAGE)): writes_into_objects(ast.parse(p.read_text(encoding="utf-8")))
           for p in modules("ops", "rules")}
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_scan_would_see_a_write_into_the_state():
    """The two scans above can fail: they catch the writes the old ops made."""
    old = ast.parse("state.bodies[b.id] = b\nbody.actual[t] += n\nstate.loans.append(x)\ndel state.duties[k]\n"
                    "ln.returned += paid\nstate._graph.add_edge(u, v)\n")
    assert len(writes_into_objects(old)) == 5
    assert private_reads(old) == ["line 6: state._graph"]


def test_library_code_never_imports_the_cli():
    offenders = []
    for p in PACKAGE.rglob("*.py"):
        if "commands" in p.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
            names = [a.name for a in node.names]
            if ("commands" in module.split(".") or any(n.split(".")[-1] == "commands" or n.startswith("orgmodel.commands")
                                                      or n == "cli" for n in names)):
                offenders.append(f"{p.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_no_optional_imports_and_no_process_wide_gc_freeze_in_the_library():
    for p in PACKAGE.rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        assert "except ImportError" not in text, p
        if "commands" not in p.relative_to(PACKAGE).parts:
            assert "gc.freeze" not in text, p
