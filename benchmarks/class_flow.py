"""A simulated class through nbgrader's exchange: how long from `nbgrader collect` to feedback released?

    .venv/bin/python benchmarks/class_flow.py [--students 60] [--jobs N] [--write-docs]

Set-up (not timed): a throwaway course (the repo's nbgrader config, solutions and lessons), its
gradebook a PostgreSQL database on a server coursekit/postgres.py starts here as an ordinary user, and
nbgrader's exchange in a temp folder. The instructor runs `nbgrader generate_assignment` and
`release_assignment` for lesson 01; every student has a home of their own holding the released notebook,
answered (a third finished, the rest with an answer from tests/bank/01_error.toml: other correct
versions and known mistakes), and runs `nbgrader submit` (two students at a time). All run as this
user: the exchange's inbound folder is shared, so collect's owner check is off.

Timed, one after the other as an instructor would: `nbgrader collect`, `python -m grader grade` (into
PostgreSQL), `nbgrader generate_feedback`, `nbgrader release_feedback`. Checked afterwards: every
student's score in the gradebook is the expected one, one feedback file per student is in the exchange,
and a student can fetch theirs with `nbgrader fetch_feedback`. Prints the table; --write-docs puts it
into docs/class_hub.md under its own heading (other sections of that file are left as they are).

--keep DIR adds three students who make trouble (a kernel that dies, a cell over the time limit, an
np.allclose cheat), exports grades.csv and report.html, and keeps every result an instructor sees in DIR,
with times, temporary paths and secrets normalised: the gradebook's scores, grade.json, flags.json, the
export and the feedback pages. Two runs' DIRs compare with `diff -r` (the grader's refactors are
checked this way: same scores, reports and pages, byte for byte).
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LESSON = "01_error"
COURSE_ID = "backprop"
DOC = ROOT / "docs" / "class_hub.md"
DOC_TITLE = "# Teaching a class on one server: measured\n"
STAGES = [  # (name, what it does)
    ("collect", "`nbgrader collect`: exchange inbound -> grader/submitted"),
    ("grade", "`python -m grader grade` into the PostgreSQL gradebook"),
    ("generate_feedback", "`nbgrader generate_feedback`: one HTML page per student"),
    ("release_feedback", "`nbgrader release_feedback`: the pages into the exchange"),
]


def heading(students):
    return f"## From collect to feedback, {students} students"


def isolate_state(tmp):
    """Jupyter, IPython and matplotlib state into tmp; this interpreter's bin first on PATH (nbgrader runs alembic)."""
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        os.environ[var] = str(tmp / "state" / var.lower())
        os.makedirs(os.environ[var], exist_ok=True)
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")


def run(cmd, cwd, env=None, timeout=3600):
    """Run a command; raise with its output when it fails; return its output."""
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stdout[-3000:]}"
                         f"{result.stderr[-3000:]}")
    return result.stdout + result.stderr


def nbgrader(course, exchange, *args, **kw):
    """An instructor's nbgrader command, from the course's grader/ folder, on the shared exchange."""
    return run([sys.executable, "-m", "nbgrader", *args, f"--Exchange.root={exchange}"], course / "grader", **kw)


def make_course(where):
    """The course's config, solutions and lessons of LESSON in a new folder."""
    (where / "grader").mkdir(parents=True)
    shutil.copy(ROOT / "grader" / "nbgrader_config.py", where / "grader")
    for part in ("solutions", "lessons"):
        shutil.copytree(ROOT / part / LESSON, where / part / LESSON)
    return where


def the_class(students):
    """student -> (notebook, expected points): a third finished, the rest a bank answer each, in turn."""
    from coursekit.course import bank, finished, graded_cells, read
    entries = [e for e in bank() if e["lesson"] == LESSON]
    full = sum(c.metadata["nbgrader"]["points"] for c in graded_cells(read("lessons", LESSON)).values())
    made = {}
    for i in range(students):
        if i % 3 == 0:
            made[f"s{i:03d}"] = (finished(LESSON), full, "finished")
        else:
            entry = entries[i % len(entries)]
            lost = 1 if entry["style"] == "wrong" else 0
            made[f"s{i:03d}"] = (finished(LESSON, {entry["function"]: entry["code"]}), full - lost, entry["style"])
    return made


TROUBLE = {  # --keep: student -> the output_error they hand in (scores are kept, not checked)
    "t-crash": "def output_error(target, guess):\n    import os\n    os._exit(3)\n",
    "t-hang": "def output_error(target, guess):\n    while True:\n        pass\n",
    "t-cheat": "import numpy as np\nnp.allclose = lambda *a, **k: True\n\ndef output_error(target, guess):\n"
               "    return 0 * target\n",
}


def add_trouble(klass):
    """The three troublemakers of --keep, their expected points None (not checked)."""
    from coursekit.course import finished
    for student, code in TROUBLE.items():
        klass[student] = (finished(LESSON, {"output_error": code}), None, "trouble")
    return klass


def submit_all(klass, homes, exchange):
    """Every student, in a home of their own, submits their notebook with `nbgrader submit` (two at a time)."""
    import nbformat

    def submit(student):
        home = homes / student
        folder = home / LESSON
        folder.mkdir(parents=True)
        nbformat.write(klass[student][0], str(folder / f"{LESSON}.ipynb"))
        env = dict(os.environ, HOME=str(home), USER=student, JUPYTER_DATA_DIR=str(home / ".local/share/jupyter"))
        run([sys.executable, "-m", "nbgrader", "submit", LESSON, f"--CourseDirectory.course_id={COURSE_ID}",
             f"--CourseDirectory.student_id={student}", f"--Exchange.root={exchange}"], home, env=env)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(submit, sorted(klass)))


def carry_secrets(course):
    """Copy each submission's submission_secret.txt into its autograded folder where `grade` left it out.

    release_feedback names a student's feedback by that secret and fails without it; stock
    `nbgrader autograde` copies every file of the submission, `python -m grader grade` (for now) copies
    only the notebook and timestamp.txt. Returns how many were copied (0 once grade keeps them).
    """
    copied = 0
    for secret in (course / "grader" / "submitted").glob(f"*/{LESSON}/submission_secret.txt"):
        dest = course / "grader" / "autograded" / secret.parent.parent.name / LESSON / secret.name
        if dest.parent.is_dir() and not dest.exists():
            shutil.copy(secret, dest)
            copied += 1
    return copied


def check(klass, url, exchange, homes):
    """Every expected score in the gradebook, one released feedback file per student, one student fetches theirs."""
    from nbgrader.api import Gradebook
    with Gradebook(url, course_id=COURSE_ID) as gb:
        got = {s.student.id: s.score for s in gb.find_assignment(LESSON).submissions}
    wrong = {s: (got.get(s), points) for s, (_, points, _) in klass.items()
             if points is not None and got.get(s) != points}
    if wrong:
        raise SystemExit(f"scores differ from the expected ones (got, expected): {wrong}")
    released = list((exchange / COURSE_ID / "feedback").glob("*.html"))
    if len(released) != len(klass):
        raise SystemExit(f"{len(released)} feedback files released for {len(klass)} students")
    student = sorted(klass)[0]
    home = homes / student
    env = dict(os.environ, HOME=str(home), USER=student, JUPYTER_DATA_DIR=str(home / ".local/share/jupyter"))
    run([sys.executable, "-m", "nbgrader", "fetch_feedback", LESSON, f"--CourseDirectory.course_id={COURSE_ID}",
         f"--CourseDirectory.student_id={student}", f"--Exchange.root={exchange}"], home, env=env)
    fetched = list((home / LESSON / "feedback").rglob("*.html"))
    if not fetched:
        raise SystemExit(f"{student} fetched no feedback")
    return len(released)


def keep(course, url, dest):
    """Every result an instructor sees, normalised (times, temp paths, secrets), into dest for `diff -r`."""
    from nbgrader.api import Gradebook
    dest.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "grader", "export", "--course", course], ROOT)
    with Gradebook(url, course_id=COURSE_ID) as gb:
        scores = {s.student.id: {g.name: [g.score, g.max_score] for nb in s.notebooks for g in nb.grades}
                  for s in gb.find_assignment(LESSON).submissions}
    (dest / "gradebook.json").write_text(json.dumps(scores, indent=1, sort_keys=True))
    report = json.loads((course / "grader" / "reports" / "grade.json").read_text())
    report["seconds"] = 0
    (dest / "grade.json").write_text(_normal(json.dumps(report, indent=1, sort_keys=True), course))
    shutil.copy(course / "grader" / "flags.json", dest / "flags.json")
    for name in ("grades.csv", "report.html"):
        shutil.copy(course / "grader" / "exports" / name, dest / name)
    for page in sorted((course / "grader" / "feedback").glob(f"*/{LESSON}/*.html")):
        (dest / "feedback").mkdir(exist_ok=True)
        (dest / "feedback" / f"{page.parent.parent.name}.html").write_text(_normal(page.read_text(), course))


def _normal(text, course):
    """text without what differs between two runs of the same class: the course's temp path, where the code
    lives (two commits compared from two checkouts), dates and times."""
    text = text.replace(str(course), "COURSE").replace(str(ROOT), "CODE")
    return re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?( ?[A-Z]{3,4}|[+-]\d\d:?\d\d)?", "TIME", text)


def flow(students, jobs, tmp, kept=None):
    """Set up, run the timed stages, check; returns (seconds per stage, class summary)."""
    from coursekit import postgres
    reason = postgres.missing()
    if reason:
        raise SystemExit(f"class_flow: {reason}")
    course, exchange, homes = make_course(tmp / "course"), tmp / "exchange", tmp / "homes"
    exchange.mkdir()
    with postgres.Server() as server:
        url = server.database("gradebook")
        os.environ["BACKPROP_GRADEBOOK_URL"] = url
        klass = the_class(students)
        if kept:
            add_trouble(klass)
        nbgrader(course, exchange, "generate_assignment", LESSON, "--force")
        nbgrader(course, exchange, "release_assignment", LESSON, "--force")
        submit_all(klass, homes, exchange)
        inbound = len(list((exchange / COURSE_ID / "inbound").iterdir()))
        print(f"{inbound} submissions in the exchange; timing collect -> feedback released", flush=True)
        seconds, load, copied = {}, os.getloadavg()[0], 0
        commands = {
            "collect": lambda: nbgrader(course, exchange, "collect", LESSON, "--CollectApp.check_owner=False"),
            "grade": lambda: run([sys.executable, "-m", "grader", "grade", LESSON, "--course", course,
                                  *(["--jobs", str(jobs)] if jobs else [])], ROOT),
            "generate_feedback": lambda: nbgrader(course, exchange, "generate_feedback", LESSON, "--force"),
            "release_feedback": lambda: nbgrader(course, exchange, "release_feedback", LESSON),
        }
        for name, _ in STAGES:
            t0 = time.monotonic()
            out = commands[name]()
            if name == "grade":
                copied = carry_secrets(course)
            seconds[name] = time.monotonic() - t0
            print(f"{name:<18} {seconds[name]:7.1f} s", flush=True)
            if name == "grade":
                print("   " + "\n   ".join(line for line in out.splitlines() if line.startswith(("grading ", "done in"))))
                if copied:
                    print(f"   WORKAROUND: grade left submission_secret.txt out of {copied} autograded folders; copied")
        released = check(klass, url, exchange, homes)
        if kept:
            keep(course, url, kept)
    kinds = {k: sum(1 for _, _, kind in klass.values() if kind == k) for k in ("finished", "correct", "wrong", "trouble")}
    return seconds, dict(kinds, students=students, released=released, jobs=jobs or os.cpu_count(), load=load,
                         copied=copied)


def table(seconds, students):
    """The Markdown table of the stages."""
    rows = ["| stage | what | seconds | per student |", "|---|---|---:|---:|"]
    for name, what in STAGES:
        rows.append(f"| {name} | {what} | {seconds[name]:.1f} | {seconds[name] / students:.2f} |")
    total = sum(seconds.values())
    rows.append(f"| **total** | collect to feedback released | **{total:.1f}** | {total / students:.2f} |")
    return "\n".join(rows)


def cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def section(seconds, summary):
    """The docs section: heading, the result in a sentence, how it was measured, the table, how to repeat it."""
    n, total = summary["students"], sum(seconds.values())
    setting = (f"Measured by `benchmarks/class_flow.py` on {datetime.date.today():%Y-%m-%d}: {os.cpu_count()} cores "
               f"({cpu_name()}) shared with other jobs (load average {summary['load']:.1f} when timing started; "
               "timings on this kind of machine drift up to 2x between runs), the gradebook a PostgreSQL 15 "
               "database on the same machine, nbgrader's exchange a local folder, `grade` with "
               f"`--jobs {summary['jobs']}`. Lesson 01 (`output_error`, `cost`) was released with `nbgrader "
               f"release_assignment` and {n} students submitted with `nbgrader submit`, each from a home of their "
               f"own: {summary['finished']} finished notebooks, {summary['correct']} with another correct answer and "
               f"{summary['wrong']} with a known mistake from the test bank. The stages ran one after the other, "
               "as an instructor runs them:")
    after = (f"{_workaround(summary)}Afterwards every student's score in the gradebook was the expected one (full "
             f"marks, or one point lost for the mistake), {summary['released']} feedback pages were in the exchange, "
             "and a student fetched theirs with `nbgrader fetch_feedback`. Grading is most of the time; it grows "
             "with the number of notebooks and shrinks with cores (`--jobs`). Repeat with "
             "`.venv/bin/python benchmarks/class_flow.py --write-docs` (needs PostgreSQL's binaries, as the tests do).")
    return "\n\n".join([heading(n), f"**{total / 60:.1f} minutes** from `nbgrader collect` to feedback released "
                         f"for {n} students, {total / n:.1f} s per student.", _fill(setting), table(seconds, n),
                         _fill(after)]) + "\n"


def _fill(text):
    return textwrap.fill(text, width=104, break_long_words=False, break_on_hyphens=False)


def _workaround(summary):
    if not summary["copied"]:
        return ""
    return (f"`grade` left `submission_secret.txt` out of {summary['copied']} autograded folders (it copies only "
            "the notebook and `timestamp.txt`; `release_feedback` needs the secret to name each page): the "
            "benchmark copied them in, inside the grade stage's time (reported to be fixed in grade). ")


def write_docs(text, students):
    """Replace (or add) this benchmark's section of docs/class_hub.md; other sections stay as they are."""
    old = DOC.read_text() if DOC.exists() else DOC_TITLE
    lines = old.splitlines(keepends=True)
    start = next((i for i, l in enumerate(lines) if l.strip() == heading(students)), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        new = "".join(lines[:start]) + text + ("\n" + "".join(lines[end:]) if end < len(lines) else "")
    DOC.write_text(new)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=None, help="grade --jobs (default: grade's own, the core count)")
    parser.add_argument("--write-docs", action="store_true", help=f"write the table into {DOC.relative_to(ROOT)}")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="add three troublemakers and keep every result, normalised, in DIR (compare with diff -r)")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="backprop-class-flow-"))
    try:
        isolate_state(tmp)
        seconds, summary = flow(args.students, args.jobs, tmp, args.keep and args.keep.resolve())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(table(seconds, args.students))
    if args.write_docs:
        write_docs(section(seconds, summary), args.students)
        print(f"\nwrote {heading(args.students)!r} into {DOC}")


if __name__ == "__main__":
    main()
