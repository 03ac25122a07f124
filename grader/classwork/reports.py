"""`grade`'s report: a per-lesson summary on the terminal, grader/reports/grade.json and grader/flags.json.

Rows are merged under a lock, so two graders grading different lessons at the same time each keep
the other's rows; files are replaced atomically, so a reader never sees half a file.
"""
import fcntl
import json
import os
from pathlib import Path


def write_reports(course, subs, run):
    """Merge this run's rows into grader/reports/grade.json and grader/flags.json, under a lock.

    Two graders grading different lessons at the same time each keep the other's rows.
    """
    reports = course.reports
    reports.mkdir(parents=True, exist_ok=True)
    mine = {(s.student, s.lesson) for s in subs}
    with open(reports / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = _read_json(reports / "grade.json", {}).get("submissions", [])
        rows = [r for r in old if (r.get("student"), r.get("lesson")) not in mine] + [s.row() for s in subs]
        rows.sort(key=lambda r: (r.get("student") or "", r.get("lesson") or ""))
        _write_json(reports / "grade.json", dict(run, submissions=rows))
        flags = [r for r in _read_json(course.flags_file, []) if (r.get("student"), r.get("lesson")) not in mine]
        flags += [{"student": s.student, "lesson": s.lesson, "status": s.status, "reason": "; ".join(s.flags + s.notes)}
                  for s in subs if s.status != "graded"]
        _write_json(course.flags_file, flags)
    return reports


def _read_json(path, empty):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return empty


def _write_json(path, data):
    """Write JSON atomically (a reader never sees half a file)."""
    tmp = Path(f"{path}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, default=str))
    os.replace(tmp, path)


def summary(subs, out=print):
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
