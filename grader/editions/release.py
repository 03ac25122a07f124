"""Regenerate lessons/ from solutions/ with nbgrader, in a scratch course so no gradebook is touched.

Every lesson is rebuilt every time (no silent skip of stale outputs), written with outputs
stripped, and a lesson folder whose source is gone is removed.
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from grader import CONFIG, LESSONS, SOLUTIONS, lesson_names, tool_env


def generate(dest=LESSONS, source=SOLUTIONS, quiet=False):
    """Write a fresh release of every lesson in source into dest; return the lesson names."""
    names = lesson_names(source)
    with tempfile.TemporaryDirectory(prefix="backprop-release-") as scratch:
        scratch = Path(scratch)
        for name in names:
            shutil.copytree(Path(source) / name, scratch / "solutions" / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", "--force",
               f"--NbGrader.config_file={CONFIG}", f"--CourseDirectory.root={scratch}",
               f"--CourseDirectory.db_url=sqlite:///{scratch / 'gradebook.db'}",
               "--CourseDirectory.assignment_id=*"]
        result = subprocess.run(cmd, cwd=scratch, env=tool_env(), capture_output=True, text=True)
        made = lesson_names(scratch / "lessons") if (scratch / "lessons").exists() else []
        if result.returncode != 0 or made != names:
            raise RuntimeError(f"nbgrader generate_assignment failed (made {made} of {names}):\n"
                               f"{result.stdout}\n{result.stderr}")
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        for stale in set(lesson_names(dest)) - set(names):
            shutil.rmtree(dest / stale)
        for name in names:
            _replace(scratch / "lessons" / name, dest / name)
    if not quiet:
        print(f"regenerated {len(names)} lessons in {dest}: {', '.join(names)}")
    return names


def _replace(built, target):
    """Put the built lesson folder at target, every notebook stripped of outputs."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(built, target)
    for path in target.rglob("*.ipynb"):
        write_clean(path, nbformat.read(path, as_version=4))


def write_clean(path, nb):
    """Write nb to path with no outputs, no execution counts and no per-run metadata."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, str(path))
