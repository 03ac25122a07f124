"""Known-wrong versions of the graded functions, each with the sentence that names the mistake.

A check that finds a student's answer equal to one of these on its fixtures says that sentence
instead of a bare "wrong". The lists are ordered: the first matching mistake is the one named.
One module per lesson group, named like the lesson's pictures; `base` holds what they build on.
"""
from . import activations, autograd, bias, blame, digits, error, gradient_check, nudging, xor
from .base import Mistake, own_copy  # noqa: F401 (public)

LESSONS = [error, blame, nudging, gradient_check, bias, xor, activations, digits, autograd]
CATALOG = {name: found for lesson in LESSONS for name, found in lesson.MISTAKES.items()}


def for_function(name):
    """The known mistakes for one graded function (empty when none are catalogued)."""
    return CATALOG.get(name, [])
