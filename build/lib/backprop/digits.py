"""The 8x8 handwritten digits of lesson 10: loading, the fixed 75/25 split, and the graded network settings.

The data ship with the course in backprop/data/digits.csv.gz (credits and licence in
backprop/data/README.md): 1797 rows of 64 pixel counts (0..16, row by row) and the digit (0..9).
Nothing is downloaded. Shapes follow the course: images are rows (n, 64), labels (n,) ints.
"""
import gzip
import math
import time
from functools import lru_cache
from numbers import Integral, Real
from pathlib import Path

import numpy as np

from . import network

DATA = Path(__file__).resolve().parent / "data" / "digits.csv.gz"
N_PIXELS, N_CLASSES, MAX_COUNT = 64, 10, 16
SPLIT_SEED = 1998       # the split is fixed: every student trains and is tested on the same quarters
TRAIN_FRACTION = 0.75
BAR = 0.95              # held-out accuracy the student's settings must reach
# Settings a student may choose, with the bounds that keep grading fast (the largest trains in seconds).
BOUNDS = {"hidden": (1, 128), "lr": (0.0, 10.0), "epochs": (1, 30), "seed": (0, 2 ** 32 - 1)}
LESSON_SETTINGS = {"hidden": 64, "lr": 1.0, "epochs": 10, "seed": 0}  # lesson 10's own network


@lru_cache(maxsize=1)
def _table():
    with gzip.open(DATA, "rt") as fh:
        table = np.loadtxt(fh, delimiter=",", dtype=np.int64)
    table.setflags(write=False)
    return table


def load(scale=True):
    """(images, labels): images (1797, 64) floats, pixel counts / 16 in [0, 1] (raw 0..16 if scale=False); labels (1797,) ints."""
    table = _table()
    images = table[:, :N_PIXELS].astype(float)
    if scale:
        images = images / MAX_COUNT
    return images, table[:, N_PIXELS].copy()


def split_indexes(n):
    """(train, held_out): disjoint index arrays covering range(n), three quarters and one quarter, always the same."""
    order = np.random.default_rng(SPLIT_SEED).permutation(n)
    cut = int(n * TRAIN_FRACTION)
    return np.sort(order[:cut]), np.sort(order[cut:])


def split(images, labels):
    """(train_images, train_labels, test_images, test_labels): the fixed 75/25 split of rows (1347 and 450 of 1797)."""
    images, labels = np.asarray(images), np.asarray(labels)
    train, held_out = split_indexes(len(labels))
    return images[train], labels[train], images[held_out], labels[held_out]


def one_hot_rows(labels, n_classes=N_CLASSES):
    """Targets for train: one row (n_classes,) per label, 1.0 at the label, 0.0 elsewhere; shape (n, n_classes)."""
    return np.eye(n_classes)[np.asarray(labels)]


def _is_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool)


def check_settings(settings):
    """The settings as a plain dict {hidden, lr, epochs, seed}; AssertionError saying what to fix if they are not usable."""
    example = "settings = dict(hidden=..., lr=..., epochs=..., seed=...) with your numbers"
    if settings is None:
        raise AssertionError(f"settings is not written yet: replace `raise NotImplementedError()` with, e.g., {example}")
    if not isinstance(settings, dict):
        raise AssertionError(f"settings is a {type(settings).__name__}: make it a dict, e.g. {example}")
    missing = [k for k in BOUNDS if k not in settings]
    extra = [k for k in settings if k not in BOUNDS]
    if missing or extra:
        parts = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + \
                ([f"unknown {', '.join(map(repr, extra))}"] if extra else [])
        raise AssertionError(f"settings needs exactly the keys 'hidden', 'lr', 'epochs', 'seed' ({'; '.join(parts)}), "
                             f"e.g. {example}")
    clean = {}
    for key in ("hidden", "epochs", "seed"):
        value, (low, high) = settings[key], BOUNDS[key]
        if not _is_int(value):
            raise AssertionError(f"settings['{key}'] is {value!r}: it must be a whole number (an int) "
                                 f"between {low} and {high}")
        if not low <= value <= high:
            why = " so that grading stays fast" if key in ("hidden", "epochs") else ""
            raise AssertionError(f"settings['{key}'] is {value}: keep it between {low} and {high}{why}")
        clean[key] = int(value)
    lr, (low, high) = settings["lr"], BOUNDS["lr"]
    if not isinstance(lr, Real) or isinstance(lr, bool) or not math.isfinite(lr) or not low < lr <= high:
        raise AssertionError(f"settings['lr'] is {lr!r}: the learning rate must be a number above {low:g} "
                             f"and at most {high:g}")
    clean["lr"] = float(lr)
    return {key: clean[key] for key in BOUNDS}


def train_with(settings, train_images, train_labels, every=None, on_epoch=None):
    """(params, losses): the course's network (sigmoid, exact rule, U[-1, 1] start) trained with settings on rows of images."""
    s = check_settings(settings)
    params = network.init_params(N_PIXELS, s["hidden"], N_CLASSES, seed=s["seed"])
    return network.train(params, np.asarray(train_images, dtype=float), one_hot_rows(train_labels), s["lr"],
                         s["epochs"], seed=s["seed"], every=every, on_epoch=on_epoch)


def held_out_accuracy(settings):
    """(accuracy, seconds): a fresh network trained with settings on the training three quarters, measured on the held-out quarter.

    The data are loaded and split here, and measured with the course's own accuracy, so nothing a
    notebook changed can help or hurt.
    """
    images, labels = load()
    train_images, train_labels, test_images, test_labels = split(images, labels)
    start = time.perf_counter()
    params, _ = train_with(settings, train_images, train_labels)
    seconds = time.perf_counter() - start
    return network.accuracy(params, test_images, test_labels), seconds


def check_network(settings, hidden=False):
    """Train with the settings and require BAR on the held-out quarter: print the result, or raise AssertionError saying what to change."""
    s = check_settings(settings)
    score, seconds = held_out_accuracy(s)
    shown = ", ".join(f"{k}={v}" for k, v in s.items())
    if score < BAR:
        advice = ("train longer (more epochs)" if s["epochs"] < 5 else
                  "try another learning rate (0.1 to 1 works well here)" if not 0.1 <= s["lr"] <= 1.0 else
                  "try more hidden nodes" if s["hidden"] < 32 else
                  "try more epochs, another learning rate or another hidden size")
        raise AssertionError(f"a network trained with {shown} reaches {score:.4f} on the held-out quarter, "
                             f"below the bar of {BAR}: {advice}")
    where = "graded network" if hidden else "your network"
    print(f"\N{CHECK MARK} {where} ({shown}): held-out accuracy {score:.4f}, the bar is {BAR} "
          f"(trained in {seconds:.1f} s)")
