"""Is `python -m grader grade --jobs 2` as fast as it was at another commit? Interleaved runs, medians.

    .venv/bin/python benchmarks/grade_before_after.py --before REV [--students 20] [--runs 8]

Set-up (not timed): REV checked out in a temporary git worktree; one throwaway course of lesson 01
with --students notebooks (a third finished, the rest answers from the test bank), its gradebook a
SQLite file, graded once by each commit first (not timed). Timed: `grade --jobs 2` of that course, alternating the two commits --runs times each,
each run with its own commit's code (PYTHONPATH) and nbgrader config, the autograded notebooks and
reports removed before every run. Prints each run's "done in" seconds and both medians.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from coursekit.course import ROOT, bank, finished

LESSON = "01_error"


def make_course(where, students):
    """A course of LESSON with submissions, its assignment in a SQLite gradebook."""
    (where / "grader").mkdir(parents=True)
    for part in ("solutions", "lessons"):
        shutil.copytree(ROOT / part / LESSON, where / part / LESSON)
    entries = [e for e in bank() if e["lesson"] == LESSON]
    for i in range(students):
        entry = entries[i % len(entries)]
        nb = finished(LESSON) if i % 3 == 0 else finished(LESSON, {entry["function"]: entry["code"]})
        folder = where / "grader" / "submitted" / f"s{i:03d}" / LESSON
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{LESSON}.ipynb"))
    return where


def grade_once(code_root, course):
    """Seconds `grade` reports for one run with the code at code_root."""
    for name in ("autograded", "reports"):
        shutil.rmtree(course / "grader" / name, ignore_errors=True)
    shutil.copy(code_root / "grader" / "nbgrader_config.py", course / "grader")
    env = dict(os.environ, PYTHONPATH=str(code_root),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    env.pop("BACKPROP_GRADEBOOK_URL", None)
    done = subprocess.run([sys.executable, "-m", "grader", "grade", LESSON, "--course", str(course), "--jobs", "2"],
                          cwd=code_root, env=env, capture_output=True, text=True)
    found = re.search(r"done in ([\d.]+) s", done.stdout)
    if done.returncode != 0 or not found:
        raise SystemExit(f"grade at {code_root} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return float(found.group(1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the commit to compare with (e.g. a tag or HEAD~3)")
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="backprop-before-after-"))
    old = tmp / "before"
    subprocess.run(["git", "worktree", "add", "--detach", str(old), args.before], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        course = make_course(tmp / "course", args.students)
        times = {"before": [], "now": []}
        grade_once(old, course), grade_once(ROOT, course)  # not timed: the gradebook made, the caches warm
        for run in range(args.runs):
            for label, code_root in (("now", ROOT), ("before", old)) if run % 2 else (("before", old), ("now", ROOT)):
                times[label].append(grade_once(code_root, course))
                print(f"run {run + 1} {label:<6} {times[label][-1]:5.1f} s", flush=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    before, now = statistics.median(times["before"]), statistics.median(times["now"])
    print(f"\n{args.students} notebooks of {LESSON}, grade --jobs 2, {args.runs} interleaved runs each: median "
          f"{before:.2f} s at {args.before}, {now:.2f} s now ({now / before:.2f}x)")


if __name__ == "__main__":
    main()
