"""Where the course lives, its notebooks and answer bank, and how to build a student's submission.

ROOT is the checkout: the project is installed editable (`pip install -e .`), so this file stays in
<checkout>/coursekit/. The bank's TOML files live with the tests, in tests/bank/.
"""
import copy
import os
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, LESSONS, BANK = ROOT / "solutions", ROOT / "lessons", ROOT / "tests" / "bank"
if not (ROOT / "pyproject.toml").is_file() or not SOLUTIONS.is_dir():
    raise ImportError(f"coursekit is used from the course's checkout, installed editable (`pip install -e .`); "
                      f"{ROOT} is not a checkout (no pyproject.toml and solutions/ there)")


def all_lessons():
    """Every lesson name (NN_topic) that has a solutions notebook."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if (p / f"{p.name}.ipynb").exists())


def lessons():
    """Lesson names (NN_topic) that have a solutions notebook.

    BACKPROP_LESSONS="06 07" narrows every lesson-parametrised test to those lessons (a quick inner
    loop while writing a lesson); `make test` and `.ci/run` never set it.
    """
    names = all_lessons()
    only = os.environ.get("BACKPROP_LESSONS", "").split()
    return [n for n in names if not only or n[:2] in only or n in only]


def read(kind, lesson):
    """The solutions or released notebook of a lesson (kind: 'solutions' or 'lessons')."""
    return nbformat.read(ROOT / kind / lesson / f"{lesson}.ipynb", as_version=4)


def grade_info(cell):
    return cell.metadata.get("nbgrader", {})


def answer_cells(nb):
    """grade_id -> cell for every answer (solution) cell."""
    return {grade_info(c)["grade_id"]: c for c in nb.cells if grade_info(c).get("solution")}


def graded_cells(nb):
    """grade_id -> cell for every graded test cell."""
    return {grade_info(c)["grade_id"]: c for c in nb.cells
            if grade_info(c).get("grade") and not grade_info(c).get("solution")}


def solution_code(source):
    """A solution cell's code as a student would write it: the BEGIN/END SOLUTION markers removed."""
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def finished(lesson, replace=None):
    """The released notebook with every answer filled in from the solutions; replace maps grade_id -> code."""
    nb = copy.deepcopy(read("lessons", lesson))
    solved = answer_cells(read("solutions", lesson))
    for grade_id, cell in answer_cells(nb).items():
        cell.source = solution_code(solved[grade_id].source)
    for grade_id, code in (replace or {}).items():
        cells = answer_cells(nb)
        assert grade_id in cells, f"{lesson} has no answer cell {grade_id!r}"
        cells[grade_id].source = code
    return nb


def bank():
    """Every bank entry as a dict with lesson, function, style, code, and for wrong ones mistake and message."""
    entries = []
    for path in sorted(p for p in BANK.glob("*.toml") if p.stem in lessons()):
        for i, entry in enumerate(tomllib.loads(path.read_text())["entry"]):
            entry = dict(entry, lesson=path.stem, id=f"{path.stem}:{entry['function']}:{i}")
            entries.append(entry)
    return entries


def processes_running(marker):
    """Pids of live processes whose command line contains marker (e.g. a student's `sleep 613.25`)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            pass
    return found
