"""Every explorer builds and draws from the reference math, before and after the student answers."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from backprop import reference as ref
from backprop import widgets
from readable import widget_controls

matplotlib.use("Agg")
W_IH = np.array([[0.9, -0.4], [0.3, 0.8], [-0.5, 0.6]])
W_HO = np.array([[0.2, -0.7, 0.4], [0.5, 0.1, -0.3]])
X = np.array([[1.0], [0.5]])

EXPLORERS = {  # explorer -> (positional args, the graded function its `mine=` shows)
    "feedforward_explorer": ((), "feedforward"),
    "sigmoid_explorer": ((), None),
    "error_explorer": ((), "output_error"),
    "blame_explorer": ((), "split_error"),
    "blame_two_outputs_explorer": ((), "hidden_errors_proportional"),
    "matrix_explorer": ((), "hidden_errors"),
    "error_flow_explorer": ((), "backpropagate_errors"),
    "descent_explorer": ((), "nudge_line"),
    "slope_explorer": ((), None),
    "wiggle_explorer": ((), None),
    "delta_weights_explorer": ((W_IH, W_HO, X), "delta_weights"),
}


def _stub(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("name", sorted(EXPLORERS))
@pytest.mark.parametrize("mine", ["none", "stub", "reference"])
def test_explorer_builds_and_redraws_when_a_control_moves(name, mine, draws):
    """The explorer draws once on creation and again on every control change, whatever the student's code."""
    args, graded = EXPLORERS[name]
    kwargs = {}
    if graded:
        kwargs["mine"] = {"none": None, "stub": _stub, "reference": getattr(ref, graded)}[mine]
    box = getattr(widgets, name)(*args, **kwargs)
    assert draws and draws[-1] >= 1, "nothing was drawn on creation"
    control = widget_controls(box)[0]
    before = len(draws)
    options = getattr(control, "options", None)
    if options:
        control.value = [o for o in options if o != control.value][0]
    else:
        step = getattr(control, "step", 1)
        control.value = control.value - step if control.value + step > control.max else control.value + step
    assert len(draws) == before + 1 and draws[-1] >= 1, "moving a control did not redraw"


@pytest.mark.parametrize("name", sorted(n for n, (_, graded) in EXPLORERS.items() if graded))
def test_the_right_answer_is_shown_as_what_the_function_says(name, rendered):
    """With the right function as `mine=`, the picture says what it returns (feedforward's two arrays too), no error."""
    args, graded = EXPLORERS[name]
    getattr(widgets, name)(*args, mine=getattr(ref, graded))
    texts = [t.get_text() for fig in rendered for t in fig.findobj(matplotlib.text.Text)]
    assert any("your function says: " in t for t in texts), texts
    assert not any("raised" in t for t in texts), texts


def test_a_long_error_is_wrapped_to_fit_under_the_picture():
    """A student's error with a long message becomes lines of at most NOTE_WIDTH characters."""
    from backprop.widgets import controls

    def mine(*args):
        raise ValueError("setting an array element with a sequence. " * 4)
    note = controls.yours(mine, 1.0)
    assert note.startswith("your function raised ValueError") and "\n" in note
    assert max(map(len, note.splitlines())) <= controls.NOTE_WIDTH


def test_a_drawing_that_fails_leaves_no_figure_behind():
    """An explorer whose drawing raises half-way shows the error and closes the figure it made."""
    plt.close("all")

    def draw(x):
        plt.subplots()
        raise ZeroDivisionError("half-way")

    box = widgets.live(draw, {"x": widgets.slider("x", 0.2, -1, 1, 0.05)})
    assert plt.get_fignums() == []
    [shown] = box.children[1].outputs
    assert (shown["output_type"], shown["ename"], shown["evalue"]) == ("error", "ZeroDivisionError", "half-way")


def test_a_redraw_replaces_the_picture_and_shows_what_the_student_printed():
    """One update holds the redraw: what the student's code printed, then the picture; nothing of before."""
    def draw(x):
        print(f"debugging x={x}")
        plt.subplots()

    box = widgets.live(draw, {"x": widgets.slider("x", 0.2, -1, 1, 0.05)})
    box.children[0].children[0].value = 0.25
    printed, picture = box.children[1].outputs
    assert printed == {"output_type": "stream", "name": "stdout", "text": "debugging x=0.25\n"}
    assert picture["output_type"] == "display_data" and picture["data"]["text/html"].startswith("<img src=\"data:image/png")
    assert 'alt="Picture: ' in picture["data"]["text/html"]
    assert plt.get_fignums() == []
