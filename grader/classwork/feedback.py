"""Feedback pages through nbgrader's own `generate_feedback`, with the course's preprocessors.

`python -m grader feedback` runs `nbgrader generate_feedback` from the course's grader/ folder, so it
writes what formgrader's "Generate Feedback" writes: grader/feedback/<student>/<lesson>/<lesson>.html,
with nbgrader's score header (late penalty included). grader/nbgrader_config.py sets the steps:
nbgrader's GetGrades, ClearHiddenTests (hidden test code removed) and the course's
`plugins.FeedbackMessages`, which cuts every graded cell's error down to its message (a traceback
would quote hidden test lines) and adds the label of the mistake the pipeline recorded for that cell.
"""
import html
import subprocess
import sys

from grader import tool_env
from grader.classwork import gradebook
from grader.course import Course, URL_ENV

MISTAKE_CLASS = "backprop-mistake"


def write_all(root=None, url=None):
    """Run nbgrader generate_feedback for every autograded submission; return the HTML pages written.

    Checks the gradebook first (gradebook.preflight): a database that cannot be opened writes nothing.
    """
    course = Course.at(root)
    gradebook.preflight(url or course.gradebook_url, graded=True)
    cmd = [sys.executable, "-m", "nbgrader", "generate_feedback", "--force", "--CourseDirectory.assignment_id=*"]
    env = tool_env() if url is None else dict(tool_env(), **{URL_ENV: url})
    done = subprocess.run(cmd, cwd=course.grader, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader generate_feedback failed (exit {done.returncode}); its log ends:\n"
                           + (done.stdout + done.stderr)[-3000:])
    return course.feedback_pages()


def graded_outputs(outputs, label=""):
    """A graded test cell's outputs as feedback shows them: errors as 'Name: message', then the mistake named.

    outputs: the cell's nbformat outputs (list of dicts); label: the mistake the pipeline recorded for
    the cell ('' when none). Tracebacks are dropped (they quote hidden test lines); other outputs are
    kept as they are.
    """
    kept = [dict(o, traceback=[f"{o['ename']}: {o['evalue']}"]) if o.get("output_type") == "error" else o
            for o in outputs]
    if label and any(o.get("output_type") == "error" for o in outputs) and not any(label in _text(o) for o in outputs):
        kept.append(mistake_output(label))
    return kept


def mistake_output(label):
    """A display output naming the mistake (HTML for the page, plain text for everything else)."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/plain": f"Mistake: {label}",
                     "text/html": f'<p class="{MISTAKE_CLASS}"><b>Mistake:</b> {html.escape(label)}</p>'}}


def _text(output):
    """Every text an output carries (stream text, error message, plain-text data)."""
    return " ".join([str(output.get("text", "")), str(output.get("evalue", "")),
                     str(output.get("data", {}).get("text/plain", ""))])
