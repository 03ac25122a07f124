"""Lesson 10: galleries of 8x8 digits, one digit's pixel values, the confusion counts and the ten outputs as bars."""
import numpy as np

from .style import NEGATIVE, POSITIVE, add_title, axes_or_new, subplots

DIGIT_CMAP = "gray_r"  # ink is dark: 0 white, 1 black, like pencil on paper


def plot_digits(images, labels=None, guesses=None, ncols=10, title=None):
    """A gallery of 8x8 images (n, 64), each captioned with its label, or 'label \u2192 guess' in red if guesses; returns the figure."""
    images = np.asarray(images, dtype=float).reshape(-1, 8, 8)
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = max(1, -(-n // ncols))
    fig, axes = subplots(nrows, ncols, figsize=(0.9 * ncols, 1.05 * nrows + (0.35 if title else 0)), squeeze=False)
    top = images.max() if images.size else 1.0
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k >= n:
            continue
        ax.imshow(images[k], cmap=DIGIT_CMAP, vmin=0, vmax=top or 1.0, interpolation="nearest")
        if guesses is not None:
            ax.set_title(f"{labels[k]} \N{RIGHTWARDS ARROW} {guesses[k]}", fontsize=9, color=NEGATIVE, pad=2)
        elif labels is not None:
            ax.set_title(str(labels[k]), fontsize=9, pad=2)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout(pad=0.3)
    return fig


def plot_pixel_values(image, ax=None, title=None):
    """One image (64,) as 8 x 8 grey squares with each pixel's number written on it (white on dark ink)."""
    grid = np.asarray(image, dtype=float).reshape(8, 8)
    ax = axes_or_new(ax, (3.6, 3.6))
    top = grid.max() or 1.0
    ax.imshow(grid, cmap=DIGIT_CMAP, vmin=0, vmax=top, interpolation="nearest")
    for r in range(8):
        for c in range(8):
            v = grid[r, c]
            text = f"{v:g}" if float(v).is_integer() else f"{v:.2f}".lstrip("0")
            ax.text(c, r, text, ha="center", va="center", fontsize=8, color="white" if v > top / 2 else "#333")
    ax.set_xticks([])
    ax.set_yticks([])
    add_title(ax, title)
    return ax


def plot_confusion(labels, guesses, ax=None, title=None, n_classes=10):
    """Counts of (known digit, guess): row = the known answer, column = the network's guess; right on the diagonal in blue."""
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (np.asarray(labels), np.asarray(guesses)), 1)
    ax = axes_or_new(ax, (5.2, 4.6))
    right = np.where(np.eye(n_classes, dtype=bool), counts, 0)
    wrong = np.where(np.eye(n_classes, dtype=bool), 0, counts)
    ax.imshow(np.ones((n_classes, n_classes)), cmap="gray", vmin=0, vmax=1)
    ax.imshow(np.ma.masked_equal(right, 0), cmap="Blues", vmin=0, vmax=max(1, right.max()) * 1.6)
    ax.imshow(np.ma.masked_equal(wrong, 0), cmap="Reds", vmin=0, vmax=max(1, wrong.max()) * 1.4)
    for r in range(n_classes):
        for c in range(n_classes):
            if counts[r, c]:
                dark = counts[r, c] > (right.max() if r == c else wrong.max()) / 2 and (r == c or wrong.max() > 1)
                ax.text(c, r, str(counts[r, c]), ha="center", va="center", fontsize=8,
                        color="white" if dark else "#222")
    ax.set_xticks(range(n_classes))
    ax.set_yticks(range(n_classes))
    ax.set_xlabel("the network's guess")
    ax.set_ylabel("the known answer")
    ax.set_xticks(np.arange(n_classes + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(n_classes + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="#ddd", lw=0.5)
    ax.tick_params(which="minor", length=0)
    add_title(ax, title)
    return ax


def plot_outputs(outputs, ax=None, title=None):
    """Ten bars, one per output node (digit 0..9), each value on top; the largest (the guess) in blue, the rest grey."""
    values = np.ravel(outputs).astype(float)
    ax = axes_or_new(ax, (4.5, 2.8))
    best = int(np.argmax(values))
    colours = [POSITIVE if k == best else "#b0b0b0" for k in range(len(values))]
    bars = ax.bar(range(len(values)), values, color=colours)
    for bar, v in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, v + 0.02, f"{v:.2f}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(values)))
    ax.set_ylim(0, 1.15)
    ax.set_xlabel("output node (digit)")
    ax.set_ylabel("output")
    add_title(ax, title)
    return ax
