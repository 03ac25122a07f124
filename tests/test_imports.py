"""Who imports whom, read statically with `ast`: no import cycle, and the layers stay apart.

The graph's nodes are the repo's modules: the packages backprop, grader and coursekit, and the class
hub's scripts classhub/*.py (named classhub.<script>). Every import counts wherever it is written (module
level, inside a function or a class, under a condition), absolute or relative, and so does
`importlib.import_module("literal")`. `from package import name` is an edge to package.name when that is a
module, else to the package (its __init__). A bare `import X` naming a script of the repo's script folders
(classhub/, grader/wall/inside/: they import each other by name, their folder on sys.path) is an edge to that
script; coursekit.hub's `import prepare` (classhub/ put on sys.path) counts as importing classhub.prepare.

Layers: backprop (what students import) imports none of grader, coursekit, classhub; grader (the
instructor's tools) never imports coursekit (the tests' and benchmarks' kit); the released lessons import
only numpy, matplotlib, ipywidgets, IPython, the standard library and backprop.
"""
import ast
import json
import sys
from collections import deque

import pytest

from coursekit.course import LESSONS, ROOT

PACKAGES = ("backprop", "grader", "coursekit")  # real packages (an __init__.py in every folder)
SCRIPT_DIRS = ("classhub", "grader/wall/inside")     # folders of scripts that import their neighbours by name
NOTEBOOK_ALLOWED = {"numpy", "matplotlib", "ipywidgets", "IPython", "backprop"}


def repo_modules(root=ROOT, packages=PACKAGES, flat=("classhub",)):
    """{dotted module name: path} for every .py of packages (recursively) and of the flat script folders."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "__pycache__" in path.parts or "node_modules" in path.parts:
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    for folder in flat:
        for path in sorted((root / folder).glob("*.py")):
            found[f"{folder.replace('/', '.')}.{path.stem}"] = path
    return found


class Import:
    """One import statement's edge: importer -> target, where it is written."""

    def __init__(self, importer, target, path, line, text, nested):
        self.importer, self.target, self.path, self.line, self.text, self.nested = \
            importer, target, path, line, text, nested

    def __str__(self):
        where = " (inside a function)" if self.nested else ""
        return f"{self.path}:{self.line}{where}: {self.text}"


def _statements(tree):
    """(node, nested) for every import statement and literal importlib.import_module/__import__ call."""
    def walk(node, nested):
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, nested
            elif (isinstance(child, ast.Call) and child.args and isinstance(child.args[0], ast.Constant)
                  and isinstance(child.args[0].value, str)
                  and (isinstance(child.func, ast.Name) and child.func.id == "__import__"
                       or isinstance(child.func, ast.Attribute) and child.func.attr == "import_module")):
                yield child, nested
            yield from walk(child, inner)
    yield from walk(tree, False)


def import_graph(root=ROOT, packages=PACKAGES, flat=("classhub",), script_dirs=SCRIPT_DIRS):
    """(modules, [Import]) of the repo: every import of every module that lands on a repo module or top name."""
    modules = repo_modules(root, packages, flat)
    tops = set(packages) | set(flat)
    scripts = {}  # bare name -> module, for the script folders' modules
    for folder in script_dirs:
        for path in (root / folder).glob("*.py"):
            if path.stem != "__init__":
                scripts.setdefault(path.stem, f"{folder.replace('/', '.')}.{path.stem}")
    script_folders = {root / folder for folder in script_dirs}

    def absolute(dotted, importer_path):
        first = dotted.split(".")[0]
        if first in tops:
            parts = dotted.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            return ".".join(parts) if parts else first
        if first in sys.stdlib_module_names:
            return None
        sibling = importer_path.parent / f"{first}.py"
        if importer_path.parent in script_folders and sibling.exists():  # a script importing its neighbour
            return ".".join(sibling.relative_to(root).with_suffix("").parts)
        return scripts.get(first)  # e.g. coursekit.hub's `import prepare`, classhub/ on sys.path

    edges = []
    for name, path in modules.items():
        source = path.read_text()
        lines = source.splitlines()
        is_package = path.name == "__init__.py"
        for node, nested in _statements(ast.parse(source, str(path))):
            text = lines[node.lineno - 1].strip()
            rel = path.relative_to(root)
            if isinstance(node, ast.Import):
                targets = [absolute(alias.name, path) for alias in node.names]
            elif isinstance(node, ast.Call):  # importlib.import_module("a.b") / __import__("a.b")
                value = node.args[0].value
                targets = [] if value.startswith(".") else [absolute(value, path)]
            elif node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in node.names]
            else:
                module = absolute(node.module, path)
                if module is None:
                    continue
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in node.names]
            for target in dict.fromkeys(t for t in targets if t and t != name):  # not itself
                edges.append(Import(name, target, rel, node.lineno, text, nested))
    return modules, edges


def find_cycles(graph):
    """One cycle [a, b, ..., a] for every strongly connected set of nodes that has one (self-imports too).

    graph: {node: iterable of nodes it imports}. Tarjan's algorithm, iterative; each cycle starts at its
    smallest node, and the list is sorted, so that a failure reads the same on every run.
    """
    graph = {n: sorted(set(t)) for n, t in graph.items()}
    for targets in list(graph.values()):
        for t in targets:
            graph.setdefault(t, [])
    index, low, on_stack, stack, components, counter = {}, {}, set(), [], [], [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
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
                    components.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(graph[child])))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    cycles = []
    for component in components:
        if len(component) > 1 or component[0] in graph[component[0]]:
            cycles.append(_shortest_cycle(component[0], graph, set(component)))
    return sorted(cycles)


def _shortest_cycle(first, graph, members):
    """[first, ..., first]: the shortest way from first back to itself through members (breadth first)."""
    previous, frontier = {first: None}, deque([first])
    while frontier:
        node = frontier.popleft()
        for target in graph[node]:
            if target == first:
                path = [node]
                while path[-1] != first:
                    path.append(previous[path[-1]])
                return path[::-1] + [first]
            if target in members and target not in previous:
                previous[target] = node
                frontier.append(target)
    raise AssertionError(f"no way back to {first} in {sorted(members)}")


def cycle_message(cycles, edges):
    """The cycles, each with the import lines that close it."""
    by_pair = {}
    for e in edges:
        by_pair.setdefault((e.importer, e.target), []).append(e)
    out = []
    for cycle in cycles:
        out.append(" -> ".join(cycle))
        for a, b in zip(cycle, cycle[1:]):
            out += [f"    {e}" for e in by_pair.get((a, b), [])]
    return "\n".join(out)


def forbidden(edges, importer_top, banned):
    """The imports by importer_top's modules of a module under one of the banned top names."""
    return [e for e in edges if e.importer.split(".")[0] == importer_top and e.target.split(".")[0] in banned]


def notebook_imports(path):
    """[(cell number, top module name, line)] of every import in a notebook's code cells (magics removed)."""
    from IPython.core.inputtransformer2 import TransformerManager
    cells = json.loads(path.read_text())["cells"]
    found = []
    for number, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        tree = ast.parse(TransformerManager().transform_cell(source), f"{path.name} cell {number}")
        for node, _ in _statements(tree):
            if isinstance(node, ast.Import):
                found += [(number, alias.name.split(".")[0], node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                found.append((number, "." * node.level + (node.module or "").split(".")[0], node.lineno))
            else:
                found.append((number, node.args[0].value.split(".")[0], node.lineno))
    return found


def notebook_allowed(top):
    return top in NOTEBOOK_ALLOWED or (top in sys.stdlib_module_names and not top.startswith("_"))


# The repo itself.

@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_no_import_cycle_among_the_repo_modules(graph):
    """No import cycle among the modules of backprop, grader, coursekit and classhub (imports in functions too)."""
    modules, edges = graph
    assert all((ROOT / folder).is_dir() for folder in SCRIPT_DIRS), "a script folder moved: update SCRIPT_DIRS"
    assert ("grader.wall.inside.zygote", "grader.wall.inside.jail") in {(e.importer, e.target) for e in edges}
    adjacency = {name: set() for name in modules}
    for e in edges:
        adjacency.setdefault(e.importer, set()).add(e.target)
    cycles = find_cycles(adjacency)
    assert not cycles, f"{len(cycles)} import cycle(s) among the repo's modules:\n{cycle_message(cycles, edges)}"


def test_backprop_imports_none_of_grader_coursekit_classhub(graph):
    """backprop (what the students import) imports nothing of grader, coursekit or classhub."""
    modules, edges = graph
    assert any(name.startswith("backprop.") for name in modules), "no backprop modules found"
    bad = forbidden(edges, "backprop", {"grader", "coursekit", "classhub"})
    assert not bad, "backprop imports the instructors' or the tests' code:\n" + "\n".join(map(str, bad))


def test_grader_never_imports_coursekit(graph):
    """grader (the instructor's tools) never imports coursekit (the tests' and benchmarks' kit)."""
    modules, edges = graph
    assert any(name.startswith("grader.") for name in modules), "no grader modules found"
    bad = forbidden(edges, "grader", {"coursekit"})
    assert not bad, "grader imports coursekit:\n" + "\n".join(map(str, bad))


def test_lessons_import_only_numpy_matplotlib_ipywidgets_ipython_stdlib_backprop():
    """The lessons (lessons/*/*.ipynb) import only numpy, matplotlib, ipywidgets, IPython, the stdlib and backprop."""
    notebooks = sorted(LESSONS.glob("*/*.ipynb"))
    assert notebooks, f"no notebooks under {LESSONS}"
    bad = [f"{nb.relative_to(ROOT)} cell {cell} line {line}: {top}"
           for nb in notebooks for cell, top, line in notebook_imports(nb) if not notebook_allowed(top)]
    assert not bad, "the lessons import what a student's environment may not have:\n" + "\n".join(bad)


# The checks above can fail: each on a small made-up case.

def test_find_cycles_finds_a_two_module_cycle_and_none_in_a_chain():
    """The cycle finder reports a -> b -> a, and nothing for a -> b."""
    assert find_cycles({"a": {"b"}, "b": {"a"}}) == [["a", "b", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_find_cycles_on_longer_cycles_self_imports_and_a_diamond():
    """The cycle finder: a three-module cycle, a module importing itself, two separate cycles; no cycle in a diamond."""
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"a"}}) == [["a", "a"]]
    assert find_cycles({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}) == [["a", "b", "a"], ["c", "d", "c"]]
    assert find_cycles({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}) == []
    cycle = find_cycles({"a": {"b", "c"}, "b": {"c"}, "c": {"a"}})  # the shortest way back from a
    assert cycle == [["a", "c", "a"]]


def test_graph_sees_relative_absolute_and_function_imports(tmp_path):
    """The graph builder sees a relative import inside a function, `from package import module`, a literal
    import_module and a script's import of its neighbour; the layer check flags them, the cycle test fails."""
    for folder, files in {
            "low": {"__init__.py": "", "a.py": "def f():\n    from .b import g\n    return g\n",
                    "b.py": "from low import a\nimport high.tool\n"},
            "high": {"__init__.py": "from . import tool, NAME\n",
                     "tool.py": "import os\nimport importlib\nimportlib.import_module('low')\n"},
            "hub": {"start.py": "import os, helper\n", "helper.py": "import json\n"}}.items():
        (tmp_path / folder).mkdir()
        for name, text in files.items():
            (tmp_path / folder / name).write_text(text)
    modules, edges = import_graph(tmp_path, ("low", "high"), ("hub",), ("hub",))
    assert set(modules) == {"low", "low.a", "low.b", "high", "high.tool", "hub.start", "hub.helper"}
    assert {(e.importer, e.target, e.nested) for e in edges} == {
        ("low.a", "low.b", True), ("low.b", "low.a", False), ("low.b", "high.tool", False),
        ("high", "high.tool", False), ("high.tool", "low", False), ("hub.start", "hub.helper", False)}
    assert [str(e) for e in forbidden(edges, "low", {"high"})] == ["low/b.py:2: import high.tool"]
    adjacency = {}
    for e in edges:
        adjacency.setdefault(e.importer, set()).add(e.target)
    assert find_cycles(adjacency) == [["low.a", "low.b", "low.a"]]
    assert "low/a.py:2 (inside a function): from .b import g" in cycle_message(find_cycles(adjacency), edges)


def test_notebook_scan_flags_a_package_students_do_not_have(tmp_path):
    """The notebook check reads imports past magics and flags pandas and a relative import, not numpy or json."""
    cells = [{"cell_type": "code", "source": ["%matplotlib inline\n", "import numpy as np, json\n"]},
             {"cell_type": "markdown", "source": "import pandas"},
             {"cell_type": "code", "source": "def f():\n    import pandas as pd\n    from .x import y\n    !ls\n"}]
    path = tmp_path / "lesson.ipynb"
    path.write_text(json.dumps({"cells": cells}))
    found = notebook_imports(path)
    assert [(c, top) for c, top, _ in found] == [(0, "numpy"), (0, "json"), (2, "pandas"), (2, ".x")]
    assert [top for _, top, _ in found if not notebook_allowed(top)] == ["pandas", ".x"]
