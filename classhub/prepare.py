"""Prepare what the class hub needs outside the repository (run as root; `classhub/start` runs it).

Students' servers run as the students' own system users, so what they run must be readable by
every user, and the course (solutions/, the gradebook) must not be. Under CLASSHUB_PREFIX (default
/opt/backprop-classhub) this makes, when missing or out of date:

- `python/`: a copy of the course's Python, only when an ordinary user cannot run the one .venv was
  made from (pyenv under /root, mode 700, is the usual case). Its libpython is found through
  LD_LIBRARY_PATH, which jupyterhub_config.py sets for every server (see `runtime()`).
  CLASSHUB_PYTHON names another interpreter every user can run instead (3.11.5+).
- `venv/`: the students' environment: binder/requirements.txt under constraints.txt (the pins the
  tests ran), nbgrader, jupyterhub (for jupyterhub-singleuser), psycopg (a gradebook on PostgreSQL),
  the backprop and grader packages (copies, not editable links into the course: grader holds the
  grading steps the course's nbgrader_config.py loads, no solutions) and classhub/private_exchange.py (copied on every start).
- `jupyter/student`, `jupyter/instructor`: the two roles' Jupyter config folders (JUPYTER_CONFIG_PATH).
- the exchange (CLASSHUB_EXCHANGE, default /srv/nbgrader/exchange), on a filesystem of its own
  (STATE/exchange.img, CLASSHUB_EXCHANGE_SIZE, default 2G, loop-mounted nosuid,nodev,noexec on every
  start unless something is mounted there already): root 1777; course folder
  `backprop/` with outbound (2775), inbound (3773: group = instructors, setgid, sticky, not
  readable by others) and feedback (2771: others may only pass through).

- the course (CLASSHUB_COURSE, default /srv/backprop-course), when the default is used and missing:
  this checkout's solutions/ and grader/nbgrader_config.py, for the instructors' group only (2770).
  Never the checkout itself: root runs the checkout, and instructors write the course.

The groups CLASSHUB_STUDENTS_GROUP and CLASSHUB_INSTRUCTORS_GROUP (defaults backprop-students,
backprop-instructors) are created when missing: add students and instructors to them. Their members'
home folders are made private (0700) on every start, whatever useradd's default left.
"""
import fcntl
import grp
import hashlib
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safety  # noqa: E402 (classhub/safety.py)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The course's layout and id, from grader/course.py by path: this script runs before any environment has grader.
_LAYOUT = runpy.run_path(str(ROOT / "grader" / "course.py"))
COURSE_ID, Course = _LAYOUT["COURSE_ID"], _LAYOUT["Course"]
DEFAULT_COURSE = "/srv/backprop-course"
# What the students' environment is built from: a change to any of these rebuilds it.
ENV_INPUTS = ["binder/requirements.txt", "constraints.txt", "pyproject.toml", "binder/jupyterlab-overrides.json",
              "classhub/prepare.py"]  # + backprop/, grader/


def settings(environ=os.environ):
    """The hub's paths and group names from the environment (defaults for one class on one machine)."""
    prefix = Path(environ.get("CLASSHUB_PREFIX", "/opt/backprop-classhub"))
    return {"prefix": prefix, "venv": prefix / "venv", "jupyter": prefix / "jupyter",
            "state": Path(environ.get("CLASSHUB_STATE", prefix / "state")),
            "exchange": Path(environ.get("CLASSHUB_EXCHANGE", "/srv/nbgrader/exchange")),
            "course": Path(environ.get("CLASSHUB_COURSE", DEFAULT_COURSE)),
            "exchange_size": environ.get("CLASSHUB_EXCHANGE_SIZE", "2G"),
            "insecure": safety.switched_off(environ),
            "students": environ.get("CLASSHUB_STUDENTS_GROUP", "backprop-students"),
            "instructors": environ.get("CLASSHUB_INSTRUCTORS_GROUP", "backprop-instructors"),
            "python": environ.get("CLASSHUB_PYTHON")}


def runtime(s):
    """Environment variables every single-user server needs to run the students' venv."""
    lib = s["prefix"] / "python" / "lib"
    return {"LD_LIBRARY_PATH": str(lib)} if lib.is_dir() else {}


def runs_as_nobody(python, env=None):
    """Can an ordinary user (nobody) start this Python?"""
    cmd = ["runuser", "-u", "nobody", "--", str(python), "-c", "import encodings, json"]
    return subprocess.run(cmd, capture_output=True, env=env).returncode == 0


def ensure_python(s):
    """A Python 3.11 every user can execute: CLASSHUB_PYTHON, the course's own, or a copy of it."""
    if s["python"]:
        if not runs_as_nobody(s["python"]):
            sys.exit(f"classhub: CLASSHUB_PYTHON={s['python']} cannot be run by an ordinary user: "
                     "every folder above it must be world-executable (chmod o+x), or name another Python")
        return Path(s["python"]), {}
    base = Path(sys.base_prefix)
    exe = base / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    if runs_as_nobody(exe):
        return exe, {}
    copy = s["prefix"] / "python"
    copied = copy / "bin" / exe.name
    if not copied.exists():
        print(f"classhub: students cannot run {exe} (a folder above it is private): copying it to {copy}")
        _copy_python(base, copy, exe.name)
    env = dict(os.environ, **runtime(s))
    if not runs_as_nobody(copied, env):
        sys.exit(f"classhub: the copy {copied} does not run as an ordinary user either; "
                 "set CLASSHUB_PYTHON to a Python 3.11.5+ every user can execute")
    return copied, runtime(s)


def _copy_python(base, copy, name):
    """The interpreter, libpython and the standard library (no site-packages, no tests), world-readable."""
    (copy / "bin").mkdir(parents=True, exist_ok=True)
    shutil.copy2(base / "bin" / name, copy / "bin" / name)
    (copy / "lib").mkdir(exist_ok=True)
    for lib in (base / "lib").glob("libpython*.so*"):
        shutil.copy2(lib, copy / "lib" / lib.name, follow_symlinks=False)
    skip = shutil.ignore_patterns("site-packages", "test", "tests", "idlelib", "__pycache__")
    shutil.copytree(base / "lib" / name, copy / "lib" / name, ignore=skip, symlinks=True)
    (copy / "lib" / name / "site-packages").mkdir()
    _world_readable(copy)


def _world_readable(top):
    subprocess.run(["chmod", "-R", "a+rX", str(top)], check=True)


def _fingerprint(python):
    digest = hashlib.sha256(str(python).encode())
    for rel in ENV_INPUTS:
        digest.update((ROOT / rel).read_bytes())
    for path in sorted([*(ROOT / "backprop").rglob("*"), *(ROOT / "grader").rglob("*.py")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()


def ensure_venv(s, python, env_extra):
    """The students' environment, rebuilt when its inputs changed; returns its path."""
    venv, stamp = s["venv"], s["venv"] / ".classhub-stamp"
    want = _fingerprint(python)
    if stamp.exists() and stamp.read_text() == want:
        _install_exchange(venv, env_extra)
        return venv
    print(f"classhub: building the students' environment in {venv} (about two minutes)")
    env = dict(os.environ, **env_extra)
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True, env=env)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["-r", "binder/requirements.txt", "nbgrader", "jupyterhub", "psycopg[binary]", "-c", "constraints.txt"],
                   check=True, env=env, cwd=ROOT)
    with tempfile.TemporaryDirectory() as src:  # built from a copy: no build/ left in the checkout
        shutil.copy(ROOT / "pyproject.toml", src)
        results = [p.name for p in Course.at(ROOT).results()]  # a class graded in this checkout stays out
        shutil.copytree(ROOT / "backprop", Path(src) / "backprop", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "grader", Path(src) / "grader",  # the grading steps the course's nbgrader_config.py loads
                        ignore=shutil.ignore_patterns("__pycache__", *results))
        subprocess.run(pip + ["--no-deps", src], check=True, env=env, cwd=src)
    settings = venv / "share" / "jupyter" / "lab" / "settings"  # no news or update pop-up, as on Binder
    settings.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "binder" / "jupyterlab-overrides.json", settings / "overrides.json")
    _world_readable(venv)
    _install_exchange(venv, env_extra)
    stamp.write_text(want)
    return venv


def _install_exchange(venv, env_extra):
    """Copy classhub/private_exchange.py into the students' environment (every start: it is small)."""
    site = subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          check=True, env=dict(os.environ, **env_extra), capture_output=True, text=True).stdout.strip()
    shutil.copy(HERE / "private_exchange.py", site)
    os.chmod(os.path.join(site, "private_exchange.py"), 0o644)


def ensure_roles(s):
    """Copy classhub/jupyter (the two roles' config folders) to the prefix, world-readable."""
    dest = s["jupyter"]
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(HERE / "jupyter", dest, ignore=shutil.ignore_patterns("__pycache__"))
    _world_readable(dest)


def ensure_group(name):
    """The group's id, creating it (a system group) when missing."""
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        subprocess.run(["groupadd", "--system", name], check=True)
        return grp.getgrnam(name).gr_gid


def ensure_exchange_disk(s):
    """The exchange on a filesystem of its own (an ext4 image of CLASSHUB_EXCHANGE_SIZE, loop-mounted):
    a student who fills their submission folder fills the exchange, never the machine's disk."""
    root, image = s["exchange"], s["state"] / "exchange.img"
    if os.path.ismount(root) or "exchange-disk" in s["insecure"]:
        return
    root.mkdir(parents=True, exist_ok=True)
    s["state"].mkdir(parents=True, exist_ok=True)
    os.chmod(s["state"], 0o700)
    fresh = not image.exists()
    try:
        if fresh:
            subprocess.run(["fallocate", "-l", s["exchange_size"], str(image)], check=True, capture_output=True)
            subprocess.run(["mkfs.ext4", "-q", "-m", "0", str(image)], check=True, capture_output=True)
        existing = any(root.iterdir())
        if existing and fresh:  # an exchange from before: carried into its new filesystem
            with tempfile.TemporaryDirectory(dir=s["state"]) as tmp:
                _mount(image, tmp)
                try:
                    subprocess.run(["cp", "-a", f"{root}/.", tmp], check=True, capture_output=True)
                finally:
                    subprocess.run(["umount", tmp], check=True, capture_output=True)
        elif existing:
            raise OSError(f"{root} is not empty, and its filesystem {image} exists: move one of them aside")
        _mount(image, root)
    except (OSError, subprocess.CalledProcessError) as err:
        detail = getattr(err, "stderr", b"") or b""
        sys.exit(f"classhub: cannot give the exchange {root} a filesystem of its own ({err} {detail.decode().strip()}); "
                 "without one, a student can fill the machine's disk through it. Mount a filesystem there "
                 "yourself, or run without this protection by name: CLASSHUB_INSECURE=exchange-disk")


def _mount(image, where):
    subprocess.run(["mount", "-o", "loop,nosuid,nodev,noexec", str(image), str(where)], check=True, capture_output=True)


def release_exchange_disk(s):
    """Unmount the exchange's own filesystem (tests, uninstall); its image stays in the state folder."""
    if os.path.ismount(s["exchange"]):
        subprocess.run(["umount", "--lazy", str(s["exchange"])], check=False, capture_output=True)


def ensure_exchange(s):
    """The exchange folders with the modes described above (re-applied on every start)."""
    ensure_exchange_disk(s)
    gid = ensure_group(s["instructors"])
    root, course = s["exchange"], s["exchange"] / COURSE_ID
    layout = [(root, 0, 0o1777), (course, gid, 0o2775), (course / "outbound", gid, 0o2775),
              (course / "inbound", gid, 0o3773), (course / "feedback", gid, 0o2771)]
    for path, group, mode in layout:
        path.mkdir(parents=True, exist_ok=True)
        os.chown(path, 0, group)
        os.chmod(path, mode)


def ensure_course(s):
    """The default course, made once from this checkout (an existing one is the instructors': left alone)."""
    course = s["course"]
    if course.exists():
        return
    print(f"classhub: making the course {course} from {ROOT / 'solutions'} (for the group {s['instructors']})")
    course.mkdir(parents=True)
    shutil.copytree(ROOT / "solutions", course / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    (course / "grader").mkdir()
    for name in ("nbgrader_config.py", "course.py"):  # the config reads the course's layout from course.py
        shutil.copy(ROOT / "grader" / name, course / "grader")
    gid = ensure_group(s["instructors"])
    for folder, _, files in os.walk(course):
        os.chown(folder, 0, gid)
        os.chmod(folder, 0o2770)
        for name in files:
            os.chown(os.path.join(folder, name), 0, gid)
            os.chmod(os.path.join(folder, name), 0o660)


def private_homes(s):
    """Every student's and instructor's home folder 0700 (useradd's default is 0755 on some systems)."""
    for group in (s["students"], s["instructors"]):
        try:
            members = grp.getgrnam(group).gr_mem
        except KeyError:
            continue
        for user in members:
            if safety.private_home(user):
                print(f"classhub: {user}'s home folder was open to others: made it 0700")


def prepare(environ=os.environ):
    """Everything above; returns the settings plus the Python and runtime environment used."""
    if os.geteuid() != 0:
        sys.exit("classhub: run as root (sudo classhub/start): the hub starts each student's server "
                 "as that student's own system user")
    s = settings(environ)
    s["prefix"].mkdir(parents=True, exist_ok=True)
    os.chmod(s["prefix"], 0o755)
    with open(s["prefix"] / ".prepare.lock", "w") as lock:  # two prepares at once (two hubs, two test
        fcntl.flock(lock, fcntl.LOCK_EX)                      # modules) build the shared venv once
        ensure_group(s["students"])
        python, env_extra = ensure_python(s)
        ensure_venv(s, python, env_extra)
        ensure_roles(s)
        ensure_exchange(s)
        private_homes(s)
    s["state"].mkdir(parents=True, exist_ok=True)
    os.chmod(s["state"], 0o700)
    return s


if __name__ == "__main__":
    done = prepare()
    if "CLASSHUB_COURSE" not in os.environ:
        ensure_course(done)
    print(json.dumps({k: str(v) for k, v in done.items()}))
