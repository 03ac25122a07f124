"""Every picture with a text alternative: in a notebook, figures are shown as an <img> whose alt text says
what the picture shows (its titles and axes), so a screen reader reads more than "image".

JupyterLab shows an image/png output as an <img> without alt text; the course's figures are therefore
displayed as text/html (the same PNG, with alt), which JupyterLab prefers to image/png.
"""
import base64
import html
import io

from matplotlib.figure import Figure


def alt_text(fig):
    """What the figure shows, in words: its title, and each panel's title or the axes it plots."""
    parts = []
    suptitle = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    if suptitle:
        parts.append(suptitle)
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison and not ax.get_title():
            continue
        title, x, y = ax.get_title(), ax.get_xlabel(), ax.get_ylabel()
        parts.append(title or (f"{y} against {x}" if x and y else x or y))
    shown = [p.replace("\n", " ").strip() for p in parts if p and p.strip()]
    return "Picture: " + ("; ".join(shown) if shown else "a drawing of the lesson's network")


def img_html(png, alt):
    """An <img> holding PNG bytes inline, with alt text."""
    return f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" alt="{html.escape(alt)}"/>'


def figure_png(fig):
    """The figure's PNG bytes, on a tight bounding box as the notebook shows figures."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def figure_html(fig):
    """The figure as an <img> of its PNG with alt text (what IPython shows for a Figure once installed)."""
    return img_html(figure_png(fig), alt_text(fig))


def install():
    """In IPython, show every Figure through figure_html instead of as a bare PNG (once per kernel)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(Figure, figure_html)
    formatters["image/png"].pop(Figure, None)  # one rendering per figure, not two
