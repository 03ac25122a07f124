"""Every lesson in real JupyterLab in Chromium: it runs clean, and its widgets render and respond.

Two variants per lesson: the released lesson finished as a student would (coursekit/course.py `finished`),
and the untouched released lesson (stubs raise NotImplementedError). The solutions notebooks run top to
bottom in tests/test_solutions_run.py (hidden tests included), and lesson 08's in JupyterLab in
tests/browser/test_xor_training_browser.py: a third browser variant would only repeat the finished one.
The untouched variant is tests/browser/test_untouched_lessons_browser.py (a module of its own, so that
pytest-xdist's two workers share the lessons).
Screenshots go to test-artifacts/browser/<lesson>-<variant>.png, timings to timings.txt there.
"""
import shutil
import time

import nbformat
import pytest

from coursekit.course import LESSONS, answer_cells, finished, lessons, read
from jlab import NotebookPage

pytestmark = pytest.mark.browser



def serve(lab, lesson, variant):
    """Copy the lesson's folder for this variant into the server's root; returns the notebook's path there."""
    folder = f"{lesson}-{variant}"
    target = lab.root / folder
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(LESSONS / lesson, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    if variant == "finished":
        nbformat.write(finished(lesson), target / f"{lesson}.ipynb")
    return f"{folder}/{lesson}.ipynb"


def stub_error(description):
    """An error the untouched lesson is expected to show: a stub raising, or a check saying so."""
    return description.startswith("NotImplementedError") or (
        description.startswith(("AssertionError", "CheckFailed")) and "not written yet" in description)


def check_widgets(nb):
    """Every explorer renders, and every control of it changes the picture or numbers it shows."""
    widget_cells = nb.widget_cells()
    moved = []
    for cell in widget_cells:
        nb.check_widget_rendered(cell["index"])
    for cell in widget_cells:
        controls = nb.controls(cell["index"])
        assert controls, f"cell {cell['index']} ({cell['source'][:60]!r}) shows a widget with no control to move"
        for kind, control in controls:
            moved.append(nb.check_control_redraws(cell["index"], kind, control))
    return widget_cells, moved


@pytest.mark.parametrize("variant", ["finished"])
@pytest.mark.parametrize("lesson", lessons())
def test_lesson_in_jupyterlab(lesson, variant, lab, page, artifacts):
    """The lesson finished as a student would: Run All is clean, every explorer renders and responds."""
    check_lesson(lesson, variant, lab, page, artifacts)


def check_lesson(lesson, variant, lab, page, artifacts):
    """Open the lesson's variant, run it, check its errors and widgets, screenshot it at 1280 px."""
    if not (LESSONS / lesson / f"{lesson}.ipynb").exists():
        pytest.fail(f"lessons/{lesson} is not released: run `python -m grader release`")
    path = serve(lab, lesson, variant)
    nb = NotebookPage(page, lab)
    timing = {"open": nb.open(path)}

    if variant == "released":
        timing["run cells one by one"] = nb.run_cells_one_by_one()
        errors = nb.errors()
        widget_indexes = {c["index"] for c in nb.widget_cells()}
        stub_cells = {i for i, e in errors if stub_error(e)}  # their rendered tracebacks are expected too
        unexpected = [(i, e) for i, e in errors if i in widget_indexes or i not in stub_cells]
        assert not unexpected, ("the untouched lesson should only fail where a stub is called; also got:\n"
                                + "\n".join(f"cell {i}: {e}" for i, e in unexpected))
        if answer_cells(read("lessons", lesson)):
            assert any(stub_error(e) for _, e in errors), "the untouched lesson ran without any stub error"
    else:
        timing["run all"] = nb.run_all()
        errors = nb.errors()
        assert not errors, "errors after Run All:\n" + "\n".join(f"cell {i}: {e}" for i, e in errors)
        unnumbered = [c["index"] for c in nb.cells() if c["type"] == "code" and c["count"] is None]
        assert not unnumbered, f"cells never ran: {unnumbered}"

    t0 = time.monotonic()
    widget_cells, moved = check_widgets(nb)
    timing["widgets"] = time.monotonic() - t0
    assert widget_cells, f"{lesson} has no widget cell (a cell calling widgets.<explorer>(...))"
    nb.screenshot_notebook(artifacts / f"{lesson}-{variant}.png")
    too_wide = nb.overflowing()
    assert not too_wide, (f"at a 1280-pixel window these outputs are cut off or stick out "
                          f"(cell, element, content width, box width), see {lesson}-{variant}.png: {too_wide}")
    findings = nb.accessibility_findings()
    assert not findings, f"axe-core: serious or critical findings in what {lesson} renders: {findings}"
    wrapped = nb.wrapped_lines()
    assert not wrapped, f"printed lines wider than the output area at 1280 px (they wrap): {wrapped}"
    cut = nb.cut_code_lines()
    assert not cut, f"code lines wider than their cell at 1280 px (cut off, they scroll sideways): {cut}"
    lab.timings.append((f"{lesson} {variant}", timing))
    print(f"{lesson} {variant}: " + ", ".join(f"{k} {v:.1f} s" for k, v in timing.items())
          + f"; moved: {'; '.join(moved)}")
    if page.console_errors:
        print("page errors (not failing the test):", *page.console_errors[:5], sep="\n  ")


def test_the_page_checks_find_a_wrapped_line_and_a_cut_button(lab, page):
    """The checks every lesson passes can fail: a printed line wider than the output area, a toggle
    button too narrow for its name and a code line wider than its cell, in a made-up notebook."""
    folder = lab.root / "checks-can-fail"
    folder.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print('short line')\nprint('trained ' + ' '.join(f'{i}/30 {i * 0.0123:.4f}' for i in range(30)))"),
        nbformat.v4.new_code_cell("import ipywidgets as w\nw.ToggleButtons(options=['dropped denominators, spelled out'])"),
        nbformat.v4.new_code_cell("x = 1\ny = 2  # " + "a comment far too long for the cell " * 4)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, folder / "checks.ipynb")
    notebook = NotebookPage(page, lab)
    notebook.open("checks-can-fail/checks.ipynb")
    notebook.run_all()
    wrapped = notebook.wrapped_lines()
    assert [cell for cell, _ in wrapped] == [0] and wrapped[0][1].startswith("trained 0/30"), wrapped
    assert any("widget-toggle-button" in what for _, what, *_ in notebook.overflowing())
    assert notebook.cut_code_lines() == [[2, "y = 2  # " + "a comment far too long for the cell " * 4]]
