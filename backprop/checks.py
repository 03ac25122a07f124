"""Checks that teach: compare a student's function with the reference and name the mistake.

Visible check cells call ``check(fn, *args, want=...)`` with the story's worked numbers; hidden test
cells call ``check(fn, *args, name=..., hidden=True)`` on fixtures that make silent bugs loud. A
failure raises ``AssertionError`` whose message says what the answer looks like; hidden failures
never print the expected value.
"""
import copy
import inspect
import os
import re
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from numbers import Number

import numpy as np

from . import autograd, mistakes, network, reference
from .mistakes import own_copy  # noqa: F401 (public: build expected answers the refusal does not reach)

_MISSING = object()
VALUES = "values"  # a Difference's `what` when only the numbers differ
# Short labels of a failure (the class report counts them; feedback names them), beside each mistake's own label.
WRONG_VALUES, NOT_WRITTEN, RAISES, MUTATES = "wrong values", "not written", "raises an error", "mutates its argument"
CALLS_REFERENCE, TOO_SLOW = "calls the course's own version", "too slow (time limit)"
_PACKAGE = os.path.dirname(os.path.abspath(__file__))


class CheckFailed(AssertionError):
    """A check's verdict. A notebook shows its message and the student's own failing lines, no traceback."""

    def __init__(self, message, student_lines=()):
        super().__init__(message)
        self.student_lines = list(student_lines)

    def _render_traceback_(self):
        """What IPython prints instead of a traceback through the course's modules."""
        return [*self.student_lines, f"{type(self).__name__}: {self}"]


@dataclass(frozen=True)
class Difference:
    """How an answer differs from the expected one: what (VALUES or a sentence), where inside it, its label."""
    what: str
    where: tuple = ()
    label: str = WRONG_VALUES

    @property
    def only_values(self):
        return self.what == VALUES

    def inside(self, step):
        """The same difference, one level deeper (step like "item 0" or "['W_ih']")."""
        return Difference(self.what, (step,) + self.where, self.label)

    def __str__(self):
        return ": ".join(self.where + (self.what,))


def check(fn, *args, want=_MISSING, name=None, hidden=False):
    """Call fn(*args) on copies; raise AssertionError naming the mistake unless it matches `want`.

    `want` defaults to the reference function's answer; `name` to fn.__name__.
    """
    name = name or getattr(fn, "__name__", "your function")
    ref_fn = getattr(reference, name)
    if want is _MISSING:
        ref_args = copy.deepcopy(args)
        want = outcome(name, ref_args, ref_fn(*ref_args))
    where = _describe_call(name, ref_fn, args, hidden)
    got = _call_student(fn, args, name, ref_fn, where)
    difference = compare(got, want)
    if difference is None:
        if not hidden:
            print(_wrapped(f"\N{CHECK MARK} {where} = {_show(got)}"))
        return
    text = f"{where}: {explain(name, args, got, difference, hidden)}"
    raise CheckFailed(text if hidden else f"{text}\nexpected {_show(want)}")


# Lesson 11's functions act on a graph of Values: a check compares what they did to it, not what they return.
GRAPH_OUTCOMES = {
    "add_backward": lambda args, returned: autograd.gradients_by_path(args[0], "node"),
    "mul_backward": lambda args, returned: autograd.gradients_by_path(args[0], "node"),
    "sigmoid_backward": lambda args, returned: autograd.gradients_by_path(args[0], "node"),
    "backward": lambda args, returned: autograd.gradients_by_path(args[0], "root"),
    "topological_order": lambda args, returned: autograd.order_verdict(args[0], returned, key=autograd.node_key),
}


def outcome(name, args, returned):
    """What a check compares for fn(*args) that returned `returned` (args as they are after the call).

    The answer itself, except for lesson 11's functions (GRAPH_OUTCOMES): every node's grad after a backward
    rule or backward, by its path from the node ({"node.parents[0].grad": ...}), and for topological_order
    whether the list is one (ORDER_VERDICTS, each True or False).
    """
    look = GRAPH_OUTCOMES.get(name)
    return returned if look is None else look(args, returned)


def explain(name, args, got, difference, hidden=True):
    """The one sentence for a wrong answer, wherever it is found (visible check, hidden test, grader).

    The catalogued mistake that gives the same answer on these args, else the difference itself;
    hidden explanations never show values.
    """
    return diagnosis(name, args, got, difference, hidden)[0]


def diagnosis(name, args, got, difference, hidden=True):
    """(sentence, label) for a wrong answer: explain's sentence and the short label the reports count."""
    mistake = diagnose(name, args, got)
    if mistake:
        return mistake.message, mistake.label
    if difference.only_values:
        return str(Difference("returned wrong values" if hidden else f"returned {_show(got)}", difference.where)), \
            difference.label
    return str(difference), difference.label


def changed_argument(name, before, after):
    """The sentence for an answer that changed one of its arguments in place (label MUTATES), or None."""
    ref_fn = getattr(reference, name, None)
    names = _param_names(ref_fn, before) if ref_fn else [f"arg{i}" for i in range(len(before))]
    for arg_name, b, a in zip(names, before, after):
        if not _unchanged(b, a):
            instead = ("build a new dict of new arrays instead (new = {...}; W = W + dW, not W += dW or "
                       f"{arg_name}[key] = ...)" if isinstance(b, dict) else
                       "build a new list instead (pop, insert, append, reverse and item assignment change the "
                       f"caller's list; read {arg_name}[i] by index)" if _list_reshaped(b, a) else
                       "build a new array instead (x = x + d, not x += d)")
            return f"changed its argument `{arg_name}` in place: {instead} so the caller's values stay as they were"
    return None


# The course's own versions of a graded function, beyond backprop.reference: an answer may not call these
# (train's loop is run_epochs: a train that hands its loop to it has not written the loop).
EQUIVALENTS = {"train_step": [network.train_step, network.gradients], "train": [network.train, reference.run_epochs],
               "predict": [network.predict, network.forward], "accuracy": [network.accuracy]}
REFERENCE_CALLED = "the course's own reference version was called"


def _refuse(*args, **kwargs):
    raise RuntimeError("the course's own reference version was called")


@contextmanager
def reference_forbidden(name):
    """Inside the block, the course's own versions of `name` raise, however an answer imported them.

    Their code is swapped (not their names), so `from backprop.reference import f`, a module alias,
    importlib or a function captured before the tests all reach the refusal. Other functions, those
    of earlier lessons included, keep working.
    """
    own = getattr(reference, name, None)
    targets = ([own] if own is not None else []) + EQUIVALENTS.get(name, [])
    saved = [(f, f.__code__) for f in targets]
    for f in targets:
        f.__code__ = _refuse.__code__
    try:
        yield
    finally:
        for f, code in saved:
            f.__code__ = code


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
    """None when got matches want in type, shape and value (to 1e-7); else the Difference."""
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return Difference(f"returned {_kind(got)}, but it should return {len(want)} things as a {type(want).__name__}")
        if len(got) != len(want):
            return Difference(f"returned {len(got)} items, but it should return {len(want)}")
        for i, (g, w) in enumerate(zip(got, want)):
            difference = compare(g, w)
            if difference is not None:
                return difference.inside(f"item {i}")
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return Difference(f"returned {_kind(got)}, but it should return a dict")
        if set(got) != set(want):
            return Difference(f"returned a dict with keys {sorted(map(str, got))}, but it should have {sorted(want)}")
        for key in want:
            difference = compare(got[key], want[key])
            if difference is not None:
                return difference.inside(f"[{key!r}]")
        return None
    if isinstance(want, np.ndarray) and want.ndim > 0:
        return _compare_array(got, want)
    if isinstance(want, bool):  # a yes-or-no verdict (lesson 11's topological_order outcome)
        return None if isinstance(got, (bool, np.bool_)) and bool(got) == want else Difference(VALUES)
    return _compare_number(got, want)


def _compare_array(got, want):
    if not isinstance(got, np.ndarray):
        return Difference(f"returned {_kind(got)}, but it should return a numpy array of shape {want.shape}")
    if got.shape != want.shape:
        text, label = _shape_problem(got.shape, want.shape)
        return Difference(text, label=label)
    if got.dtype == np.bool_ and want.dtype != np.bool_:
        return Difference("returned an array of booleans (True/False), but it should return numbers (e.g. .astype(float))")
    try:
        values = got.astype(float)
    except (TypeError, ValueError):
        return Difference(f"returned an array of {got.dtype}, not of numbers")
    if not np.allclose(values, want, rtol=1e-7, atol=1e-9, equal_nan=True):
        return Difference(VALUES)
    return None


def _compare_number(got, want):
    if isinstance(got, np.ndarray) and got.ndim > 0:
        return Difference(f"returned an array of shape {got.shape}, but it should return one number")
    if not isinstance(got, (Number, np.number, np.ndarray)) or isinstance(got, (bool, np.bool_)):
        return Difference(f"returned {_kind(got)}, but it should return a number")
    if not np.isclose(float(got), float(want), rtol=1e-7, atol=1e-9, equal_nan=True):
        return Difference(VALUES)
    return None


def _shape_problem(got, want):
    """(sentence, label) for an array of the wrong shape."""
    if len(want) == 2 and want[1] == 1:
        if got == (want[0],):
            return (f"returned a 1-D array of shape {got}: the course uses column vectors, shape {want}; "
                    "keep the 2-D shapes (use @ and .T on (n, 1) columns, or reshape(-1, 1))"), "1-D result"
        if got == (1, want[0]):
            return f"returned a row of shape {got}: the course uses column vectors, shape {want}", "row instead of column"
    if len(got) == 2 and got == want[::-1]:
        return f"returned shape {got}, the transpose of the expected {want}: check which side each factor goes", \
            "wrong shape"
    return f"returned shape {got}, but the answer has shape {want}", "wrong shape"


def _call_student(fn, args, name, ref_fn, where):
    call_args = copy.deepcopy(args)
    try:
        with reference_forbidden(name):
            got = fn(*call_args)
    except NotImplementedError:
        raise CheckFailed(f"{name} is not written yet: replace `raise NotImplementedError()` with your code") from None
    except Exception as exc:
        raise CheckFailed(f"{where} {explain_exception(name, args, type(exc).__name__, str(exc))}",
                          _student_lines(exc)) from None
    changed = changed_argument(name, args, call_args)
    if changed:
        raise CheckFailed(f"{where} {changed}")
    return outcome(name, call_args, got)


def _student_lines(exc):
    """The traceback lines of exc that are the student's code (the course's own frames left out)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not os.path.abspath(f.filename).startswith(_PACKAGE + os.sep)]
    if not frames:
        return []
    return ["Your code raised it here:\n" + "".join(traceback.format_list(frames)).rstrip("\n")]


def explain_exception(name, args, kind, text):
    """The sentence for an answer that raised `kind` (an exception's type name) with message `text`.

    Names the catalogued mistake that raises the same exception on these args, when there is one.
    """
    return exception_diagnosis(name, args, kind, text)[0]


def exception_diagnosis(name, args, kind, text):
    """(sentence, label) for an answer that raised `kind` with message `text` (see explain_exception)."""
    if text == REFERENCE_CALLED:
        return (f"calls the course's own {name} (backprop.reference): this function is yours to write; "
                "functions of earlier lessons may be used"), CALLS_REFERENCE
    message = f"raised {kind}: {text}" if text else f"raised {kind}"
    for mistake in mistakes.for_function(name):
        try:
            mistake.compute(*copy.deepcopy(args))
        except Exception as other:
            if type(other).__name__ == kind and str(other) == text:
                return f"{message}\nThis looks like a known slip: {mistake.message}", mistake.label
    return message, {"NotImplementedError": NOT_WRITTEN, "Timeout": TOO_SLOW}.get(kind, RAISES)


def diagnose(name, args, got):
    """The first catalogued mistake (backprop.mistakes.Mistake) whose answer equals got, or None."""
    for mistake in mistakes.for_function(name):
        try:
            their_args = copy.deepcopy(args)
            their = outcome(name, their_args, mistake.compute(*their_args))
        except Exception:
            continue
        if compare(got, their) is None:
            return mistake
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


def _list_reshaped(before, after):
    """True when a list argument came back with other items (its length or its items' shapes changed)."""
    return isinstance(before, list) and (not isinstance(after, list) or len(before) != len(after) or
                                         [np.shape(b) for b in before] != [np.shape(a) for a in after])


def _unchanged(before, after):
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and np.array_equal(before, after, equal_nan=True)
    if isinstance(before, (list, tuple)):
        return len(before) == len(after) and all(_unchanged(b, a) for b, a in zip(before, after))
    if isinstance(before, dict):
        return set(before) == set(after) and all(_unchanged(before[k], after[k]) for k in before)
    return True


def _wrapped(line, width=88, indent="    "):
    """A long printed line broken only after ", " (never inside a number or a bracket); later lines indented."""
    lines, current = [], ""
    for piece in re.split(r"(?<=, )", line):
        if current.strip() and len(current) + len(piece.rstrip()) > width:
            lines.append(current.rstrip())
            current = indent
        current += piece
    return "\n".join(lines + [current.rstrip()])


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
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_show(v)}" for k, v in value.items()) + "}"

    if callable(value) and hasattr(value, "__name__"):  # a function argument (lesson 06's f): its name
        return value.__name__
    return repr(value)
