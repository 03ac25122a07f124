"""The code stays readable in pieces: no module of backprop/ or grader/ over 500 lines, no function over 60."""
import ast

from coursekit.course import ROOT

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def too_long(path, root=ROOT):
    """[(what, lines)] for the module at path (named from root) and each of its functions (nested ones too) beyond the limits."""
    text = path.read_text()
    found = []
    if len(text.splitlines()) > MAX_MODULE_LINES:
        found.append((str(path.relative_to(root)), len(text.splitlines())))
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                found.append((f"{path.relative_to(root)}:{node.lineno} {node.name}", lines))
    return found


def test_no_module_over_500_lines_and_no_function_over_60():
    """Every .py of backprop/ and grader/ (the course package and the instructor's tools) keeps the limits."""
    paths = sorted(p for package in ("backprop", "grader") for p in (ROOT / package).rglob("*.py"))
    assert len(paths) > 40, f"only {len(paths)} modules found"
    found = [hit for path in paths for hit in too_long(path)]
    assert not found, "over the limits (a module 500 lines, a function 60):\n" + "\n".join(f"{w}: {n}" for w, n in found)


def method(lines):
    """A class whose method spans exactly `lines` lines (def, assignments, return)."""
    body = "".join(f"        x{i} = {i}\n" for i in range(lines - 2))
    return "class A:\n    def f(self):\n" + body + "        return 0\n"


def test_the_limits_catch_a_long_module_and_a_long_nested_function(tmp_path):
    """A 501-line module and a 61-line method are both named; a 500-line module with a 60-line method passes."""
    fits, over = tmp_path / "fits.py", tmp_path / "over.py"
    fits.write_text(method(60) + "#\n" * (MAX_MODULE_LINES - 61))
    over.write_text(method(61) + "#\n" * (MAX_MODULE_LINES - 61))
    assert len(fits.read_text().splitlines()) == MAX_MODULE_LINES
    assert too_long(fits, tmp_path) == []
    assert too_long(over, tmp_path) == [("over.py", 501), ("over.py:2 f", 61)]
