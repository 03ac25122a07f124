"""The three ways to install agree (venv, conda, Binder), Binder's config builds, and tests stay out of $HOME."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course import ROOT

STUDENT_TOOLS = {"jupyterlab", "numpy", "matplotlib", "ipywidgets"}


def _pins(lines):
    return dict(re.match(r"\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s#]+)", line).groups()
                for line in lines if re.match(r"\s*-?\s*[A-Za-z0-9_.\-]+==", line))


def test_binder_conda_and_constraints_pin_the_same_versions():
    binder = _pins((ROOT / "binder" / "requirements.txt").read_text().splitlines())
    conda = _pins((ROOT / "environment.yml").read_text().splitlines())
    locked = {k.lower(): v for k, v in _pins((ROOT / "constraints.txt").read_text().splitlines()).items()}
    assert set(binder) == STUDENT_TOOLS, "Binder gets what a student needs, and no test tools"
    assert conda == binder
    for name, version in binder.items():
        assert locked[name] == version, f"constraints.txt pins {name} {locked[name]}, binder {version}"


def test_python_is_311_everywhere():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert re.search(r"^\s*-\s*python=3\.11\s*$", (ROOT / "environment.yml").read_text(), re.M)
    assert "PYTHON ?= python3.11" in (ROOT / "Makefile").read_text()


def test_test_state_lives_in_temp_dirs():
    """conftest points Jupyter, IPython and matplotlib state away from $HOME and the repo."""
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        path = Path(os.environ[var]).resolve()
        assert not path.is_relative_to(Path.home().resolve()) and not path.is_relative_to(ROOT), (var, path)


@pytest.mark.binder
def test_repo2docker_renders_the_binder_config(tmp_path):
    """repo2docker --no-build accepts binder/ (Python 3.11, requirements, postBuild) without Docker."""
    tool = shutil.which("repo2docker", path=os.path.dirname(sys.executable))
    assert tool, "jupyter-repo2docker is a dev requirement"
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
    for part in ("binder", "environment.yml", "pyproject.toml"):  # the working tree, committed or not
        src = ROOT / part
        if src.is_dir():
            shutil.rmtree(repo / part, ignore_errors=True)
            shutil.copytree(src, repo / part)
        else:
            shutil.copy(src, repo / part)
    result = subprocess.run([tool, "--no-build", "--debug", str(repo)], capture_output=True, text=True, timeout=120)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "python3.11" in log or "PYTHON_VERSION=3.11" in log or "python=3.11" in log, log[-2000:]
    assert "binder/requirements.txt" in log and "postBuild" in log


def test_make_lab_opens_lesson_00_in_jupyterlab(tmp_path):
    """`make lab` serves lessons/ and opens lesson 00 (the "browser" here records the page it was given)."""
    seen, recorder = tmp_path / "opened.html", tmp_path / "browser.py"
    recorder.write_text("import sys, urllib.parse, urllib.request\n"
                        f"page = urllib.request.urlopen(sys.argv[1]).read().decode()\n"
                        f"open({str(seen)!r}, 'w').write(page)\n")
    args = f"--port=0 --ip=127.0.0.1 --ServerApp.open_browser=True --ServerApp.browser='{sys.executable} {recorder} %s'"
    proc = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}", f"VENV={Path(sys.prefix)}"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(300):
            if seen.exists() and seen.read_text():
                break
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=30)[0].decode(errors="replace")
    page = seen.read_text() if seen.exists() else ""
    assert re.search(r"http://127\.0\.0\.1:\d+/lab/tree/00_feedforward/00_feedforward\.ipynb", page), output[-3000:]
    assert "Serving notebooks from local directory: " + str(ROOT / "lessons") in output
