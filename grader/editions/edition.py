"""Make the student edition: the course without solutions, hidden tests or grading internals.

For instructors who publish the student repository (e.g. on Binder) and keep solutions private.
What stays: lessons/ (released notebooks), the backprop package (the lessons' pictures, widgets and
checks need it; note that its `reference` module holds the math of every graded function, which
later lessons import by design), binder/, environment.yml, pyproject.toml, constraints.txt and a
student README and Makefile. With class_image, binder/requirements.txt also pins nbgrader (the
students' Assignments tab), so that repo2docker builds a class hub's students' image from it
(classhub/z2jh-values.yaml) with nothing of the instructors' in it.
"""
import shutil
from pathlib import Path

from grader import ROOT

KEEP = ["lessons", "backprop", "binder", "environment.yml", "pyproject.toml", "constraints.txt", ".gitignore"]
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### BEGIN SOLUTION", "### BEGIN MARK SCHEME")

README = """# Backpropagation, one idea at a time

An interactive Jupyter course: open `lessons/00_feedforward/00_feedforward.ipynb` and work down.
Run the cells, move the sliders, fill in every `YOUR CODE HERE`, run the check cell under it, then
download the notebook and hand it in the way your instructor asks.

Run it locally with Python 3.11 and make: `make lab`. With conda:
`conda env create -f environment.yml && conda activate backprop-course && pip install --no-deps -e . && jupyter lab lessons/`.
"""

MAKEFILE = """# Open the course: `make lab` (creates .venv with the pinned packages, then starts JupyterLab).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(VENV)/.student
\t$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=lessons lessons/00_feedforward/00_feedforward.ipynb

$(VENV)/.student: binder/requirements.txt constraints.txt pyproject.toml
\t$(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet -r binder/requirements.txt -c constraints.txt
\t$(BIN)/python -m pip install --quiet --no-deps -e .
\ttouch $@
"""


def pinned(package, root=ROOT):
    """The `package==version` line constraints.txt pins package to."""
    for line in (Path(root) / "constraints.txt").read_text().splitlines():
        requirement = line.split("#")[0].strip()
        if requirement.lower().startswith(f"{package.lower()}=="):
            return requirement
    raise RuntimeError(f"constraints.txt does not pin {package}")


def make(dest, root=ROOT, class_image=False):
    """Write the student edition into dest (which must not exist yet); return the files written."""
    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest} exists: choose a new folder, nothing was overwritten")
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
    for name in KEEP:
        src = Path(root) / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, dest / name)
    (dest / "README.md").write_text(README)
    (dest / "Makefile").write_text(MAKEFILE)
    if class_image:
        with (dest / "binder" / "requirements.txt").open("a") as requirements:
            requirements.write("-c ../constraints.txt  # nbgrader's own dependencies, pinned as the course's\n"
                               f"{pinned('nbgrader', root)}  # the Assignments tab of a class hub\n")
    leaks = [str(p) for p in dest.rglob("*.ipynb") if any(m in p.read_text() for m in HIDDEN_MARKERS)]
    if leaks:
        shutil.rmtree(dest)
        raise RuntimeError(f"refusing to publish notebooks with solutions or hidden tests: {leaks}")
    return sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
