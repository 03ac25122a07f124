"""One explanation for a mistake, wherever it is found: the hidden test in the kernel and the grader's
out-of-kernel check name every bank entry's mistake with the same sentence.

Both paths are run in this process on the lesson's real hidden cases (grader.autograde.out_of_kernel.hidden_cases):
the kernel's path is `check(..., hidden=True)`, the grader's is `out_of_kernel.score_results` on the
answers the student's function gives (encoded and decoded as the walled child sends them).
"""
import copy

import numpy as np
import pytest

from backprop import checks, reference
from coursekit.course import bank, read
from grader.autograde import out_of_kernel

WRONG = [e for e in bank() if e["style"] == "wrong" and hasattr(reference, e["function"])]  # functions, not data


def _student_function(entry):
    namespace = {"np": np, "__name__": "__student__"}
    exec(entry["code"], namespace)
    return namespace[entry["function"]]


def _cases(entry):
    for grade_id, points, cases in out_of_kernel.hidden_cases(read("solutions", entry["lesson"])):
        if grade_id == f"test_{entry['function']}":
            return grade_id, points, [c for c in cases if c["fn"] == entry["function"]]
    raise AssertionError(f"no hidden test of {entry['function']}")


def _kernel_sentence(fn, entry, case):
    name = entry["function"]
    try:
        checks.check(fn, *copy.deepcopy(case["args"]), name=name, hidden=True)
    except AssertionError as failure:
        where = checks._describe_call(name, getattr(reference, name), case["args"], True)
        text = str(failure)
        assert text.startswith(where), text
        return text[len(where):].removeprefix(":").lstrip()  # drop "f on a hidden test case (...)"
    return None


def _grader_sentence(fn, entry, grade_id, points, case):
    args = copy.deepcopy(case["args"])
    try:
        got = fn(*args)
    except Exception as exc:  # what the walled child reports
        result = {"case": 0, "error": type(exc).__name__, "message": str(exc)[:500]}
    else:
        result = {"got": out_of_kernel.encode(got), "after": [out_of_kernel.encode(a) for a in args]}
    scores = out_of_kernel.score_results([(grade_id, points, [case])], [result])
    score, _, reason, label = scores[grade_id]
    assert (label is None) == (score == points), (score, label)
    return None if score == points else reason.split(": ", 1)[1]


@pytest.mark.parametrize("entry", WRONG, ids=[e["id"] for e in WRONG])
def test_kernel_and_grader_name_the_mistake_alike(entry):
    fn = _student_function(entry)
    grade_id, points, cases = _cases(entry)
    compared = 0
    for case in cases:
        with checks.with_reference(fn.__globals__, *case["refs"]):
            kernel = _kernel_sentence(fn, entry, case)
            grader = _grader_sentence(fn, entry, grade_id, points, case)
        assert (kernel is None) == (grader is None), (kernel, grader)
        if kernel is None:
            continue
        assert kernel == grader, f"kernel says {kernel!r}, grader says {grader!r}"
        compared += 1
        if entry["message"] in kernel:
            break
    assert compared, f"no hidden case of {entry['function']} told {entry['mistake']!r} apart"
