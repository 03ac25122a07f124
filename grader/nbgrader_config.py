"""nbgrader configuration: solutions/ is the source, lessons/ the release, grading lives in grader/.

Every way of grading (`nbgrader autograde` from this folder, formgrader's Autograde button and
`python -m grader grade`) runs the course's hardened steps (grader/pipeline.py) inside nbgrader's own
pipeline, with student code in the grading wall (grader/isolation.py). Where the wall cannot be set up,
grading is refused; to grade without isolation anyway, ask by name: c.GradingWall.allow_unsandboxed = True
(or BACKPROP_GRADE_NO_SANDBOX=1, or `python -m grader grade --no-sandbox`).

Run nbgrader from this folder (formgrader finds the config that way) or pass
--NbGrader.config_file=grader/nbgrader_config. The gradebook URL can be overridden with the
environment variable BACKPROP_GRADEBOOK_URL (any SQLAlchemy URL, e.g. postgresql://...).
"""
import os

try:
    from grader import pipeline  # the course's grading steps (pip install -e . installs the grader package)
except ImportError:  # an environment without the grader package: every other nbgrader command still works
    pipeline = None

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

grader_dir = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(grader_dir)

c.CourseDirectory.root = root
c.CourseDirectory.course_id = "backprop"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
c.CourseDirectory.submitted_directory = "grader/submitted"
c.CourseDirectory.autograded_directory = "grader/autograded"
c.CourseDirectory.feedback_directory = "grader/feedback"
c.CourseDirectory.db_url = os.environ.get(
    "BACKPROP_GRADEBOOK_URL", "sqlite:///" + os.path.join(root, "grader", "gradebook.db"))

# A student who deleted a graded cell gets it back (and is graded on it), instead of "needs manual grade".
c.OverwriteCells.add_missing_cells = True
# Never let one slow cell hold the class up.
c.Execute.timeout = 30

# The hardened grading steps, before nbgrader saves any grade (see grader/pipeline.py).
if pipeline is not None:
    c.Autograde.autograde_preprocessors = pipeline.autograde_preprocessors()
    c.Autograde.pre_convert_hook = pipeline.refuse_unless_sandboxed(c)
else:  # never grade the stock, unguarded way: refuse, and say how to fix it
    def _no_grader_package(**_):
        raise SystemExit("grading refused: this Python has no `grader` package, so the course's hardened "
                         "grading steps cannot run. Fix: `pip install -e .` in the course folder (make setup-dev).")
    c.Autograde.pre_convert_hook = _no_grader_package
c.GradingWall.allow_unsandboxed = False
c.GuardedExecute.notebook_timeout = 300
c.OutOfKernelCheck.case_timeout = 5.0
# Feedback must not show hidden tests.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]

# --- nbgrader plugins (collect, export, feedback) ---
# The course's own hooks (grader/plugins.py), so nbgrader's commands and formgrader behave like
# `python -m grader collect / export / feedback`: zip_collect reads LMS file names and reports
# duplicates and conflicts; export writes grader/exports/grades.csv (late penalties subtracted);
# feedback shows each graded cell's message and named mistake, never a traceback of hidden tests.
c.ZipCollectApp.collector_plugin = "grader.plugins.CourseFileNames"
c.ExportApp.plugin_class = "grader.plugins.GradesCsv"
c.GenerateFeedback.preprocessors.append("grader.plugins.FeedbackMessages")
# A student's HTML never runs in the instructor's browser (formgrader's submission view) or on a
# feedback page: sanitized, Markdown cells too (grader/sanitize.py).
if pipeline is not None:
    c.HTMLExporter.sanitize_html = True
    c.HTMLExporter.filters = {"markdown2html": "grader.sanitize.markdown2html",
                              "clean_html": "grader.sanitize.clean_html"}
# Late penalties: nbgrader's LateSubmissionPlugin (c.LateSubmissionPlugin.penalty_method = "zero"),
# or a plugin of your own in c.AssignLatePenalties.plugin_class; export and feedback subtract them.
