"""Lesson 10: the shipped digits and their split, the settings check, the pictures and the drawing widget."""
import matplotlib
import numpy as np
import pytest

from backprop import checks, digits, mistakes, network, pictures, widgets
from backprop import reference as ref
from backprop.widgets.digits import _ink_colour
from readable import overlapping_texts

matplotlib.use("Agg")
plt = matplotlib.pyplot


@pytest.fixture(scope="module")
def data():
    images, labels = digits.load()
    return images, labels, digits.split(images, labels)


@pytest.fixture(scope="module")
def trained(data):
    """A small network trained briefly on the training quarters: good enough to have opinions."""
    _, _, (train_images, train_labels, _, _) = data
    params, _ = digits.train_with({"hidden": 16, "lr": 1.0, "epochs": 2, "seed": 0}, train_images, train_labels)
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
    clean = digits.check_settings({"seed": np.int64(3), "epochs": 5, "lr": np.float64(0.5), "hidden": 32})
    assert clean == {"hidden": 32, "lr": 0.5, "epochs": 5, "seed": 3}
    assert all(type(v) in (int, float) for v in clean.values())


@pytest.mark.parametrize("settings, words", [
    (None, "not written yet"),
    ([64, 1.0, 10, 0], "make it a dict"),
    ({"hidden": 64, "lr": 1.0, "epochs": 10}, "missing 'seed'"),
    ({"hidden": 64, "lr": 1.0, "epochs": 10, "seed": 0, "momentum": 0.9}, "unknown 'momentum'"),
    ({"hidden": 64, "lr": 1.0, "epochs": 100, "seed": 0}, "settings['epochs'] is 100: keep it between 1 and 30"),
    ({"hidden": 1000, "lr": 1.0, "epochs": 10, "seed": 0}, "settings['hidden'] is 1000: keep it between 1 and 128"),
    ({"hidden": 0, "lr": 1.0, "epochs": 10, "seed": 0}, "keep it between 1 and 128"),
    ({"hidden": 64.0, "lr": 1.0, "epochs": 10, "seed": 0}, "must be a whole number"),
    ({"hidden": 64, "lr": 1.0, "epochs": True, "seed": 0}, "must be a whole number"),
    ({"hidden": 64, "lr": 1.0, "epochs": 10, "seed": -1}, "settings['seed'] is -1"),
    ({"hidden": 64, "lr": 0, "epochs": 10, "seed": 0}, "the learning rate must be a number above 0"),
    ({"hidden": 64, "lr": float("nan"), "epochs": 10, "seed": 0}, "the learning rate must be"),
    ({"hidden": 64, "lr": "0.3", "epochs": 10, "seed": 0}, "the learning rate must be"),
    ({"hidden": 64, "lr": 50.0, "epochs": 10, "seed": 0}, "at most 10"),
])
def test_check_settings_says_what_to_fix(settings, words):
    with pytest.raises(AssertionError, match=None) as info:
        digits.check_settings(settings)
    assert words in str(info.value)


def test_the_largest_settings_train_fast_enough():
    """Grading stays within nbgrader's 30 s per cell: the largest network is trained on a quarter of its epochs."""
    images, labels = digits.load()
    train_images, train_labels, _, _ = digits.split(images, labels)
    import time
    start = time.perf_counter()
    digits.train_with({"hidden": 128, "lr": 0.5, "epochs": 3, "seed": 0}, train_images, train_labels)
    per_epoch = (time.perf_counter() - start) / 3
    assert per_epoch * digits.BOUNDS["epochs"][1] < 25, f"{per_epoch:.2f} s per epoch at the bounds"


def test_too_few_epochs_fail_the_bar_with_advice():
    with pytest.raises(AssertionError, match=r"below the bar of 0.95: train longer \(more epochs\)"):
        digits.check_network({"hidden": 64, "lr": 1.0, "epochs": 1, "seed": 0})


def test_the_lessons_settings_clear_the_bar(capsys):
    digits.check_network(digits.LESSON_SETTINGS)
    assert "held-out accuracy 0.96" in capsys.readouterr().out


def test_held_out_accuracy_ignores_changes_to_loaded_arrays():
    images, labels = digits.load()
    images[:] = 0.0
    score, _ = digits.held_out_accuracy({"hidden": 8, "lr": 1.0, "epochs": 1, "seed": 0})
    assert score > 0.5


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
