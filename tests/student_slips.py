"""Answers a student might write that the catalogue cannot hold as one function: wrappers around a right one."""


def writing_in_place(step):
    """A training step that gives the right new params but also writes them into the caller's dict's arrays
    (params[key] += ...): a student's step that changes its argument. step: a right step, e.g. own_copy(...)."""
    def mutating(params, *args):
        new = step(params, *args)
        for key in params:
            params[key] += new[key] - params[key]
        return params
    return mutating
