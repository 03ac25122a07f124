"""A throwaway unprivileged user who can run this course's Python (a pytest fixture for tests that grade as them)."""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from coursekit.course import ROOT

def link_tree(source, target, skip):
    """A hard-linked copy of a folder (no bytes copied), without the folders named in skip."""
    shutil.copytree(source, target, symlinks=True, copy_function=os.link, ignore=shutil.ignore_patterns(*skip))


@pytest.fixture(scope="module")
def unprivileged():
    """(user name, folder): a throwaway system user with a home, this Python and venv hard-linked where it can
    reach them (/root is 0700 here), and a copy of the course it owns. Removed afterwards."""
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.skip("creating a user needs root")
    name = f"wall{os.getpid() % 100000}"
    folder = Path(tempfile.mkdtemp(prefix="backprop-unprivileged-"))  # pytest's own temp root is 0700
    os.chmod(folder, 0o755)
    home = folder / "home"
    subprocess.run(["useradd", "--system", "--create-home", "--home-dir", str(home), name], check=True)
    try:
        py, venv, course = folder / "py", folder / "venv", folder / "course"
        link_tree(sys.base_prefix, py, skip=("site-packages", "test", "tests", "include", "share"))
        link_tree(sys.prefix, venv, skip=("tests",))
        cfg = venv / "pyvenv.cfg"  # hard links: replace, never edit in place
        text = cfg.read_text().replace(sys.base_prefix, str(py))
        cfg.unlink()
        cfg.write_text(text)
        for script in (venv / "bin").iterdir():  # console scripts name the original venv's python: name the copy's
            if script.is_file() and not script.is_symlink() and script.read_bytes()[:2] == b"#!":
                text = script.read_bytes().replace(str(sys.prefix).encode(), str(venv).encode())
                mode = script.stat().st_mode
                script.unlink()
                script.write_bytes(text)
                script.chmod(mode)
        real = Path(os.path.realpath(sys.executable))
        for link in (Path(sys.prefix) / "bin").iterdir():  # python, python3, python3.X: however venv linked them
            if link.is_symlink() and Path(os.path.realpath(link)) == real:
                (venv / "bin" / link.name).unlink()
                (venv / "bin" / link.name).symlink_to(py / real.relative_to(sys.base_prefix))
        ignore = shutil.ignore_patterns("__pycache__", "submitted", "autograded", "*.db")
        for part in ("backprop", "grader", "solutions"):
            shutil.copytree(ROOT / part, course / part, ignore=ignore)
        shutil.copy(Path(__file__).parent / "wall_job.py", course / "wall_job.py")
        subprocess.run(["chown", "-R", f"{name}:", str(course), str(home)], check=True)
        yield name, folder
    finally:
        subprocess.run(["userdel", "--remove", name], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)




def run_as(user, folder, argv, timeout=600):
    """Run argv as the unprivileged user with the hard-linked venv first on PATH and the course copy importable."""
    env = {"PATH": f"{folder / 'venv' / 'bin'}:/usr/bin:/bin", "HOME": str(folder / "home"),
           "PYTHONPATH": str(folder / "course"),
           "LD_LIBRARY_PATH": str(folder / "py" / "lib")}  # the copy's libpython (its RUNPATH names /root)
    return subprocess.run(["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()], *argv],
                          capture_output=True, text=True, timeout=timeout, cwd=folder / "course")
