"""classhub/safety.py's start checks on small folders: what root runs, where the course is, which switches exist."""
import os
import pwd

import pytest

from coursekit.hub import need_root
import safety  # noqa: E402,I001 (classhub/safety.py, on sys.path through coursekit.hub)


@pytest.fixture
def code(tmp_path):
    """A root-owned folder like the checkout: bin/tool (0755), config.py (0644)."""
    need_root()
    os.chmod(tmp_path, 0o755)
    (tmp_path / "bin").mkdir(mode=0o755)
    (tmp_path / "bin" / "tool").write_text("#!/bin/sh\n")
    os.chmod(tmp_path / "bin" / "tool", 0o755)
    (tmp_path / "config.py").write_text("c = 1\n")
    os.chmod(tmp_path / "config.py", 0o644)
    return tmp_path


def test_code_only_root_can_change_passes(code):
    assert [p for p in safety.code_problems(code) if str(code) in p] == []


@pytest.mark.parametrize("change, who", [
    (lambda c: os.chmod(c / "config.py", 0o666), "every user"),
    (lambda c: os.chown(c / "bin" / "tool", pwd.getpwnam("nobody").pw_uid, 0), "its owner nobody"),
    (lambda c: (os.chown(c / "bin", 0, pwd.getpwnam("nobody").pw_gid), os.chmod(c / "bin", 0o775)), "the group"),
])
def test_code_someone_else_can_change_is_named(code, change, who):
    change(code)
    problems = " ".join(safety.code_problems(code))
    assert f"can be changed by {who}" in problems, problems


def test_a_link_in_the_code_is_not_followed(code):
    (code / "elsewhere").symlink_to("/tmp")
    assert not [p for p in safety.code_problems(code) if "elsewhere" in p]


def test_the_course_may_not_be_the_checkout(code):
    os.chmod(code, 0o770)
    problems = " ".join(safety.course_problems(code, "no-such-group-here", checkout=code))
    assert "inside the checkout root runs the hub from" in problems, problems


def test_a_private_course_of_its_own_passes(code, tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    os.chmod(course, 0o2770)
    assert safety.course_problems(course, "no-such-group-here", checkout=code) == []


def test_unknown_switches_are_refused_and_known_ones_read():
    assert safety.switched_off({"CLASSHUB_INSECURE": "http, no-limits"}) == {"http", "no-limits"}
    with pytest.raises(SystemExit, match="known"):
        safety.switched_off({"CLASSHUB_INSECURE": "http,everything"})


@pytest.mark.parametrize("ip, public, refused", [
    ("127.0.0.1", "", False), ("::1", "", False), ("0.0.0.0", "", True), ("10.0.0.5", "http://hub", True),
    ("127.0.0.1", "https://hub.example.org", False), ("0.0.0.0", "https://hub.example.org", True)])
def test_plain_http_only_on_this_machine_or_behind_https(ip, public, refused):
    assert bool(safety.transport_problems(ip, None, None, public)) is refused
