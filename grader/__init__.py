"""Instructor tooling: regenerate lessons from solutions, and (later) collect, grade, feed back, export."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LESSONS = ROOT / "lessons"
CONFIG = ROOT / "grader" / "nbgrader_config"


def lesson_names(source=SOLUTIONS):
    """Every lesson folder (NN_topic) under source, in order."""
    return sorted(p.name for p in Path(source).iterdir() if p.is_dir() and p.name[:2].isdigit())


def tool_env():
    """The environment for nbgrader subprocesses: this interpreter's bin first on PATH (nbgrader calls alembic)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env
