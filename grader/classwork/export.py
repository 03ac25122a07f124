"""Grades CSV (a row per student, a column per lesson, a total) and a class report (HTML with plots).

The CSV is written by the course's nbgrader export plugin (grader/classwork/plugins.py, `GradesCsv`), so
`nbgrader export` run from grader/ and `python -m grader export` give the same file. Scores are the
gradebook's, minus nbgrader's late-submission penalty.
"""
import base64
import csv
import html
import io
import json
from collections import Counter, defaultdict
from pathlib import Path

from grader.classwork import gradebook, results
from grader.course import Course


def write(root=None, dest=None, url=None):
    """Write grades.csv and report.html into dest (default grader/exports); return both paths.

    Checks the gradebook first (gradebook.preflight): a database that cannot be opened writes nothing.
    The CSV is the one nbgrader's `export` writes with the course's plugin (plugins.GradesCsv).
    """
    from nbgrader.api import Gradebook
    course = Course.at(root)
    url = url or course.gradebook_url
    gradebook.preflight(url, graded=True)
    dest = Path(dest or course.exports)
    dest.mkdir(parents=True, exist_ok=True)
    csv_path, report_path = dest / "grades.csv", dest / "report.html"
    with Gradebook(url) as gb:
        write_csv(*gradebook_scores(gb), csv_path)
    report_path.write_text(report(results.load(course, url), flags(course)))
    return csv_path, report_path


def gradebook_scores(gradebook, students=(), assignments=()):
    """(lessons, {student: {lesson: score}}) of every submission in an open nbgrader Gradebook.

    score = the submission's points minus its late-submission penalty (never below 0), as nbgrader's
    own CSV computes it. Lessons and students without a submission are left out; students and
    assignments, when given, narrow the export to those ids.
    """
    lessons, scores = [], defaultdict(dict)
    for assignment in gradebook.assignments:
        if assignments and assignment.name not in assignments:
            continue
        submissions = [s for s in assignment.submissions if not students or s.student.id in students]
        if submissions:
            lessons.append(assignment.name)
        for sub in submissions:
            scores[sub.student.id][assignment.name] = max(0.0, sub.score - (sub.late_submission_penalty or 0.0))
    return sorted(lessons), scores


def table(subs):
    """(lessons, {student: {lesson: points}}) from the graded submissions (for the class report)."""
    lessons = sorted({s.lesson for s in subs})
    scores = defaultdict(lambda: defaultdict(float))
    for s in subs:
        for grade_id in sorted(s.final):
            scores[s.student][s.lesson] += s.final[grade_id]
    return lessons, scores


def write_csv(lessons, scores, path):
    """One row per student: student, one column per lesson (0 where not handed in), total."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["student", *lessons, "total"])
        for student in sorted(scores):
            row = [scores[student].get(lesson, 0.0) for lesson in lessons]
            out.writerow([student, *[f"{v:g}" for v in row], f"{sum(row):g}"])


def flags(root=None):
    """Submissions the grader flagged (grader/flags.json, written by `grade`), as a list of dicts."""
    path = Course.at(root).flags_file
    return json.loads(path.read_text()) if path.exists() else []


def report(subs, flagged=()):
    """The class report: score distribution per lesson, pass rate per function, frequent mistakes, flags."""
    lessons, scores = table(subs)
    passes, mistakes = defaultdict(list), Counter()
    for s in subs:
        for grade_id in sorted(s.final):
            function = grade_id.removeprefix("test_")
            passes[(s.lesson, function)].append(s.passed(grade_id))
            if not s.passed(grade_id) and s.messages.get(grade_id) and s.mistakes.get(grade_id):
                mistakes[(s.lesson, function, s.mistakes[grade_id])] += 1
    parts = [f"<h1>Class report</h1><p>{len(scores)} students, {len(lessons)} lessons.</p>",
             "<h2>Score distribution per lesson</h2>", _img(_distribution_plot(lessons, scores)),
             "<h2>Pass rate per function</h2>", _img(_pass_plot(passes)),
             "<table><tr><th>lesson</th><th>function</th><th>pass rate</th></tr>"
             + "".join(f"<tr><td>{l}</td><td><code>{f}</code></td><td>{sum(p) / len(p):.0%}</td></tr>"
                       for (l, f), p in sorted(passes.items())) + "</table>",
             "<h2>Most frequent mistakes</h2><table><tr><th>lesson</th><th>function</th><th>mistake</th><th>students</th></tr>"
             + "".join(f"<tr><td>{l}</td><td><code>{f}</code></td><td>{html.escape(m)}</td><td>{n}</td></tr>"
                       for (l, f, m), n in mistakes.most_common(15)) + "</table>",
             "<h2>Flagged submissions</h2>" + _flag_table(flagged)]
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Class report</title><style>"
            "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto}"
            "td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style></head><body>"
            + "".join(parts) + "</body></html>")


def _flag_table(flagged):
    if not flagged:
        return "<p>None.</p>"
    rows = "".join(f"<tr><td>{html.escape(str(f.get('student', '')))}</td><td>{html.escape(str(f.get('lesson', '')))}</td>"
                   f"<td>{html.escape(str(f.get('reason', '')))}</td></tr>" for f in flagged)
    return f"<table><tr><th>student</th><th>lesson</th><th>reason</th></tr>{rows}</table>"


def _distribution_plot(lessons, scores):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(max(4, 1.2 * len(lessons)), 3))
    data = [[scores[s].get(lesson, 0.0) for s in scores] for lesson in lessons]
    if data:
        ax.boxplot(data, tick_labels=lessons)
    ax.set_ylabel("points")
    return fig


def _pass_plot(passes):
    import matplotlib.pyplot as plt
    names = [f"{l[:2]} {f}" for (l, f) in sorted(passes)]
    rates = [sum(p) / len(p) for _, p in sorted(passes.items())]
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(names) + 1))
    ax.barh(names, rates, color="#1f77b4")
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("share of students with full points")
    fig.tight_layout()
    return fig


def _img(fig):
    import matplotlib.pyplot as plt
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return f"<img alt='plot' src='data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}'>"
