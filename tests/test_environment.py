"""The three ways to install agree (venv, conda, Binder) and are full locks, Binder's config builds, and tests stay out of $HOME."""
import difflib
import functools
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from coursekit.course import ROOT

STUDENT_TOOLS = {"jupyterlab", "numpy", "matplotlib", "ipywidgets"}
DEV_TOOLS = {"nbgrader", "pytest", "pytest-xdist", "playwright", "axe-playwright-python", "jupyter-repo2docker", "uv", "psycopg", "jupyterhub",
             "jupyterhub-idle-culler"}


def _tool(name):
    """A module of tools/ (not a package: `make` runs them as scripts)."""
    spec = importlib.util.spec_from_file_location(f"backprop_tools_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


locktool = _tool("lock")
check_python = _tool("check_python")


def _read(rel):
    return (ROOT / rel).read_text()


def _inputs(rel):
    """{normalized name: Requirement} of an input file's own lines (not its -r includes)."""
    found = {}
    for line in _read(rel).splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            found[locktool.normalize(req.name)] = req
    return found


def test_every_line_of_the_locks_is_an_exact_pin():
    for rel in (locktool.STUDENT_LOCK, locktool.DEV_LOCK):
        for line in _read(rel).splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                assert locktool.PIN.match(line.strip()), f"{rel}: not an exact pin: {line!r}"
        assert "make lock" in _read(rel), f"{rel} says how it is made"


def test_student_lock_is_the_dev_lock_less_the_tools():
    """Students get exactly the versions the tests ran with, all of them pinned, and no test tools."""
    student, dev = locktool.pins(_read(locktool.STUDENT_LOCK)), locktool.pins(_read(locktool.DEV_LOCK))
    wanted = _inputs(locktool.STUDENT_IN)
    assert set(wanted) == STUDENT_TOOLS, "Binder gets what a student needs, and no test tools"
    assert len(student) > len(wanted) + 50, "the student lock pins the transitive dependencies too"
    for name, req in wanted.items():
        assert name in student and student[name][0] in req.specifier, (name, student.get(name), str(req))
    for name, (version, _) in student.items():
        assert name in dev, f"{name} is in {locktool.STUDENT_LOCK} but not in {locktool.DEV_LOCK}: run `make lock`"
        assert dev[name][0] == version, f"{locktool.DEV_LOCK} pins {name} {dev[name][0]}, Binder {version}: `make lock`"
    assert not DEV_TOOLS & set(student), DEV_TOOLS & set(student)
    dev_wanted = _inputs(locktool.DEV_IN)
    assert set(dev_wanted) == DEV_TOOLS and f"-r {locktool.STUDENT_IN}" in _read(locktool.DEV_IN)
    for name, req in dev_wanted.items():
        assert dev[name][0] in req.specifier, f"requirements-dev.txt asks {req}, {locktool.DEV_LOCK} pins {dev[name][0]}"


def test_course_package_declares_what_it_imports_and_the_lock_satisfies_it():
    project = tomllib.loads(_read("pyproject.toml"))["project"]
    declared = {locktool.normalize(Requirement(r).name): Requirement(r) for r in project["dependencies"]}
    assert set(declared) == STUDENT_TOOLS - {"jupyterlab"}
    assert all(str(req.specifier) and "==" not in str(req.specifier) for req in declared.values()), \
        "the package states ranges; the pins live in the locks"
    student = locktool.pins(_read(locktool.STUDENT_LOCK))
    for name, req in declared.items():
        assert student[name][0] in req.specifier, (name, student[name], str(req))


def test_conda_gets_the_student_lock():
    """environment.yml is generated from binder/requirements.txt: same pins, same Python range."""
    yml = _read(locktool.ENVIRONMENT)
    assert yml == locktool.environment_yml(_read(locktool.STUDENT_LOCK)), "environment.yml is stale: `make lock`"
    env = yaml.safe_load(yml)
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == locktool.requirement_lines(_read(locktool.STUDENT_LOCK))
    assert locktool.pins("\n".join(pip)) == locktool.pins(_read(locktool.STUDENT_LOCK))
    minimum, below = locktool.requires_python()
    assert f"python>={minimum},<{below}" in env["dependencies"]


def _installed_closure(roots):
    """{normalized name: Distribution} of roots and everything they require here, from installed metadata."""
    env = default_environment()
    found, extras, todo = {}, {}, [Requirement(r) for r in roots]
    while todo:
        req = todo.pop()
        name = locktool.normalize(req.name)
        new_extras = set(req.extras) - extras.get(name, set())
        if name in found and not new_extras:
            continue
        extras.setdefault(name, set()).update(req.extras)
        try:
            found[name] = dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            pytest.fail(f"{name} is required but not installed: run `make setup-dev`")
        for spec in dist.requires or []:
            sub = Requirement(spec)
            if sub.marker is None or any(sub.marker.evaluate({**env, "extra": e})
                                         for e in extras[name] | {""}):
                todo.append(sub)
    return found


@pytest.mark.parametrize("lock_file, inputs", [(locktool.STUDENT_LOCK, [locktool.STUDENT_IN]),
                                              (locktool.DEV_LOCK, [locktool.STUDENT_IN, locktool.DEV_IN])])
def test_lock_holds_exactly_what_its_inputs_require_here(lock_file, inputs):
    """Offline: walk the installed packages' own requirements from the inputs; on this platform the lock
    must pin exactly that set (nothing missing, nothing stale) at the installed versions."""
    roots = [str(req) for rel in inputs for req in _inputs(rel).values()]
    needed = _installed_closure(roots)
    env = default_environment()
    locked = {name: version for name, (version, marker) in locktool.pins(_read(lock_file)).items()
              if not marker or Marker(marker).evaluate(env)}
    assert set(locked) - set(needed) == set(), f"{lock_file} pins what nothing requires here: run `make lock`"
    assert set(needed) - set(locked) == set(), f"{lock_file} misses what is required: run `make lock`"
    stale = {n: (d.version, locked[n]) for n, d in needed.items() if d.version != locked[n]}
    assert not stale, f"installed vs {lock_file}: {stale} (run `make setup-dev`, or `make lock`)"


@pytest.mark.lock
def test_make_lock_would_change_nothing(tmp_path):
    """Re-resolve both locks with uv in a copy of the inputs and locks: the same files must come out.

    Resolves from uv's cache when it can (about 2 s), else from PyPI (about 30 s); skips only when
    PyPI cannot be reached. The offline tests above catch most drift without the network."""
    for rel in ("pyproject.toml", locktool.STUDENT_IN, locktool.STUDENT_LOCK, locktool.DEV_IN,
                locktool.DEV_LOCK, locktool.ENVIRONMENT):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    run = functools.partial(subprocess.run, capture_output=True, text=True, timeout=300)
    try:
        locktool.lock(tmp_path, extra=["--offline"], run=run)
    except subprocess.CalledProcessError:
        try:
            locktool.lock(tmp_path, run=run)
        except subprocess.CalledProcessError as exc:
            if re.search(r"(?i)network|connect|dns|timed? ?out|failed to fetch", exc.stderr):
                pytest.skip(f"PyPI not reachable for uv: {exc.stderr.strip()[-300:]}")
            pytest.fail(f"uv cannot resolve the inputs:\n{exc.stderr}")
    for rel in (locktool.DEV_LOCK, locktool.STUDENT_LOCK, locktool.ENVIRONMENT):
        fresh, committed = (tmp_path / rel).read_text(), _read(rel)
        diff = "".join(difflib.unified_diff(committed.splitlines(True), fresh.splitlines(True), rel, "make lock"))
        assert fresh == committed, f"`make lock` would change {rel}:\n{diff}"


def test_python_range_is_what_the_pins_need_and_agrees_everywhere():
    """pyproject's requires-python: its minimum is the tightest the pins allow, and Binder, conda,
    make, the README and the Python running these tests all fall in it."""
    minimum, below = locktool.requires_python()
    spec = SpecifierSet(f">={minimum},<{below}")
    needs = {}
    for name in locktool.pins(_read(locktool.DEV_LOCK)):
        try:
            needs[name] = importlib.metadata.distribution(name).metadata.get("Requires-Python") or ""
        except importlib.metadata.PackageNotFoundError:
            continue  # another platform's package
    refused = {n: s for n, s in needs.items() if minimum not in SpecifierSet(s)}
    assert not refused, f"pinned packages refuse Python {minimum}: {refused}"
    major, minor, patch = (int(p) for p in minimum.split("."))
    if patch:
        earlier = f"{major}.{minor}.{patch - 1}"
        floor = {n for n, s in needs.items() if earlier not in SpecifierSet(s)}
        assert floor, f"the pins would install on {earlier}: lower requires-python to the tightest bound"
        assert check_python.FLOOR in floor, f"tools/check_python.py names {check_python.FLOOR}, the floor is {floor}"
    assert below == f"{major}.14", "3.11 to 3.13: the Pythons tools/python_versions.sh proves in CI"
    assert _read("binder/runtime.txt").strip() == f"python-{major}.{minor}", "Binder runs the suite's Python"
    assert "PYTHON ?= python3\n" in _read("Makefile"), "make takes the default python3"
    assert f"python>={minimum},<{below}" in _read("environment.yml")
    assert ".".join(map(str, sys.version_info[:3])) in spec, "the tests run on a Python the course supports"
    assert "tools/python_versions.sh" in _read(".ci/run"), "CI proves every supported Python"
    readme = _read("README.md")
    assert f"Python {minimum}" in readme and "3.13" in readme


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
    """`make lab` copies the lessons into the student's own folder, serves that folder, opens lesson 00
    there, and JupyterLab asks nothing about news or updates (the "browser" here records what it got)."""
    seen, recorder, my_work = tmp_path / "opened.json", tmp_path / "browser.py", tmp_path / "my-work"
    recorder.write_text(
        "import json, re, sys, urllib.request\n"
        "page = urllib.request.urlopen(sys.argv[1]).read().decode()\n"
        "url = re.search(r'http://127[.]0[.]0[.]1:[0-9]+/lab/tree/[^\"\\s]+', page).group(0)\n"
        "base, token = url.split('/lab/')[0], re.search(r'token=([0-9a-f]+)', page).group(1)\n"
        "api = base + '/lab/api/settings/@jupyterlab/apputils-extension:notification?token=' + token\n"
        "notify = json.loads(urllib.request.urlopen(api).read())\n"
        f"open({str(seen)!r}, 'w').write(json.dumps({{'url': url, 'notify': notify}}))\n")
    args = f"--port=0 --ip=127.0.0.1 --ServerApp.open_browser=True --ServerApp.browser='{sys.executable} {recorder} %s'"
    proc = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}", f"VENV={Path(sys.prefix)}",
                             f"MY_WORK={my_work}"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(600):
            if seen.exists() and seen.read_text():
                break
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=30)[0].decode(errors="replace")
    opened = json.loads(seen.read_text()) if seen.exists() else {}
    assert re.search(r"/lab/tree/00_feedforward/00_feedforward\.ipynb", opened.get("url", "")), output[-3000:]
    assert "Serving notebooks from local directory: " + str(my_work) in output
    schema = opened["notify"]["schema"]["properties"]
    assert schema["fetchNews"]["default"] == "false" and schema["checkForUpdates"]["default"] is False, schema
    lessons_there = sorted(p.relative_to(my_work) for p in my_work.rglob("*.ipynb"))
    assert lessons_there == sorted(p.relative_to(ROOT / "lessons") for p in (ROOT / "lessons").rglob("*.ipynb"))


def test_my_work_copies_new_lessons_and_never_overwrites_the_students(tmp_path):
    """A course update brings a new lesson into my-work/; a lesson the student has is left as it is."""
    my_work_tool = _tool("my_work")
    lessons, mine = tmp_path / "lessons", tmp_path / "my-work"
    (lessons / "00_a").mkdir(parents=True)
    (lessons / "00_a" / "00_a.ipynb").write_text("course v1")
    assert [p.name for p in my_work_tool.copy_new(lessons, mine)] == ["00_a.ipynb"]
    (mine / "00_a" / "00_a.ipynb").write_text("the student's answers")
    (lessons / "00_a" / "00_a.ipynb").write_text("course v2")
    (lessons / "01_b").mkdir()
    (lessons / "01_b" / "01_b.ipynb").write_text("new lesson")
    assert [p.name for p in my_work_tool.copy_new(lessons, mine)] == ["01_b.ipynb"]
    assert (mine / "00_a" / "00_a.ipynb").read_text() == "the student's answers"
    assert (mine / "01_b" / "01_b.ipynb").read_text() == "new lesson"


def test_binder_and_make_lab_install_the_same_jupyterlab_settings():
    """postBuild and the Makefile both copy binder/jupyterlab-overrides.json into JupyterLab's settings."""
    overrides = json.loads(_read("binder/jupyterlab-overrides.json"))
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    target = "share/jupyter/lab/settings/overrides.json"
    assert "cp binder/jupyterlab-overrides.json" in _read("binder/postBuild")
    assert f"cp binder/jupyterlab-overrides.json $(VENV)/{target}" in _read("Makefile")
