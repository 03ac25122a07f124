"""What every lesson's catalogue of mistakes builds on: the Mistake record and copies of the course's functions."""
import types
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import reference


def own_copy(fn):
    """A copy of a course function that checks.reference_forbidden does not reach, nor the functions of its
    module it calls by name (reference.train's loop, run_epochs, may be refused while train is checked)."""
    namespace = dict(fn.__globals__)
    for name, value in fn.__globals__.items():
        if type(value) is types.FunctionType and value.__globals__ is fn.__globals__:
            namespace[name] = _copy(value, namespace)
    return _copy(fn, namespace)


def _copy(fn, namespace):
    """A function running fn's code, its global names looked up in namespace."""
    copy_ = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, fn.__closure__)
    copy_.__kwdefaults__, copy_.__doc__ = fn.__kwdefaults__, fn.__doc__
    return copy_


# The mistakes build on copies of the reference: a known-wrong answer standing in for a student's must
# not be refused as "calls the course's own function" before it is recognised.
ref = types.SimpleNamespace(**{name: own_copy(fn) for name, fn in vars(reference).items()
                               if isinstance(fn, types.FunctionType)})


@dataclass(frozen=True)
class Mistake:
    """One recognisable wrong answer: a short label, what to tell the student, how it computes."""
    label: str
    message: str
    compute: Callable


def sig(z):
    """The sigmoid, for the wrong answers to build on."""
    return 1.0 / (1.0 + np.exp(-z))
