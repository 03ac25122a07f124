"""nbgrader configuration: solutions/ is the source, lessons/ the release, grading lives in grader/.

Every way of grading (`nbgrader autograde` from this folder, formgrader's Autograde button and
`python -m grader grade`) runs the course's hardened steps (grader/autograde/pipeline.py) inside nbgrader's own
pipeline, with student code in the grading wall (grader/wall/__init__.py). Where the wall cannot be set up,
grading is refused; to grade without the wall anyway, ask by name: c.GradingWall.allow_unwalled = True
(or BACKPROP_GRADE_NO_WALL=1, or `python -m grader grade --no-wall`).

Run nbgrader from this folder (formgrader finds the config that way) or pass
--NbGrader.config_file=grader/nbgrader_config. The gradebook URL can be overridden with the
environment variable BACKPROP_GRADEBOOK_URL (any SQLAlchemy URL, e.g. postgresql://...).
"""
import os

try:
    from grader.autograde import pipeline  # the course's grading steps (pip install -e . installs the grader package)
    from grader.course import COURSE_ID, NBGRADER_FOLDERS, Course
except ImportError:  # an environment without the grader package: every other nbgrader command still works
    pipeline = None
    _layout = __import__("runpy").run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "course.py"))
    COURSE_ID, NBGRADER_FOLDERS, Course = _layout["COURSE_ID"], _layout["NBGRADER_FOLDERS"], _layout["Course"]

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

course = Course.at(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the folder above grader/
c.CourseDirectory.root = str(course.root)
c.CourseDirectory.course_id = COURSE_ID
for _name, _folder in NBGRADER_FOLDERS.items():  # solutions/, lessons/, grader/submitted, ... (grader/course.py)
    setattr(c.CourseDirectory, _name, _folder)
c.CourseDirectory.db_url = course.gradebook_url

# A student who deleted a graded cell gets it back (and is graded on it), instead of "needs manual grade".
c.OverwriteCells.add_missing_cells = True
# Never let one slow cell hold the class up.
c.Execute.timeout = 30

# The hardened grading steps, before nbgrader saves any grade (see grader/autograde/pipeline.py).
if pipeline is not None:
    c.Autograde.autograde_preprocessors = pipeline.autograde_preprocessors()
    c.Autograde.pre_convert_hook = pipeline.refuse_unless_walled(c)
else:  # never grade the stock, unguarded way: refuse, and say how to fix it
    def _no_grader_package(**_):
        raise SystemExit("grading refused: this Python has no `grader` package, so the course's hardened "
                         "grading steps cannot run. Fix: `pip install -e .` in the course folder (make setup-dev).")
    c.Autograde.pre_convert_hook = _no_grader_package
c.GradingWall.allow_unwalled = False
c.GuardedExecute.notebook_timeout = 300
c.OutOfKernelCheck.case_timeout = 5.0
# Feedback must not show hidden tests.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]

# --- nbgrader plugins (collect, export, feedback) ---
# The course's own hooks (grader/classwork/plugins.py), so nbgrader's commands and formgrader behave like
# `python -m grader collect / export / feedback`: zip_collect reads LMS file names and reports
# duplicates and conflicts; export writes grader/exports/grades.csv (late penalties subtracted);
# feedback shows each graded cell's message and named mistake, never a traceback of hidden tests.
c.ZipCollectApp.collector_plugin = "grader.classwork.plugins.CourseFileNames"
c.ExportApp.plugin_class = "grader.classwork.plugins.GradesCsv"
c.GenerateFeedback.preprocessors.append("grader.classwork.plugins.FeedbackMessages")
# A student's HTML never runs in the instructor's browser (formgrader's submission view) or on a
# feedback page: sanitized, Markdown cells too (grader/classwork/sanitize.py).
if pipeline is not None:
    c.HTMLExporter.sanitize_html = True
    c.HTMLExporter.filters = {"markdown2html": "grader.classwork.sanitize.markdown2html",
                              "clean_html": "grader.classwork.sanitize.clean_html"}
# Late penalties: nbgrader's LateSubmissionPlugin (c.LateSubmissionPlugin.penalty_method = "zero"),
# or a plugin of your own in c.AssignLatePenalties.plugin_class; export and feedback subtract them.
