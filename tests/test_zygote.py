"""The zygote (grader/wall/inside/zygote.py): a forked child behaves like a freshly started `python ARGS`.

Each test runs programs through a real wall's stubs (Wall.python_argv), as the out-of-kernel check
does; kernels take the same path (test_isolation.py starts them through jupyter_client).
"""
import json

import pytest

import wall_job
from grader import wall as grading_wall

pytestmark = pytest.mark.wall


@pytest.fixture(scope="module")
def wall():
    with grading_wall.Wall(allow_unwalled=True) as built:  # the zygote's behaviour, with or without bubblewrap
        yield built


def test_output_exit_code_and_a_clean_environment(wall, monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", "kept")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # the course draws no pictures while graded
    monkeypatch.setenv("GRADER_TOKEN", "dropped")
    monkeypatch.setenv("NBGRADER_DB_PASSWORD", "dropped")  # of nbgrader's names, only its two flags pass
    code = ("import os, sys, json\nprint(json.dumps({'home': os.environ['HOME'], 'jpy': os.environ.get('JPY_SESSION_NAME'),"
            " 'nbgrader': os.environ.get('NBGRADER_EXECUTION'), 'password': os.environ.get('NBGRADER_DB_PASSWORD'),"
            " 'token': os.environ.get('GRADER_TOKEN'), 'cwd': os.getcwd(), 'argv': sys.argv}))\nsys.exit(7)")
    done = wall_job.run_python(wall, ["-c", code, "extra"])
    assert done.returncode == 7, done.stderr
    seen = json.loads(done.stdout)
    assert seen["jpy"] == "kept" and seen["nbgrader"] == "autograde"
    assert seen["token"] is None and seen["password"] is None
    assert seen["home"] == seen["cwd"] and seen["cwd"].startswith(str(wall.work))
    assert seen["argv"] == ["-c", "extra"]


def test_a_crash_is_reported_as_a_failure(wall):
    done = wall_job.run_python(wall, ["-c", "raise ValueError('boom')"])
    assert done.returncode == 1 and "ValueError: boom" in done.stderr


def test_modules_and_scripts_run_like_python_does(wall):
    done = wall_job.run_python(wall, ["-m", "json.tool"], stdin='{"a": 1}')
    assert json.loads(done.stdout) == {"a": 1}, done.stderr
    script = grading_wall.INSIDE / "check_child.py"
    job = {"cells": [["<cell>", "def f(x):\n    return 2 * x"]], "cases": [
        {"fn": "f", "args": [{"int": 21}], "refs": [], "value": False}],
        "case_timeout": 5, "cell_timeout": 5, "skip": [], "noted": [], "start": 0}
    done = wall_job.run_python(wall, [str(script)], stdin=json.dumps(job))
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert {"case": 0, "got": {"int": 42}, "after": [{"int": 21}]} in lines and lines[-1] == {"done": 1}, done.stderr


def test_each_child_has_its_own_folder_and_random_state(wall):
    code = "import os, numpy\nprint(os.getcwd(), numpy.random.randint(1 << 30))"
    first, second = (wall_job.run_python(wall, ["-c", code]).stdout.split() for _ in range(2))
    assert first[0] != second[0] and first[1] != second[1]
