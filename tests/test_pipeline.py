"""The course's steps in nbgrader's pipeline (grader/autograde/pipeline.py), on hand-made kernel messages and cells."""
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute, SaveAutoGrades

from grader.autograde import pipeline
from grader.autograde.pipeline import GuardedExecute, OutOfKernelCheck, ScanFlags, autograde_preprocessors
from grader.wall.kernels import QuickStartClient


def message(kind, **content):
    return {"msg_type": kind, "header": {"msg_type": kind}, "parent_header": {"msg_id": "request"},
            "content": content}


def guarded(cap):
    """A GuardedExecute with fresh per-notebook state, as preprocess() would leave it."""
    step = GuardedExecute(max_output_bytes=cap)
    step.reset_execution_trackers()
    step._kept, step.clear_before_next_output = {}, False  # what preprocess() and each cell's start set
    return step


def test_a_flood_is_cut_but_errors_are_always_kept():
    """Past the cap, output is dropped with one note; an error (what fails a test) is still recorded."""
    step, outs = guarded(1000), []
    for _ in range(50):
        step.output(outs, message("stream", name="stdout", text="x" * 100), None, 0)
    step.output(outs, message("error", ename="AssertionError", evalue="wrong", traceback=["line"] * 500), None, 0)
    kept = [o for o in outs if o.output_type == "stream" and "output cut" not in o.text]
    notes = [o for o in outs if o.output_type == "stream" and "output cut by the grader" in o.text]
    assert 0 < sum(len(o.text) for o in kept) <= 1000 and len(notes) == 1
    assert outs[-1].output_type == "error" and outs[-1].ename == "AssertionError"
    assert len(outs[-1].traceback) == 200


def test_each_cell_has_its_own_budget():
    step, first, second = guarded(1000), [], []
    step.output(first, message("stream", name="stdout", text="x" * 5000), None, 0)
    step.output(second, message("stream", name="stdout", text="short"), None, 1)
    assert "output cut" in first[0].text and second[0].text == "short"


def test_nbgraders_own_steps_with_execute_guarded_and_the_checks_before_grades_are_saved():
    stock = Autograde.autograde_preprocessors.default()
    ours = autograde_preprocessors()
    without = [s for s in ours if s not in (OutOfKernelCheck, ScanFlags)]
    assert [GuardedExecute if s is Execute else s for s in stock] == without and Execute not in ours
    assert ours.index(OutOfKernelCheck) < ours.index(ScanFlags) < ours.index(SaveAutoGrades)
    assert ours.index(GuardedExecute) < ours.index(OutOfKernelCheck)
    assert GuardedExecute().shutdown_kernel == "immediate"
    assert GuardedExecute().kernel_manager_class().client_factory is QuickStartClient


def test_the_course_config_puts_the_steps_and_the_refusal_into_autograde():
    """grader/nbgrader_config.py, loaded as nbgrader loads it, names these steps and the hook."""
    from traitlets.config.loader import PyFileConfigLoader
    from grader import ROOT
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT / "grader")).load_config()
    assert config.Autograde.autograde_preprocessors == autograde_preprocessors()
    assert callable(config.Autograde.pre_convert_hook)
    assert config.GradingWall.allow_unwalled is False


def graded_cell(grade_id, outputs=()):
    cell = new_code_cell("pass", metadata={"nbgrader": {"grade": True, "grade_id": grade_id, "points": 1,
                                                         "locked": True, "solution": False, "schema_version": 3}})
    cell.outputs = list(outputs)
    return cell


def test_a_check_failure_is_written_first_so_nbgrader_scores_zero(monkeypatch):
    """The lower score is kept: a test that passed in the kernel but not outside gets an error output first;
    one the kernel never ran (it had died) is scored by the check alone; both are flagged."""
    from nbgrader.utils import determine_grade
    monkeypatch.setattr(pipeline, "hidden_tests", lambda path: ([], "import numpy as np"))
    monkeypatch.setattr(pipeline.out_of_kernel, "run_check", lambda *a, **k: ([], ["a note"]))
    monkeypatch.setattr(pipeline.out_of_kernel, "score_results", lambda tests, res: {
        "test_a": (0.0, 1.0, "a: you used the mean", "the mean"), "test_b": (1.0, 1.0, None, None),
        "test_c": (1.0, 1.0, None, None), "test_d": (0.0, 1.0, "d: the process died", "crashed the process")})
    monkeypatch.setattr(pipeline, "wall", lambda parent: type("W", (), {"python_argv": None})())
    result = new_output("execute_result", data={"text/plain": "1.0"}, execution_count=1)
    nb = new_notebook(cells=[graded_cell("test_a", [result]), graded_cell("test_b"),
                             graded_cell("test_c"), graded_cell("test_d")])
    nb.cells[2].metadata[pipeline.NOT_RUN] = True
    nb.cells[3].metadata[pipeline.NOT_RUN] = True
    nb, _ = OutOfKernelCheck().preprocess(nb, {"nbgrader": {"assignment": "x", "notebook": "x"}})
    assert [determine_grade(c)[0] for c in nb.cells] == [0, 1, 1, 0]
    assert "you used the mean" in nb.cells[0].outputs[0].evalue
    summary = pipeline.graded_summary(nb)
    assert summary["in_kernel"] == {"test_a": 1.0, "test_b": 1.0, "test_c": None, "test_d": None}
    assert any("test_a: passed in the kernel but failed outside it" in f for f in summary["flags"])
    assert any("test_c: scored by the out-of-kernel check only" in f for f in summary["flags"])
    assert summary["notes"] == ["a note"]
    assert summary["mistakes"] == {"test_a": "the mean", "test_d": "crashed the process"}
    assert not any(pipeline.NOT_RUN in c.metadata for c in nb.cells)


def test_the_scan_keeps_its_flags_in_the_notebook():
    nb = new_notebook(cells=[new_code_cell("import numpy as np\nnp.allclose = lambda *a, **k: True\n")])
    nb, _ = ScanFlags().preprocess(nb, {})
    assert any("np.allclose" in f for f in pipeline.graded_summary(nb)["flags"]), nb.metadata


def locked_cell(grade_id, source, tags=()):
    meta = {"nbgrader": {"grade": False, "grade_id": grade_id, "locked": True, "solution": False,
                         "schema_version": 3}}
    if tags:
        meta["tags"] = list(tags)
    return new_code_cell(source, metadata=meta)


def test_only_the_sources_demos_are_skipped_and_a_submission_can_skip_nothing(tmp_path, monkeypatch):
    """The demo mark is read from solutions/, and a cell is skipped only when its code is the demo's own:
    the submission's skip tags are removed (and flagged), and a graded cell is never a demo."""
    import nbformat
    source = new_notebook(cells=[locked_cell("setup", "import numpy as np"),
                                 locked_cell("slow_demo", "train_for_a_minute()", tags=["demo"]),
                                 locked_cell("other_demo", "draw()", tags=["demo"]),
                                 graded_cell("test_f")])
    source.cells[3].metadata["tags"] = ["demo"]  # a graded cell the source wrongly tags: still run
    nbformat.write(source, str(tmp_path / "lesson.ipynb"))
    monkeypatch.setattr(pipeline, "source_notebook", lambda step, resources: str(tmp_path / "lesson.ipynb"))
    submission = new_notebook(cells=[locked_cell("setup", "import numpy as np", tags=["skip-execution"]),
                                     locked_cell("slow_demo", "train_for_a_minute()"),
                                     locked_cell("other_demo", "draw()  # edited"),
                                     graded_cell("test_f")])
    submission.cells[3].metadata["tags"] = ["skip-execution", "demo"]
    step = GuardedExecute()
    skipped = step._mark_demos(submission, {"nbgrader": {"assignment": "lesson", "notebook": "lesson"}})
    assert skipped == [submission.cells[1]]
    assert [c.metadata.get("tags", []) for c in submission.cells] == [[], ["skip-execution"], [], ["demo"]]
    summary = pipeline.graded_summary(submission)
    assert summary["demos_skipped"] == ["slow_demo"]
    assert sum("skip-execution" in f for f in summary["flags"]) == 2, summary["flags"]
    assert step._mark_demos(submission, {}) == []  # no source notebook to trust: every cell runs
