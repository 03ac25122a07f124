"""Check graded functions outside the student's kernel: hidden fixtures here, the student's code in the wall.

The out-of-kernel check (``run_check``): a fresh Python inside the grading wall (grading_wall.py) runs
the student's code cells and calls each graded function on the hidden fixtures
(``inside/check_child.py``). The fixtures are built here, in the grader's own process, by running
the hidden test cells against recording stand-ins (``hidden_cases``). The child only returns plain
data (numbers, lists, dtype and shape; ``inside/plaindata.py``), never objects; the comparison with
the reference happens here (``score_results``) with ``backprop.checks.compare``.
"""
import copy
import json
import os
import re
import select
import signal
import subprocess
import time

from backprop import checks, reference

from grader.wall import INSIDE
from grader.wall.inside.plaindata import Foreign, decode, encode  # noqa: F401 - part of this module's interface

CHECK_CHILD = INSIDE / "check_child.py"
PROCESS_LABEL = {True: checks.TOO_SLOW, False: "crashed the process"}  # a case whose process hung or died
ANSWER_LABEL = {"missing": "not defined"}  # a case the child could not call


# ---------------------------------------------------------------- hidden fixtures, built in the parent

def _hidden_body(source):
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))


def code_without_magics(source):
    """Cell code with IPython magics and shell lines removed (a %% cell magic drops the cell)."""
    if source.lstrip().startswith("%%"):
        return ""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def hidden_cases(source_nb):
    """[(test grade_id, points, cases)] from the solutions notebook's hidden test cells.

    Each case is (kind, fn, args, refs, want): every call a hidden test makes to a graded function,
    with the graded functions that were swapped for the reference at that moment, and the
    reference answer. Built by running the hidden cells here against recording stand-ins.
    """
    answer_ids = [c.metadata["nbgrader"]["grade_id"] for c in source_nb.cells
                  if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
    functions = [f for f in answer_ids if hasattr(reference, f)]
    values = [v for v in answer_ids if v not in functions]  # answers that are data (lesson 10's settings)
    ns = {"__name__": "__hidden__"}
    log = []

    answers = {f: checks.own_copy(getattr(reference, f)) for f in functions}  # reached by no refusal

    def stand_in(name):
        def fn(*args):
            refs = sorted(f for f in functions if ns.get(f) is getattr(reference, f))
            before = copy.deepcopy(args)
            returned = answers[name](*args)  # on the caller's own args: lesson 11's functions act on them
            log.append((name, before, refs, copy.deepcopy(checks.outcome(name, args, returned))))
            return returned
        fn.__name__ = name
        return fn

    setup = [c for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"]
    exec(compile(_safe_setup(setup[0].source if setup else "import numpy as np"), "<setup>", "exec"), ns)
    for f in functions:
        ns[f] = stand_in(f)
    tests = []
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") and not meta.get("solution")):
            continue
        log.clear()
        value = meta["grade_id"].removeprefix("test_")
        if value in values:  # judged on the student's value, by this cell's own code, in the grader
            tests.append((meta["grade_id"], meta.get("points", 0),
                          [{"fn": value, "value": True, "code": _hidden_body(cell.source), "args": [], "refs": [],
                            "want": None, "strict": False}]))
            continue
        exec(compile(_hidden_body(cell.source), f"<{meta['grade_id']}>", "exec"), ns)
        strict = "isinstance" in cell.source
        cases = [{"fn": n, "args": a, "refs": r, "want": w, "strict": strict} for n, a, r, w in log]
        tests.append((meta["grade_id"], meta.get("points", 0), cases))
        for f in functions:  # a with_reference block must not leak into the next cell
            ns[f] = stand_in(f)
    return tests


_JUDGED = {}  # (hidden cell code, the value as JSON) -> verdict: the same settings are trained once per process


def judge_value(case, value):
    """None when the hidden cell's own code accepts the student's value (plain data), else (why not, label).

    The code is the course's (a hidden test cell), run here in the grader with nothing of the
    student's but the decoded value; what it prints is dropped. The verdict depends on nothing else,
    so it is kept for the next student who hands in the same value (lesson 10 trains once per class
    and set of settings, not once per student).
    """
    if isinstance(value, Foreign):
        return f"is not plain data ({value.name})", checks.WRONG_VALUES
    try:
        key = (case["code"], json.dumps(value, sort_keys=True))
    except (TypeError, ValueError):  # not JSON (a NaN key, a tuple key): judged every time
        return _judge(case, value)
    if key not in _JUDGED:
        _JUDGED[key] = _judge(case, value)
    return _JUDGED[key]


def _judge(case, value):
    import contextlib
    import io
    ns = {"__name__": "__hidden__", case["fn"]: value}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile("import numpy as np\n" + case["code"], f"<test_{case['fn']}>", "exec"), ns)
    except AssertionError as failure:
        return str(failure), checks.WRONG_VALUES
    except Exception as exc:
        return f"raised {type(exc).__name__}: {exc}", checks.RAISES
    return None


def _safe_setup(source):
    """The setup cell without magics and without the drawing modules (not needed to call functions)."""
    lines = []
    for line in code_without_magics(source).splitlines():
        if re.match(r"\s*from backprop import", line):
            continue
        lines.append(line)
    return "\n".join(lines)


def student_cells(nb, strip=True):
    """[(label, code)] of every code cell a student wrote or may have added, in order (magics removed)."""
    cells = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta and not meta.get("solution"):
            continue
        cells.append((f"<cell {meta.get('grade_id', i)}>", code_without_magics(cell.source) if strip else cell.source))
    return cells


def _talk(argv, payload, wall, limit=16 * 1024 ** 2):
    """Run argv in its own session, feed payload, read stdout lines until a done line, EOF or wall seconds.

    The whole process group is killed afterwards (forked children included). Returns (lines, timed_out, rc).
    """
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.stdin.write(payload.encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    fd, buf, timed_out = proc.stdout.fileno(), b"", False
    deadline = time.monotonic() + wall
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk or len(buf) > limit:
            break
        buf += chunk
        if buf.endswith(b'{"done": 1}\n'):
            break
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
    proc.stdout.close()
    return buf.decode("utf-8", "replace").splitlines(), timed_out, proc.returncode


def run_check(cells, setup, tests, case_timeout=5.0, cell_timeout=None, wall=60.0, spawn=None):
    """Run the student's cells and every case of tests in children inside the wall; return per-case results.

    A child that dies or hangs is killed: if it was running a code cell, a new child runs again
    without that cell; if it was running a case, that case fails and a new child goes on with the
    next one. `spawn(python_args)` gives the argv of a walled Python (default: this process's wall,
    `grading_wall.current().python_argv`). Returns (results: one dict or None per flat case index, notes).
    """
    if spawn is None:
        from grader import wall as grading_wall
        spawn = grading_wall.current().python_argv
    argv = spawn([str(CHECK_CHILD)])
    flat = [case for _, _, cases in tests for case in cases]
    cell_timeout = cell_timeout or 2 * case_timeout
    job = {"cells": [("<setup>", _safe_setup(setup))] + list(cells),
           "cases": [{"fn": c["fn"], "args": [encode(a) for a in c["args"]], "refs": c["refs"],
                      "value": bool(c.get("value"))} for c in flat],
           "case_timeout": case_timeout, "cell_timeout": cell_timeout, "skip": [], "noted": [], "start": 0}
    results, notes = [None] * len(flat), []
    deadline = time.monotonic() + wall
    for _ in range(len(flat) + len(job["cells"]) + 1):
        lines, timed_out, rc = _talk(argv, json.dumps(job),
                                     max(1.0, deadline - time.monotonic()))
        current, cell, done = _read_child(lines, job, results, notes)
        if done:
            break
        why = "hit the time limit" if timed_out else f"died (exit code {rc})"
        if time.monotonic() >= deadline:
            notes.append(f"check process {why}; out of time for this notebook")
            break
        if cell is not None and current is None:
            notes.append(f"{job['cells'][cell][0]} {why} outside the kernel: run again without it")
            job["skip"].append(cell)
            continue
        if current is None:
            notes.append(f"check process {why} before running anything")
            break
        results[current] = results[current] or {"error": f"the process {why}", "label": PROCESS_LABEL[timed_out]}
        notes.append(f"{flat[current]['fn']} on a hidden case: the process {why}")
        job["start"] = current + 1
        if job["start"] >= len(flat):
            break
    return results, notes


def _read_child(lines, job, results, notes):
    """Take what one child said (its JSON lines) into results and notes; returns (case running, cell running, done)."""
    current, cell, done = None, None, False
    for line in lines[:10 * (len(results) + len(job["cells"])) + 100]:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if not isinstance(msg, dict):
            continue
        if "cell_start" in msg:
            cell = msg["cell_start"]
        elif "start" in msg:
            current, cell = msg["start"], None
        elif "case" in msg and isinstance(msg["case"], int) and 0 <= msg["case"] < len(results):
            if results[msg["case"]] is None:
                results[msg["case"]] = msg
        elif "cell" in msg:
            notes.append(f"{msg['cell']} raised {msg.get('error')} outside the kernel")
            job["noted"].append(cell)
        elif "done" in msg:
            done = True
    return current, cell, done


def score_results(tests, results):
    """{test grade_id: (score, max, reason, label)} comparing the child's answers in this process.

    reason (a sentence) and label (the mistake's short name) are None for a test that passed.
    """
    scores, i = {}, 0
    for grade_id, points, cases in tests:
        failure = None if cases else ("no calls recorded", checks.WRONG_VALUES)
        for case in cases:
            res = results[i] if i < len(results) else None
            i += 1
            if failure is None:
                failure = _case_failure(case, res)
                if failure is not None:
                    failure = (f"{case['fn']}: {failure[0]}", failure[1])
        reason, label = failure or (None, None)
        scores[grade_id] = (0.0 if failure else float(points), float(points), reason, label)
    return scores


def _case_failure(case, res):
    """(sentence, label) when the child's answer res to one hidden case is wrong, else None."""
    if isinstance(res, dict) and "message" in res:
        return checks.exception_diagnosis(case["fn"], copy.deepcopy(case["args"]), str(res["error"]),
                                          str(res["message"]))
    if not isinstance(res, dict) or "error" in res or "got" not in res:
        if not isinstance(res, dict):
            return "no answer", checks.WRONG_VALUES
        return str(res.get("error")), res.get("label") or ANSWER_LABEL.get(res.get("error"), checks.WRONG_VALUES)
    try:
        got = decode(res["got"])
        after = [decode(a) for a in res["after"]]
    except Exception:
        return "unreadable answer", checks.WRONG_VALUES
    if case.get("value"):
        return judge_value(case, got)
    got = checks.outcome(case["fn"], after, got)
    difference = checks.compare(got, case["want"])
    if difference is None and case["strict"] and type(case["want"]) is float and not isinstance(got, float):
        difference = checks.Difference(f"returned {type(got).__name__}, but it should return a Python float")
    changed = checks.changed_argument(case["fn"], case["args"], after) if difference is None else None
    if changed:
        return changed, checks.MUTATES
    if difference is not None:
        return checks.diagnosis(case["fn"], copy.deepcopy(case["args"]), got, difference)
    return None
