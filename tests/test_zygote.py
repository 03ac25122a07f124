"""The kernel zygote (grader/zygote.py): a forked child behaves like a freshly launched sandboxed Python.

Each test starts a real zygote and runs `-c CODE` through a real stub, as `grade` does for its
out-of-kernel checks (kernels take the same path with `-m ipykernel_launcher`; test_grader.py grades
whole classes through it).
"""
import json
import os
import signal
import subprocess
import time

import pytest

from course import ROOT, processes_running
from grader import sandbox, tool_env, zygote


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """(socket path, sandbox config) of a running zygote."""
    base = sandbox.make_base()
    scratch = tmp_path_factory.mktemp("zygote")
    cfg = sandbox.launcher_config(base, hide=[scratch])
    proc = zygote.start(scratch / "z.sock", cfg, scratch / "zygote.log", tool_env())
    yield scratch / "z.sock", cfg
    proc.kill()
    proc.wait()
    sandbox.reap(base)


def run(warm, code, env=None, **kwargs):
    """Run python -c code in a zygote sandbox through a stub; returns the CompletedProcess."""
    argv = zygote.stub_argv(warm[0], ["-c", code])
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, env=dict(tool_env(), **(env or {})),
                          **kwargs)


def test_output_exit_code_and_environment_pass_through(warm):
    code = ("import os, sys, json\nprint(json.dumps({'home': os.environ['HOME'], 'mark': os.environ.get('MARK'),"
            " 'cwd': os.getcwd(), 'argv': sys.argv}))\nsys.exit(7)")
    done = run(warm, code, env={"MARK": "from-the-stub"})
    assert done.returncode == 7, done.stderr
    seen = json.loads(done.stdout)
    assert seen["mark"] == "from-the-stub"
    assert seen["home"] == seen["cwd"] and os.path.basename(seen["cwd"]).startswith("w-")
    assert seen["argv"] == ["-c"]


def test_a_crash_is_reported_as_a_failure(warm):
    done = run(warm, "raise ValueError('boom')")
    assert done.returncode == 1 and "ValueError: boom" in done.stderr


def test_sigint_reaches_the_child(warm):
    code = "import time\ntry:\n    time.sleep(30)\nexcept KeyboardInterrupt:\n    print('interrupted', flush=True)\n"
    stub = subprocess.Popen(zygote.stub_argv(warm[0], ["-c", code]), stdout=subprocess.PIPE, text=True,
                            env=tool_env())
    time.sleep(1.0)
    stub.send_signal(signal.SIGINT)
    out, _ = stub.communicate(timeout=20)
    assert "interrupted" in out and stub.returncode == 0


def test_killing_the_stub_kills_the_child(warm, tmp_path):
    code = "import subprocess\nprint('started', flush=True)\nsubprocess.run(['sleep', '613.5'])\n"
    stub = subprocess.Popen(zygote.stub_argv(warm[0], ["-c", code]), stdout=subprocess.PIPE, text=True,
                            env=tool_env(), start_new_session=True)
    assert stub.stdout.readline().strip() == "started"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not processes_running("613.5"):
        time.sleep(0.05)
    assert processes_running("613.5"), "the child's own process never started"
    stub.kill()
    stub.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and processes_running("613.5"):
        time.sleep(0.1)
    assert not processes_running("613.5"), "the sandboxed child (and what it started) outlived its stub"


def test_the_child_is_sandboxed_like_a_launched_one(warm):
    iso = sandbox.isolation()
    code = ("import os, json\nprint(json.dumps({'uid': os.getuid(), 'solutions': os.path.exists(%r),"
            " 'rlimit': __import__('resource').getrlimit(__import__('resource').RLIMIT_AS)[0]}))"
            % str(ROOT / "solutions"))
    seen = json.loads(run(warm, code).stdout)
    assert seen["rlimit"] == sandbox.LIMITS["as"]
    if iso["uid"] is not None:
        assert seen["uid"] not in (0, os.getuid()) and seen["uid"] >= iso["uid"]
    if iso["ns"]:
        assert seen["solutions"] is False, "solutions/ visible inside the sandbox"
    if iso["uid"] is None and not iso["ns"]:
        pytest.skip("not root here: only the working folder and rlimits apply (" + iso["why"] + ")")
