"""The out-of-kernel check, run inside the wall: the student's code cells, then every hidden case.

    python check_child.py  < JOB_JSON  > one JSON line per event

Started by ``out_of_kernel.run_check`` through ``Wall.python_argv``. The job (stdin) holds the cells
[(label, code)], the cases (function name, plain-data arguments, graded functions to swap for the
reference), timeouts, and where to resume after a crash (``skip``, ``noted``, ``start``). Only plain
data goes back (``plaindata.encode``); the comparison with the reference happens in the grader.
Whatever the student's code prints is dropped: only this module writes to the real stdout.
"""
import json
import os
import signal
import sys
import types

from backprop import reference  # bound here, before any student code can replace them
from backprop.checks import reference_forbidden
from plaindata import decode, encode


class Timeout(BaseException):
    """A cell or a case ran out of time (a BaseException: a student's `except Exception` cannot swallow it)."""


def _alarm(*_):
    raise Timeout()


def _quiet_stdio():
    """A private copy of stdout for the events; fd 1 and 2 go to /dev/null for the student's code."""
    out = os.fdopen(os.dup(1), "w")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    return out


def _no_drawing():
    """Empty stand-ins for the drawing modules: the check calls functions, it never shows anything."""
    import backprop
    for name in ("pictures", "widgets"):
        mod = types.ModuleType("backprop." + name)
        sys.modules["backprop." + name] = mod
        setattr(backprop, name, mod)


def _timed(seconds):
    signal.setitimer(signal.ITIMER_REAL, seconds)


def run_cells(job, ns, emit):
    """Exec every cell not skipped; an error is reported once (a cell already noted stays quiet)."""
    for k, (name, code) in enumerate(job["cells"]):
        if k in job["skip"]:
            continue
        emit({"cell_start": k})
        try:
            _timed(job["cell_timeout"])
            exec(compile(code, name, "exec"), ns)
            _timed(0)
        except BaseException as exc:
            _timed(0)
            if k not in job["noted"]:
                emit({"cell": name, "error": type(exc).__name__})


def run_case(i, case, job, ns, emit):
    """Call one graded function on one hidden case (reference swapped in where the test did); emit the answer."""
    emit({"start": i})
    saved = {r: ns.get(r) for r in case["refs"]}
    try:
        for r in case["refs"]:
            ns[r] = getattr(reference, r)
        if case["value"]:  # an answer that is data: sent back as plain data, judged by the grader
            emit({"case": i, "got": encode(ns.get(case["fn"])), "after": []})
            return
        fn = ns.get(case["fn"])
        if not callable(fn):
            emit({"case": i, "error": "missing"})
            return
        args = [decode(a) for a in case["args"]]
        _timed(job["case_timeout"])
        with reference_forbidden(case["fn"]):
            got = fn(*args)
        _timed(0)
        emit({"case": i, "got": encode(got), "after": [encode(a) for a in args]})
    except BaseException as exc:
        _timed(0)
        emit({"case": i, "error": type(exc).__name__, "message": str(exc)[:500]})
    finally:
        ns.update(saved)


def main():
    """Read the job, run cells then cases, end with a done line; exit without running the student's atexit."""
    out = _quiet_stdio()
    job = json.loads(sys.stdin.read())

    def emit(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    _no_drawing()
    signal.signal(signal.SIGALRM, _alarm)
    ns = {"__name__": "__main__"}
    run_cells(job, ns, emit)
    for i, case in enumerate(job["cases"]):
        if i >= job["start"]:
            run_case(i, case, job, ns, emit)
    emit({"done": 1})
    os._exit(0)


if __name__ == "__main__":
    main()
