"""Lesson 10: draw a digit by clicking squares and watch the trained network's ten outputs."""
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .. import pictures
from .. import reference as ref
from .controls import show

INK_LEVELS = (0.0, 0.5, 1.0)  # a click darkens a square one step: empty, grey, black, then empty again


def _next_ink(value):
    """The ink level after one click on a square holding `value` (0..1)."""
    return INK_LEVELS[1] if value < 0.25 else INK_LEVELS[2] if value < 0.75 else INK_LEVELS[0]


def _ink_colour(value):
    """The button colour "#rrggbb" for ink `value` (0 white .. 1 black)."""
    grey = int(round(255 * (1 - float(value))))
    return f"#{grey:02x}{grey:02x}{grey:02x}"


def _starts(images, labels):
    """{name: image (64,)} to start from: a blank page, and the first of each digit in images (n, 64) if given."""
    starts = {"a blank page": np.zeros(64)}
    if images is not None and labels is not None:
        for digit in range(10):
            found = np.flatnonzero(np.asarray(labels) == digit)
            if len(found):
                starts[f"a held-out {digit}"] = np.asarray(images, dtype=float)[found[0]].copy()
    return starts


def _pixel_grid():
    """(pixels, grid): 64 square buttons, one per pixel row by row, and the 8 x 8 GridBox that holds them."""
    square = widgets.Layout(width="30px", height="30px", padding="0px", margin="0px", border="1px solid #bbb")
    pixels = [widgets.Button(description="", tooltip=f"row {k // 8 + 1}, column {k % 8 + 1}", layout=square)
              for k in range(64)]
    grid = widgets.GridBox(pixels, layout=widgets.Layout(grid_template_columns="repeat(8, 30px)",
                                                         grid_gap="1px", width="max-content", margin="8px 12px 0 0"))
    return pixels, grid


def digit_drawing(params, images=None, labels=None):
    """An 8 x 8 grid of squares to click (empty, grey, black) beside the network's ten outputs as bars (lesson 10).

    params: the trained network (read with the course's predict); images (n, 64) and labels (n,):
    held-out digits to start from (the first of each kind). The box carries .pixels (the 64
    buttons), .image (64,), .outputs() and .start for tests.
    """
    starts = _starts(images, labels)
    image = starts["a blank page"].copy()
    out = widgets.Output(layout=widgets.Layout(min_width="470px"))
    pixels, grid = _pixel_grid()
    start = widgets.Dropdown(options=list(starts), value="a blank page", description="start from",
                             style={"description_width": "initial"})
    clear = widgets.Button(description="clear", tooltip="every square back to empty")

    def outputs():
        return ref.predict(params, image.reshape(64, 1))

    def redraw():
        for button, value in zip(pixels, image):
            button.style.button_color = _ink_colour(value)
        if pictures.grading():
            return
        o = outputs()

        def draw():
            fig, ax = plt.subplots(figsize=(4.8, 2.9))
            best = int(np.argmax(o))
            pictures.plot_outputs(o, ax=ax, title=f"the network's guess: {best} (output {float(o[best, 0]):.2f})")
            fig.tight_layout()
        show(out, draw)

    def click(k):
        def handler(_button):
            image[k] = _next_ink(image[k])
            redraw()
        return handler

    def restart(change=None):
        image[:] = starts[start.value]
        redraw()

    def wipe(_button):
        image[:] = 0.0
        redraw()

    for k, button in enumerate(pixels):
        button.on_click(click(k))
    start.observe(restart, names="value")
    clear.on_click(wipe)
    redraw()
    box = widgets.VBox([widgets.HBox([start, clear]), widgets.HBox([grid, out])])
    box.pixels, box.image, box.outputs, box.start = pixels, image, outputs, start
    return box
