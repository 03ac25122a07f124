"""A fair share of the machine per student: each server in a control group of its own, limited by the kernel.

LocalProcessSpawner starts a student's server as their user and nothing more: no memory, CPU or task
limit (its `mem_limit` is not enforced), so one runaway notebook can take what every classmate needs.
`LimitedSpawner` starts it inside a cgroup made for that student, which the kernel enforces for the
server and everything it starts (kernels, terminals, forks):

- memory (RAM + swap): CLASSHUB_MEM_LIMIT (default 1G); over it, the kernel's OOM killer ends the
  biggest process of *that* student (their notebook's kernel), nobody else's. Files a student writes
  to /dev/shm count as their memory, and are removed when their server stops;
- tasks (processes and threads): CLASSHUB_TASKS_LIMIT (default 512): a fork bomb stops there;
- CPU: an equal share when the machine is busy, at most CLASSHUB_CPU_LIMIT cores (default 1).

Where systemd runs the machine, jupyterhub-systemdspawner gives the same through systemd (its
`mem_limit`, `cpu_limit` and `unit_extra_properties={"TasksMax": ...}`); this module is for machines
and containers without it. cgroup v1 (the machines this is tested on: controllers memory, pids, cpu
mounted under /sys/fs/cgroup/NAME) and v2 (/sys/fs/cgroup/cgroup.controllers) are both handled;
only v1 is tested here.
"""
import os
import pwd
import shutil
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Float, Integer, Unicode

CGROUP = Path("/sys/fs/cgroup")
UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_bytes(text):
    """'1G', '512M', '1048576' -> bytes."""
    text = str(text).strip().upper()
    return int(float(text[:-1]) * UNITS[text[-1]]) if text and text[-1] in UNITS else int(text)


def version():
    """1 or 2: which cgroup hierarchy this machine has (0: none usable)."""
    if (CGROUP / "cgroup.controllers").exists():
        return 2
    if all((CGROUP / c / "cgroup.procs").exists() for c in ("memory", "pids", "cpu")):
        return 1
    return 0


def own_path(controller):
    """This process's cgroup path for a v1 controller ('/process_api/...'), from /proc/self/cgroup."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            return path
    return "/"


class Group:
    """One student's cgroup(s): made with limits, joined by their server, removed when it stops."""

    def __init__(self, name, memory, tasks, cpus):
        self.name, self.memory, self.tasks, self.cpus = name, memory, tasks, cpus
        self.v = version()
        if self.v == 1:  # under the hub's own group of each controller (a container's, a service's)
            self.dirs = {c: CGROUP / c / own_path(c).lstrip("/") / "classhub" / name for c in ("memory", "pids", "cpu")}
        else:
            self.dirs = {"all": CGROUP / "classhub" / name}

    def create(self):
        """Make the group(s) and write the limits (raises OSError when the kernel refuses)."""
        for d in self.dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        period = 100_000
        if self.v == 1:
            memory, pids, cpu = self.dirs["memory"], self.dirs["pids"], self.dirs["cpu"]
            _write(memory / "memory.limit_in_bytes", self.memory)
            if (memory / "memory.memsw.limit_in_bytes").exists():  # swap counts too
                _write(memory / "memory.memsw.limit_in_bytes", self.memory)
            _write(pids / "pids.max", self.tasks)
            _write(cpu / "cpu.cfs_period_us", period)
            _write(cpu / "cpu.cfs_quota_us", int(self.cpus * period))
        else:
            top = self.dirs["all"].parent
            _write(CGROUP / "cgroup.subtree_control", "+memory +pids +cpu")
            _write(top / "cgroup.subtree_control", "+memory +pids +cpu")
            d = self.dirs["all"]
            _write(d / "memory.max", self.memory)
            _write(d / "memory.swap.max", 0)
            _write(d / "pids.max", self.tasks)
            _write(d / "cpu.max", f"{int(self.cpus * period)} {period}")
        return self

    def join(self):
        """Move the calling process into the group (a spawned server, before it drops root)."""
        for d in self.dirs.values():
            _write(d / "cgroup.procs", os.getpid())

    def pids(self):
        """Processes in the group now."""
        d = self.dirs.get("pids") or self.dirs["all"]
        try:
            return [int(p) for p in (d / "cgroup.procs").read_text().split()]
        except FileNotFoundError:
            return []

    def remove(self):
        """End every process still in the group (a kernel or a job left behind), then remove the group(s)."""
        for pid in self.pids():
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        for d in self.dirs.values():
            try:
                d.rmdir()
            except OSError:
                pass


def probe():
    """'' when this machine can limit students (a throwaway group made and removed), else why not."""
    if os.geteuid() != 0:
        return "the hub is not root"
    if not version():
        return f"no cgroup hierarchy with the memory, pids and cpu controllers under {CGROUP}"
    group = Group(f"probe-{os.getpid()}", 1 << 30, 64, 1.0)
    try:
        group.create()
    except OSError as err:
        return f"the kernel refused a cgroup ({err})"
    finally:
        group.remove()
    return ""


def _write(path, value):
    with open(path, "w") as fh:
        fh.write(str(value))


def clean_shm(user, shm=Path("/dev/shm")):
    """Remove what user left in /dev/shm (memory that would outlive their server)."""
    uid = pwd.getpwnam(user).pw_uid
    for entry in shm.iterdir():
        try:
            if entry.lstat().st_uid == uid:
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        except OSError:
            pass


class LimitedSpawner(LocalProcessSpawner):
    """LocalProcessSpawner whose server runs in a cgroup of its own (memory, tasks, CPU): see the module."""

    memory = Unicode("1G", config=True, help="memory (RAM + swap) per student: 512M, 1G, ...")
    tasks = Integer(512, config=True, help="processes and threads per student")
    cpus = Float(1.0, config=True, help="CPU cores per student at most")

    def _group(self):
        return Group(self.user.name, parse_bytes(self.memory), self.tasks, self.cpus)

    def make_preexec_fn(self, name):
        drop_root = super().make_preexec_fn(name)
        group = self._group().create()

        def preexec():
            group.join()  # still root here: the server and all it starts stay inside
            drop_root()
        return preexec

    def run_post_stop_hook(self):
        """After every stop, also of a server that died (the hub then never calls stop()): clean up."""
        clean_shm(self.user.name)
        self._group().remove()
        return super().run_post_stop_hook()
