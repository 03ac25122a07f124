"""One HTML feedback page per student and lesson: each graded function, its points, the mistake named.

Pages show the student's own result messages only: no hidden test code, no expected values.
"""
import html
from collections import defaultdict
from pathlib import Path

from . import ROOT, gradebook, results

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;color:#222}}
td,th{{padding:.4rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}}
.ok{{color:#1a7f37}}.no{{color:#c62828}}code{{background:#f4f4f4;padding:0 .2rem}}</style></head>
<body><h1>{title}</h1><p>Score: <b>{score:g} / {total:g}</b></p>
<table><tr><th>function</th><th>points</th><th>what the hidden tests saw</th></tr>{rows}</table>
<p>Each function was graded on its own, with the course's reference versions of the others.
Fix what is named, run the check cell under your answer, and try again.</p></body></html>"""


def write_all(root=ROOT, dest=None, url=None):
    """Write grader/feedback/<student>/<lesson>.html for every graded submission; return the paths.

    Checks the gradebook first (gradebook.preflight): a database that cannot be opened writes nothing.
    """
    url = url or gradebook.default_url(root)
    gradebook.preflight(url, graded=True)
    dest = Path(dest or Path(root) / "grader" / "feedback")
    groups = defaultdict(list)
    for record in results.load(root, url):
        groups[(record.student, record.lesson)].append(record)
    written = []
    for (student, lesson), records in sorted(groups.items()):
        path = dest / student / f"{lesson}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(student, lesson, records))
        written.append(path)
    return written


def render(student, lesson, records):
    """The feedback page for one student's lesson."""
    rows = "".join(_row(r) for r in records)
    return PAGE.format(title=html.escape(f"{lesson}: feedback for {student}"), rows=rows,
                       score=sum(r.score for r in records), total=sum(r.max_score for r in records))


def _row(record):
    if record.passed:
        verdict = '<span class="ok">passed</span>'
    else:
        verdict = f'<span class="no">{html.escape(_student_text(record))}</span>'
    return (f"<tr><td><code>{html.escape(record.function)}</code></td>"
            f"<td>{record.score:g} / {record.max_score:g}</td><td>{verdict}</td></tr>")


def _student_text(record):
    """The failure message as the student's check cells word it (the exception's name dropped)."""
    message = record.message or "failed (no message recorded)"
    return message.removeprefix("AssertionError: ")
