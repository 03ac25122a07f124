"""The grading wall (grader/wall/__init__.py): refuses when it cannot be built; when built, it holds.

Fast tests check the refusal and the mount plan. Tests marked `wall` build real walls with
bubblewrap: as this process's user (root on CI: the wall's own user id) and, in
test_an_unprivileged_user_grades_in_a_wall, as a throwaway user created for the test (a user
namespace: bubblewrap without root).
"""
import json
import os
import socket
import subprocess
import threading
from pathlib import Path

import pytest

import wall_job

from coursekit.course import ROOT
from grader import wall as grading_wall


@pytest.fixture
def fresh_probe():
    """Each test probes anew (the probe is cached per process)."""
    grading_wall.probe.cache_clear()
    yield
    grading_wall.probe.cache_clear()


@pytest.fixture
def no_bwrap(monkeypatch, fresh_probe, tmp_path):
    """A PATH without bubblewrap on it."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(grading_wall.NO_WALL_ENV, raising=False)


def test_refused_without_bubblewrap_with_the_fix_and_the_way_out(no_bwrap):
    with pytest.raises(grading_wall.Refused) as refused:
        grading_wall.verdict()
    message = str(refused.value)
    assert "bubblewrap (bwrap) is not installed" in message
    assert "apt-get install bubblewrap" in message
    for way_out in ("--no-wall", "BACKPROP_GRADE_NO_WALL=1", "c.GradingWall.allow_unwalled = True"):
        assert way_out in message
    with pytest.raises(grading_wall.Refused):
        grading_wall.Wall()


def test_unwalled_only_when_asked_by_name(no_bwrap, monkeypatch):
    asked = grading_wall.verdict(allow_unwalled=True)
    assert asked.walled is False and asked.how.startswith("--no-wall or c.GradingWall.allow_unwalled"), asked
    assert str(asked).startswith("UNWALLED, as asked (--no-wall") and asked.as_dict() == {"walled": False, "how": asked.how}
    monkeypatch.setenv(grading_wall.NO_WALL_ENV, "1")
    assert grading_wall.verdict().how.startswith("BACKPROP_GRADE_NO_WALL=1; no wall here")
    monkeypatch.setenv(grading_wall.NO_WALL_ENV, "0")
    with pytest.raises(grading_wall.Refused):
        grading_wall.verdict()


def test_a_failing_probe_refuses_with_its_reason(monkeypatch):
    monkeypatch.delenv(grading_wall.NO_WALL_ENV, raising=False)
    monkeypatch.setattr(grading_wall, "probe", lambda: grading_wall.Probe(False, "", "user namespaces refused"))
    with pytest.raises(grading_wall.Refused) as refused:
        grading_wall.Wall()
    assert "user namespaces refused" in str(refused.value) and "enable unprivileged user namespaces" in str(refused.value)


def test_the_mount_plan_hides_the_course_and_shows_back_what_python_needs(tmp_path):
    extra = tmp_path / "gradebook-folder"
    extra.mkdir()
    ops = dict(grading_wall.layout(hide=[extra]))
    assert ops[str(ROOT)] == "tmpfs" and ops[str(extra.resolve())] == "tmpfs"
    assert ops[str(ROOT / "backprop")] == "ro" and ops[str(ROOT / "grader" / "wall" / "inside")] == "ro"
    assert str(ROOT / "solutions") not in ops and str(ROOT / "grader") not in ops
    order = [path for path, _ in grading_wall.layout()]
    assert order.index(str(ROOT)) < order.index(str(ROOT / "backprop")), "a folder shown back before it was hidden"
    argv = grading_wall.bwrap_argv("bwrap", grading_wall.layout(), as_root=False, cwd="/")
    assert "--unshare-net" in argv and "--unshare-pid" in argv and "--unshare-user" in argv
    assert argv[argv.index("--ro-bind") + 1:argv.index("--ro-bind") + 3] == ["/", "/"]


def test_the_process_limit_counts_what_it_must():
    assert grading_wall.nproc_limit(128, walled=True, as_root=True) == 128
    assert grading_wall.nproc_limit(128, walled=False, as_root=False) > 128  # the user's processes elsewhere count


# ---------------------------------------------------------------- real walls

@pytest.fixture(scope="module")
def wall():
    grading_wall.probe.cache_clear()
    with grading_wall.Wall() as built:
        yield built


@pytest.fixture
def server():
    """A TCP server on 127.0.0.1 (outside the wall): its port."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    yield srv.getsockname()[1]
    srv.close()


@pytest.fixture
def secret():
    """A file in the instructor's home folder."""
    home = Path(os.path.expanduser("~"))
    path = home / f".backprop-wall-secret-{os.getpid()}"
    path.write_text("answers")
    yield path
    path.unlink()


def assert_walled(seen, wall):
    """The facts student code reported from inside the wall."""
    assert seen["solutions"] is False and seen["secret_file"] is False, seen
    assert set(seen["root_shows"]) <= {"backprop", "grader", ".venv"}, seen["root_shows"]
    assert not seen["write_root"] and not seen["write_tmp"] and not seen["write_usr"], seen
    assert seen["write_cwd"] and seen["cwd"] == seen["home"] and seen["cwd"].startswith(str(wall.work)), seen
    assert seen["network"] is False, "reached a server on 127.0.0.1 from inside the wall"
    assert seen["secret_env"] is None, "the grader's environment leaked into the wall"
    assert seen["cap_eff"] == "0000000000000000" and seen["no_new_privs"] == "1", seen
    if wall.uid is not None:
        assert seen["uid"] == wall.uid != 0


@pytest.mark.wall
def test_verdict_says_walled(wall):
    assert wall.mode.walled and wall.mode.how.startswith("bubblewrap")
    assert grading_wall.verdict() == wall.mode


@pytest.mark.wall
def test_a_kernel_in_the_wall_sees_nothing_of_the_course(wall, server, secret, monkeypatch):
    monkeypatch.setenv("WALL_SECRET", "db-password")  # jupyter_client passes its environment to the stub
    out, _ = wall_job.run_in_kernel(wall, wall_job.facts_code(ROOT, server, secret))
    assert_walled(json.loads(out), wall)


@pytest.mark.wall
def test_a_check_child_sees_the_same_wall_and_pipes_work(wall, server, secret):
    done = wall_job.run_python(wall, ["-c", wall_job.facts_code(ROOT, server, secret)])
    assert done.returncode == 0, done.stderr
    assert_walled(json.loads(done.stdout), wall)
    echo = wall_job.run_python(wall, ["-c", "import sys; print(sys.stdin.read().upper()); sys.exit(7)"], "hello")
    assert echo.stdout.strip() == "HELLO" and echo.returncode == 7


@pytest.mark.wall
def test_reset_ends_what_notebook_a_left_and_b_starts_clean(wall):
    out, _ = wall_job.run_in_kernel(wall, wall_job.DETACH.format(mark="617.5") +
                                    "import os\nopen('left.txt', 'w').write('a')\nprint(os.getcwd())")
    folder_a = out.strip()
    wall_job.wait_until(lambda: wall_job.wall_sleepers(wall, "617.5") == 1, what="the detached process to start")
    wall.reset()
    assert wall_job.wall_sleepers(wall, "617.5") == 0, "notebook A's detached process outlived reset()"
    out, _ = wall_job.run_in_kernel(wall, f"import os\nprint(os.path.exists({folder_a!r}), os.listdir('..'))")
    seen_a, listing = out.split(" ", 1)
    assert seen_a == "False" and os.path.basename(folder_a) not in listing, out


@pytest.mark.wall
def test_limits_stop_a_fork_bomb_and_a_big_allocation(wall):
    bomb = ("import os, time\nn = 0\ntry:\n    for _ in range(1000):\n        if os.fork() == 0:\n"
            "            time.sleep(5)\n            os._exit(0)\n        n += 1\nexcept OSError:\n    pass\nprint(n)")
    done = wall_job.run_python(wall, ["-c", bomb])
    assert 0 < int(done.stdout) < grading_wall.LIMITS["nproc"] + grading_wall.WALL_PROCESSES, done.stdout
    wall.reset()
    big = wall_job.run_python(wall, ["-c", "b = bytearray(3 * 1024 ** 3)\nprint('allocated')"])
    assert "MemoryError" in big.stderr and "allocated" not in big.stdout


@pytest.mark.wall
def test_killing_the_stub_kills_the_child_and_sigint_reaches_it(wall):
    code = ("import time\ntry:\n    print('ready', flush=True)\n    time.sleep(30)\n"
            "except KeyboardInterrupt:\n    print('interrupted', flush=True)\n")
    stub = subprocess.Popen(wall.python_argv(["-c", code]), stdout=subprocess.PIPE, text=True)
    assert stub.stdout.readline().strip() == "ready"  # the child runs its try block: SIGINT now reaches it
    stub.send_signal(2)
    assert "interrupted" in stub.communicate(timeout=20)[0] and stub.returncode == 0
    stub = subprocess.Popen(wall.python_argv(["-c", "import subprocess\nsubprocess.run(['sleep', '618.5'])"]),
                            start_new_session=True)
    wall_job.wait_until(lambda: wall_job.wall_sleepers(wall, "618.5") == 1, what="the child to start")
    stub.kill()
    stub.wait()
    wall_job.wait_until(lambda: wall_job.wall_sleepers(wall, "618.5") == 0, what="the child to end with its stub")


@pytest.mark.wall
def test_a_wall_made_in_a_thread_outlives_the_thread_and_close_ends_everything():
    made = []
    thread = threading.Thread(target=lambda: made.append(grading_wall.Wall()))
    thread.start()
    thread.join()
    built = made[0]
    assert wall_job.run_python(built, ["-c", "print(6 * 7)"]).stdout.strip() == "42"
    wall_job.run_python(built, ["-c", wall_job.DETACH.format(mark="619.5")])
    built.close()
    built.close()
    assert not built.base.exists() and not wall_job.sleeping("619.5")


@pytest.mark.wall
def test_unwalled_as_asked_runs_the_same_zygote_and_reset_still_cleans(monkeypatch):
    monkeypatch.setattr(grading_wall, "probe", lambda: grading_wall.Probe(False, "", "simulated: no bubblewrap"))
    with grading_wall.Wall(allow_unwalled=True) as bare:
        assert bare.mode.walled is False and bare.uid is None
        out, _ = wall_job.run_in_kernel(bare, "import os\nprint(os.getcwd())\n" + wall_job.DETACH.format(mark="620.5"))
        assert out.strip().startswith(str(bare.work))
        wall_job.wait_until(lambda: wall_job.sleeping("620.5"), what="the detached process to start")
        bare.reset()
        assert not wall_job.sleeping("620.5")


# ---------------------------------------------------------------- as an unprivileged user

@pytest.mark.wall
def test_an_unprivileged_user_grades_in_a_wall(unprivileged, server):
    name, folder = unprivileged
    secret = folder / "home" / "answers.txt"
    secret.write_text("answers")
    env = {"PATH": f"{folder / 'venv' / 'bin'}:/usr/bin:/bin", "HOME": str(folder / "home"),
           "PYTHONPATH": str(folder / "course"), "WALL_SECRET": "db-password"}
    done = subprocess.run(["runuser", "-u", name, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()],
                           str(folder / "venv" / "bin" / "python"), str(folder / "course" / "wall_job.py"),
                           str(server), str(secret)], capture_output=True, text=True, timeout=300,
                          cwd=folder / "course")
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["mode"]["walled"] and "in a user namespace" in seen["mode"]["how"], seen["mode"]
    uid = int(subprocess.run(["id", "-u", name], capture_output=True, text=True).stdout)
    for facts in (seen["kernel"], seen["child"]):
        assert facts["uid"] == uid and facts["solutions"] is False and facts["secret_file"] is False, facts
        assert not facts["write_root"] and not facts["write_tmp"] and facts["write_cwd"] and not facts["network"], facts
        assert facts["secret_env"] is None and facts["cap_eff"] == "0000000000000000", facts
    assert seen["detached_before_reset"] == 1 and seen["detached_after_reset"] == 0, seen
