"""The Python running these tests runs the course: lesson 00 in a kernel of this Python, one notebook graded.

`.ci/run` runs this module once more under every supported Python (tools/python_versions.sh makes each
one's environment the way `make lab` does); the full suite runs on one of them.
"""
import json
import os
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from coursekit.course import ROOT, finished, read
from nbgrader_course import TempCourse

pytestmark = pytest.mark.nbgrader
LESSON = "00_feedforward"
VERSION = "import sys; print('.'.join(map(str, sys.version_info[:3])))"


def test_lesson_00_runs_top_to_bottom_in_a_kernel_of_this_python(tmp_path):
    """The lesson (answers filled in, hidden tests included) runs without error in this Python's kernel."""
    nb = read("solutions", LESSON)
    nb.cells.append(nbformat.v4.new_code_cell(VERSION))
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors[0]
    assert nb.cells[-1].outputs[0].text.strip() == ".".join(map(str, sys.version_info[:3]))


def test_one_notebook_is_graded_in_full(tmp_path):
    """`python -m grader grade` (nbgrader autograde, the course's pipeline, the wall) gives a finished
    lesson 00 full marks."""
    course = TempCourse(tmp_path / "course")
    course.submit("student", LESSON, finished(LESSON))
    result = subprocess.run([sys.executable, "-m", "grader", "grade", "--course", str(course.root)], cwd=ROOT,
                            capture_output=True, text=True, env=dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((course.root / "grader" / "reports" / "grade.json").read_text())
    assert report["wall"]["walled"] is True, report["wall"]
    scores = course.scores("student", LESSON)
    assert scores and all(score == top for score, top in scores.values()), scores
