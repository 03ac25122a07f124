"""python -m grader COMMAND: instructor tooling for the course."""
import argparse
import sys

from grader import LESSONS, ROOT
from grader.course import Course


def parser():
    """The command line: one subcommand per instructor task."""
    top = argparse.ArgumentParser(prog="python -m grader", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("release", help="regenerate lessons/ from solutions/ (outputs stripped)")
    collect_cmd = commands.add_parser("collect", help="copy handed-in notebooks (folder or .zip) into grader/submitted")
    collect_cmd.add_argument("source", help="a folder or a .zip of handed-in notebooks")
    collect_cmd.add_argument("--replace", action="store_true", help="overwrite a different earlier submission")
    grade_cmd = commands.add_parser("grade", help="autograde in parallel, check outside the kernel, scan")
    grade_cmd.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="lessons to grade (default: all)")
    grade_cmd.add_argument("--jobs", type=int, default=None, help="parallel graders (default: core count)")
    grade_cmd.add_argument("--timeout", type=int, default=30, help="seconds per cell in the kernel (default 30)")
    grade_cmd.add_argument("--notebook-timeout", type=int, default=300,
                           help="seconds for a whole notebook in the kernel; later cells are not run (default 300)")
    grade_cmd.add_argument("--check-timeout", type=float, default=5.0,
                           help="seconds per call in the out-of-kernel check (default 5)")
    grade_cmd.add_argument("--no-wall", action="store_true",
                           help="grade even where student code cannot be walled in (recorded in the report)")
    feedback_cmd = commands.add_parser("feedback", help="nbgrader generate_feedback: a page per student and lesson")
    export_cmd = commands.add_parser("export", help="grades CSV and class report in grader/exports")
    edition_cmd = commands.add_parser("student-edition", help="copy the course without solutions or grading")
    edition_cmd.add_argument("dest", help="a new folder for the student edition")
    edition_cmd.add_argument("--class-image", action="store_true",
                             help="add nbgrader (the Assignments tab) to binder/requirements.txt: the source of a "
                                  "class hub's students' image (classhub/z2jh-values.yaml)")
    link_cmd = commands.add_parser("binder-link", help="print the Binder link and badge for this clone's GitHub remote")
    link_cmd.add_argument("--remote", default="origin", help="git remote of your fork on GitHub (default: origin)")
    link_cmd.add_argument("--ref", default=None, help="branch, tag or commit (default: the remote's default branch)")
    for sub in (collect_cmd, grade_cmd, feedback_cmd, export_cmd, edition_cmd, link_cmd):
        sub.add_argument("--course", default=str(ROOT), help="course root (default: this repository)")
    return top


def release(args):
    from grader.editions import release
    release.generate(LESSONS)
    return 0


def collect(args):
    from grader.classwork import collect
    report = collect.collect(args.source, args.course, replace=args.replace)
    report.print()
    return 1 if report.problems else 0


def grade(args):
    from grader.classwork import grade
    subs = grade.grade(args.course, args.assignments, jobs=args.jobs, timeout=args.timeout,
                       check_timeout=args.check_timeout, notebook_timeout=args.notebook_timeout,
                       allow_unwalled=args.no_wall, out=lambda line: print(line, flush=True))
    return 1 if any(s.status in ("rejected", "error") for s in subs) else 0


def feedback(args):
    from grader.classwork import feedback
    try:
        pages = feedback.write_all(args.course)
    except RuntimeError as exc:
        print(f"feedback: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(pages)} feedback pages under {Course.at(args.course).feedback}")
    return 0


def export(args):
    from grader.classwork import export
    for path in export.write(args.course):
        print(f"wrote {path}")
    return 0


def student_edition(args):
    from grader.editions import edition
    try:
        files = edition.make(args.dest, args.course, class_image=args.class_image)
    except (FileExistsError, RuntimeError) as exc:
        print(f"student-edition: {exc}", file=sys.stderr)
        return 2
    print(f"wrote the student edition ({len(files)} files) to {args.dest}")
    return 0


def binder_link(args):
    from grader.editions import binder
    try:
        print(binder.describe(args.remote, args.ref, cwd=args.course), end="")
    except binder.NotGitHub as exc:
        print(f"binder-link: {exc}", file=sys.stderr)
        return 2
    return 0


COMMANDS = {"release": release, "collect": collect, "grade": grade, "feedback": feedback, "export": export,
            "student-edition": student_edition, "binder-link": binder_link}


# What the instructor's commands need beyond the students' environment (make setup-dev installs them).
DEV_TOOLS = {"nbgrader", "nbconvert", "nbclient", "sqlalchemy", "alembic", "bleach", "psycopg"}
NEEDS_NBGRADER = {"release", "grade", "feedback", "export"}


def main(argv=None):
    """Run one command; returns its exit code (2, with one line saying so, when the instructor's tools are missing)."""
    args = parser().parse_args(argv)
    try:
        if args.command in NEEDS_NBGRADER:
            import nbgrader  # noqa: F401 (these commands run nbgrader, some in a child process: fail here, once)
        return COMMANDS[args.command](args)
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing not in DEV_TOOLS:
            raise
        print(f"python -m grader {args.command}: needs {missing}, one of the instructor's tools, and this Python "
              f"({sys.executable}) does not have it. Fix: `make setup-dev`, then run the command with "
              ".venv/bin/python.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
