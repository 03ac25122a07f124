"""Grade one simulated class with stock `nbgrader autograde` and with `python -m grader grade`; compare.

    .venv/bin/python benchmarks/grade_benchmark.py [--students 60] [--jobs 2] [--lessons ...] [--sequential] [--launcher]

The class: per lesson, most students hand in the finished notebook, some a wrong answer from the
test bank, some cheat (np.allclose monkeypatching, input-transformer blanking). Both graders get
identical copies of the course. Prints wall times, their ratio, seconds per notebook, and every
(student, lesson, test) where the scores differ (they should differ only where stock was fooled).
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
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

CHEATS = {
    "allclose": "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n",
    "blank": "get_ipython().input_transformers_cleanup.append(lambda lines: [])\n",
}


def _isolate_state(tmp):
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        os.environ[var] = str(tmp / "state" / var.lower())
        os.makedirs(os.environ[var], exist_ok=True)
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")


def build_class(root, lessons, students):
    """A course at root with generated assignments and `students` submissions per lesson; returns the kinds."""
    import nbformat
    from course import bank, finished
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--lessons", nargs="*", default=None)
    parser.add_argument("--sequential", action="store_true", help="also time `grade --jobs 1` (same scores expected)")
    parser.add_argument("--launcher", action="store_true",
                        help="also time grade without the zygote (BACKPROP_GRADE_ZYGOTE=0; same scores expected)")
    parser.add_argument("--keep", action="store_true", help="keep the temp courses (logs in <ours>/grader/reports)")
    args = parser.parse_args()
    from grader import lesson_names
    lessons = args.lessons or lesson_names()
    tmp = Path(tempfile.mkdtemp(prefix="backprop-bench-"))
    try:
        _isolate_state(tmp)
        kinds = build_class(tmp / "base", lessons, args.students)
        n = len(kinds)
        shutil.copytree(tmp / "base", tmp / "stock")
        shutil.copytree(tmp / "base", tmp / "ours")

        t = time.monotonic()
        stock_run = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", "--force",
                                    "--CourseDirectory.assignment_id=*"],
                                   cwd=tmp / "stock" / "grader", capture_output=True, text=True)
        (tmp / "stock" / "grader" / "autograde.log").write_text(stock_run.stdout + stock_run.stderr)
        stock = time.monotonic() - t

        t = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "grader", "grade", "--course", str(tmp / "ours"),
                                 "--jobs", str(args.jobs)], cwd=ROOT, capture_output=True, text=True)
        ours = time.monotonic() - t
        summary = [l for l in result.stdout.splitlines() if not l.startswith("[")]

        def variant(name, jobs, env=None):
            shutil.copytree(tmp / "base", tmp / name)
            t = time.monotonic()
            subprocess.run([sys.executable, "-m", "grader", "grade", "--course", str(tmp / name), "--jobs", str(jobs)],
                           cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, **(env or {})))
            return time.monotonic() - t

        seq = variant("seq", 1) if args.sequential else None
        cold = variant("cold", args.jobs, {"BACKPROP_GRADE_ZYGOTE": "0"}) if args.launcher else None
        a, b = scores(tmp / "stock"), scores(tmp / "ours")
        print(f"class: {args.students} students x {len(lessons)} lessons = {n} notebooks ({', '.join(lessons)})")
        print(f"{'grader':<34}{'wall s':>8}{'s/notebook':>12}")
        print(f"{'stock nbgrader autograde (1 proc)':<34}{stock:>8.1f}{stock / n:>12.2f}")
        print(f"{f'python -m grader grade --jobs {args.jobs}':<34}{ours:>8.1f}{ours / n:>12.2f}")
        if seq is not None:
            print(f"{'python -m grader grade --jobs 1':<34}{seq:>8.1f}{seq / n:>12.2f}")
            same = scores(tmp / "seq") == b
            print(f"--jobs 1 and --jobs {args.jobs} scores identical: {same}")
        if cold is not None:
            print(f"{f'grade --jobs {args.jobs}, no zygote':<34}{cold:>8.1f}{cold / n:>12.2f}")
            print(f"without the zygote, scores identical: {scores(tmp / 'cold') == b}; speed-up {stock / cold:.2f}x")
        print(f"speed-up: {stock / ours:.2f}x")
        diffs = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        print(f"{len(diffs)} test cells scored differently:")
        for key in diffs:
            print(f"  {key[0]} {key[1]} {key[2]}: stock {a.get(key)} ours {b.get(key)}  [{kinds[key[:2]]}]")
        unexplained = [k for k in diffs if not kinds[k[:2]].startswith("cheat")]
        print(f"differences outside cheating submissions: {len(unexplained)}")
        print("\n".join(summary[-14:]))
        if result.returncode not in (0, 1):
            print(f"grade exited with {result.returncode}:\n{result.stderr[-3000:]}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
