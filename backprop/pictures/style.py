"""The pictures' shared look and how a figure is made: colours, titles, and no figure shown while nbgrader grades.

Every picture function draws on a matplotlib Axes (made when `ax` is None) and returns it. While nbgrader
grades a notebook nobody looks at its pictures: figures made here are then drawn on but never shown.
"""
import os

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

POSITIVE, NEGATIVE, NODE = "#1f77b4", "#d62728", "#f5f5f0"
# One colour per output node, told apart with any of the common colour-vision deficiencies (Okabe-Ito's
# orange, sky blue, black, reddish purple; tests/test_pictures.py checks the first three pairwise).
OUTPUT_COLOURS = ["#E69F00", "#56B4E9", "#333333", "#CC79A7", "#009E73", "#F0E442"]
GRADING = "NBGRADER_EXECUTION"  # set by nbgrader while it runs a notebook to grade (or validate) it


def grading():
    """Is nbgrader running this notebook to grade it? (Then no picture is shown: nobody would look.)"""
    return bool(os.environ.get(GRADING))


def figure(**kwargs):
    """plt.figure for a lesson's picture; while nbgrader grades, a Figure pyplot never sees (so never rendered)."""
    if not grading():
        return plt.figure(**kwargs)
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)  # text sizes (tight_layout, label placement) still work
    return fig


def subplots(*args, figsize=None, **kwargs):
    """plt.subplots for a lesson's picture: (fig, axes), never shown while nbgrader grades."""
    fig = figure(figsize=figsize)
    return fig, fig.subplots(*args, **kwargs)


def axes_or_new(ax, size=(5, 3.2)):
    """ax itself, or the Axes of a new figure of `size` inches when ax is None."""
    if ax is None:
        _, ax = subplots(figsize=size)
    return ax


def sign_colour(value):
    """POSITIVE (blue) for a value >= 0, NEGATIVE (red) below 0."""
    return POSITIVE if value >= 0 else NEGATIVE


def add_title(ax, title):
    """ax's title in the lessons' size, when there is one."""
    if title:
        ax.set_title(title, fontsize=10)
