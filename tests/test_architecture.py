"""The doors between the rooms hold: ops and rules change the state only through its
methods, the import graph has no circles and runs only downward through the layers, library
code never imports the CLI, and no import is optional."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "orgmodel"
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


# -- the import graph ----------------------------------------------------------------------
# The layers of orgmodel/, lowest first: a module may import from its own layer and those
# below it, never from one above. Each entry is a folder of orgmodel/ (``orgmodel`` is the
# package's own __init__). ``web`` is the workbench's place, between the outputs and the CLI.
LAYERS = [
    ("orgmodel", "core"),     # kinds, findings, config, text: what everything speaks
    ("sources",),             # YAML files to raw items
    ("state",),               # the graph state and its books
    ("figures",),             # balance tables, provenance, read off a state
    ("ops",),                 # the directives' effects on a state
    ("reading", "tabular"),   # raw items and workbook cells to checked directives
    ("rules",),               # the rule registry and the checks
    ("store",),               # the database of records
    ("ledger",),              # loading, replay, checkpoints
    ("roster",),              # the real-name roster and its audit
    ("answers",),             # the library object (Book) and its answers
    ("report",),              # HTML pages
    ("national",),            # packs of Parquet tables and the SQL roll-up over many
    ("web",),                 # the workbench
    ("commands",),            # the CLI
]
# Python files outside the package and tests/ that may import the CLI's modules
CLI_TOOLS = {"cli.py": "the CLI itself",
             "scripts/build_locale.py": "builds the CLI's message catalogue from commands/cli_text.py"}


def module_name(path: Path, root: Path = REPO) -> str:
    """``orgmodel.rules.registry`` for orgmodel/rules/registry.py, ``orgmodel.rules`` for its __init__.py."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(module: str, is_package: bool, tree: ast.AST, known) -> set[str]:
    """The modules of ``known`` that ``module`` imports anywhere in ``tree`` (at the top, in a
    function, under a condition), relative imports resolved. An import of ``pkg.mod`` (or of
    ``mod`` from ``pkg``) names the module file; importing it also runs the __init__ of each
    package above it, which counts too unless the importer sits inside that package (whose
    __init__ is then already running)."""
    package = module if is_package else module.rpartition(".")[0]
    named: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            named += [f"{origin}.{a.name}" if f"{origin}.{a.name}" in known else origin for a in node.names]
    out = set()
    for name in named:
        while name and name not in known:  # orgmodel.rules.RULES -> orgmodel.rules
            name = name.rpartition(".")[0]
        if not name:
            continue
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            target = ".".join(parts[:i])
            inside = module == target or module.startswith(target + ".")
            if target in known and (i == len(parts) or not inside):
                out.add(target)
    out.discard(module)
    return out


def import_graph(sources: dict[str, tuple[bool, str]]) -> nx.DiGraph:
    """The graph of ``{module: (is_package, source text)}``: an edge from each module to each
    module it imports."""
    graph = nx.DiGraph()
    graph.add_nodes_from(sources)
    for module, (is_package, text) in sources.items():
        graph.add_edges_from((module, target) for target in imported(module, is_package, ast.parse(text), sources))
    return graph


def package_sources(root: Path = PACKAGE) -> dict[str, tuple[bool, str]]:
    """The package's modules and the top-level ``cli.py`` (module ``cli``): ``{module: (is_package, text)}``."""
    out = {module_name(p, root.parent): (p.name == "__init__.py", p.read_text(encoding="utf-8"))
           for p in sorted(root.rglob("*.py"))}
    out["cli"] = (False, (root.parent / "cli.py").read_text(encoding="utf-8"))
    return out


def layer_of(module: str) -> int:
    """The place in :data:`LAYERS` of a module of orgmodel, the top-level ``cli`` above them
    all (StopIteration for a folder not placed)."""
    if module == "cli":
        return len(LAYERS)
    parts = module.split(".")
    folder = parts[1] if len(parts) > 1 else "orgmodel"
    return next(i for i, names in enumerate(LAYERS) if folder in names)


def upward(graph: nx.DiGraph) -> list[str]:
    """Every import from a lower layer into a higher one."""
    return sorted(f"{a} -> {b}" for a, b in graph.edges if layer_of(a) < layer_of(b))


def is_cli(module: str) -> bool:
    return module in ("cli", "orgmodel.commands") or module.startswith("orgmodel.commands.")


def into_the_cli(graph: nx.DiGraph) -> list[str]:
    """Every import of orgmodel.commands or cli.py from outside them."""
    return sorted(f"{a} -> {b}" for a, b in graph.edges if is_cli(b) and not is_cli(a))


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    return import_graph(package_sources())


def test_the_import_graph_has_no_circles(graph):
    assert graph.number_of_edges() > 300  # the scan sees the imports (about 500 today)
    assert sorted(nx.simple_cycles(graph)) == []


def test_every_folder_of_the_package_has_its_layer(graph):
    placed = {folder for names in LAYERS for folder in names}
    assert {m.split(".")[1] for m in graph if m.count(".")} - placed == set()


def test_no_module_imports_from_a_higher_layer(graph):
    assert upward(graph) == []


def test_library_code_never_imports_the_cli(graph):
    assert into_the_cli(graph) == []
    assert ("cli", "orgmodel.commands.ledger_cmds") in graph.edges  # the scan sees cli.py's own imports


def test_nothing_outside_the_cli_and_tests_imports_the_cli_modules(graph):
    offenders = []
    # the repository's own code: top-level files, scripts and benchmarks (not build/ or a venv)
    for p in sorted([*REPO.glob("*.py"), *(REPO / "scripts").rglob("*.py"), *(REPO / "benchmarks").rglob("*.py")]):
        where = p.relative_to(REPO).as_posix()
        if where.startswith(("orgmodel/", "tests/", ".")) or where in CLI_TOOLS or "/." in where:
            continue
        targets = imported(p.stem, False, ast.parse(p.read_text(encoding="utf-8")), graph)
        offenders += [f"{where} -> {t}" for t in targets if is_cli(t) and t != "cli"]  # running the CLI is fine
    assert offenders == []


def test_the_graph_checks_would_see_a_circle_an_upward_import_and_the_cli_imported():
    """The checks above can fail: on a small package with one of each fault they find it,
    imports inside functions and relative imports included."""
    fake = {
        "orgmodel": (True, ""),
        "orgmodel.core": (True, "from .text import clean\n"),
        "orgmodel.core.text": (False, "def clean():\n    from ..ledger.loading import load\n"),  # up, inside a function
        "orgmodel.ledger": (True, ""),
        "orgmodel.ledger.loading": (False, "from ..core import text\nimport orgmodel.rules.registry as r\n"),
        "orgmodel.rules": (True, "from . import registry\n"),
        "orgmodel.rules.registry": (False, "from orgmodel.commands.options import fail\nfrom ..core.text import clean\n"),
        "orgmodel.commands": (True, ""),
        "orgmodel.commands.options": (False, "from ..rules import RULES\n"),
    }
    g = import_graph(fake)
    assert set(g.edges) == {
        ("orgmodel.core", "orgmodel.core.text"), ("orgmodel.core.text", "orgmodel.ledger.loading"),
        ("orgmodel.core.text", "orgmodel.ledger"), ("orgmodel.ledger.loading", "orgmodel.core.text"),
        ("orgmodel.ledger.loading", "orgmodel.core"), ("orgmodel.ledger.loading", "orgmodel.rules.registry"),
        ("orgmodel.ledger.loading", "orgmodel.rules"), ("orgmodel.rules", "orgmodel.rules.registry"),
        ("orgmodel.rules.registry", "orgmodel.commands.options"), ("orgmodel.rules.registry", "orgmodel.commands"),
        ("orgmodel.rules.registry", "orgmodel.core.text"), ("orgmodel.rules.registry", "orgmodel.core"),
        ("orgmodel.commands.options", "orgmodel.rules"),
    }
    assert ["orgmodel.core.text", "orgmodel.ledger.loading"] in [sorted(c) for c in nx.simple_cycles(g)]
    assert upward(g) == ["orgmodel.core.text -> orgmodel.ledger", "orgmodel.core.text -> orgmodel.ledger.loading",
                         "orgmodel.rules.registry -> orgmodel.commands",
                         "orgmodel.rules.registry -> orgmodel.commands.options"]
    assert into_the_cli(g) == ["orgmodel.rules.registry -> orgmodel.commands",
                               "orgmodel.rules.registry -> orgmodel.commands.options"]


def test_no_optional_imports_and_no_process_wide_gc_freeze_in_the_library():
    for p in PACKAGE.rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        assert "except ImportError" not in text, p
        if "commands" not in p.relative_to(PACKAGE).parts:
            assert "gc.freeze" not in text, p
