"""Read a handed-in notebook defensively; rebuild a damaged one from the released template.

`prepare(path, template)` never writes to `path`. It returns (notebook to grade, notes) or raises
`Rejected` with a message for the student's row. A notebook is graded as handed in when nbgrader
can cope with it; it is rebuilt from the template (every cell as released, each answer cell holding
the student's code for the same grade id) when it has duplicate grade ids, missing, reordered or
retyped graded cells, or fails nbformat validation. Cells the student added are dropped from a
rebuilt notebook (listed in the notes). Unreadable files (not JSON, not a notebook) are rejected.
"""
import copy
import json

import nbformat


class Rejected(Exception):
    """The notebook cannot be graded; the message says why, for the instructor's report."""


def _meta(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _graded_ids(nb):
    return [(_meta(c).get("grade_id"), c.get("cell_type")) for c in nb.cells
            if _meta(c).get("grade") or _meta(c).get("solution") or _meta(c).get("locked")]


def read(path, notes=None):
    """The notebook at path as nbformat v4, or raise Rejected. A v4 body with another version number is relabelled."""
    raw = open(path, "rb").read()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Rejected("the file is not UTF-8 text (not a notebook)") from None
    except json.JSONDecodeError as exc:
        raise Rejected(f"the file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                       "ask the student to download the notebook again (File > Download)") from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise Rejected("the file is JSON but not a Jupyter notebook")
    if isinstance(data.get("cells"), list) and (data.get("nbformat"), data.get("nbformat_minor")) != (4, 5):
        if data.get("nbformat") != 4 or not isinstance(data.get("nbformat_minor"), int) or data["nbformat_minor"] > 5:
            if notes is not None:
                notes.append(f"nbformat {data.get('nbformat')}.{data.get('nbformat_minor')} on a version 4 body: "
                             "read as 4.5")
            data["nbformat"], data["nbformat_minor"] = 4, 5
        elif any(isinstance(c, dict) and "id" in c for c in data["cells"]):
            data["nbformat_minor"] = 5  # cell ids are a 4.5 feature
    try:
        return nbformat.reads(json.dumps(data), as_version=4)
    except Exception as exc:
        raise Rejected(f"not a readable notebook (nbformat {data.get('nbformat')}): {exc}") from None


def prepare(path, template):
    """(notebook to grade, notes) for a handed-in file; raises Rejected when nothing can be graded."""
    notes = []
    nb = read(path, notes)
    problems = []
    try:
        nbformat.validate(nb)
    except Exception as exc:
        problems.append(f"nbformat validation failed ({str(exc).splitlines()[0][:120]})")
    ids = [gid for gid, _ in _graded_ids(nb)]
    dupes = sorted({gid for gid in ids if ids.count(gid) > 1})
    if dupes:
        problems.append("duplicate grade ids: " + ", ".join(map(str, dupes)))
    want = _graded_ids(template)
    have = _graded_ids(nb)
    if [g for g, _ in have if g in dict(want)] != [g for g, _ in want] and not dupes:
        missing = [g for g, _ in want if g not in dict(have)]
        problems.append(("missing cells: " + ", ".join(missing)) if missing else "graded cells reordered")
    retyped = [g for g, t in have if g in dict(want) and dict(want)[g] != t]
    if retyped:
        problems.append("cells changed type: " + ", ".join(retyped))
    if not problems:
        return nb, notes
    rebuilt, dropped = rebuild(nb, template)
    notes.append("rebuilt from the released template (" + "; ".join(problems) + ")")
    if dropped:
        notes.append(f"{dropped} cell(s) the student added were dropped")
    return rebuilt, notes


def rebuild(nb, template):
    """The template with each answer cell's source taken from nb (last code cell with that grade id)."""
    answers = {}
    added = 0
    for cell in nb.cells:
        meta = _meta(cell)
        if cell.get("cell_type") == "code" and meta.get("solution") and meta.get("grade_id"):
            answers[meta["grade_id"]] = cell.get("source", "")
        elif not meta and cell.get("cell_type") == "code" and cell.get("source", "").strip():
            added += 1
    out = copy.deepcopy(template)
    for cell in out.cells:
        meta = _meta(cell)
        if meta.get("solution") and meta.get("grade_id") in answers:
            cell.source = answers[meta["grade_id"]]
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return out, added
