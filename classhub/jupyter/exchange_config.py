"""nbgrader settings every role shares: the course, the exchange and its private submissions.

Loaded by the roles' nbgrader_config.py (load_subconfig). CLASSHUB_EXCHANGE is set by the hub for
every server (jupyterhub_config.py); the exchange's folder modes are set by classhub/prepare.py.
"""
import os

from grader.course import COURSE_ID  # the grader package is in every role's environment (prepare.py)

c = get_config()  # noqa: F821 (provided by traitlets)

c.CourseDirectory.course_id = COURSE_ID
c.Exchange.root = os.environ.get("CLASSHUB_EXCHANGE", "/srv/nbgrader/exchange")
# Submissions only their student and the instructors' group can open; collect takes only what each
# student handed in, timed by the kernel; feedback is released one student at a time.
c.ExchangeFactory.submit = "private_exchange.PrivateSubmit"
c.ExchangeFactory.collect = "private_exchange.PrivateCollect"
c.ExchangeFactory.release_feedback = "private_exchange.PrivateReleaseFeedback"
# The Validate button: a student's copy has empty graded cells (the hidden tests are added at grading),
# so by default nbgrader says "Success" for any answer. Count the visible check cells too.
c.Validator.validate_all = True
