"""What a newcomer meets first: the Python check before .venv, the note on skipped browser tests,
the Binder link for a fork, and a README that says all of it."""
import importlib.util
import os
import re
import stat
import subprocess
import sys

import pytest

from coursekit.course import ROOT
from grader.editions import binder

README = (ROOT / "README.md").read_text()
FIRST_LESSON = "lessons/00_feedforward/00_feedforward.ipynb"


def _tool(name):
    spec = importlib.util.spec_from_file_location(f"backprop_tools_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_python = _tool("check_python")


# --- the Python check `make` runs before it creates .venv ---------------------------------------

def test_check_python_reads_the_range_from_pyproject():
    assert check_python.python_range((ROOT / "pyproject.toml").read_text()) == ((3, 11, 5), (3, 14))
    with pytest.raises(ValueError):
        check_python.python_range('requires-python = ">=3.11"\n')


@pytest.mark.parametrize("version, ok", [((3, 11, 5), True), ((3, 11, 9), True), ((3, 12, 0), True),
                                         ((3, 13, 7), True), ((3, 11, 4), False), ((3, 11, 2), False),
                                         ((3, 10, 14), False), ((3, 14, 0), False)])
def test_check_python_accepts_exactly_the_range(version, ok):
    message = check_python.problem(version + ("final", 0), (3, 11, 5), (3, 14), "soupsieve 4.1.2")
    assert (message is None) == ok
    if not ok:
        shown = ".".join(map(str, version))
        assert f"Python {shown} cannot install" in message and ">= 3.11.5 and < 3.14" in message
        assert "make lab PYTHON=/path/to/python3.13" in message
        why = "soupsieve 4.1.2 needs Python >= 3.11.5" if version < (3, 11, 5) else "tested up to Python 3.13"
        assert why in message


def _fake_python(tmp_path, version):
    """An interpreter that claims to be `version` (sys.version_info patched) and runs its script."""
    fake = tmp_path / f"python{'.'.join(map(str, version))}"
    code = (f"import runpy, sys; sys.version_info = {tuple(version) + ('final', 0)!r}; "
            "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")
    fake.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "{code}" "$@"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return fake


def _make(*args, **env):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={**os.environ, **env})


def test_make_stops_early_with_a_too_old_python(tmp_path):
    """`make check-python`, the first step of making .venv, refuses Debian 12's 3.11.2, names the package
    that needs more and says what to do."""
    result = _make("check-python", f"PYTHON={_fake_python(tmp_path, (3, 11, 2))}")
    assert result.returncode != 0
    assert "Python 3.11.2 cannot install the course's pinned packages" in result.stderr, result.stderr
    floor = f"{check_python.FLOOR} {check_python.pinned(check_python.FLOOR, (ROOT / 'binder/requirements.txt').read_text())}"
    assert f"{floor} needs Python >= 3.11.5" in result.stderr and "make lab PYTHON=/path/to/python3.13" in result.stderr
    ok = _make("check-python", f"PYTHON={_fake_python(tmp_path, (3, 11, 5))}")
    assert ok.returncode == 0, ok.stderr
    assert _make("check-python", f"PYTHON={sys.executable}").returncode == 0


def test_make_says_when_the_python_is_missing(tmp_path):
    result = _make("check-python", f"PYTHON={tmp_path / 'python3.11'}")
    assert result.returncode != 0 and "not found" in result.stderr and "PYTHON=/path/to/python3.13" in result.stderr


def test_the_check_comes_before_the_venv(tmp_path):
    """make lab/setup (dry run, fresh VENV): the check is the first command, before `-m venv`."""
    for target in ("lab", "setup", "setup-dev"):
        plan = _make("-n", target, f"VENV={tmp_path / 'venv'}").stdout.splitlines()
        first_venv = next(i for i, line in enumerate(plan) if " -m venv " in line)
        assert any("tools/check_python.py" in line for line in plan[:first_venv]), (target, plan)


# --- browser tests without Chromium: skipped and counted, or failed under .ci/run ---------------

def _browser_run(tmp_path, **env):
    """A tiny browser-test selection in a child pytest, Chromium pointed at a path that does not exist."""
    environ = {k: v for k, v in os.environ.items() if k not in ("BACKPROP_REQUIRE_BROWSER", "PYTEST_ADDOPTS")}
    environ.update(BACKPROP_CHROMIUM=str(tmp_path / "no-chromium"), **env)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/browser/test_lessons_browser.py", "-k", "00_feedforward and finished"],
                          cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)


def test_missing_chromium_skips_the_browser_tests_and_says_so_at_the_end(tmp_path):
    result = _browser_run(tmp_path)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert re.search(r"^1 skipped, \d+ deselected", out, re.M), out
    line = f"1 browser test skipped: Chromium not found at {tmp_path / 'no-chromium'}"
    assert line in out, out
    assert "BACKPROP_CHROMIUM" in out.split(line, 1)[1].splitlines()[0] and "README" in out
    assert out.index(line) > out.index("browser tests skipped: Chromium missing"), "under its own heading"


def test_missing_chromium_fails_when_ci_requires_the_browser(tmp_path):
    result = _browser_run(tmp_path, BACKPROP_REQUIRE_BROWSER="1")
    assert result.returncode == 1, result.stdout
    assert "1 error" in result.stdout and "BACKPROP_REQUIRE_BROWSER=1 requires it" in result.stdout
    assert "browser test skipped" not in result.stdout


def test_ci_installs_chromium_and_requires_it():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "apt-get install" in ci and "chromium" in ci
    assert ci.index("export BACKPROP_REQUIRE_BROWSER=1") < ci.index("make test")


# --- the Binder link for a fork -----------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://github.com/someone/my-course.git",
    "https://github.com/someone/my-course",
    "https://github.com/someone/my-course/",
    "http://github.com/someone/my-course.git",
    "https://user:secret@github.com/someone/my-course.git",
    "https://www.GitHub.com/someone/my-course",
    "git@github.com:someone/my-course.git",
    "git@github.com:someone/my-course",
    "github.com:someone/my-course.git",
    "ssh://git@github.com/someone/my-course.git",
    "ssh://git@github.com:22/someone/my-course.git",
    "git://github.com/someone/my-course.git",
    "  git@github.com:someone/my-course.git\n",
])
def test_github_remote_forms(url):
    assert binder.github_repo(url) == ("someone", "my-course")


def test_repo_names_keep_their_dots_and_case():
    assert binder.github_repo("git@github.com:Some-One/course.v2.git") == ("Some-One", "course.v2")


@pytest.mark.parametrize("url", [
    "https://gitlab.com/someone/my-course.git",
    "git@gitlab.com:someone/my-course.git",
    "https://github.com/someone",
    "https://github.com/someone/my-course/tree/main",
    "https://notgithub.com/someone/my-course",
    "/home/someone/my-course",
    "https://user:secret@example.org/someone/my-course.git",
])
def test_other_remotes_get_a_clear_message(url):
    with pytest.raises(binder.NotGitHub) as info:
        binder.github_repo(url)
    assert "not a GitHub repository" in str(info.value) and "secret" not in str(info.value)


def test_binder_url_and_badge():
    url = binder.binder_url("someone", "my-course", "main")
    assert url == f"https://mybinder.org/v2/gh/someone/my-course/main?urlpath=lab/tree/{FIRST_LESSON}"
    assert binder.binder_url("a", "b", "term/spring").startswith("https://mybinder.org/v2/gh/a/b/term%2Fspring?")
    assert binder.badge(url) == f"[![Binder](https://mybinder.org/badge_logo.svg)]({url})"


def test_readme_badge_is_what_binder_link_prints_for_this_repository():
    assert binder.badge(binder.binder_url("backprop-course", "backprop-course", "main")) in README


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _link(*args):
    return subprocess.run([sys.executable, "-m", "grader", "binder-link", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_binder_link_command_on_a_fork(tmp_path):
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "remote", "add", "origin", "git@github.com:someone/my-course.git")
    _git(tmp_path, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/spring")
    result = _link("--course", str(tmp_path))
    assert result.returncode == 0, result.stderr
    url = f"https://mybinder.org/v2/gh/someone/my-course/spring?urlpath=lab/tree/{FIRST_LESSON}"
    assert f"  {url}\n" in result.stdout and binder.badge(url) in result.stdout
    assert "/v2/gh/someone/my-course/fall?" in _link("--course", str(tmp_path), "--ref", "fall").stdout
    _git(tmp_path, "remote", "add", "lab", "https://gitlab.com/someone/my-course.git")
    other = _link("--course", str(tmp_path), "--remote", "lab")
    assert other.returncode == 2 and "not a GitHub repository" in other.stderr
    missing = _link("--course", str(tmp_path), "--remote", "upstream")
    assert missing.returncode == 2 and "no git remote 'upstream'" in missing.stderr


def test_make_binder_link_passes_remote_and_ref():
    plan = subprocess.run(["make", "-n", "binder-link", "REMOTE=upstream", "REF=fall"], cwd=ROOT,
                          capture_output=True, text=True).stdout
    assert "-m grader binder-link --remote upstream --ref fall" in plan


# --- the README tells it ------------------------------------------------------------------------

def test_conda_opens_the_same_first_lesson_as_make_lab():
    """Both copy the lessons into my-work/ first, then open lesson 00 there."""
    copy, recipe = re.search(r"^lab:.*\n\t@?(.*)\n\t(.*)$", (ROOT / "Makefile").read_text(), re.M).groups()
    assert copy == "$(BIN)/python tools/my_work.py lessons $(MY_WORK)"
    opens = re.search(r"jupyter lab (?:\$\(ROOT_FLAG\) )?(.*?) \$\(LAB_ARGS\)", recipe).group(1)
    opens = opens.replace("$(MY_WORK)", "my-work")
    assert opens == f"--ServerApp.root_dir=my-work {FIRST_LESSON.replace('lessons/', 'my-work/')}"
    assert f"python tools/my_work.py && jupyter lab {opens}" in README
    assert "conda env create -f environment.yml && conda activate backprop-course" in README
    assert f"python tools/my_work.py && jupyter lab {opens}" in (ROOT / "environment.yml").read_text()


def test_readme_says_how_to_get_chromium_and_what_ci_does():
    for text in ("sudo apt-get install chromium", "chromium-browser", "snap", "brew install --cask chromium",
                 "BACKPROP_CHROMIUM", "Google Chrome", "BACKPROP_REQUIRE_BROWSER=1", ".ci/run",
                 "browser tests skipped: Chromium not found at"):
        assert text in README, text


def test_readme_says_how_to_pin_and_point_binder_at_a_fork():
    for text in ("make lock", "UPGRADE=1", "binder/requirements.in", "make binder-link",
                 "python -m grader binder-link", "git remote get-url origin", "make check-python"):
        assert text in README, text


# --- instructor commands in a student's environment: one line, no traceback --------------------

def test_an_instructor_command_without_the_dev_tools_says_so_in_one_line(tmp_path):
    """`python -m grader grade` where nbgrader is missing (a student's `make lab` environment): exit 2, one line
    naming the missing tool and `make setup-dev`, no traceback."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(  # this Python behaves as if nbgrader were not installed
        "import sys\nclass _NoNbgrader:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'nbgrader' or name.startswith('nbgrader.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _NoNbgrader())\n")
    env = dict(os.environ, PYTHONPATH=str(blocker))
    for command in (["grade", "--course", str(tmp_path)], ["export", "--course", str(tmp_path)],
                    ["feedback", "--course", str(tmp_path)], ["release"]):
        result = subprocess.run([sys.executable, "-m", "grader", *command], cwd=ROOT,
                                env=env, capture_output=True, text=True, timeout=120)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert "needs nbgrader" in lines[0] and "make setup-dev" in lines[0], lines


def test_run_all_is_explained_where_a_student_meets_it():
    """Lesson 00 (which every student opens first) and the README say Run All stops at the first unwritten
    answer, and how to go on; the lesson does stop there."""
    from coursekit.course import read
    first = read("lessons", "00_feedforward").cells[0].source
    for text in (first, README):
        flat = " ".join(text.split())
        assert "Run All stops at the first function you have not written yet" in flat.replace("*", "")
        assert "Run Selected Cell and All Below" in flat
    stubs = [c for c in read("lessons", "00_feedforward").cells if "raise NotImplementedError" in c.source]
    assert stubs, "lesson 00 has an unwritten answer for Run All to stop at"
