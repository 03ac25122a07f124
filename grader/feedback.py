"""Feedback pages through nbgrader's own `generate_feedback`, with the course's preprocessors.

`python -m grader feedback` runs `nbgrader generate_feedback` from the course's grader/ folder, so it
writes what formgrader's "Generate Feedback" writes: grader/feedback/<student>/<lesson>/<lesson>.html,
with nbgrader's score header (late penalty included). grader/nbgrader_config.py sets the steps:
nbgrader's GetGrades, ClearHiddenTests (hidden test code removed) and the course's
`plugins.FeedbackMessages`, which cuts every graded cell's error down to its message (a traceback
would quote hidden test lines) and adds the mistake it names (`results.name_mistake`).
"""
import html
import subprocess
import sys
from pathlib import Path

from . import ROOT, gradebook, results, tool_env

MISTAKE_CLASS = "backprop-mistake"


def write_all(root=ROOT, url=None):
    """Run nbgrader generate_feedback for every autograded submission; return the HTML pages written.

    Checks the gradebook first (gradebook.preflight): a database that cannot be opened writes nothing.
    """
    root = Path(root)
    gradebook.preflight(url or gradebook.default_url(root), graded=True)
    cmd = [sys.executable, "-m", "nbgrader", "generate_feedback", "--force", "--CourseDirectory.assignment_id=*"]
    env = tool_env() if url is None else dict(tool_env(), BACKPROP_GRADEBOOK_URL=url)
    done = subprocess.run(cmd, cwd=root / "grader", env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader generate_feedback failed (exit {done.returncode}); its log ends:\n"
                           + (done.stdout + done.stderr)[-3000:])
    return sorted((root / "grader" / "feedback").glob("*/*/*.html"))


def graded_outputs(grade_id, outputs):
    """A graded test cell's outputs as feedback shows them: errors as 'Name: message', then the mistake named.

    outputs: the cell's nbformat outputs (list of dicts). Tracebacks are dropped (they quote hidden
    test lines); other outputs are kept as they are.
    """
    kept = [dict(o, traceback=[f"{o['ename']}: {o['evalue']}"]) if o.get("output_type") == "error" else o
            for o in outputs]
    message = results.error_message(outputs)
    label = results.name_mistake(grade_id.removeprefix("test_"), message)
    if label and not any(label in _text(o) for o in outputs):
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
