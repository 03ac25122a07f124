"""Collect handed-in notebooks (a folder or a .zip) into nbgrader's submitted layout.

`python -m grader collect SOURCE` copies every notebook it can attribute to a student and a lesson
into ``grader/submitted/<student>/<lesson>/<lesson>.ipynb``. The originals are only read.

Accepted file names (case-insensitive; the lesson is the course's folder name, e.g. ``00_feedforward``;
``_``, ``-``, ``.`` and spaces separate the parts):

- ``<student>_<lesson>.ipynb``                     e.g. ``jdoe_00_feedforward.ipynb``
- ``<Last, First>_<id>_<timestamp>_<lesson>.ipynb`` (LMS exports: Moodle, Canvas, ...), e.g.
  ``Doe, Jane_12345_20261121-1830_00_feedforward.ipynb``: the student id is the name part
  (``doe-jane``); the number and the timestamp are dropped. Canvas-style ``doejane_LATE_123_456_<lesson>``
  also works (student ``doejane``).
- ``<student>/<lesson>.ipynb`` (a folder per student) and ``<student>/<lesson>/<lesson>.ipynb``
  (nbgrader's own layout). A file whose name has a part before the lesson name is named by that
  part wherever it sits, so a zip whose top folder is ``submissions/`` works with the patterns above.

A copy suffix added by browsers, Jupyter or LMSs (``(1)``, ``-1``, ``-Copy1``, `` copy``) is ignored.
Student ids are slugs: lower case, runs of other characters than letters and digits become ``-``.

Never silent: a file with no lesson name, or with more than one, or with no student, is listed as
unmatched/ambiguous; two different files for the same student and lesson are both listed as
duplicates and neither is collected; a submission already in grader/submitted with other content
is left alone (listed as a conflict) unless ``--replace`` is given, and then reported as replaced.
Identical copies are collected once. ``.ipynb_checkpoints``, ``__MACOSX`` and hidden files are skipped.

The same rules (``plan``, ``match``, ``against``) serve ``nbgrader zip_collect`` through the course's
collector plugin (grader/classwork/plugins.py).
"""
import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader import lesson_names
from grader.course import Course

SKIP_PARTS = {".ipynb_checkpoints", "__MACOSX"}
_COPY_SUFFIX = re.compile(r"(?:\s*\(\d+\)|[-_ ]copy\d*|-\d+)$", re.IGNORECASE)
_LMS_TAIL = re.compile(r"^(?P<name>.*?)(?:[_ -]late)?(?:[_ -]\d+)+(?:[_ -]assignsubmission[_ -]file)?[_ -]*$",
                       re.IGNORECASE)


@dataclass
class Report:
    collected: list = field(default_factory=list)  # (student, lesson, origin, note)
    problems: list = field(default_factory=list)   # (origin, reason)

    def print(self, out=print):
        for student, lesson, origin, note in self.collected:
            out(f"collected {origin} -> {student}/{lesson}" + (f" ({note})" if note else ""))
        for origin, reason in self.problems:
            out(f"NOT collected {origin}: {reason}")
        out(f"{len(self.collected)} notebooks collected, {len(self.problems)} files need attention")


def slug(text):
    """A safe student id: lower case, runs of anything but letters and digits become '-'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _norm(text):
    return re.sub(r"[\s._-]+", "_", text.lower())


def match(relpath, lessons):
    """(student, lesson) for a notebook's path inside the hand-in folder, or raise ValueError(reason)."""
    parts = PurePosixPath(relpath).parts
    stem = _COPY_SUFFIX.sub("", PurePosixPath(relpath).stem)
    norm = _norm(stem)
    found = [lesson for lesson in lessons if re.search(rf"(^|_){re.escape(_norm(lesson))}(_|$)", norm)]
    if not found:
        raise ValueError("no lesson name in the file name (expected one of: " + ", ".join(lessons) + ")")
    if len(found) > 1:
        raise ValueError(f"names more than one lesson ({', '.join(found)})")
    lesson = found[0]
    folders = [p for p in parts[:-1] if _norm(p) != _norm(lesson)]
    prefix = stem[:_find_lesson(stem, lesson)]
    prefix = prefix.rstrip(" _-.")
    if prefix:
        lms = _LMS_TAIL.match(prefix)
        name = lms.group("name") if lms and lms.group("name").strip(" _-,") else prefix
        if "," in name:
            last, first = name.split(",", 1)
            name = f"{last} {first}"
        student = slug(name)
    elif folders:
        student = slug(folders[-1])
    else:
        raise ValueError("no student name: name it <student>_<lesson>.ipynb or put it in a folder per student")
    if not student:
        raise ValueError("the student part of the name is empty")
    return student, lesson


def _find_lesson(stem, lesson):
    """Index in stem where the lesson name starts (separators may differ)."""
    pattern = r"[\s._-]+".join(re.escape(p) for p in re.split(r"[\s._-]+", lesson))
    hits = list(re.finditer(pattern, stem, re.IGNORECASE))
    return hits[-1].start() if hits else len(stem)


def _sources(source):
    """(relative posix path, read) of every file under a folder or in a zip; read() gives its bytes."""
    source = Path(source)
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as z:
            for info in z.infolist():
                if not info.is_dir():
                    yield info.filename, (lambda info=info: z.read(info))
        return
    if not source.is_dir():
        raise SystemExit(f"{source} is neither a folder nor a .zip file")
    for path in sorted(source.rglob("*")):
        if path.is_file():
            yield path.relative_to(source).as_posix(), path.read_bytes


@dataclass
class Plan:
    """What to collect: one file per (student, lesson), and every file that needs attention."""
    chosen: dict = field(default_factory=dict)     # (student, lesson) -> (origin, data, note)
    problems: list = field(default_factory=list)   # (origin, reason)


def plan(entries, lessons):
    """Apply the file-name rules to (origin, relative path, read) triples; return a Plan (nothing written).

    Skipped silently: checkpoints, __MACOSX, hidden files. Listed with a reason: non-notebooks, names
    the rules cannot attribute, and duplicates (different files for one student and lesson: neither
    is chosen). Identical copies are chosen once.
    """
    result, claims = Plan(), {}
    for origin, rel, read in entries:
        parts = PurePosixPath(rel).parts
        if any(p in SKIP_PARTS or p.startswith(".") for p in parts):
            continue
        if not rel.lower().endswith(".ipynb"):
            result.problems.append((origin, "not a notebook (.ipynb)"))
            continue
        try:
            key = match(rel, lessons)
        except ValueError as exc:
            result.problems.append((origin, str(exc)))
            continue
        claims.setdefault(key, []).append((origin, read()))
    for (student, lesson), files in sorted(claims.items()):
        if len({hashlib.sha256(data).hexdigest() for _, data in files}) > 1:
            others = ", ".join(o for o, _ in files)
            result.problems.extend((origin, f"duplicate: {len(files)} different files for {student}/{lesson} "
                                            f"({others}); keep one and collect again") for origin, _ in files)
            continue
        origin, data = files[0]
        result.chosen[(student, lesson)] = (origin, data, f"{len(files)} identical copies" if len(files) > 1 else "")
    return result


def against(existing, data, replace):
    """How a chosen notebook meets what submitted/ already holds (bytes or None): new, same, conflict, replace."""
    if existing is None:
        return "new"
    if existing == data:
        return "same"
    return "replace" if replace else "conflict"


ALREADY = "already collected, unchanged"
REPLACED = "REPLACED the earlier submission"


def conflict_reason(target, how="use --replace to overwrite it"):
    """The problem text for a different notebook already at target (a path shown to the instructor)."""
    return f"conflict: {target} already holds a different notebook ({how})"


def collect(source, course=None, replace=False):
    """Copy every attributable notebook in source into course/grader/submitted; return a Report."""
    course = Course.at(course)
    is_zip = Path(source).is_file()
    entries = ((f"{source}:{rel}" if is_zip else rel, rel, read) for rel, read in _sources(source))
    todo = plan(entries, lesson_names(course.solutions))
    report = Report(problems=list(todo.problems))
    for (student, lesson), (origin, data, note) in todo.chosen.items():
        target = course.submission(student, lesson) / f"{lesson}.ipynb"
        state = against(target.read_bytes() if target.exists() else None, data, replace)
        if state == "same":
            report.collected.append((student, lesson, origin, ALREADY))
            continue
        if state == "conflict":
            report.problems.append((origin, conflict_reason(target.relative_to(course.root))))
            continue
        if state == "replace":
            note = (note + "; " if note else "") + REPLACED
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".ipynb.part")
        tmp.write_bytes(data)
        tmp.replace(target)
        report.collected.append((student, lesson, origin, note))
    return report
