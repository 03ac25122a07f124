"""Grade one simulated class three ways and compare: stock nbgrader in one process, stock nbgrader
split by hand into --jobs processes (nbgrader's own --CourseDirectory.student_id globs, the peer an
instructor in a hurry uses), and `python -m grader grade --jobs N` with every hardening on.

    .venv/bin/python benchmarks/grade_benchmark.py [--students 20] [--jobs 2] [--lessons 00_... ...] [--sequential]
    .venv/bin/python benchmarks/grade_benchmark.py --half 2 --students 10      # lessons 06-10, 10 students each

The class (default: 20 students x lessons 00-05 = 120 notebooks; --half 1 is 00-05, --half 2 is 06-10,
--lessons names any set): per lesson, most students hand in
the finished notebook, some a wrong answer from the test bank, some cheat (np.allclose monkeypatching,
input-transformer blanking). Every run gets an identical copy of the course; the stock runs use a
config with nbgrader's default pipeline (STOCK_CONFIG). Prints wall times, ratios, seconds per
notebook, and every (student, lesson, test) where the scores differ (only where stock was fooled).

Per lesson, it prints the seconds each grader spent on one notebook of that lesson: within each grading
process (the split and `grade --jobs 2` both put even students in one process and odd ones in the
other), the time between one autograded notebook being written and the next. The first notebook of
each process is left out (it carries the process's start-up), so these are marginal costs; the
whole-run wall times above carry every fixed cost.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHEATS = {
    "allclose": "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n",
    "blank": "get_ipython().input_transformers_cleanup.append(lambda lines: [])\n",
}


STOCK_CONFIG = """c = get_config()
c.CourseDirectory.course_id = "backprop"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
c.CourseDirectory.submitted_directory = "grader/submitted"
c.CourseDirectory.autograded_directory = "grader/autograded"
c.CourseDirectory.feedback_directory = "grader/feedback"
c.CourseDirectory.root = __import__("os").path.dirname(__import__("os").path.dirname(__import__("os").path.abspath(__file__)))
c.CourseDirectory.db_url = "sqlite:///" + c.CourseDirectory.root + "/grader/gradebook.db"
c.OverwriteCells.add_missing_cells = True
c.Execute.timeout = 30
"""
SPLITS = {2: ["s*[02468]", "s*[13579]"], 1: ["*"]}
HALVES = {1: slice(0, 6), 2: slice(6, 11)}  # lessons 00-05 and 06-10


def _isolate_state(tmp):
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        os.environ[var] = str(tmp / "state" / var.lower())
        os.makedirs(os.environ[var], exist_ok=True)
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")


def build_class(root, lessons, students):
    """A course at root with generated assignments and `students` submissions per lesson; returns the kinds."""
    import nbformat
    from coursekit.course import bank, finished
    (root / "grader").mkdir(parents=True)
    shutil.copy(ROOT / "grader" / "nbgrader_config.py", root / "grader")
    (root / "solutions").mkdir()
    for lesson in lessons:
        shutil.copytree(ROOT / "solutions" / lesson, root / "solutions" / lesson)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "--force",
                    "--CourseDirectory.assignment_id=*"], cwd=root / "grader", check=True, capture_output=True)
    wrong = {lesson: [e for e in bank() if e["lesson"] == lesson and e["style"] == "wrong"] for lesson in lessons}
    kinds = {}
    for i in range(students):
        student = f"s{i:03d}"
        for lesson in lessons:
            slot = i % 10
            if slot < 6 or not wrong[lesson]:
                nb, kind = finished(lesson), "correct"
            elif slot < 8:
                entry = wrong[lesson][i % len(wrong[lesson])]
                nb, kind = finished(lesson, {entry["function"]: entry["code"]}), f"wrong {entry['function']}"
            else:
                entry = wrong[lesson][i % len(wrong[lesson])]
                cheat = "allclose" if slot == 8 else "blank"
                nb = finished(lesson, {entry["function"]: CHEATS[cheat] + entry["code"]})
                kind = f"cheat {cheat} + wrong {entry['function']}"
            folder = root / "grader" / "submitted" / student / lesson
            folder.mkdir(parents=True)
            nbformat.write(nb, str(folder / f"{lesson}.ipynb"))
            kinds[(student, lesson)] = kind
    return kinds


def scores(root):
    from nbgrader.api import Gradebook
    out = {}
    with Gradebook(f"sqlite:///{root / 'grader' / 'gradebook.db'}") as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        out[(sub.student.id, assignment.name, g.name)] = g.score
    return out


def per_lesson(root, processes):
    """{lesson: [seconds of each notebook]} from the autograded notebooks' write times, per grading process.

    processes: how many processes shared the students (student k went to process k % processes).
    The first notebook a process wrote is left out: its time holds the process's start-up.
    """
    written = sorted((path.stat().st_mtime, path.parts[-3], path.parts[-2])
                     for path in (root / "grader" / "autograded").glob("s*/*/*.ipynb"))
    seconds = {}
    for k in range(processes):
        mine = [(t, lesson) for t, student, lesson in written if int(student[1:]) % processes == k]
        for (before, _), (t, lesson) in zip(mine, mine[1:]):
            seconds.setdefault(lesson, []).append(t - before)
    return seconds


def stock(root, jobs):
    """Stock nbgrader autograde with nbgrader's own pipeline, split into `jobs` processes by student glob."""
    (root / "grader" / "nbgrader_config.py").write_text(STOCK_CONFIG)
    globs = SPLITS.get(jobs) or [f"s*{d}" for d in range(10)][:jobs]
    assert jobs in SPLITS, "the per-lesson times assume students split by parity: --jobs 1 or 2"
    t = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "nbgrader", "autograde", "--force", "--CourseDirectory.assignment_id=*",
                               f"--CourseDirectory.student_id={g}"], cwd=root / "grader",
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for g in globs]
    for p in procs:
        p.wait()
    return time.monotonic() - t


def ours(root, jobs):
    """`python -m grader grade --jobs N` (every hardening on); returns (seconds, its summary lines)."""
    t = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "grader", "grade", "--course", str(root), "--jobs", str(jobs)],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        print(f"grade exited with {result.returncode}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return time.monotonic() - t, [l for l in result.stdout.splitlines() if not l.startswith("[")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--lessons", nargs="*", default=None, help="default: 00-05")
    parser.add_argument("--half", type=int, choices=sorted(HALVES), help="1: lessons 00-05, 2: lessons 06-10")
    parser.add_argument("--sequential", action="store_true", help="also time `grade --jobs 1` (same scores expected)")
    parser.add_argument("--keep", action="store_true", help="keep the temp courses (logs in <ours>/grader/reports)")
    args = parser.parse_args()
    from grader import lesson_names
    lessons = args.lessons or lesson_names()[HALVES[args.half or 1]]
    tmp = Path(tempfile.mkdtemp(prefix="backprop-bench-"))
    try:
        _isolate_state(tmp)
        kinds = build_class(tmp / "base", lessons, args.students)
        n = len(kinds)
        for name in ("stock1", "split", "ours"):
            shutil.copytree(tmp / "base", tmp / name)
        t_stock = stock(tmp / "stock1", 1)
        t_split = stock(tmp / "split", args.jobs)
        t_ours, summary = ours(tmp / "ours", args.jobs)
        rows = [("stock nbgrader autograde, 1 process", t_stock),
                (f"stock nbgrader split into {args.jobs} processes", t_split),
                (f"python -m grader grade --jobs {args.jobs}", t_ours)]
        if args.sequential:
            shutil.copytree(tmp / "base", tmp / "seq")
            rows.append(("python -m grader grade --jobs 1", ours(tmp / "seq", 1)[0]))
        print(f"class: {args.students} students x {len(lessons)} lessons = {n} notebooks ({', '.join(lessons)})")
        print(f"| {'grader':<40} | {'wall s':>7} | {'s/notebook':>10} | {'ours is x faster':>16} |")
        for name, seconds in rows:
            print(f"| {name:<40} | {seconds:>7.1f} | {seconds / n:>10.2f} | {seconds / t_ours:>16.2f} |")
        a, b, split = scores(tmp / "stock1"), scores(tmp / "ours"), scores(tmp / "split")
        marginal = {name: per_lesson(tmp / name, procs)
                    for name, procs in (("stock1", 1), ("split", args.jobs), ("ours", args.jobs))}
        print("seconds per notebook, by lesson (marginal: each process's first notebook left out):")
        print(f"| {'lesson':<18} | {'stock, 1 process':>16} | {'stock split':>11} | {'ours':>6} | "
              f"{'x vs 1 process':>14} | {'x vs split':>10} |")
        for lesson in lessons:
            times = [marginal[g].get(lesson) for g in ("stock1", "split", "ours")]
            if not all(times):
                print(f"| {lesson:<18} | (too few notebooks in some process to time) |")
                continue
            one, two, us = (sum(t) / len(t) for t in times)
            print(f"| {lesson:<18} | {one:>16.2f} | {two / args.jobs:>11.2f} | {us / args.jobs:>6.2f} | "
                  f"{one / (us / args.jobs):>14.2f} | {two / us:>10.2f} |")
        print(f"stock in 1 process and split by hand give identical scores: {a == split}")
        if args.sequential:
            print(f"--jobs 1 and --jobs {args.jobs} scores identical: {scores(tmp / 'seq') == b}")
        diffs = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        print(f"{len(diffs)} test cells scored differently from stock:")
        for key in diffs:
            print(f"  {key[0]} {key[1]} {key[2]}: stock {a.get(key)} ours {b.get(key)}  [{kinds[key[:2]]}]")
        unexplained = [k for k in diffs if not kinds[k[:2]].startswith("cheat")]
        print(f"differences outside cheating submissions: {len(unexplained)}")
        print("\n".join(summary[-10:]))
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
