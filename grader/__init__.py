"""Instructor tooling for the course (`python -m grader COMMAND`), by subsystem.

autograde/ the course's steps inside nbgrader's autograde pipeline; wall/ where student code runs
while grading; classwork/ collect, grade, results, feedback, export; editions/ lessons from
solutions, the student edition, Binder. course.py names every folder of the course and the
gradebook URL; nbgrader_config.py puts the steps and plugins into nbgrader.
"""
import os
import sys
from pathlib import Path

from grader.course import Course

COURSE = Course.at(Path(__file__).resolve().parent.parent)  # this checkout
ROOT, SOLUTIONS, LESSONS, CONFIG = COURSE.root, COURSE.solutions, COURSE.lessons, COURSE.config


def lesson_names(source=SOLUTIONS):
    """Every lesson folder (NN_topic) under source, in order."""
    return sorted(p.name for p in Path(source).iterdir() if p.is_dir() and p.name[:2].isdigit())


def tool_env():
    """The environment for nbgrader subprocesses: this interpreter's bin first on PATH (nbgrader calls alembic)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env
