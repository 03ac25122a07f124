"""What the class hub checks before it starts, and refuses to start without.

Each check returns the problems it found as sentences (an empty list: safe). `jupyterhub_config.py`
exits with all of them unless the protection was switched off by name in CLASSHUB_INSECURE, a
comma-separated list of: `http` (plain HTTP on other machines' reach), `permissions` (the code root
runs or the course could be changed or read by others), `no-limits` (no per-student memory, CPU and
task limits), `exchange-disk` (the exchange on the machine's own disk instead of a filesystem of its own).
"""
import grp
import ipaddress
import os
import pwd
import stat
from pathlib import Path

INSECURE_ENV = "CLASSHUB_INSECURE"
SWITCHES = {"http", "permissions", "no-limits", "exchange-disk"}


def switched_off(environ=os.environ):
    """The protections CLASSHUB_INSECURE names (a SystemExit for a name it does not know)."""
    names = {n.strip() for n in environ.get(INSECURE_ENV, "").split(",") if n.strip()}
    unknown = names - SWITCHES
    if unknown:
        raise SystemExit(f"classhub: {INSECURE_ENV} names {sorted(unknown)}; known: {sorted(SWITCHES)}")
    return names


def loopback(ip):
    """Is ip reachable only from this machine (127.0.0.0/8, ::1, localhost)?"""
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def transport_problems(ip, cert, key, public_url):
    """Plain HTTP only where no other machine can reach it: the hub on a loopback address (alone, or
    behind a TLS proxy on this machine). An https public URL alone proves no proxy stands in front."""
    if cert or key:
        missing = [name for name, path in (("CLASSHUB_SSL_CERT", cert), ("CLASSHUB_SSL_KEY", key))
                   if not path or not Path(path).is_file()]
        return [f"{name} must name a readable file" for name in missing]
    if loopback(ip):
        return []
    behind = f" (a public URL {public_url} does not stop others reaching {ip} directly)" if public_url else ""
    return [f"the hub would listen on {ip} with plain HTTP{behind}: passwords and session cookies would cross the "
            "network in clear. Give it a certificate (CLASSHUB_SSL_CERT and CLASSHUB_SSL_KEY), or listen on "
            "127.0.0.1 behind a TLS proxy (CLASSHUB_IP=127.0.0.1, CLASSHUB_PUBLIC_URL=https://...), or accept "
            f"plain HTTP by name: {INSECURE_ENV}=http"]


def _writers(st):
    """Who besides root may change an inode with this stat: '' for nobody."""
    if st.st_uid != 0:
        return f"its owner {_user(st.st_uid)}"
    if st.st_mode & stat.S_IWOTH and not (stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_ISVTX):
        return "every user"
    if st.st_mode & stat.S_IWGRP and st.st_gid != 0:
        return f"the group {_group(st.st_gid)}"
    return ""


def _user(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _group(gid):
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return f"gid {gid}"


def code_problems(top, skip=("__pycache__", ".git", "test-artifacts")):
    """What root runs from top (the checkout: the hub's venv, its config, the proxy) must be root's alone:
    top, every folder above it, and every file and folder in it (links are not followed)."""
    problems, top = [], Path(top).resolve()
    for folder in [*reversed(top.parents), top]:
        who = _writers(os.lstat(folder))
        if who:
            problems.append(f"{folder} can be changed by {who}")
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in [*dirs, *files]:
            path = os.path.join(folder, name)
            who = _writers(os.lstat(path))
            if who and not os.path.islink(path):
                problems.append(f"{path} can be changed by {who}")
                if len(problems) >= 5:
                    return problems + ["(and maybe more)"]
    return problems


def course_problems(course, students_group, checkout):
    """The course (solutions, gradebook) must be out of students' reach, and not the checkout root runs."""
    course = Path(course).resolve()
    if not course.is_dir():
        return [f"the course {course} is not a folder"]
    problems = []
    if course == Path(checkout).resolve() or Path(checkout).resolve() in course.parents:
        problems.append(f"the course {course} is inside the checkout root runs the hub from; instructors write "
                        "the course, so they could change what root runs: use a course folder of its own "
                        "(the default, /srv/backprop-course, is made by classhub/prepare.py)")
    st = course.stat()
    try:
        students = grp.getgrnam(students_group)
    except KeyError:
        students = None
    if st.st_mode & (stat.S_IROTH | stat.S_IXOTH):
        problems.append(f"every user can open the course {course} (mode {stat.S_IMODE(st.st_mode):o}): "
                        f"chmod o-rwx {course}")
    if students and st.st_gid == students.gr_gid and st.st_mode & (stat.S_IRGRP | stat.S_IXGRP):
        problems.append(f"the students' group {students_group} can open the course {course}")
    if students and _user(st.st_uid) in students.gr_mem:
        problems.append(f"the course {course} belongs to the student {_user(st.st_uid)}")
    return problems


def private_home(user):
    """Make user's home folder theirs alone (0700) when useradd left it open; returns True when changed."""
    try:
        entry = pwd.getpwnam(user)
        st = Path(entry.pw_dir).lstat()
    except (KeyError, FileNotFoundError):
        return False
    home = Path(entry.pw_dir)
    if stat.S_ISDIR(st.st_mode) and st.st_uid == entry.pw_uid and stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(home, stat.S_IMODE(st.st_mode) & 0o700)
        return True
    return False
