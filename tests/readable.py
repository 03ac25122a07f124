"""Shared test helpers for what students see: a widget's controls, and whether a picture is readable."""
import itertools

import matplotlib
import numpy as np
from matplotlib.text import Text


def widget_controls(box):
    """Every value-carrying control inside a widget tree, in display order."""
    found = []
    for child in getattr(box, "children", ()):
        if hasattr(child, "value") and not hasattr(child, "children") and hasattr(child, "observe"):
            found.append(child)
        found.extend(widget_controls(child))
    return found


def drawn_texts(fig):
    """Every text the figure really draws (titles, labels, drawn tick labels, legends, notes), with its extent."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ticks, drawn = set(), set()
    for axes in fig.axes:
        for axis in (axes.xaxis, axes.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update({id(tick.label1), id(tick.label2)})
            for tick in axis._update_ticks():  # only the ticks inside the view are drawn
                drawn.update({id(tick.label1), id(tick.label2)})
    found = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if id(text) in ticks and id(text) not in drawn:
            continue
        found.append((text.get_text(), text.get_window_extent(renderer)))
    return found


def assert_readable(fig):
    """No two drawn texts overlap, and none sticks out of the figure."""
    texts = drawn_texts(fig)
    assert texts, "the figure shows no text at all"
    box = fig.bbox
    for label, extent in texts:
        assert (extent.x0 >= box.x0 - 1 and extent.x1 <= box.x1 + 1 and extent.y0 >= box.y0 - 1
                and extent.y1 <= box.y1 + 1), f"{label!r} is cut off: {extent} outside {box}"
    for (a, ea), (b, eb) in itertools.combinations(texts, 2):
        assert not ea.overlaps(eb), f"{a!r} overlaps {b!r}"


def overlapping_texts(fig):
    """Pairs of the figure's own labels (texts placed on axes or figure, and titles) whose drawn boxes overlap."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in [*fig.texts, *(t for ax in fig.axes for t in ax.texts + [ax.title])]
             if t.get_visible() and t.get_text().strip()]
    boxes = [t.get_window_extent(renderer) for t in texts]
    return [(texts[i].get_text(), texts[j].get_text()) for i, j in itertools.combinations(range(len(texts)), 2)
            if boxes[i].overlaps(boxes[j])]


def labels_over_nodes(ax):
    """Labels (other than a node's own) whose drawn box reaches into a node's circle of a network picture."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    circles = [p for p in ax.patches if isinstance(p, matplotlib.patches.Circle)]
    bad = []
    for text in ax.texts:
        if not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        x, y = text.get_position()
        for circle in circles:
            if np.hypot(x - circle.center[0], y - circle.center[1]) < 1e-9:
                continue  # the node's own label
            cx, cy = ax.transData.transform(circle.center)
            r_px = ax.transData.transform((circle.center[0] + circle.radius, circle.center[1]))[0] - cx
            dx = max(box.x0 - cx, 0, cx - box.x1)
            dy = max(box.y0 - cy, 0, cy - box.y1)
            if np.hypot(dx, dy) < r_px - 0.5:
                bad.append((text.get_text(), f"node at {tuple(np.round(circle.center, 2))}"))
    return bad


def texts_outside_axes(ax, tolerance=1.0):
    """Labels placed on the axes whose drawn box reaches over the axes' frame (pixels)."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    return [t.get_text() for t in ax.texts if t.get_visible() and t.get_text().strip()
            and not (frame.x0 - tolerance <= (b := t.get_window_extent(renderer)).x0 and b.x1 <= frame.x1 + tolerance
                     and frame.y0 - tolerance <= b.y0 and b.y1 <= frame.y1 + tolerance)]


def texts_over_lines(ax, step=1.0):
    """Labels whose drawn box covers part of a curve or a marker of the axes (its lines, sampled every
    `step` pixels along each segment; a marker counts as a square of its size)."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in ax.texts if t.get_visible() and t.get_text().strip()]
    bad = []
    for line in ax.get_lines():
        if not line.get_visible():
            continue
        points = line.get_transform().transform(np.column_stack(line.get_data()).astype(float))
        pad = line.get_markersize() * fig.dpi / 72 / 2 if line.get_marker() not in (None, "None", "", " ") else 0.0
        samples = [points] if line.get_linestyle() in ("None", "", " ") else [points] + [
            np.linspace(a, b, max(2, int(np.hypot(*(b - a)) / step))) for a, b in zip(points[:-1], points[1:])]
        cloud = np.vstack(samples)
        for text in texts:
            box = text.get_window_extent(renderer)
            hit = ((cloud[:, 0] > box.x0 - pad) & (cloud[:, 0] < box.x1 + pad)
                   & (cloud[:, 1] > box.y0 - pad) & (cloud[:, 1] < box.y1 + pad))
            if hit.any():
                bad.append((text.get_text(), line.get_label()))
    return bad


def legend_over_lines(ax):
    """Labels of lines that the axes' legend box covers part of (empty when it covers none)."""
    legend = ax.get_legend()
    if legend is None:
        return []
    fig = ax.figure
    fig.canvas.draw()
    box = legend.get_window_extent(fig.canvas.get_renderer())
    covered = []
    for line in ax.get_lines():
        points = line.get_transform().transform(np.column_stack(line.get_data()).astype(float))
        cloud = np.vstack([points] + [np.linspace(a, b, max(2, int(np.hypot(*(b - a)))))
                                      for a, b in zip(points[:-1], points[1:])])
        if ((cloud[:, 0] > box.x0) & (cloud[:, 0] < box.x1) & (cloud[:, 1] > box.y0) & (cloud[:, 1] < box.y1)).any():
            covered.append(line.get_label())
    return covered

