"""`make lock`: pin every package, transitive ones too, for students and for the dev set, with uv.

Inputs (what we ask for)                     Locks (what gets installed; generated, do not edit)
  binder/requirements.in  the student set  ->  binder/requirements.txt  Binder, `make lab`, environment.yml
  requirements-dev.txt    + test/grading   ->  constraints.txt          `make setup-dev` / `make test` (-c)

The dev lock is resolved first and the student lock is resolved under it (`-c constraints.txt`), so a
student gets exactly the versions the tests ran with, and nothing the tests alone need. Both are
universal (markers for macOS and Windows packages such as appnope and pywinpty) for the Python range
in pyproject.toml. A pin already in a lock is kept while it still fits; `make lock UPGRADE=1` takes the
newest versions. environment.yml's pip section is written from binder/requirements.txt.

    python tools/lock.py [--upgrade]
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STUDENT_IN, STUDENT_LOCK = "binder/requirements.in", "binder/requirements.txt"
DEV_IN, DEV_LOCK = "requirements-dev.txt", "constraints.txt"
ENVIRONMENT = "environment.yml"
COMMAND = "make lock"

STUDENT_NOTE = ("# What a student needs, every package pinned (Binder, `make lab`; environment.yml has the same pins).\n"
                f"# Generated from {STUDENT_IN} under {DEV_LOCK} by `{COMMAND}`: edit the .in file, not this one.\n")
DEV_NOTE = ("# Every package of the dev set (students' plus test and grading tools), pinned: make installs with\n"
            f"# -c {DEV_LOCK}. Generated from {DEV_IN} by `{COMMAND}`: edit that file, not this one.\n")

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._\-]*)==([^\s;#]+)\s*(?:;\s*([^#]*?))?\s*(?:#.*)?$")


def normalize(name):
    """PEP 503 name: lower case, runs of -_. as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text):
    """{normalized name: (version, marker or "")} for every `name==version [; marker]` line."""
    found = {}
    for line in text.splitlines():
        match = PIN.match(line.strip().removeprefix("- ").strip())
        if match:
            name, version, marker = match.groups()
            found[normalize(name)] = (version, (marker or "").strip())
    return found


def requirement_lines(text):
    """The pin lines of a lock, without comments: `name==version` or `name==version ; marker`."""
    return [line.split("#", 1)[0].strip() for line in text.splitlines()
            if PIN.match(line.strip())]


def requires_python(root=ROOT):
    """(minimum, below) of pyproject.toml's requires-python, e.g. ("3.11.5", "3.12")."""
    text = (Path(root) / "pyproject.toml").read_text()
    spec = re.search(r'^requires-python\s*=\s*"([^"]*)"', text, re.M).group(1)
    bounds = dict(re.findall(r"(>=|<)\s*([0-9][0-9.]*)", spec))
    return bounds[">="], bounds["<"]


def environment_yml(lock_text, root=ROOT):
    """environment.yml for conda users: conda's Python in the supported range, then the student lock via pip."""
    minimum, below = requires_python(root)
    lines = ["# For conda users (and Windows): conda env create -f environment.yml, then",
             "#   conda activate backprop-course && pip install --no-deps -e .",
             "#   python tools/my_work.py && jupyter lab --ServerApp.root_dir=my-work my-work/00_feedforward/00_feedforward.ipynb",
             f"# Generated from {STUDENT_LOCK} by `{COMMAND}` (the same pins; a test checks it): do not edit.",
             "name: backprop-course",
             "channels:",
             "  - conda-forge",
             "dependencies:",
             f"  - python>={minimum},<{below}",
             "  - pip",
             "  - pip:"]
    lines += [f"      - {line}" for line in requirement_lines(lock_text)]
    return "\n".join(lines) + "\n"


def compile_command(source, output, *, constraints=None, upgrade=False, root=ROOT, extra=()):
    minimum, _ = requires_python(root)
    cmd = [sys.executable, "-m", "uv", "pip", "compile", source, "--output-file", output,
           "--universal", "--python-version", minimum, "--annotation-style", "line",
           "--custom-compile-command", COMMAND, "--quiet", *extra]
    if constraints:
        cmd += ["--constraint", constraints]
    if upgrade:
        cmd.append("--upgrade")
    return cmd


def _with_note(path, note, drop=None):
    """Put our note above uv's header, and drop a noise annotation (comments do not disturb uv)."""
    text = path.read_text()
    if drop:
        text = re.sub(rf"(, {re.escape(drop)}\b|{re.escape(drop)}, )", "", text)
    path.write_text(text if text.startswith(note) else note + text)


def lock(root=ROOT, upgrade=False, extra=(), run=subprocess.run):
    """Regenerate both locks and environment.yml under root (the repository, or a copy of it).

    extra: more uv options (the tests pass --offline to resolve from uv's cache)."""
    root = Path(root)
    run(compile_command(DEV_IN, DEV_LOCK, upgrade=upgrade, root=root, extra=extra), cwd=root, check=True)
    _with_note(root / DEV_LOCK, DEV_NOTE)
    run(compile_command(STUDENT_IN, STUDENT_LOCK, constraints=DEV_LOCK, root=root, extra=extra), cwd=root, check=True)
    _with_note(root / STUDENT_LOCK, STUDENT_NOTE, drop=f"-c {DEV_LOCK}")
    (root / ENVIRONMENT).write_text(environment_yml((root / STUDENT_LOCK).read_text(), root))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python tools/lock.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upgrade", action="store_true", help="take the newest versions that fit, not the pinned ones")
    args = parser.parse_args(argv)
    try:
        lock(upgrade=args.upgrade)
    except subprocess.CalledProcessError as exc:
        print(f"lock: uv failed (exit {exc.returncode}), see above; `git checkout` restores the locks", file=sys.stderr)
        return 1
    for path in (DEV_LOCK, STUDENT_LOCK, ENVIRONMENT):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
