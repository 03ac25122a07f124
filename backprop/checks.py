"""Checks that teach: compare a student's function with the reference and name the mistake.

Visible check cells call ``check(fn, *args, want=...)`` with the seed's worked numbers; hidden test
cells call ``check(fn, *args, name=..., hidden=True)`` on fixtures that make silent bugs loud. A
failure raises ``AssertionError`` whose message says what the answer looks like; hidden failures
never print the expected value.
"""
import copy
import inspect
from contextlib import contextmanager
from numbers import Number

import numpy as np

from . import mistakes, reference

_MISSING = object()


def check(fn, *args, want=_MISSING, name=None, hidden=False):
    """Call fn(*args) on copies; raise AssertionError naming the mistake unless it matches `want`.

    `want` defaults to the reference function's answer; `name` to fn.__name__.
    """
    name = name or getattr(fn, "__name__", "your function")
    ref_fn = getattr(reference, name)
    if want is _MISSING:
        want = ref_fn(*copy.deepcopy(args))
    where = _describe_call(name, ref_fn, args, hidden)
    got = _call_student(fn, args, name, ref_fn, where)
    problem = compare(got, want)
    if problem is None:
        if not hidden:
            print(f"\N{CHECK MARK} {where} = {_show(got)}")
        return
    raise AssertionError(_explain(name, args, got, want, problem, where, hidden))


@contextmanager
def with_reference(namespace, *names):
    """Inside the block, namespace's `names` are the reference functions: test one function alone."""
    saved = {name: namespace[name] for name in names if name in namespace}
    namespace.update({name: getattr(reference, name) for name in names})
    try:
        yield
    finally:
        for name in names:
            namespace.pop(name, None)
        namespace.update(saved)


def compare(got, want):
    """None when got matches want in type, shape and value (to 1e-7); else a sentence saying how not."""
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return f"returned {_kind(got)}, but it should return {len(want)} things as a {type(want).__name__}"
        if len(got) != len(want):
            return f"returned {len(got)} items, but it should return {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            problem = compare(g, w)
            if problem is not None:
                return f"item {i}: {problem}"
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"returned {_kind(got)}, but it should return a dict"
        if set(got) != set(want):
            return f"returned a dict with keys {sorted(got)}, but it should have {sorted(want)}"
        for key in want:
            problem = compare(got[key], want[key])
            if problem is not None:
                return f"[{key!r}]: {problem}"
        return None
    if isinstance(want, np.ndarray) and want.ndim > 0:
        return _compare_array(got, want)
    return _compare_number(got, want)


def _compare_array(got, want):
    if not isinstance(got, np.ndarray):
        return f"returned {_kind(got)}, but it should return a numpy array of shape {want.shape}"
    if got.shape != want.shape:
        return _shape_problem(got.shape, want.shape)
    if got.dtype == np.bool_ and want.dtype != np.bool_:
        return "returned an array of booleans (True/False), but it should return numbers (e.g. .astype(float))"
    try:
        values = got.astype(float)
    except (TypeError, ValueError):
        return f"returned an array of {got.dtype}, not of numbers"
    if not np.allclose(values, want, rtol=1e-7, atol=1e-9, equal_nan=True):
        return "values"
    return None


def _compare_number(got, want):
    if isinstance(got, np.ndarray) and got.ndim > 0:
        return f"returned an array of shape {got.shape}, but it should return one number"
    if not isinstance(got, (Number, np.number, np.ndarray)) or isinstance(got, (bool, np.bool_)):
        return f"returned {_kind(got)}, but it should return a number"
    if not np.isclose(float(got), float(want), rtol=1e-7, atol=1e-9, equal_nan=True):
        return "values"
    return None


def _shape_problem(got, want):
    if len(want) == 2 and want[1] == 1:
        if got == (want[0],):
            return (f"returned a 1-D array of shape {got}: the course uses column vectors, shape {want}; "
                    "keep the 2-D shapes (use @ and .T on (n, 1) columns, or reshape(-1, 1))")
        if got == (1, want[0]):
            return f"returned a row of shape {got}: the course uses column vectors, shape {want}"
    if len(got) == 2 and got == want[::-1]:
        return f"returned shape {got}, the transpose of the expected {want}: check which side each factor goes"
    return f"returned shape {got}, but the answer has shape {want}"


def _call_student(fn, args, name, ref_fn, where):
    call_args = copy.deepcopy(args)
    try:
        got = fn(*call_args)
    except NotImplementedError:
        raise AssertionError(f"{name} is not written yet: replace `raise NotImplementedError()` with your code") from None
    except Exception as exc:
        raise AssertionError(_explain_exception(name, args, exc, where)) from None
    for arg_name, before, after in zip(_param_names(ref_fn, args), args, call_args):
        if not _unchanged(before, after):
            raise AssertionError(
                f"{where} changed its argument `{arg_name}` in place: build a new array instead "
                "(x = x + d, not x += d) so the caller's values stay as they were")
    return got


def _explain_exception(name, args, exc, where):
    message = f"{where} raised {type(exc).__name__}: {exc}"
    for mistake in mistakes.for_function(name):
        try:
            mistake.compute(*copy.deepcopy(args))
        except Exception as other:
            if type(other) is type(exc) and str(other) == str(exc):
                return f"{message}\nThis looks like a known slip: {mistake.message}"
    return message


def _explain(name, args, got, want, problem, where, hidden):
    named = _diagnose(name, args, got)
    if named:
        problem = named
    elif problem.endswith("values"):
        problem = problem[:-len("values")] + ("returned wrong values" if hidden else f"returned {_show(got)}")
    text = f"{where}: {problem}"
    if not hidden:
        text += f"\nexpected {_show(want)}"
    return text


def _diagnose(name, args, got):
    """The message of the first catalogued mistake whose answer equals got, or None."""
    for mistake in mistakes.for_function(name):
        try:
            their = mistake.compute(*copy.deepcopy(args))
        except Exception:
            continue
        if compare(got, their) is None:
            return mistake.message
    return None


def _describe_call(name, ref_fn, args, hidden):
    if hidden:
        shapes = ", ".join(f"{n}{_shape_note(a)}" for n, a in zip(_param_names(ref_fn, args), args))
        return f"{name} on a hidden test case ({shapes})"
    return f"{name}({', '.join(_show(a) for a in args)})"


def _param_names(ref_fn, args):
    names = list(inspect.signature(ref_fn).parameters)
    return names + [f"arg{i}" for i in range(len(names), len(args))]


def _shape_note(value):
    if isinstance(value, np.ndarray):
        return f" of shape {value.shape}"
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value):
        return " = [" + ", ".join(str(v.shape) for v in value) + "]"
    return ""


def _unchanged(before, after):
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and np.array_equal(before, after, equal_nan=True)
    if isinstance(before, (list, tuple)):
        return len(before) == len(after) and all(_unchanged(b, a) for b, a in zip(before, after))
    if isinstance(before, dict):
        return set(before) == set(after) and all(_unchanged(before[k], after[k]) for k in before)
    return True


def _kind(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return "None" if value is None else f"a {type(value).__name__}"


def _show(value):
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, separator=", ").replace("\n", "")
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value)
