"""The guarded Execute step of the in-kernel workers (grader/worker.py), on hand-made kernel messages."""
from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute

from grader.worker import GuardedExecute, QuickStartClient, autograde_preprocessors


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


def test_the_workers_run_nbgraders_own_steps_with_execute_guarded():
    stock = Autograde.autograde_preprocessors.default()
    ours = autograde_preprocessors()
    assert [GuardedExecute if s is Execute else s for s in stock] == ours and Execute not in ours
    assert GuardedExecute().shutdown_kernel == "immediate"
    assert GuardedExecute().kernel_manager_class().client_factory is QuickStartClient
