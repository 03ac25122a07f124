"""Lesson 10: the shipped digits and their split, train_step_batch, the settings check, the numbers the prose
quotes, the pictures and the drawing widget."""
import contextlib
import copy
import io
import re

import matplotlib
import numpy as np
import pytest

from backprop import checks, digits, mistakes, network, pictures, widgets
from backprop import reference as ref
from backprop.mistakes import own_copy
from backprop.widgets.digits import _ink_colour
from coursekit.course import grade_info, read, solution_code
from readable import overlapping_texts
from student_slips import writing_in_place
from test_visible_checks import run_until_check

matplotlib.use("Agg")
plt = matplotlib.pyplot
LESSON = "10_digits"


@pytest.fixture(scope="module")
def data():
    images, labels = digits.load()
    return images, labels, digits.split(images, labels)


@pytest.fixture(scope="module")
def trained(data):
    """A small network trained briefly on the training quarters: good enough to have opinions."""
    _, _, (train_images, train_labels, _, _) = data
    params, _ = digits.train_with({"hidden": 16, "lr": 3.0, "epochs": 2, "batch": 10, "seed": 0}, train_images,
                                  train_labels)
    return params


# --- the data ---------------------------------------------------------------------------------

def test_load_shapes_ranges_and_counts(data):
    images, labels, _ = data
    assert images.shape == (1797, 64) and images.dtype == float
    assert labels.shape == (1797,) and np.issubdtype(labels.dtype, np.integer)
    assert images.min() == 0.0 and images.max() == 1.0
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    raw, raw_labels = digits.load(scale=False)
    assert np.array_equal(raw_labels, labels)
    assert raw.min() == 0 and raw.max() == 16 and np.all(raw == np.round(raw))
    assert np.allclose(raw / 16, images)


def test_load_hands_out_copies(data):
    images, labels = digits.load()
    images[:] = 5.0
    labels[:] = 7
    again, again_labels = digits.load()
    assert again.max() == 1.0 and np.bincount(again_labels)[0] == 178


def test_the_first_image_is_the_zero_of_the_file():
    raw, labels = digits.load(scale=False)
    assert labels[0] == 0
    assert raw[0, :8].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_split_is_fixed_disjoint_and_covers_every_image(data):
    images, labels, (train_images, train_labels, test_images, test_labels) = data
    assert train_images.shape == (1347, 64) and test_images.shape == (450, 64)
    train, held_out = digits.split_indexes(len(labels))
    assert not set(train) & set(held_out)
    assert sorted(set(train) | set(held_out)) == list(range(len(labels)))
    again = digits.split(images, labels)
    for a, b in zip(again, (train_images, train_labels, test_images, test_labels)):
        assert np.array_equal(a, b)
    assert np.array_equal(train_images, images[train]) and np.array_equal(test_labels, labels[held_out])
    assert set(np.unique(test_labels)) == set(range(10)), "every digit is in the held-out quarter"


def test_split_works_on_raw_counts_the_same_way(data):
    images, labels, (_, _, test_images, _) = data
    raw, _ = digits.load(scale=False)
    assert np.allclose(digits.split(raw, labels)[2] / 16, test_images)


def test_package_data_is_declared():
    text = (digits.DATA.parent.parent.parent / "pyproject.toml").read_text()
    assert 'data/*.csv.gz' in text
    assert "CC BY 4.0" in (digits.DATA.parent / "README.md").read_text()


# --- one_hot and accuracy, and their catalogued mistakes ----------------------------------------

def test_one_hot_reference():
    column = ref.one_hot(3, 10)
    assert column.shape == (10, 1) and column.dtype == float
    assert column[3, 0] == 1.0 and column.sum() == 1.0
    assert ref.one_hot(np.int64(0), 4).ravel().tolist() == [1.0, 0.0, 0.0, 0.0]
    assert np.array_equal(digits.one_hot_rows([3, 0]), np.hstack([ref.one_hot(3, 10), ref.one_hot(0, 10)]).T)


def test_integer_one_hot_is_accepted_and_trains_the_same():
    """The lesson's decision: a column of integer 0/1 is right (t - o promotes it to floats)."""
    as_ints = np.zeros((10, 1), dtype=int)
    as_ints[3, 0] = 1
    checks.check(lambda label, n: as_ints.copy(), 3, 10, name="one_hot", want=ref.one_hot(3, 10))
    o = ref.sigmoid(np.linspace(-1, 1, 10).reshape(10, 1))
    assert np.array_equal(as_ints - o, ref.one_hot(3, 10) - o)


def test_accuracy_reference_matches_network_and_counts(data, trained):
    _, _, (_, _, test_images, test_labels) = data
    got = ref.accuracy(trained, test_images, test_labels)
    assert type(got) is float and 0.0 <= got <= 1.0
    assert got == network.accuracy(trained, test_images, test_labels)
    guesses = [int(np.argmax(ref.predict(trained, x.reshape(-1, 1)))) for x in test_images]
    assert got == pytest.approx(np.mean(np.array(guesses) == test_labels))


@pytest.mark.parametrize("name, args", [
    ("one_hot", (3, 10)), ("one_hot", (0, 7)),
    ("accuracy", "tiny"), ("accuracy", "digits"),
])
def test_catalogued_mistakes_differ_from_the_reference(name, args, data, trained):
    """On the lesson's kind of fixtures, every mistake is wrong (or raises): none is right by accident."""
    if args == "tiny":
        rng = np.random.default_rng(3)
        params = network.init_params(4, 3, 3, seed=1, scale=3.0)
        images = rng.uniform(0, 1, (5, 4))
        labels = np.argmax(ref.predict(params, images.T), axis=0)
        labels[::2] = (labels[::2] + 1) % 3
        args = (params, images, labels)
    elif args == "digits":
        _, _, (_, _, test_images, test_labels) = data
        args = (trained, test_images[:40], test_labels[:40])
    want = getattr(ref, name)(*args)
    for mistake in mistakes.for_function(name):
        try:
            got = mistake.compute(*args)
        except ValueError:
            continue
        assert checks.compare(got, want) is not None, f"{mistake.label} gives the right answer on {name}{args!r:.60}"


def test_a_hidden_check_names_the_count_mistake(data, trained):
    _, _, (_, _, test_images, test_labels) = data

    def counted(params, images, labels):
        return int(np.sum(np.argmax(ref.predict(params, images.T), axis=0) == labels))
    with pytest.raises(AssertionError, match="a count"):
        checks.check(counted, trained, test_images[:30], test_labels[:30], name="accuracy", hidden=True)


# --- the settings ---------------------------------------------------------------------------

def test_check_settings_accepts_and_cleans():
    clean = digits.check_settings({"seed": np.int64(3), "epochs": 5, "lr": np.float64(0.5), "batch": np.int32(4),
                                   "hidden": 32})
    assert clean == {"hidden": 32, "lr": 0.5, "epochs": 5, "batch": 4, "seed": 3}
    assert list(clean) == ["hidden", "lr", "epochs", "batch", "seed"]
    assert all(type(v) in (int, float) for v in clean.values())


GOOD = {"hidden": 64, "lr": 1.0, "epochs": 10, "batch": 10, "seed": 0}


@pytest.mark.parametrize("settings, words", [
    (None, "not written yet"),
    ([64, 1.0, 10, 10, 0], "make it a dict"),
    ({k: v for k, v in GOOD.items() if k != "seed"}, "missing 'seed'"),
    ({k: v for k, v in GOOD.items() if k != "batch"}, "missing 'batch'"),
    (dict(GOOD, momentum=0.9), "unknown 'momentum'"),
    (dict(GOOD, epochs=100), "settings['epochs'] is 100: keep it between 1 and 30"),
    (dict(GOOD, hidden=1000), "settings['hidden'] is 1000: keep it between 1 and 128"),
    (dict(GOOD, hidden=0), "keep it between 1 and 128"),
    (dict(GOOD, batch=0), "settings['batch'] is 0: keep it between 1 and 1347 (there are 1347 training images)"),
    (dict(GOOD, batch=1348), "keep it between 1 and 1347"),
    (dict(GOOD, batch=10.0), "must be a whole number"),
    (dict(GOOD, hidden=64.0), "must be a whole number"),
    (dict(GOOD, epochs=True), "must be a whole number"),
    (dict(GOOD, seed=-1), "settings['seed'] is -1"),
    (dict(GOOD, lr=0), "the learning rate must be a number above 0"),
    (dict(GOOD, lr=float("nan")), "the learning rate must be"),
    (dict(GOOD, lr="0.3"), "the learning rate must be"),
    (dict(GOOD, lr=50.0), "at most 10"),
])
def test_check_settings_says_what_to_fix_in_one_line(settings, words):
    with pytest.raises(checks.CheckFailed) as info:
        digits.check_settings(settings)
    assert words in str(info.value) and "\n" not in str(info.value)
    assert info.value._render_traceback_() == [f"CheckFailed: {info.value}"], "no traceback through the package"


def test_the_largest_settings_train_fast_enough():
    """Grading stays within nbgrader's 30 s per cell: the largest network with a batch of 1, on a tenth of its epochs."""
    images, labels = digits.load()
    train_images, train_labels, _, _ = digits.split(images, labels)
    import time
    start = time.perf_counter()
    digits.train_with({"hidden": 128, "lr": 0.5, "epochs": 3, "batch": 1, "seed": 0}, train_images, train_labels)
    per_epoch = (time.perf_counter() - start) / 3
    assert per_epoch * digits.BOUNDS["epochs"][1] < 25, f"{per_epoch:.2f} s per epoch at the bounds"


def test_too_few_steps_fail_the_bar_with_advice_in_one_line():
    with pytest.raises(checks.CheckFailed, match=r"below the bar of 0.95: make more steps") as info:
        digits.check_network({"hidden": 16, "lr": 1.0, "epochs": 1, "batch": 10, "seed": 0})
    assert "\n" not in str(info.value)


def _solution_settings():
    namespace = {"np": np}
    exec(solution_code(_cell("settings").source), namespace)
    return namespace["settings"]


def test_the_solutions_settings_clear_the_bar_for_three_seeds_in_seconds():
    settings = _solution_settings()
    for seed in (0, 1, 2):
        score, seconds = digits.held_out_accuracy(dict(settings, seed=seed))
        assert score >= digits.BAR + 0.005 and seconds < 5, (seed, score, seconds)


def test_held_out_accuracy_ignores_changes_to_loaded_arrays():
    images, labels = digits.load()
    images[:] = 0.0
    score, _ = digits.held_out_accuracy({"hidden": 8, "lr": 3.0, "epochs": 1, "batch": 5, "seed": 0})
    assert score > 0.5


# --- train_step_batch, the step every network of the lesson learns with ------------------------

PARAMS = network.init_params(3, 4, 2, seed=5)
_RNG = np.random.default_rng(10)
XB, TB = _RNG.uniform(-1, 1, (3, 5)), _RNG.uniform(0.05, 0.95, (2, 5))


def test_train_step_batch_is_the_mean_of_train_steps_and_a_batch_of_one_is_train_step():
    before = copy.deepcopy(PARAMS)
    got = ref.train_step_batch(PARAMS, XB, TB, 0.7)
    assert checks.compare(PARAMS, before) is None, "params changed"
    steps = [ref.train_step(PARAMS, XB[:, [k]], TB[:, [k]], 0.7) for k in range(5)]
    mean = {key: PARAMS[key] + np.mean([s[key] - PARAMS[key] for s in steps], axis=0) for key in PARAMS}
    assert checks.compare(got, mean) is None
    assert {k: v.shape for k, v in got.items()} == {k: v.shape for k, v in PARAMS.items()}
    for k in range(5):
        assert checks.compare(ref.train_step_batch(PARAMS, XB[:, [k]], TB[:, [k]], 0.7), steps[k]) is None


def test_every_train_step_batch_mistake_is_wrong_on_the_lessons_fixtures():
    want = ref.train_step_batch(PARAMS, XB, TB, 0.7)
    for mistake in mistakes.for_function("train_step_batch"):
        got = mistake.compute(copy.deepcopy(PARAMS), XB, TB, 0.7)
        assert isinstance(got, dict) and set(got) == set(want), mistake.label
        assert checks.compare(got, want) is not None, mistake.label
        assert checks.diagnose("train_step_batch", (PARAMS, XB, TB, 0.7), got) is mistake, mistake.label


_train_step_batch = own_copy(ref.train_step_batch)  # a student's own correct step, which the refusal does not reach


_mutating = writing_in_place(_train_step_batch)


def test_visible_check_of_train_step_batch_names_a_changed_argument():
    def train_step_batch(params, X, T, lr):
        return _mutating(params, X, T, lr)
    error = run_until_check(LESSON, "train_step_batch", train_step_batch)
    assert error and "changed its argument `params` in place: build a new dict" in error


def _stub(params, X, T, lr):
    raise NotImplementedError()


@pytest.mark.parametrize("mine, said", [
    (None, "is not written yet"), (_stub, "is not written yet"), (_mutating, "changes its argument params in place"),
    (ref.train_step_batch, "calls the ready-made train_step_batch"),
    (mistakes.for_function("train_step_batch")[0].compute, "does not pass its check yet"),
    (lambda p, X, T, lr: 1 / 0, "raises ZeroDivisionError"),
])
def test_a_step_that_is_not_right_yet_is_replaced_by_the_right_one_and_said_so(mine, said, capsys):
    assert digits.step_problem(mine) == said or said in digits.step_problem(mine)
    assert digits.your_step(mine) is ref.train_step_batch
    out = capsys.readouterr().out
    assert said in " ".join(out.split()) and "these networks learn with the right step" in out
    assert max(map(len, out.splitlines())) <= 96, "short lines: none wraps at 1280 px"


def test_a_right_step_is_the_students_own(capsys):
    mine = own_copy(ref.train_step_batch)
    assert digits.step_problem(mine) is None and digits.your_step(mine) is mine
    assert "learn with your train_step_batch" in capsys.readouterr().out


def test_the_settings_are_trained_with_the_students_step(capsys, monkeypatch):
    calls = []
    right = own_copy(ref.train_step_batch)

    def mine(params, X, T, lr):
        calls.append(X.shape[1])
        return right(params, X, T, lr)
    digits.check_network(_solution_settings(), mine)
    assert "trained by your train_step_batch" in capsys.readouterr().out
    assert len(calls) > 1000, "the network learnt with the student's function"


@pytest.mark.parametrize("mistake", mistakes.for_function("train_step_batch"), ids=lambda m: m.label)
def test_a_wrong_step_costs_only_its_own_point(mistake, capsys):
    digits.check_network(_solution_settings(), mistake.compute, hidden=True)
    out = capsys.readouterr().out
    assert "trained by the right step (your train_step_batch does not pass its check yet)" in out


def test_usable_settings_fall_back_to_the_first_network_and_say_why():
    first = dict(hidden=16, lr=1.0, epochs=3, batch=10, seed=0)
    chosen, said = digits.usable_settings(None, first)
    assert chosen is first and said.startswith("settings is not written yet") and "the first network" in said
    chosen, said = digits.usable_settings(dict(first, hidden=20), first)
    assert chosen["hidden"] == 20 and said.startswith("your network: hidden=20")


def test_train_batches_visits_every_image_once_per_epoch_in_the_generators_order(data):
    seen = []

    def recording(params, X, T, lr):
        seen.append((X.copy(), T.copy()))
        return params
    images = np.repeat(np.arange(14.0).reshape(14, 1), 64, axis=1) / 100   # image k is all k / 100
    labels = np.arange(14) % 10
    params = network.init_params(64, 3, 10, seed=0)
    _, losses = digits.train_batches(recording, params, images, labels, 0.5, 2, 4, seed=7)
    assert [x.shape[1] for x, _ in seen] == [4, 4, 4, 2] * 2 and len(losses) == 2
    rng = np.random.default_rng(7)
    for epoch in range(2):
        order = rng.permutation(14)
        got = np.concatenate([x[0] for x, _ in seen[4 * epoch: 4 * epoch + 4]]) * 100
        assert np.array_equal(np.round(got), order)
    first_batch = np.random.default_rng(7).permutation(14)[:4]
    assert np.array_equal(seen[0][1], digits.one_hot_rows(labels[first_batch]).T)


# --- the lesson's prose: every number it quotes is one its cells print ---------------------------

def _cell(grade_id):
    return next(c for c in read("solutions", LESSON).cells if grade_info(c).get("grade_id") == grade_id)


def _prose():
    return "\n".join(c.source for c in read("solutions", LESSON).cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def printed():
    """What each code cell of the solutions notebook prints, run in order in one namespace (hidden tests skipped):
    grade_id -> text; the student's free exploration cell under "explore"."""
    namespace, out = {"__name__": "__lesson__"}, {}
    for cell in read("solutions", LESSON).cells:
        info = grade_info(cell)
        if cell.cell_type != "code" or (info.get("grade") and not info.get("solution")):
            continue
        source = "\n".join(line for line in solution_code(cell.source).splitlines() if not line.startswith("%"))
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            exec(source, namespace)
        plt.close("all")
        out[info.get("grade_id") or ("explore" if source.startswith("# Explore") else len(out))] = text.getvalue()
    return out


def test_the_numbers_the_lesson_quotes_are_the_ones_it_prints(printed):
    prose = _prose()
    raw, scaled = re.findall(r"hidden slopes below 0.01: (\d+%)", printed["scale"])
    assert f"With raw counts, {raw} of the hidden slopes" in prose and f"with scaled pixels, {scaled}." in prose
    steps, per_epoch = re.search(r"^(\d+) steps \((\d+) batches", printed["train"], re.M).groups()
    assert f"{per_epoch} steps per epoch, {steps} in all" in prose
    epochs = re.findall(r"^epoch (\d+): mean cost \d\.\d{3}, held-out accuracy (\d\.\d{3})$", printed["train"], re.M)
    assert [e for e, _ in epochs] == ["1", "2", "3"], "epochs count from 1, accuracies rounded"
    assert 0.5 < float(epochs[-1][1]) < digits.BAR, "the first network reads most digits, but not 95%"
    about = dict(((name, lr), value) for name, lr, value in
                 re.findall(r"^\s*(scaled|raw counts), lr (\d\.\d): median \d\.\d{3}, about (\d\.\d) ",
                            printed["raw_training"], re.M))
    assert f"reads about {about['scaled', '1.0']} of the held-out digits with lr 1, and\nabout " \
           f"{about['scaled', '3.0']} with lr 3" in prose
    assert f"reads about {about['raw counts', '1.0']} with\nlr 1 and about {about['raw counts', '3.0']} with lr 3" in prose
    below = re.search(r"with lr 3, (\d+) of 10 starts on raw counts read less", printed["raw_training"]).group(1)
    assert f"with lr 3, {below} of 10 starts on raw\ncounts read less than the worst start on scaled pixels" in prose
    images, pixels = 60_000 / 1347, 784 / 64
    work = 60_000 * (784 * 100 + 100 * 10) / (1347 * (64 * 64 + 64 * 10))    # multiplications of one epoch
    assert round(images / 5) * 5 == 45 and round(pixels) == 12 and round(work / 50) * 50 == 750
    assert "about 45 times as many training images, each with about 12 times as many\npixels" in prose
    assert "about 750 times as many multiplications" in prose and "over 200" not in prose


def test_the_quoted_figures_are_robust_on_this_machine():
    """The rounded medians sit well inside their rounding interval, and the raw runs well below the scaled ones:
    a few images more or fewer (another BLAS, another computer) do not change what the prose says."""
    images, labels = digits.load()
    raw, _ = digits.load(scale=False)
    train_i, train_l, test_i, test_l = digits.split(images, labels)
    raw_train, _, raw_test, _ = digits.split(raw, labels)
    first = dict(hidden=16, lr=1.0, epochs=3, batch=10, seed=0)
    runs = {}
    with np.errstate(over="ignore"):
        for lr in (1.0, 3.0):
            for name, tr, te in [("scaled", train_i, test_i), ("raw", raw_train, raw_test)]:
                runs[name, lr] = np.array([network.accuracy(digits.train_with(dict(first, lr=lr, seed=s), tr, train_l)[0],
                                                            te, test_l) for s in range(10)])
    for key, scores in runs.items():
        median = np.median(scores)
        assert abs(median * 10 - round(median * 10)) < 0.35, (key, median)   # at least 0.015 from a rounding edge
    assert runs["raw", 3.0].max() < runs["scaled", 3.0].min() - 0.1


def test_the_exploration_cell_prints_no_winning_settings(printed):
    rows = re.findall(r"^(batch .*): held-out accuracy (\d\.\d{3}) \(", printed["explore"], re.M)
    assert len(rows) == 9 and all(float(score) < digits.BAR - 0.01 for _, score in rows), rows
    assert "0.95" not in printed["train"] + printed["raw_training"] + printed["explore"]


def test_the_exploration_is_skipped_while_grading(monkeypatch, capsys):
    """The free exploration cell trains nine networks for the student, none while nbgrader grades."""
    monkeypatch.setenv(pictures.GRADING, "autograde")
    digits.explore(dict(hidden=16, lr=1.0, epochs=3, batch=10, seed=0), batches=[1], lrs=[1.0])
    assert capsys.readouterr().out == "(exploration skipped while grading)\n"


def test_no_repository_paths_or_reference_talk_in_the_lesson():
    nb = read("solutions", LESSON)
    words = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown") + "\n".join(
        line for c in nb.cells if c.cell_type == "code" for line in c.source.splitlines() if line.lstrip().startswith("#")
        and "HIDDEN TESTS" not in line and not grade_info(c).get("grade"))
    assert not re.search(r"backprop/|\.py\b|\.csv|solutions/|lessons/", words)
    assert "course's reference" not in words and "reference version" not in words


# --- pictures -------------------------------------------------------------------------------

def test_confusion_matrix_counts_and_labels_do_not_overlap(data, trained):
    _, _, (_, _, test_images, test_labels) = data
    guesses = np.argmax(ref.predict(trained, test_images.T), axis=0)
    ax = pictures.plot_confusion(test_labels, guesses, title="known answer (row) against guess (column)")
    numbers = sorted(int(t.get_text()) for t in ax.texts)
    expected = np.zeros((10, 10), dtype=int)
    np.add.at(expected, (test_labels, guesses), 1)
    assert numbers == sorted(expected[expected > 0].tolist())
    assert sum(numbers) == len(test_labels)
    assert not overlapping_texts(ax.figure)
    plt.close("all")


def test_gallery_captions_fit_and_show_guesses(data):
    images, labels, _ = data
    fig = pictures.plot_digits(images[:30], labels[:30], title="the first 30")
    assert [ax.get_title() for ax in fig.axes[:3]] == ["0", "1", "2"]
    assert not overlapping_texts(fig)
    fig = pictures.plot_digits(images[:13], labels[:13], guesses=(labels[:13] + 1) % 10, title="wrong ones")
    assert fig.axes[0].get_title() == "0 \N{RIGHTWARDS ARROW} 1" and len(fig.axes) == 20
    assert not overlapping_texts(fig)
    assert fig.get_size_inches()[0] <= 10
    plt.close("all")


def test_pixel_values_and_outputs_pictures(data):
    raw, _ = digits.load(scale=False)
    ax = pictures.plot_pixel_values(raw[0], title="image 0")
    assert [t.get_text() for t in ax.texts][:4] == ["0", "0", "5", "13"] and len(ax.texts) == 64
    assert not overlapping_texts(ax.figure)
    ax = pictures.plot_outputs(np.linspace(0, 0.9, 10).reshape(10, 1), title="guess")
    bars = [p for p in ax.patches]
    assert len(bars) == 10 and bars[9].get_facecolor() != bars[0].get_facecolor()
    assert not overlapping_texts(ax.figure)
    plt.close("all")


# --- the drawing widget -----------------------------------------------------------------------

@pytest.fixture
def shown(monkeypatch):
    """Every figure the widget shows: the bar heights of its first axes, recorded as it is rendered."""
    from backprop.widgets import controls
    drawn, real = [], controls.figure_output

    def recording(fig):
        drawn.append([p.get_height() for p in fig.axes[0].patches])
        return real(fig)
    monkeypatch.setattr(controls, "figure_output", recording)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return drawn


def test_drawing_widget_draws_on_creation_and_every_click(data, trained, shown):
    _, _, (_, _, test_images, test_labels) = data
    box = widgets.digit_drawing(trained, test_images, test_labels)
    assert len(box.pixels) == 64 and len(shown) == 1
    assert np.allclose(shown[-1], np.ravel(ref.predict(trained, np.zeros((64, 1)))))
    for k, level in [(27, 0.5), (27, 1.0), (35, 0.5), (27, 0.0)]:
        before = list(shown[-1])
        box.pixels[k].click()
        assert box.image[k] == level
        assert len(shown) >= 2 and shown[-1] != before, f"clicking square {k} did not change the bars"
        assert np.allclose(shown[-1], np.ravel(ref.predict(trained, box.image.reshape(64, 1))))
        assert box.pixels[k].style.button_color == _ink_colour(level)


def test_drawing_widget_start_and_clear(data, trained, shown):
    _, _, (_, _, test_images, test_labels) = data
    box = widgets.digit_drawing(trained, test_images, test_labels)
    assert box.start.options[0] == "a blank page" and len(box.start.options) == 11
    box.start.value = "a held-out 7"
    first_seven = test_images[np.flatnonzero(test_labels == 7)[0]]
    assert np.allclose(box.image, first_seven)
    assert np.allclose(shown[-1], np.ravel(ref.predict(trained, first_seven.reshape(64, 1))))
    count = len(shown)
    clear = [c for c in box.children[0].children if getattr(c, "description", "") == "clear"][0]
    clear.click()
    assert not box.image.any() and len(shown) == count + 1


def test_drawing_widget_without_examples(trained, shown):
    box = widgets.digit_drawing(trained)
    assert box.start.options == ("a blank page",)
    box.pixels[0].click()
    assert len(shown) == 2 and box.image[0] == 0.5


def test_drawing_widget_skips_pictures_while_grading(trained, shown, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    box = widgets.digit_drawing(trained)
    box.pixels[5].click()
    assert shown == [] and box.image[5] == 0.5
