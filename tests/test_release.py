"""lessons/ is exactly what the release command makes from solutions/, and every lesson keeps the pattern."""
import filecmp
import inspect
import json
import re

import nbformat
import pytest

from backprop import reference
from coursekit.course import (LESSONS, ROOT, SOLUTIONS, all_lessons, answer_cells, grade_info, graded_cells, lessons,
                              read)
from grader.editions import release

pytestmark = pytest.mark.nbgrader


def test_committed_lessons_equal_a_fresh_generation(tmp_path):
    """Regenerating lessons/ from solutions/ reproduces the committed files byte for byte."""
    made = release.generate(tmp_path, quiet=True)
    assert made == all_lessons()
    for lesson in made:
        compared = filecmp.dircmp(tmp_path / lesson, LESSONS / lesson)
        assert not (compared.left_only or compared.right_only), f"{lesson}: {compared.left_only} {compared.right_only}"
        for name in compared.common_files:
            assert (tmp_path / lesson / name).read_bytes() == (LESSONS / lesson / name).read_bytes(), (
                f"lessons/{lesson}/{name} differs from a fresh generation: run `make lessons`")
    assert sorted(p.name for p in LESSONS.iterdir() if p.is_dir()) == made


def test_release_removes_stale_lessons_and_rewrites_changed_ones(tmp_path):
    """A lesson folder with no source is deleted; an edited stale release is overwritten, not skipped."""
    (tmp_path / "99_gone").mkdir()
    lesson = lessons()[0]
    (tmp_path / lesson).mkdir()
    (tmp_path / lesson / f"{lesson}.ipynb").write_text("stale")
    release.generate(tmp_path, quiet=True)
    assert not (tmp_path / "99_gone").exists()
    assert nbformat.read(tmp_path / lesson / f"{lesson}.ipynb", as_version=4).cells


@pytest.mark.parametrize("path", sorted(ROOT.glob("solutions/*/*.ipynb")) + sorted(ROOT.glob("lessons/*/*.ipynb")),
                         ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_notebooks_are_committed_without_outputs(path):
    """No outputs, execution counts or saved widget state in any committed notebook."""
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        assert not cell.get("outputs") and not cell.get("execution_count"), f"{path.name}: {cell['source'][:60]}"
    assert "widgets" not in nb["metadata"]


CODE_WIDTH = 100  # characters of a code line shown whole at 1280 px (about 105 show; the browser test measures)


def seen_code_lines(nb):
    """Every code line a student sees, in the finished notebook (solutions included, hidden tests left out)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            hidden = False
            for line in cell.source.splitlines():
                hidden = hidden or "### BEGIN HIDDEN TESTS" in line
                if not hidden:
                    yield line
                hidden = hidden and "### END HIDDEN TESTS" not in line


@pytest.mark.parametrize("lesson", lessons())
def test_every_code_line_a_student_sees_fits_its_cell(lesson):
    """No code line of a lesson (its solutions too) is cut off at 1280 px: at most CODE_WIDTH characters."""
    long = [line for line in seen_code_lines(read("solutions", lesson)) if len(line) > CODE_WIDTH]
    assert not long, f"{len(long)} code lines over {CODE_WIDTH} characters:\n" + "\n".join(long)


def test_the_width_rule_leaves_out_hidden_tests_only():
    """seen_code_lines keeps lines before, after and between hidden blocks, and drops what they hold."""
    cell = nbformat.v4.new_code_cell("a\n### BEGIN HIDDEN TESTS\nb\n### END HIDDEN TESTS\nc")
    prose = nbformat.v4.new_markdown_cell("d")
    assert list(seen_code_lines(nbformat.v4.new_notebook(cells=[cell, prose]))) == ["a", "c"]


# Answer cells that define a value instead of a function: grade_id -> the lesson folder it belongs to.
VALUE_ANSWERS = {"settings": "10_digits"}   # lesson 10: settings = dict(hidden=..., lr=..., epochs=..., seed=...)


@pytest.mark.parametrize("lesson", lessons())
def test_each_graded_function_has_answer_check_and_hidden_test(lesson):
    """Answer cell `f` (signature as in the spec), then check cell `check_f`, then hidden test cell `test_f`."""
    nb = read("solutions", lesson)
    ids = [grade_info(c).get("grade_id") for c in nb.cells if grade_info(c)]
    assert len(ids) == len(set(ids)), f"duplicate grade ids in {lesson}"
    tests = graded_cells(nb)
    for name, cell in answer_cells(nb).items():
        if VALUE_ANSWERS.get(name) == lesson:
            assert re.search(rf"^{name}\s*=", cell.source, re.M), f"the {name} cell must assign {name} = ..."
        else:
            assert hasattr(reference, name), f"{name} is not a graded function of the spec (backprop.reference)"
            params = str(inspect.signature(getattr(reference, name)))
            assert re.search(rf"^def {name}\s*{re.escape(params)}:", cell.source, re.M), f"{name} must be def {name}{params}"
        position = ids.index(name)
        assert ids[position + 1: position + 3] == [f"check_{name}", f"test_{name}"], ids
        assert "### BEGIN HIDDEN TESTS" in tests[f"test_{name}"].source
        assert tests[f"test_{name}"].source.splitlines()[0].startswith("#"), "a test cell's first line says what it checks"
    assert set(tests) == {f"test_{name}" for name in answer_cells(nb)}


@pytest.mark.parametrize("lesson", lessons())
def test_each_lesson_links_to_the_next(lesson):
    """The last cell links to the next lesson's notebook, which exists (the final lesson excepted)."""
    names = all_lessons()
    last = read("solutions", lesson).cells[-1]
    assert last.cell_type == "markdown"
    links = re.findall(r"\]\(\.\./(\d\d_\w+)/(\d\d_\w+)\.ipynb\)", last.source)
    if lesson != names[-1]:
        following = names[names.index(lesson) + 1]
        assert (following, following) in links, f"{lesson} should end with a link to {following}"
    for folder, name in links:
        assert folder == name and (SOLUTIONS / folder / f"{name}.ipynb").exists(), f"{lesson} links to a missing lesson {folder}"
