"""Autograde every submission in parallel, check each graded function outside the kernel, keep the lower score.

`python -m grader grade [ASSIGNMENT ...] [--jobs N]` grades grader/submitted/<student>/<lesson>/:

1. Preflight (this process, see repair.py): every handed-in notebook is read defensively; a damaged
   one is rebuilt from the released template plus the student's answer cells, an unreadable one is
   rejected with a message. The handed-in file is never written to.
2. In-kernel grading: N `nbgrader autograde` workers (worker.py: nbgrader's own app with a guarded
   Execute step: notebook wall-clock limit, output cap), each on a throwaway course outside the
   course tree (/tmp) holding copies of its own students' notebooks, all writing the course's
   gradebook. Their kernels (a `python3` kernelspec first on JUPYTER_PATH) are forked from a warm
   zygote (zygote.py) into the same sandbox sandbox.LAUNCHER gives a fresh Python: own working
   folder outside the course tree, rlimits, namespaces and an own user id when root. Per-cell
   timeout `--timeout`. The autograded notebooks are then moved into grader/autograded/ for formgrader.
3. Out-of-kernel check (sandbox.py): the student's code cells run in a fresh sandboxed Python; the
   hidden fixtures are built here and the answers compared here. For each test cell, the lower of
   the in-kernel score and the check's score is written to the gradebook (auto_score) and any
   disagreement flags the submission.
   A notebook whose in-kernel score is lower than the check, or whose kernel failed, is graded once
   more in the kernel (a stalled kernel must not cost an honest student points); if the kernel fails
   again, the check alone scores it (flagged).
4. Static scan (scan.py) of the student's code: tampering flags.

Prints progress and a per-lesson summary; writes grader/reports/grade.json (every submission's
status, scores, flags, notes) and grader/flags.json (flagged, failed and rejected submissions, read
by `export`). A test cell lowered by the out-of-kernel check gets an error output in the autograded
notebook naming the mistake, so formgrader and feedback show why. Scores do not depend on --jobs.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from . import ROOT, lesson_names, repair, sandbox, scan, tool_env, zygote


def db_url(course):
    return os.environ.get("BACKPROP_GRADEBOOK_URL", f"sqlite:///{Path(course) / 'grader' / 'gradebook.db'}")


class Submission:
    def __init__(self, student, lesson, path):
        self.student, self.lesson, self.path = student, lesson, path
        self.status, self.notes, self.flags = "pending", [], []
        self.nb = None
        self.in_kernel, self.check, self.final, self.max = {}, {}, {}, {}

    def row(self):
        return {"student": self.student, "lesson": self.lesson, "status": self.status,
                "file": str(self.path) if self.path else None, "notes": self.notes, "flags": self.flags,
                "in_kernel": self.in_kernel, "check": {k: list(v) for k, v in self.check.items()},
                "final": self.final, "max": self.max}


def find_submissions(course, assignments):
    """Every (student, lesson) folder in grader/submitted for the assignments, as Submissions."""
    found = []
    submitted = Path(course) / "grader" / "submitted"
    if not submitted.exists():
        return found
    for student_dir in sorted(p for p in submitted.iterdir() if p.is_dir()):
        for lesson in assignments:
            folder = student_dir / lesson
            if not folder.is_dir():
                continue
            sub = Submission(student_dir.name, lesson, folder / f"{lesson}.ipynb")
            if not sub.path.exists():
                others = sorted(folder.glob("*.ipynb"))
                if len(others) == 1:
                    sub.path = others[0]
                    sub.notes.append(f"wrong file name {others[0].name!r}: graded as {lesson}.ipynb")
                else:
                    sub.path = None
                    sub.status = "rejected"
                    sub.notes.append(f"no {lesson}.ipynb in the submission folder"
                                     + (f" (found {', '.join(o.name for o in others)})" if others else ""))
            found.append(sub)
    return found


def _scratch_course(where, course):
    where.mkdir(parents=True)
    (where / "solutions").symlink_to(Path(course) / "solutions")
    (where / "grader").mkdir()
    return where


def ensure_assignments(course, lessons, url, scratch):
    """The released templates {lesson: nb}; (re)generate assignments missing from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry
    missing = []
    with Gradebook(url) as gb:
        for lesson in lessons:
            try:
                gb.find_notebook(lesson, lesson)
            except MissingEntry:
                missing.append(lesson)
    templates = {}
    if missing:
        root = _scratch_course(scratch / "generate", course)
        cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", "--force",
               f"--NbGrader.config_file={course / 'grader' / 'nbgrader_config'}", f"--CourseDirectory.root={root}",
               f"--CourseDirectory.db_url={url}", *[f"--CourseDirectory.assignment_id={m}" for m in missing[:1]]]
        for lesson in missing:
            cmd[-1] = f"--CourseDirectory.assignment_id={lesson}"
            result = subprocess.run(cmd, cwd=root, env=tool_env(), capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(f"nbgrader generate_assignment {lesson} failed:\n{result.stdout}{result.stderr}")
    for lesson in lessons:
        for candidate in (scratch / "generate" / "lessons", Path(course) / "lessons"):
            path = candidate / lesson / f"{lesson}.ipynb"
            if path.exists():
                templates[lesson] = nbformat.read(path, as_version=4)
                break
        else:
            raise SystemExit(f"no released notebook for {lesson}: run `python -m grader release`")
    return templates


def _groups(subs, jobs):
    """Students split over at most `jobs` groups, balanced by notebook count (deterministic)."""
    per_student = {}
    for s in subs:
        per_student.setdefault(s.student, []).append(s)
    groups = [[] for _ in range(max(1, min(jobs, len(per_student))))]
    for student in sorted(per_student, key=lambda st: (-len(per_student[st]), st)):
        min(groups, key=lambda g: sum(len(per_student[x]) for x in g)).append(student)
    return [[s for st in g for s in per_student[st]] for g in groups if g]


def run_workers(groups, course, url, scratch, env, timeout, notebook_timeout, progress, tag="w"):
    """One nbgrader autograde process per group on its own scratch course; returns [(root, group, log)]."""
    procs = []
    for k, group in enumerate(groups):
        root = _scratch_course(scratch / f"{tag}{k}", course)
        for sub in group:
            folder = root / "grader" / "submitted" / sub.student / sub.lesson
            folder.mkdir(parents=True)
            nbformat.write(sub.nb, str(folder / f"{sub.lesson}.ipynb"))
            for kept in ("timestamp.txt", "submission_secret.txt"):  # the secret: release_feedback needs it
                if (sub.path.parent / kept).exists():
                    shutil.copy(sub.path.parent / kept, folder / kept)
        cmd = [sys.executable, "-m", "grader.worker", "autograde", "--force",
               f"--NbGrader.config_file={course / 'grader' / 'nbgrader_config'}",
               f"--CourseDirectory.root={root}", f"--CourseDirectory.db_url={url}",
               "--CourseDirectory.assignment_id=*", f"--Execute.timeout={timeout}",
               f"--GuardedExecute.notebook_timeout={notebook_timeout}"]
        if os.environ.get("BACKPROP_GRADE_DEBUG"):
            cmd.append("--log-level=DEBUG")
        procs.append((root, group, subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE,
                                                    stderr=subprocess.STDOUT, text=True)))
    logs = {}

    t0 = time.monotonic()

    def pump(root, group, proc):
        lines = []
        for line in proc.stdout:
            lines.append(f"{time.monotonic() - t0:7.2f} {line}")
            if "Autograding" in line and "/autograded/" in line:
                part = line.split("/autograded/", 1)[1].split("/")
                progress(f"kernel  {part[0]}/{part[1]}")
        proc.wait()
        logs[str(root)] = "".join(lines)

    threads = [threading.Thread(target=pump, args=p) for p in procs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [(root, group, logs[str(root)]) for root, group, _ in procs]


def kernel_pass(subs, jobs, course, url, scratch, env, timeout, notebook_timeout, progress, tag):
    """Autograde subs in the kernel with `jobs` nbgrader workers; set each one's status and in-kernel scores."""
    results = run_workers(_groups(subs, jobs), course, url, scratch, env, timeout, notebook_timeout, progress, tag)
    logs = course / "grader" / "reports"
    logs.mkdir(parents=True, exist_ok=True)
    for k, (_, _, log) in enumerate(results):
        (logs / f"{tag}{k}.log").write_text(log)
    for root, group, log in results:
        for sub in group:
            built = root / "grader" / "autograded" / sub.student / sub.lesson
            scores = _in_kernel_scores(url, sub) if (built / f"{sub.lesson}.ipynb").exists() else None
            dest = course / "grader" / "autograded" / sub.student / sub.lesson
            if dest.exists():
                shutil.rmtree(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if scores is None or any(s is None for s, _ in scores.values()):
                sub.status = "kernel-failed"
                sub.in_kernel = {}
                sub.notes.append(_kernel_failure(log, sub))
                # formgrader needs a notebook to show: the graded copy, without outputs
                dest.mkdir()
                nbformat.write(sub.nb, str(dest / f"{sub.lesson}.ipynb"))
                continue
            shutil.move(str(built), str(dest))
            sub.notes.extend(_limits_hit(dest / f"{sub.lesson}.ipynb"))
            sub.status = "graded"
            sub.in_kernel = {k: s for k, (s, _) in scores.items()}
            sub.max = {k: m for k, (_, m) in scores.items()}


def _in_kernel_scores(url, sub):
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(url) as gb:
        try:
            nb = gb.find_submission_notebook(sub.lesson, sub.lesson, sub.student)
        except MissingEntry:
            return None
        return {g.name: (g.score, g.max_score) for g in nb.grades}


def write_final(url, subs):
    """Lower the gradebook's auto scores to the final scores; returns nothing."""
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(url) as gb:
        for sub in subs:
            if sub.status not in ("graded", "flagged"):
                continue
            try:
                nb = gb.find_submission_notebook(sub.lesson, sub.lesson, sub.student)
            except MissingEntry:
                continue
            for g in nb.grades:
                final = sub.final.get(g.name)
                if final is not None and (g.auto_score is None or final < g.auto_score or g.needs_manual_grade):
                    g.auto_score = final
                    g.needs_manual_grade = False
        gb.db.commit()


NO_SANDBOX_ENV = "BACKPROP_GRADE_NO_SANDBOX"  # "1": grade without isolation, asked for by name


class Unsafe(SystemExit):
    """Grading refused: student code could not be isolated and nobody asked to grade without it."""


def sandbox_verdict(allow_unsandboxed=False):
    """('sandboxed' | 'unsandboxed, as asked', why) or raise Unsafe with what is missing and the way out."""
    iso = sandbox.isolation()
    if iso["ns"] and iso["user"]:
        return "sandboxed", iso["why"]
    if allow_unsandboxed or os.environ.get(NO_SANDBOX_ENV) == "1":
        return "unsandboxed, as asked (--no-sandbox)", iso["why"]
    raise Unsafe(
        "grade: refusing to grade, because student code cannot be isolated here: " + iso["why"] + ".\n"
        "Without isolation a submission runs as you and can read solutions/, rewrite the gradebook and "
        "change other students' notebooks.\n"
        "Fix: grade as root inside a container (a CI runner, a Docker or Binder-style image), where each "
        "kernel gets private namespaces and a user id of its own. If you trust every submission, ask for "
        f"grading without isolation by name: `python -m grader grade --no-sandbox` (or {NO_SANDBOX_ENV}=1); "
        "the report then says so.")


def _hashes(folder):
    """sha256 of every file under folder, by path: the handed-in originals before and after grading."""
    import hashlib
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def grade(course=ROOT, assignments=None, jobs=None, timeout=30, out=print, check_timeout=5.0, notebook_timeout=300,
          allow_unsandboxed=False):
    """Grade every submission of the assignments (all when None); returns the list of Submissions.

    Refuses (Unsafe) when student code cannot be sandboxed, unless allow_unsandboxed.
    """
    mode, _ = sandbox_verdict(allow_unsandboxed)
    course = Path(course).resolve()
    started = time.monotonic()
    known = lesson_names(course / "solutions")
    assignments = list(assignments or known)
    unknown = [a for a in assignments if a not in known]
    if unknown:
        raise SystemExit(f"unknown assignment(s): {', '.join(unknown)} (known: {', '.join(known)})")
    jobs = jobs or os.cpu_count() or 1
    url = db_url(course)
    subs = find_submissions(course, assignments)
    if not subs:
        out("nothing to grade in grader/submitted")
        return []
    scratch = Path(tempfile.mkdtemp(prefix="backprop-grade-"))
    base = sandbox.make_base()
    warm = None
    originals = _hashes(course / "grader" / "submitted")
    failure = None
    t_kernel = t_check = 0.0
    todo = []
    try:
        lessons = sorted({s.lesson for s in subs})
        templates = ensure_assignments(course, lessons, url, scratch)
        sources = {l: nbformat.read(course / "solutions" / l / f"{l}.ipynb", as_version=4) for l in lessons}
        hidden = {l: sandbox.hidden_cases(sources[l]) for l in lessons}
        for sub in subs:
            if sub.status == "rejected":
                continue
            try:
                sub.nb, notes = repair.prepare(sub.path, templates[sub.lesson])
                sub.notes.extend(notes)
            except repair.Rejected as exc:
                sub.status = "rejected"
                sub.notes.append(str(exc))
        todo = [s for s in subs if s.status != "rejected"]
        iso = sandbox.isolation()
        cfg = sandbox.launcher_config(base, hide=[course, scratch])
        env = tool_env()
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        sandbox.prebuild_mpl_cache(cfg)
        kernel_argv = spawn = None
        if os.environ.get("BACKPROP_GRADE_ZYGOTE", "1") != "0":  # 0: every process a fresh Python (slower)
            (course / "grader" / "reports").mkdir(parents=True, exist_ok=True)
            sock = scratch / "zygote.sock"
            warm = zygote.start(sock, cfg, course / "grader" / "reports" / "zygote.log", env)
            kernel_argv = zygote.stub_argv(sock)
            spawn = lambda python_args: zygote.stub_argv(sock, python_args)  # noqa: E731
        sandbox.write_kernelspec(scratch / "jupyter", cfg, kernel_argv)
        env["JUPYTER_PATH"] = str(scratch / "jupyter") + os.pathsep + env.get("JUPYTER_PATH", "")
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"
        out(f"grading {len(todo)} notebooks ({len(subs) - len(todo)} rejected) of {len(lessons)} lesson(s) "
            f"with {jobs} job(s); isolation: {iso['why']}")
        done = [0]
        lock = threading.Lock()
        total = 2 * len(todo)

        def progress(text):
            with lock:
                done[0] += 1
                bar = "#" * min(20, 20 * done[0] // max(total, 1))
                out(f"[{bar:<20}] {done[0]:>3}/{total} {text}")

        t0 = time.monotonic()
        kernel_pass(todo, jobs, course, url, scratch, env, timeout, notebook_timeout, progress, "w")
        t_kernel = time.monotonic() - t0

        t1 = time.monotonic()

        def check(sub):
            setup = next((c.source for c in templates[sub.lesson].cells
                          if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"), "import numpy as np")
            res, notes = sandbox.run_check(sandbox.student_cells(sub.nb), setup, hidden[sub.lesson], cfg,
                                           case_timeout=check_timeout, spawn=spawn)
            sub.notes.extend(notes)
            sub.check = sandbox.score_results(hidden[sub.lesson], res)
            progress(f"check   {sub.student}/{sub.lesson}")

        for sub in todo:  # here, not in the threads: ast.parse is not thread-safe in CPython 3.11
            sub.flags.extend(scan.scan_notebook(sandbox.student_cells(sub.nb, strip=False)))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(check, todo))
        # An in-kernel run that scored lower than the check, or a kernel that failed, is run once more:
        # a stalled or crashed kernel must not cost an honest student points.
        again = [s for s in todo if s.status == "kernel-failed" or
                 any(s.check.get(k, (0,))[0] > v for k, v in s.in_kernel.items())]
        if again:
            out(f"grading {len(again)} notebook(s) again in the kernel (first run disagreed with the check)")
            for sub in again:
                sub.notes.append("graded twice in the kernel (the first run disagreed with the check)")
                sub.status = "pending"
            total += len(again)
            t2 = time.monotonic()
            kernel_pass(again, jobs, course, url, scratch, env, timeout, notebook_timeout, progress, "again")
            t_kernel += time.monotonic() - t2
        for sub in todo:
            if sub.status == "kernel-failed":
                # No in-kernel score exists: the out-of-kernel check alone decides.
                sub.in_kernel = {}
                sub.max = {k: m for k, (_, m, _) in sub.check.items()}
                sub.final = {k: c for k, (c, _, _) in sub.check.items()}
                sub.flags.append("scored by the out-of-kernel check only (no in-kernel result)")
                sub.status = "flagged"
                continue
            lowered = {}
            for grade_id, score in sub.in_kernel.items():
                final = score
                if grade_id in sub.check:
                    chk, _, reason = sub.check[grade_id]
                    if chk < score:
                        final = chk
                        lowered[grade_id] = reason
                        sub.flags.append(f"{grade_id}: passed in the kernel but failed outside it ({reason})")
                sub.final[grade_id] = final
            if lowered:
                annotate(course / "grader" / "autograded" / sub.student / sub.lesson / f"{sub.lesson}.ipynb", lowered)
            if sub.flags:
                sub.status = "flagged"
        write_final(url, todo)
        t_check = time.monotonic() - t1
    except Exception as exc:  # the report of what was graded is still written below
        failure = f"{type(exc).__name__}: {exc}"
        out(f"grading stopped: {failure}")
    finally:
        if warm is not None:
            warm.kill()
            warm.wait()
        left = sandbox.reap(base)
        if left:
            out(f"killed {left} process(es) student code left behind")
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(base, ignore_errors=True)
    after = _hashes(course / "grader" / "submitted")
    changed = sorted(p for p, h in originals.items() if after.get(p) != h)
    if changed:
        out(f"ALERT: {len(changed)} handed-in file(s) changed while grading: {', '.join(changed[:5])}")
    report(subs, out)
    elapsed = time.monotonic() - started
    out(f"done in {elapsed:.1f} s (kernels {t_kernel:.1f} s, out-of-kernel checks and scan {t_check:.1f} s), "
        f"{elapsed / max(len(todo), 1):.2f} s per notebook")
    flagged = [{"student": s.student, "lesson": s.lesson, "status": s.status, "reason": "; ".join(s.flags + s.notes)}
               for s in subs if s.status not in ("graded",)]
    (course / "grader" / "flags.json").write_text(json.dumps(flagged, indent=1))
    reports = course / "grader" / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "grade.json").write_text(json.dumps(
        {"sandbox": mode, "isolation": sandbox.isolation(), "seconds": round(elapsed, 2), "jobs": jobs,
         "error": failure, "originals_changed": changed,
         "submissions": [s.row() for s in subs]}, indent=1, default=str))
    if mode != "sandboxed":
        out(f"NOTE: graded WITHOUT a sandbox ({mode}); grader/reports/grade.json records it")
    if failure:
        raise SystemExit(f"grade: {failure} (the report of every notebook graded so far is in {reports / 'grade.json'})")
    return subs


def annotate(path, lowered):
    """Add the out-of-kernel verdict as an error output to each lowered test cell of an autograded notebook."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        reason = lowered.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if reason:
            cell.outputs.append(nbformat.v4.new_output(
                "error", ename="AssertionError", evalue=f"{reason} (checked outside your notebook's kernel)",
                traceback=[f"AssertionError: {reason} (checked outside your notebook's kernel)"]))
    mode = path.stat().st_mode
    path.chmod(0o644)
    nbformat.write(nb, str(path))
    path.chmod(mode)


def _section(log, sub):
    """The part of a worker's log about one submission."""
    marker = f"/submitted/{sub.student}/{sub.lesson}"
    lines = log.splitlines()
    start = next((i for i, l in enumerate(lines) if marker in l), None)
    if start is None:
        return ""
    end = next((i for i in range(start + 1, len(lines)) if "Creating/updating student" in lines[i]), len(lines))
    return "\n".join(lines[max(0, start - 2):end])


def _kernel_failure(log, sub):
    text = _section(log, sub)
    if "Kernel died" in text or "DeadKernelError" in text:
        return "the kernel died while running the notebook (os._exit, a crash, a killed kernel or a limit)"
    if "Timeout" in text or "timed out" in text:
        return "the kernel stopped answering (time limit)"
    errors = [l.strip() for l in text.splitlines() if "ERROR" in l][:2]
    return "nbgrader could not grade it in the kernel: " + (" | ".join(errors) or "see grader/reports/worker*.log")


def _limits_hit(path):
    """Notes for cells of an autograded notebook that hit the time limit or a memory limit."""
    notes = []
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            name = cell.metadata.get("nbgrader", {}).get("grade_id", "a cell")
            if output.get("ename") in ("CellTimeoutError", "KeyboardInterrupt"):
                notes.append(f"{name}: hit the time limit in the kernel")
            elif output.get("ename") == "NotebookTimeLimit":
                notes.append(f"{name}: not run (the notebook time limit was used up)")
            elif output.get("ename") == "MemoryError":
                notes.append(f"{name}: hit the memory limit in the kernel")
    return notes


def report(subs, out=print):
    """Per-lesson summary, then every submission that needs a look."""
    out("")
    out(f"{'lesson':<18}{'graded':>7}{'flagged':>8}{'rejected':>9}{'mean':>8}{'full':>6}")
    for lesson in sorted({s.lesson for s in subs}):
        rows = [s for s in subs if s.lesson == lesson]
        ok = [s for s in rows if s.status in ("graded", "flagged")]
        totals = [sum(s.final.values()) for s in ok]
        full = [s for s in ok if s.final and all(s.final[k] == s.max[k] for k in s.final)]
        mean = sum(totals) / len(totals) if totals else 0.0
        out(f"{lesson:<18}{len(ok):>7}{sum(s.status == 'flagged' for s in rows):>8}"
            f"{sum(s.status == 'rejected' for s in rows):>9}"
            f"{mean:>8.2f}{len(full):>6}")
    for s in subs:
        if s.status != "graded" or s.notes:
            out(f"- {s.student}/{s.lesson}: {s.status.upper()}")
            for line in s.notes + s.flags:
                out(f"    {line}")
