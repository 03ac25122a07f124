"""The Kubernetes values (classhub/z2jh-values.yaml), as far as they can be checked without a cluster:
the students' image comes from the student edition, the proxy serves HTTPS, idle servers are culled."""
import os
import re
import runpy
import shutil
import subprocess
import sys

import pytest
import yaml
from traitlets.config import Config

from coursekit.course import ROOT
from grader.course import COURSE_ID

VALUES = ROOT / "classhub" / "z2jh-values.yaml"
HIDDEN = ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "BEGIN MARK SCHEME")


def _values():
    return yaml.safe_load(VALUES.read_text())


def test_the_values_serve_https_only_and_cull_idle_servers():
    """proxy.https is on with a host, and jupyterhub-idle-culler stops servers idle for an hour."""
    values = _values()
    https = values["proxy"]["https"]
    assert https["enabled"] is True and https["hosts"], https
    assert values["cull"] == {"enabled": True, "timeout": 3600}
    assert values["hub"]["config"]["GenericOAuthenticator"]["oauth_callback_url"].startswith("https://")


def test_the_limits_are_the_ones_the_capacity_arithmetic_uses():
    """1G limit, 512M guarantee, 1 CPU: the figures the file's capacity table divides by."""
    single = _values()["singleuser"]
    assert single["memory"] == {"guarantee": "512M", "limit": "1G"}
    assert single["cpu"]["limit"] == 1
    text = VALUES.read_text()
    per_node = (30 * 1024) // 512
    assert f"holds {per_node} students' servers" in text
    for students, nodes in ((100, 2), (500, 9), (2000, 34)):
        assert nodes == -(-students // per_node)
        assert f"{students:,} |  {nodes:>2}" in text, (students, nodes)


def test_the_students_image_is_built_from_the_student_edition():
    """The build step the file gives makes the image from `student-edition --class-image`, never the checkout."""
    text = VALUES.read_text()
    assert "python -m grader student-edition build/class-image --class-image" in text
    assert "repo2docker --no-run --user-name jovyan --image-name REGISTRY/backprop-course:TAG build/class-image" in text
    assert _values()["singleuser"]["image"]["name"] == "REGISTRY/backprop-course"


def _class_image(tmp_path):
    dest = tmp_path / "class-image"
    subprocess.run([sys.executable, "-m", "grader", "student-edition", str(dest), "--class-image"],
                   cwd=ROOT, check=True, capture_output=True)
    return dest


def test_the_class_image_source_has_nbgrader_and_nothing_of_the_instructors(tmp_path):
    """No solutions, hidden tests or grading code in the image's source; nbgrader pinned as the course pins it."""
    dest = _class_image(tmp_path)
    files = [p for p in dest.rglob("*") if p.is_file()]
    names = {str(p.relative_to(dest)).split("/")[0] for p in files}
    assert names.isdisjoint({"solutions", "grader", "tests", "classhub", "benchmarks"}), names
    leaks = [p for p in files if p.suffix in (".ipynb", ".py") and any(m in p.read_text() for m in HIDDEN)]
    assert not leaks
    requirements = (dest / "binder" / "requirements.txt").read_text().splitlines()
    pin = next(line.split("#")[0].strip() for line in (ROOT / "constraints.txt").read_text().splitlines()
               if line.startswith("nbgrader=="))
    assert any(line.split("#")[0].strip() == pin for line in requirements), pin
    assert "-c ../constraints.txt" in [line.split("#")[0].strip() for line in requirements]
    assert (dest / "constraints.txt").is_file()
    plain = (ROOT / "binder" / "requirements.txt").read_text()
    assert "nbgrader" not in plain, "the self-learners' Binder stays without nbgrader"


@pytest.mark.binder
def test_repo2docker_renders_the_class_image(tmp_path):
    """repo2docker --no-build accepts the class image's source (Python, requirements with nbgrader, postBuild)."""
    tool = shutil.which("repo2docker", path=os.path.dirname(sys.executable))
    assert tool, "jupyter-repo2docker is a dev requirement"
    dest = _class_image(tmp_path)
    result = subprocess.run([tool, "--no-build", "--debug", "--user-name", "jovyan", str(dest)],
                            capture_output=True, text=True, timeout=120)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert "binder/requirements.txt" in log and "postBuild" in log, log[-3000:]


def test_both_hubs_name_the_course_id_of_grader_course():
    """The one-machine hub's exchange config takes the course id from grader/course.py; the Kubernetes values,
    whose image has no grader package, spell it out, and must spell the same."""
    config = Config()
    runpy.run_path(str(ROOT / "classhub" / "jupyter" / "exchange_config.py"), init_globals={"get_config": lambda: config})
    assert config.CourseDirectory.course_id == COURSE_ID
    assert re.findall(r'course_id = "([^"]+)"', VALUES.read_text()) == [COURSE_ID]
