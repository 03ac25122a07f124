"""The 8x8 handwritten digits of lesson 10: loading, the fixed 75/25 split, mini-batch training and the graded settings.

The data ship with the course as package data (credits and licence beside the file): 1797 rows of
64 pixel counts (0..16, row by row) and the digit (0..9). Nothing is downloaded. Shapes follow the
course: images are rows (n, 64), labels (n,) ints; a batch goes into the network as columns (64, B).
"""
import copy
import gzip
import math
import textwrap
import time
from functools import lru_cache
from numbers import Integral, Real
from pathlib import Path

import numpy as np

from . import network, reference
from .checks import REFERENCE_CALLED, CheckFailed, changed_argument, compare, reference_forbidden
from .pictures.style import grading

DATA = Path(__file__).resolve().parent / "data" / "digits.csv.gz"
N_PIXELS, N_CLASSES, MAX_COUNT = 64, 10, 16
SPLIT_SEED = 1998       # the split is fixed: every student trains and is tested on the same quarters
TRAIN_FRACTION = 0.75
N_TRAIN = 1347          # int(1797 * TRAIN_FRACTION): the training rows, the largest useful batch
BAR = 0.95              # held-out accuracy the student's settings must reach
# Settings a student may choose, with the bounds that keep grading fast (the largest trains in seconds).
BOUNDS = {"hidden": (1, 128), "lr": (0.0, 10.0), "epochs": (1, 30), "batch": (1, N_TRAIN), "seed": (0, 2 ** 32 - 1)}
WHOLE = ("hidden", "epochs", "batch", "seed")   # the settings that are whole numbers
EXAMPLE = "settings = dict(hidden=..., lr=..., epochs=..., batch=..., seed=...) with your numbers"


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
    """The settings as a plain dict {hidden, lr, epochs, batch, seed}; CheckFailed saying what to fix if they are not usable."""
    if settings is None:
        raise CheckFailed(f"settings is not written yet: replace `raise NotImplementedError()` with, e.g., {EXAMPLE}")
    if not isinstance(settings, dict):
        raise CheckFailed(f"settings is a {type(settings).__name__}: make it a dict, e.g. {EXAMPLE}")
    missing = [k for k in BOUNDS if k not in settings]
    extra = [k for k in settings if k not in BOUNDS]
    if missing or extra:
        parts = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + \
                ([f"unknown {', '.join(map(repr, extra))}"] if extra else [])
        raise CheckFailed(f"settings needs exactly the keys {', '.join(map(repr, BOUNDS))} ({'; '.join(parts)}), "
                          f"e.g. {EXAMPLE}")
    clean = {}
    for key in WHOLE:
        value, (low, high) = settings[key], BOUNDS[key]
        if not _is_int(value):
            raise CheckFailed(f"settings['{key}'] is {value!r}: it must be a whole number (an int) "
                              f"between {low} and {high}")
        if not low <= value <= high:
            why = {"hidden": " so that grading stays fast", "epochs": " so that grading stays fast",
                   "batch": f" (there are {N_TRAIN} training images)"}.get(key, "")
            raise CheckFailed(f"settings['{key}'] is {value}: keep it between {low} and {high}{why}")
        clean[key] = int(value)
    lr, (low, high) = settings["lr"], BOUNDS["lr"]
    if not isinstance(lr, Real) or isinstance(lr, bool) or not math.isfinite(lr) or not low < lr <= high:
        raise CheckFailed(f"settings['lr'] is {lr!r}: the learning rate must be a number above {low:g} "
                          f"and at most {high:g}")
    clean["lr"] = float(lr)
    return {key: clean[key] for key in BOUNDS}


# --- whose step trains the network -----------------------------------------------------------

def _step_cases():
    """[(params, X, T, lr)]: a batch of 3 and a batch of 1 on non-square networks, to try a student's step on."""
    rng = np.random.default_rng(1010)
    cases = []
    for (n_in, n_hid, n_out), size, lr in [((4, 5, 2), 3, 0.7), ((3, 2, 4), 1, 1.3)]:
        params = network.init_params(n_in, n_hid, n_out, seed=int(rng.integers(1000)))
        cases.append((params, rng.uniform(0, 1, (n_in, size)), rng.uniform(0, 1, (n_out, size)), lr))
    return cases


def step_problem(step):
    """None when step(params, X, T, lr) gives train_step_batch's answer on a few small batches; else what is wrong (a phrase)."""
    if step is None:
        return "is not written yet"
    for params, X, T, lr in _step_cases():
        args = (params, X, T, lr)
        call_args = copy.deepcopy(args)
        try:
            with reference_forbidden("train_step_batch"):
                got = step(*call_args)
        except NotImplementedError:
            return "is not written yet"
        except Exception as exc:
            return ("calls the ready-made train_step_batch instead of doing the work" if str(exc) == REFERENCE_CALLED
                    else f"raises {type(exc).__name__}")
        if compare(got, reference.train_step_batch(*args)) is not None:
            return "does not pass its check yet"
        if changed_argument("train_step_batch", args, call_args):
            return "changes its argument params in place"
    return None


def your_step(mine, quiet=False):
    """The step to train with: `mine` (the student's train_step_batch) when it gives the right answers, else the right one.

    Prints one line saying which (unless quiet), so the lesson runs before the student's function is
    written and never claims a network is theirs when it is not.
    """
    problem = step_problem(mine)
    if not quiet:
        print("\N{CHECK MARK} these networks learn with your train_step_batch" if problem is None else
              f"your train_step_batch {problem}:\nthese networks learn with the right step, which ships with "
              f"the course,\nuntil yours passes its check")
    return reference.train_step_batch if problem else mine


# --- training on mini-batches ----------------------------------------------------------------

def epoch_batches(n, batch, rng):
    """One epoch's batches: rng.permutation(n) cut into index arrays of `batch` rows (the last may be shorter)."""
    order = rng.permutation(n)
    return [order[i:i + batch] for i in range(0, n, batch)]


def train_batches(step, params, images, labels, lr, epochs, batch, seed=0, on_epoch=None):
    """(params, losses): step(params, X, T, lr) on mini-batches of images (n, 64) rows and their labels (n,).

    One generator rng = default_rng(seed) for the whole run; each epoch visits the rows in the order
    rng.permutation(n), `batch` at a time, as columns X (64, B) and one-hot targets T (10, B).
    losses[k] is the mean over epoch k's images of each image's cost just before its batch's step.
    on_epoch(epoch, params, losses) (epoch counted from 1) is called after every epoch.
    """
    rng = np.random.default_rng(seed)
    X_all, T_all = np.asarray(images, dtype=float).T, one_hot_rows(labels).T
    losses = []
    for epoch in range(1, epochs + 1):
        total = 0.0
        for rows in epoch_batches(X_all.shape[1], batch, rng):
            X, T = X_all[:, rows], T_all[:, rows]
            total += float(np.sum((T - network.predict(params, X)) ** 2))
            params = step(params, X, T, lr)
        losses.append(total / X_all.shape[1])
        if on_epoch is not None:
            on_epoch(epoch, params, losses)
    return params, losses


def train_with(settings, train_images, train_labels, step=None, on_epoch=None):
    """(params, losses): a fresh 64-hidden-10 network (U[-1, 1] start) trained with settings by step (default: the right one)."""
    s = check_settings(settings)
    params = network.init_params(N_PIXELS, s["hidden"], N_CLASSES, seed=s["seed"])
    return train_batches(step or reference.train_step_batch, params, train_images, train_labels, s["lr"],
                         s["epochs"], s["batch"], seed=s["seed"], on_epoch=on_epoch)


def held_out_accuracy(settings, step=None):
    """(accuracy, seconds): a fresh network trained with settings by step on the training three quarters, measured on the held-out quarter.

    The data are loaded and split here, and measured with the course's own accuracy, so nothing a
    notebook changed can help or hurt.
    """
    images, labels = load()
    train_images, train_labels, test_images, test_labels = split(images, labels)
    start = time.perf_counter()
    params, _ = train_with(settings, train_images, train_labels, step)
    seconds = time.perf_counter() - start
    return network.accuracy(params, test_images, test_labels), seconds


def explore(base, batches, lrs, step=None):
    """Train a fresh network for every (batch, lr) pair on top of settings `base` and print its held-out
    accuracy; skipped while nbgrader grades (the grade never depends on this cell)."""
    if grading():
        print("(exploration skipped while grading)")
        return
    for batch in batches:
        for lr in lrs:
            score, seconds = held_out_accuracy(dict(base, batch=batch, lr=lr), step)
            print(f"batch {batch:>4}, lr {lr:<5}: held-out accuracy {score:.3f} ({seconds:.2f} s)")


def usable_settings(settings, fallback):
    """(settings, sentence): the student's settings when usable, else `fallback`, and a sentence saying which."""
    try:
        s = check_settings(settings)
    except CheckFailed as problem:
        return fallback, textwrap.fill(f"{problem}. Until then, this is the first network.", width=96)
    return s, "your network: " + ", ".join(f"{k}={v}" for k, v in s.items())


def _advice(s):
    """What to change first when settings s (clean) miss the bar."""
    if s["epochs"] * math.ceil(N_TRAIN / s["batch"]) < 1000:
        return "make more steps: more epochs, or a smaller batch (each batch is one step)"
    if s["hidden"] < 32:
        return "try more hidden nodes"
    return "try another learning rate, or more epochs"


def check_network(settings, step=None, hidden=False):
    """Train with the settings and the student's step (the right one if theirs does not pass its check) and require BAR held out.

    Prints the result, or raises CheckFailed saying what to change. A wrong step costs only its own
    test: with it (or with step None, the settings alone), the settings are tried with the right step,
    and the line says so.
    """
    s = check_settings(settings)
    problem = "" if step is None else step_problem(step)
    score, seconds = held_out_accuracy(s, None if problem is not None else step)
    shown = ", ".join(f"{k}={v}" for k, v in s.items())
    how = ("your train_step_batch" if problem is None else
           f"the right step (your train_step_batch {problem})" if problem else "the right step")
    if score < BAR:
        raise CheckFailed(f"a network trained with {shown} by {how} reads {score:.3f} of the held-out quarter, "
                          f"below the bar of {BAR}: {_advice(s)}")
    where = "graded network" if hidden else "your network"
    print(f"\N{CHECK MARK} {where} reads {score:.3f} of the held-out quarter (the bar is {BAR})\n"
          f"  {shown}, trained by {how} in {seconds:.1f} s")
