"""Lesson 08's live XOR trainer in real JupyterLab: it trains, redraws while training, the kernel answers
meanwhile, and Stop ends the run short of its epochs.

Screenshot: test-artifacts/browser/08_xor-training.png (the trainer after Stop).
"""
import re
import shutil

import pytest

from coursekit.course import SOLUTIONS
from jlab import WIDGET_TIMEOUT, NotebookPage

pytestmark = pytest.mark.browser
LESSON = "08_xor"
RUN_TIMEOUT = 120  # seconds for the whole run after Stop; a 5000-epoch run takes 5 to 30 s on a busy machine


def _serve(lab):
    target = lab.root / f"{LESSON}-training"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(SOLUTIONS / LESSON, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return f"{target.name}/{LESSON}.ipynb"


def _trainer_cell(nb):
    cells = [c for c in nb.widget_cells() if "xor_trainer(" in c["source"]]
    assert len(cells) == 1, "lesson 08 should have one cell showing widgets.xor_trainer(...)"
    return cells[0]["index"]


def _counter(cell):
    """The 'epochs done / epochs' label beside the progress bar, as two ints."""
    labels = [t for t in cell.locator(".widget-label").all_inner_texts() if re.fullmatch(r"\s*\d+ / \d+\s*", t)]
    assert len(labels) == 1, labels
    done, total = labels[0].split("/")
    return int(done), int(total)


def _status(cell):
    """The text under the trainer's picture (textContent: innerText is empty while JupyterLab skips painting it)."""
    return cell.locator(".widget-output").first.text_content()


def test_xor_trainer_trains_redraws_and_stops(lab, page, artifacts):
    nb = NotebookPage(page, lab)
    nb.open(_serve(lab))
    nb.run_all()
    assert not nb.errors(), nb.errors()
    index = _trainer_cell(nb)
    nb.check_widget_rendered(index)
    cell = nb.cell(index)
    cell.scroll_into_view_if_needed()
    assert "before training" in _status(cell)

    # The longest run the slider allows, so that Stop surely comes before the end.
    before = nb.signature(index)
    handle = cell.locator(".widget-slider", has_text="epochs").locator(".noUi-handle").first
    handle.focus()
    handle.press("End")
    nb.wait("window.__bp.panel().content.widgets[arg[0]].node.querySelector('.widget-output')"
            ".textContent.includes('5000 epochs')", WIDGET_TIMEOUT, "the preview to redraw for 5000 epochs", arg=[index])
    assert nb.signature(index) != before
    assert _counter(cell) == (0, 5000)

    train, stop = cell.locator("button", has_text="Train"), cell.locator("button", has_text="Stop")
    assert stop.is_disabled() and train.is_enabled()
    train.click()

    # Redraws while it trains: at least two new pictures after the click.
    pictures, last = set(), nb.signature(index)
    status = f"(document.querySelector('[data-bp-cell=\"{index}\"] .widget-output') || {{}}).textContent || ''"
    for n in (1, 2):
        nb.wait(f"window.__bp.widgetSignature({index}) !== arg && ({status}).includes('training:')",
                RUN_TIMEOUT * 1000, f"redraw {n} while training", arg=last)
        last = nb.signature(index)
        pictures.add(last)
    assert len(pictures) >= 2, "the picture did not redraw twice while training"
    assert stop.is_enabled() and train.is_disabled(), "the buttons should show a run in progress"

    # The kernel still answers while the run goes on in the background.
    seconds = nb.js("""(async () => {
        const kernel = window.__bp.panel().sessionContext.session.kernel;
        const t0 = performance.now();
        await kernel.requestExecute({code: '21 * 2', store_history: false}).done;
        return (performance.now() - t0) / 1000; })()""")
    assert seconds is not None and seconds < 30, f"the kernel took {seconds} s to answer during training"
    done_meanwhile, _ = _counter(cell)
    assert done_meanwhile < 5000, "the run was over before the kernel was asked (raise the epochs)"

    stop.click()
    nb.wait("(() => { const b = Array.from(window.__bp.panel().content.widgets[arg[0]].node"
            ".querySelectorAll('button')).find(b => b.innerText.includes('Train')); return b && !b.disabled; })()",
            RUN_TIMEOUT * 1000, "the Train button to come back after Stop", arg=[index])
    nb.wait_stable(index)
    status = _status(cell)
    match = re.search(r"stopped after (\d+) of 5000 epochs", status)
    assert match, f"the trainer does not say it stopped:\n{status}"
    stopped_at = int(match.group(1))
    assert 0 < stopped_at < 5000
    assert _counter(cell) == (stopped_at, 5000), "the counter should stop where training stopped"
    width = cell.locator(".widget-hprogress .progress-bar").first.evaluate("e => e.style.width")
    assert width.endswith("%") and float(width[:-1]) < 100, f"the progress bar shows {width}"
    assert stop.is_disabled() and train.is_enabled()
    text = cell.locator(".jp-Cell-outputArea").inner_text()
    assert "Error" not in text and "Traceback" not in text, text[-1500:]
    cell.screenshot(path=str(artifacts / f"{LESSON}-training.png"))
    print(f"stopped after {stopped_at} of 5000 epochs, {len(pictures)}+ redraws seen, "
          f"kernel answered in {seconds:.2f} s during training")
