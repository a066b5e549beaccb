"""The package's shape: rooms along the data flow, imports in one direction, a stable public front.

The order of the rooms is the data flow of DESIGN.md (shared/DESIGN.md, "Data flow, and the rooms
it passes through"): codebook -> io -> forms -> datasets -> stats -> disclosure -> report ->
runner -> cli, with synth/ a side branch that may use the rooms up to datasets. The import graph
is built here from the source with ``ast`` (not by importing), so the test sees imports hidden
inside functions too.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cprstats

PKG = Path(cprstats.__file__).resolve().parent
ROOMS = ["codebook", "io", "forms", "datasets", "stats", "disclosure", "report", "runner", "cli"]
SIDE = {"synth": "datasets"}  # side branch -> the last room it may import from
TOP_LEVEL = {"__init__", "__main__", "_version", "errors", "_checks"}  # modules every room may use

# The public names of `cprstats` (DESIGN.md "Public contract" plus what 0.1.0 exported). A name may
# be added here on purpose; none may disappear.
PUBLIC = {
    "Codebook", "CodebookError", "CodingError", "CprstatsError", "DisclosurePolicy", "FormsError",
    "ParameterError", "Report", "SeparationWarning", "__version__", "agreement", "agreement_summary",
    "check_forms", "check_published", "code_reviews", "compare", "cooccurrence", "data_dictionary",
    "disagreements", "disclosure_policy", "export", "find_identifiers", "footnotes", "format_table",
    "generate", "list_examples", "load_codebook", "load_example", "logistic", "make_template",
    "proportions", "published_figures", "read_dataset", "read_forms", "suppress", "t", "table_one",
    "table_schema", "trend", "validate_dataset", "write_dataset",
    "kaplan_meier", "km_median", "recurring_themes", "decision_funnel",
}  # fmt: skip


def _module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported cprstats module, line, inside a function) for every in-package import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inner: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner.update(id(n) for n in ast.walk(fn) if n is not fn)
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.startswith("cprstats"):
                found.append((name, node.lineno, id(node) in inner))
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno, id(node) in inner) for a in node.names if a.name.startswith("cprstats")]
    return found


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _rank(room: str) -> int:
    return ROOMS.index(room) if room in ROOMS else -1  # top-level modules come before every room


MODULES = sorted(p for p in PKG.rglob("*.py"))


def test_top_level_holds_few_modules_besides_the_rooms():
    modules = sorted(p.stem for p in PKG.glob("*.py"))
    assert len(modules) <= 8, modules
    assert set(modules) <= TOP_LEVEL, modules
    rooms = sorted(p.name for p in PKG.iterdir() if (p / "__init__.py").is_file())
    assert rooms == sorted([*ROOMS, *SIDE])


@pytest.mark.parametrize("room", [*ROOMS, *SIDE])
def test_every_room_says_what_it_is_for(room):
    doc = ast.get_docstring(ast.parse((PKG / room / "__init__.py").read_text(encoding="utf-8")))
    first = re.split(r"\.\s", doc or "", maxsplit=1)[0]
    assert doc and len(first) < 300, first


def test_imports_point_only_to_earlier_rooms():
    wrong = []
    for path in MODULES:
        room = _room(_module_name(path))
        if room in TOP_LEVEL - {"__init__", "__main__"}:
            allowed = lambda target: _room(target) in TOP_LEVEL  # noqa: E731
        elif room in ("__init__", "__main__"):
            allowed = lambda target: True  # noqa: E731  (the lazy public front and `python -m cprstats`)
        elif room in SIDE:
            limit = _rank(SIDE[room])
            allowed = lambda target, limit=limit, room=room: _room(target) == room or _rank(_room(target)) <= limit  # noqa: E731
        else:
            allowed = lambda target, room=room: (  # noqa: E731  (the side branch is used only by the command line)
                room == "cli" if _room(target) in SIDE else _rank(_room(target)) <= _rank(room)
            )
        wrong += [
            f"{path.relative_to(PKG)}:{line} imports {target}"
            for target, line, _ in _imports(path)
            if not allowed(target)
        ]
    assert wrong == []


def test_in_package_imports_sit_at_the_top_of_the_module():
    # cli/__init__ loads each subcommand's module by name when it runs, so `cprstats --help` stays quick
    hidden = [
        f"{path.relative_to(PKG)}:{line} imports {target} inside a function"
        for path in MODULES
        for target, line, inner in _imports(path)
        if inner
    ]
    assert hidden == []


def test_no_import_circle():
    graph: dict[str, set[str]] = {}
    names = {_module_name(p) for p in MODULES}
    for path in MODULES:
        deps = set()
        for target, _, _ in _imports(path):
            while target not in names and "." in target:  # `from cprstats.x import y` where y is a name
                target = target.rsplit(".", 1)[0]
            if target != _module_name(path):
                deps.add(target)
        graph[_module_name(path)] = deps
    graph["cprstats"] = set()  # the top-level front imports lazily (by name, on first use)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return stack[stack.index(dep) :] + [dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            pytest.fail("import circle: " + " -> ".join(cycle))


def test_public_names_are_unchanged():
    assert set(cprstats.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(cprstats, name) is not None


def test_submodules_users_reached_still_resolve():
    for name in ("examples", "datapackage", "schema", "report", "figures", "i18n", "published", "synth", "runner"):
        assert getattr(cprstats, name).__name__.startswith("cprstats.")


def test_python_dash_m_cprstats_is_the_command():
    out = subprocess.run([sys.executable, "-m", "cprstats", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and cprstats.__version__ in out.stdout + out.stderr


def test_module_names_are_not_the_functions_they_export():
    clash = []
    for path in MODULES:
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        if path.stem in defined:
            clash.append(str(path.relative_to(PKG)))
    assert clash == []


def test_seaborn_draws_the_figures():
    text = (PKG / "report" / "figures.py").read_text(encoding="utf-8")
    assert "import seaborn" in text
