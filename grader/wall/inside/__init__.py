"""Code that runs inside the grading wall (bound back read-only into it): zygote, stub, probe, check child.

Run by path (`python grader/wall/inside/zygote.py`): inside the wall, only this folder and backprop/ of
the course exist, so these modules import each other as top-level modules (`import jail`). The
grader imports `grader.wall.inside.plaindata` as a package module.
"""
