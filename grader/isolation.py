"""TEMPORARY shim (replaced by the bubblewrap wall): the Wall interface on top of the old launcher and zygote."""
import atexit
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

from . import ROOT, sandbox, tool_env, zygote

NO_SANDBOX_ENV = "BACKPROP_GRADE_NO_SANDBOX"


class Refused(SystemExit):
    """Grading refused: student code could not be isolated and nobody asked to grade without it."""


@dataclass
class Probe:
    ok: bool
    how: str
    why_not: str | None


def probe():
    iso = sandbox.isolation()
    ok = bool(iso["ns"] and iso["user"])
    return Probe(ok, iso["why"], None if ok else iso["why"])


def verdict(allow_unsandboxed=False):
    found = probe()
    if found.ok:
        return f"sandboxed: {found.how}"
    if allow_unsandboxed or os.environ.get(NO_SANDBOX_ENV) == "1":
        return "unsandboxed, as asked (--no-sandbox)"
    raise Refused(
        "refusing to grade, because student code cannot be isolated here: " + found.why_not + ".\n"
        "Fix: install bubblewrap. If you trust every submission, ask for grading without isolation by name: "
        f"`python -m grader grade --no-sandbox`, {NO_SANDBOX_ENV}=1, or "
        "c.GradingWall.allow_unsandboxed = True in grader/nbgrader_config.py.")


class _Specs(KernelSpecManager):
    argv = None

    def get_kernel_spec(self, kernel_name):
        return KernelSpec(argv=self.argv, display_name="Python 3 (sandboxed grading)", language="python",
                          interrupt_mode="signal")


class Wall:
    def __init__(self, hide=(), limits=None, allow_unsandboxed=False):
        self.mode = verdict(allow_unsandboxed)
        self.scratch = Path(tempfile.mkdtemp(prefix="backprop-wall-"))
        self.base = sandbox.make_base()
        self.cfg = sandbox.launcher_config(self.base, limits=limits, hide=[ROOT, self.scratch, *hide])
        sandbox.prebuild_mpl_cache(self.cfg)
        env = tool_env()
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        self.sock = self.scratch / "zygote.sock"
        self.proc = zygote.start(self.sock, self.cfg, self.scratch / "zygote.log", env)
        self.closed = False

    def kernel_manager_kwargs(self):
        specs = _Specs()
        specs.argv = zygote.stub_argv(self.sock)
        return {"kernel_spec_manager": specs}

    def python_argv(self, args):
        return zygote.stub_argv(self.sock, args)

    def reset(self):
        sandbox.reap(self.base)

    def close(self):
        if self.closed:
            return
        self.closed = True
        self.proc.kill()
        self.proc.wait()
        sandbox.reap(self.base)
        shutil.rmtree(self.scratch, ignore_errors=True)
        shutil.rmtree(self.base, ignore_errors=True)


_CURRENT = []


def current(**kw):
    if not _CURRENT:
        _CURRENT.append(Wall(**kw))
        atexit.register(_CURRENT[0].close)
    return _CURRENT[0]
