"""`python -m grader grade`: a thin driver around nbgrader's own autograde, in parallel.

`python -m grader grade [ASSIGNMENT ...] [--jobs N]` grades grader/submitted/<student>/<lesson>/:

1. Refuse (wall.Refused) when student code cannot be walled in, unless --no-wall was asked for.
2. Preflight (this process, see repair.py): every handed-in notebook is read defensively; a damaged
   one is rebuilt from the released template plus the student's answer cells, an unreadable one is
   rejected with a message. The handed-in files are never written to: their hashes are taken before
   and checked after, and grading works on copies.
3. N stock `nbgrader autograde` processes, each on a throwaway course (in /tmp) holding copies of its
   own students' notebooks and writing the course's gradebook. The grading itself is nbgrader's
   pipeline with the course's steps (grader/autograde/pipeline.py, configured in grader/nbgrader_config.py): the
   same steps run by `nbgrader autograde` from grader/ and by formgrader's Autograde button.
4. The autograded notebooks move into grader/autograded/ for formgrader and feedback; what the
   pipeline recorded in them (results.Submission.read_notebook) and the gradebook's scores make the
   report: a per-lesson summary, grader/reports/grade.json and grader/flags.json (merged with the
   reports of other lessons graded at the same time). Scores do not depend on --jobs. A worker's log
   is kept in grader/reports and read only for a notebook nbgrader never wrote.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat

from grader import lesson_names, tool_env, wall as grading_wall
from grader.autograde import pipeline, repair
from grader.classwork import gradebook, reports
from grader.classwork.results import Submission
from grader.course import Course, URL_ENV


def find_submissions(course, assignments):
    """Every (student, lesson) folder in grader/submitted for the assignments, as Submissions."""
    found = []
    submitted = Course.at(course).submitted
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
    """A throwaway Course in where: the course's solutions (a link) and an empty grader/ folder."""
    scratch = Course.at(where)
    scratch.grader.mkdir(parents=True)
    scratch.solutions.symlink_to(course.solutions)
    return scratch


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
               f"--NbGrader.config_file={course.config}", f"--CourseDirectory.root={root.root}",
               *[f"--CourseDirectory.assignment_id={m}" for m in missing[:1]]]
        for lesson in missing:
            cmd[-1] = f"--CourseDirectory.assignment_id={lesson}"
            result = subprocess.run(cmd, cwd=root.grader, env=dict(tool_env(), **{URL_ENV: url}),
                                    capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(f"nbgrader generate_assignment {lesson} failed:\n{result.stdout}{result.stderr}")
    for lesson in lessons:
        for candidate in (Course.at(scratch / "generate").lessons, course.lessons):
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


def worker_argv(course, root, timeout, notebook_timeout, check_timeout):
    """Stock `nbgrader autograde` on the throwaway course root, with the course's config and limits.

    The gradebook's URL (it may hold a password) is never an argument, which every user could read in
    /proc: the worker's environment carries it (BACKPROP_GRADEBOOK_URL, read by the course's config).
    """
    argv = [sys.executable, "-m", "nbgrader", "autograde", "--force",
            f"--NbGrader.config_file={course.config}",
            f"--CourseDirectory.root={root.root}",
            "--CourseDirectory.assignment_id=*", f"--Execute.timeout={timeout}",
            f"--GuardedExecute.notebook_timeout={notebook_timeout}",
            f"--OutOfKernelCheck.case_timeout={check_timeout}"]
    return argv + (["--log-level=DEBUG"] if os.environ.get("BACKPROP_GRADE_DEBUG") else [])


def stage(root, group):
    """Copy each submission (already repaired) and its timestamp into the throwaway course root."""
    for sub in group:
        folder = root.submission(sub.student, sub.lesson)
        folder.mkdir(parents=True)
        nbformat.write(sub.nb, str(folder / f"{sub.lesson}.ipynb"))
        for name in ("timestamp.txt", "submission_secret.txt"):  # nbgrader's exchange needs the secret back
            if (sub.path.parent / name).exists():
                shutil.copy(sub.path.parent / name, folder / name)


def run_workers(groups, course, url, scratch, env, limits, progress):
    """One nbgrader autograde process per group on its own throwaway course; returns [(root, group, log)].

    Each worker's pipeline announces every notebook it starts on a pipe of its own (pipeline.PROGRESS_FD):
    progress is data, the log only text to keep.
    """
    procs, env = [], dict(env, **{URL_ENV: url})
    for k, group in enumerate(groups):
        root = _scratch_course(scratch / f"w{k}", course)
        stage(root, group)
        read_end, write_end = os.pipe()
        proc = subprocess.Popen(worker_argv(course, root, *limits), cwd=root.grader,
                                env=dict(env, **{pipeline.PROGRESS_FD: str(write_end)}), pass_fds=[write_end],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        os.close(write_end)
        procs.append((root, group, proc, read_end))
    logs, t0 = {}, time.monotonic()

    def keep_log(root, proc):
        logs[str(root.root)] = "".join(f"{time.monotonic() - t0:7.2f} {line}" for line in proc.stdout)
        proc.wait()

    def follow(read_end):
        with os.fdopen(read_end) as events:
            for line in events:
                try:
                    started = json.loads(line)
                    progress(f"{started['student']}/{started['lesson']}")
                except (ValueError, TypeError, KeyError):  # a torn line costs one progress line, never the run
                    continue

    threads = [threading.Thread(target=f, args=a) for root, _, proc, read_end in procs
               for f, a in ((keep_log, (root, proc)), (follow, (read_end,)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [(root, group, logs[str(root.root)]) for root, group, _, _ in procs]


def gather(course, url, results):
    """Move each autograded notebook into the course; read back its gradebook scores and what the pipeline recorded."""
    course.reports.mkdir(parents=True, exist_ok=True)
    for k, (root, group, log) in enumerate(results):
        (course.reports / f"{RUN}-worker{k}.log").write_text(log)
        for sub in group:
            built = root.autograded_notebook(sub.student, sub.lesson)
            if not built.exists():  # nbgrader never wrote it: its log is all there is
                sub.status = "error"
                sub.notes.append(_kernel_failure(log, sub))
                continue
            scores = _gradebook_scores(url, sub)
            if scores is None or any(s is None for s, _ in scores.values()):
                sub.status = "error"
                sub.notes.append("nbgrader wrote the notebook but saved no grades for it")
                continue
            dest = course.autograded_notebook(sub.student, sub.lesson)
            if dest.parent.exists():
                shutil.rmtree(dest.parent)
            dest.parent.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(built.parent), str(dest.parent))
            sub.read_notebook(nbformat.read(dest, as_version=4)).take_scores(scores)
            sub.status = "flagged" if sub.flags else "graded"


def _gradebook_scores(url, sub):
    """{grade_id: (score, max)} of one submission in the gradebook, or None when nbgrader has none."""
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(url) as gb:
        try:
            nb = gb.find_submission_notebook(sub.lesson, sub.lesson, sub.student)
        except MissingEntry:
            return None
        return {g.name: (g.score, g.max_score) for g in nb.grades}


RUN = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"  # this run's log names (graders may run at once)


def hashes(folder):
    """sha256 of every file under folder, by path: the handed-in originals before and after grading."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def grade(course=None, assignments=None, jobs=None, timeout=30, out=print, check_timeout=5.0, notebook_timeout=300,
          allow_unwalled=False):
    """Grade every submission of the assignments (all when None); returns the list of Submissions.

    Refuses (wall.Refused) when student code cannot be walled in, unless allow_unwalled.
    """
    mode = grading_wall.verdict(allow_unwalled)
    course = Course.at(course)
    started = time.monotonic()
    assignments = known_assignments(course, assignments)
    jobs = jobs or os.cpu_count() or 1
    url = course.gradebook_url
    gradebook.preflight(url)
    subs = find_submissions(course, assignments)
    if not subs:
        out("nothing to grade in grader/submitted")
        return []
    scratch = Path(tempfile.mkdtemp(prefix="backprop-grade-"))
    originals = hashes(course.submitted)
    failure, todo = None, []
    try:
        lessons = sorted({s.lesson for s in subs})
        todo = prepare(subs, ensure_assignments(course, lessons, url, scratch))
        out(f"grading {len(todo)} notebooks ({len(subs) - len(todo)} rejected) of {len(lessons)} lesson(s) "
            f"with {jobs} job(s); {mode}")
        results = run_workers(_groups(todo, jobs), course, url, scratch, worker_env(mode),
                              (timeout, notebook_timeout, check_timeout), progress_bar(out, len(todo)))
        gather(course, url, results)
    except Exception as exc:  # the report of what was graded is still written below
        failure = f"{type(exc).__name__}: {exc}"
        out(f"grading stopped: {failure}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    after = hashes(course.submitted)
    changed = sorted(p for p, h in originals.items() if after.get(p) != h)
    if changed:
        out(f"ALERT: {len(changed)} handed-in file(s) changed while grading: {', '.join(changed[:5])}")
    reports.summary(subs, out)
    elapsed = time.monotonic() - started
    out(f"done in {elapsed:.1f} s, {elapsed / max(len(todo), 1):.2f} s per notebook")
    written = reports.write_reports(course, subs, {"wall": mode.as_dict(), "seconds": round(elapsed, 2), "jobs": jobs,
                                                   "error": failure, "originals_changed": changed})
    if not mode.walled:
        out(f"NOTE: graded WITHOUT the wall ({mode}); grader/reports/grade.json records it")
    if failure:
        raise SystemExit(f"grade: {failure} (the report of every notebook graded so far is in {written / 'grade.json'})")
    return subs


def known_assignments(course, assignments):
    """The assignments asked for (all of the course's lessons when none); SystemExit naming any unknown one."""
    known = lesson_names(course.solutions)
    unknown = [a for a in assignments or () if a not in known]
    if unknown:
        raise SystemExit(f"unknown assignment(s): {', '.join(unknown)} (known: {', '.join(known)})")
    return list(assignments or known)


def worker_env(mode):
    """The environment of the nbgrader workers: one BLAS thread each; the unwalled mode passed on by name."""
    env = tool_env()
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"
    if not mode.walled:
        env[grading_wall.NO_WALL_ENV] = "1"
    return env


def progress_bar(out, total):
    """progress(text): one line per notebook started, with a bar of how many of total so far."""
    done, lock = [0], threading.Lock()

    def progress(text):
        with lock:
            done[0] += 1
            bar = "#" * min(20, 20 * done[0] // max(total, 1))
            out(f"[{bar:<20}] {done[0]:>3}/{total} {text}")
    return progress


def prepare(subs, templates):
    """Read every handed-in notebook defensively (repair.prepare); returns the submissions left to grade."""
    for sub in subs:
        if sub.status == "rejected":
            continue
        try:
            sub.nb, notes = repair.prepare(sub.path, templates[sub.lesson])
            sub.notes.extend(notes)
        except repair.Rejected as exc:
            sub.status = "rejected"
            sub.notes.append(str(exc))
    return [s for s in subs if s.status != "rejected"]


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
    return "nbgrader could not grade it in the kernel: " + (" | ".join(errors) or "see grader/reports/*-worker*.log")
