"""An instructor's nbgrader settings: the shared exchange settings plus the course's own config.

CLASSHUB_COURSE (set by the hub for instructors) is the course checkout whose grader/nbgrader_config.py
formgrader uses (solutions/, lessons/, the gradebook). Instructors share the exchange's course folder
through their group (groupshared: the folders stay group-writable).
"""
import os

c = get_config()  # noqa: F821 (provided by traitlets)
course = os.environ.get("CLASSHUB_COURSE")
if course:
    load_subconfig(os.path.join(course, "grader", "nbgrader_config.py"))  # noqa: F821
load_subconfig("../exchange_config.py")  # noqa: F821
c.CourseDirectory.groupshared = True
