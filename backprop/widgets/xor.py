"""Lesson 08: the live XOR trainer, training in a background thread while its picture redraws."""
import threading

import ipywidgets as widgets
import numpy as np

from .. import network, pictures
from ..xor_data import XOR_INPUTS, XOR_TARGETS
from .controls import png_output, run_student


class XorTrainer:
    """The live XOR trainer of lesson 08: controls, Train/Stop buttons, a progress bar and a redrawn picture.

    Training runs network.train in a background thread, so the notebook stays usable; every few epochs
    its on_epoch callback redraws the picture, and returns False (training stops) once Stop was pressed.
    """

    def __init__(self, mine=None, lr=1.0, hidden=2, epochs=2000, start=0, rule="exact", frames=25):
        self.mine, self.frames = mine, frames
        style = {"description_width": "initial"}
        self.controls = {
            "lr": widgets.FloatSlider(value=lr, min=0.05, max=8.0, step=0.05, description="learning rate",
                                      continuous_update=False, readout_format=".2f", style=style),
            "hidden": widgets.IntSlider(value=hidden, min=1, max=8, description="hidden nodes",
                                        continuous_update=False, style=style),
            "epochs": widgets.IntSlider(value=epochs, min=100, max=5000, step=100, description="epochs",
                                        continuous_update=False, style=style),
            "start": widgets.IntSlider(value=start, min=0, max=49, description="random start",
                                       continuous_update=False, style=style),
            "rule": widgets.ToggleButtons(options=["exact", "story"], value=rule, description="rule", style=style),
        }
        self.train_button = widgets.Button(description="Train", button_style="success", icon="play")
        self.stop_button = widgets.Button(description="Stop", button_style="danger", icon="stop", disabled=True)
        self.progress = widgets.IntProgress(value=0, min=0, max=epochs, description="epoch")
        self.counter = widgets.Label(value=f"0 / {epochs}")
        self.picture = widgets.Output()
        self.train_button.on_click(lambda _: self.train())
        self.stop_button.on_click(lambda _: self.stop())
        for control in self.controls.values():
            control.observe(lambda change: self.preview(), names="value")
        c = self.controls
        self.box = widgets.VBox([
            widgets.HBox([widgets.VBox([c["lr"], c["hidden"]]), widgets.VBox([c["epochs"], c["start"]])]),
            c["rule"],
            widgets.HBox([self.train_button, self.stop_button, self.progress, self.counter]),
            self.picture])
        self.box.trainer = self
        self.thread, self.running, self.redraws = None, False, 0
        self.stop_requested = threading.Event()
        self.result = None  # (params, losses) of the last run
        self.preview()

    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    @staticmethod
    def grading():
        return pictures.grading()  # nobody watches while nbgrader grades

    def _describe(self, v):
        return (f"2-{v['hidden']}-1 network, learning rate {v['lr']:.2f}, {v['epochs']} epochs, "
                f"random start {v['start']}, {v['rule']} rule")

    def _yours(self, params):
        """What the student's predict says on the four rows, beside the reference."""
        if self.mine is None:
            return ""
        want = np.round(network.predict(params, XOR_INPUTS.T).ravel(), 3).tolist()
        got, problem = run_student("\nyour predict", lambda: np.round(np.concatenate(
            [np.ravel(self.mine(params, x.reshape(-1, 1))) for x in XOR_INPUTS]), 3).tolist())
        return problem or f"\nyour predict on the four rows: {got}\nthe right answer:              {want}"

    def draw(self, picture, params, losses, note):
        """Replace the picture (one message: no flicker) with the loss curve and the output surface."""
        png = picture.update(params, losses)
        self.picture.outputs = (png_output(png, pictures.alt.alt_text(picture.fig)),
                                {"output_type": "stream", "name": "stdout", "text": note + self._yours(params) + "\n"})
        self.redraws += 1

    def preview(self):
        """The untrained network for the current settings (nothing is drawn while grading or training)."""
        if self.grading() or self.running:
            return
        v = self.values()
        self.progress.max, self.progress.value, self.counter.value = v["epochs"], 0, f"0 / {v['epochs']}"
        self.draw(pictures.XorTrainingPicture(v["epochs"]), network.init_params(2, v["hidden"], 1, seed=v["start"]),
                  [], f"before training: {self._describe(v)}. Press Train.")

    def train(self):
        """Start training in a background thread (the Train button); does nothing while grading or running."""
        if self.grading() or self.running:
            return
        self.running = True
        self.stop_requested.clear()
        self._enable(False)
        self.thread = threading.Thread(target=self._run, args=(self.values(),), daemon=True)
        self.thread.start()

    def stop(self):
        """Ask the running training to stop after its current epoch (the Stop button)."""
        self.stop_requested.set()

    def _enable(self, idle):
        for control in list(self.controls.values()) + [self.train_button]:
            control.disabled = not idle
        self.stop_button.disabled = idle

    def _run(self, v):
        epochs = v["epochs"]
        params = network.init_params(2, v["hidden"], 1, seed=v["start"])
        every = max(1, epochs // self.frames)
        picture = pictures.XorTrainingPicture(epochs)

        def on_epoch(epoch, p, losses):
            self.progress.value, self.counter.value = epoch + 1, f"{epoch + 1} / {epochs}"
            self.draw(picture, p, losses, f"training: {self._describe(v)}")
            return not self.stop_requested.is_set()

        try:
            self.progress.max, self.progress.value = epochs, 0
            params, losses = network.train(params, XOR_INPUTS, XOR_TARGETS, v["lr"], epochs,
                                            seed=v["start"], rule=v["rule"], every=every, on_epoch=on_epoch)
            self.result = (params, losses)
            outputs = network.predict(params, XOR_INPUTS.T).ravel()
            right = bool(np.all((outputs > 0.5) == (XOR_TARGETS.ravel() > 0.5)))
            if len(losses) < epochs:
                verdict = f"stopped after {len(losses)} of {epochs} epochs"
            elif right:
                verdict = f"learnt XOR: all four outputs on the right side of 0.5 after {epochs} epochs"
            else:
                verdict = (f"not learnt after {epochs} epochs: stuck, which is normal for some random starts "
                           "(see the table below); try another start or more hidden nodes")
            self.draw(picture, params, losses, f"{verdict} ({self._describe(v)})")
        except Exception as exc:  # shown, not lost in a thread
            self.picture.outputs = ({"output_type": "stream", "name": "stderr",
                                     "text": f"training failed: {type(exc).__name__}: {exc}\n"},)
        finally:
            self.running = False
            self._enable(True)


def xor_trainer(mine=None, lr=1.0, hidden=2, epochs=2000, start=0, rule="exact"):
    """Train a 2-n-1 network on XOR live: loss curve and output surface redraw every few epochs (lesson 08).

    Train starts a run in the background with the chosen settings and Stop ends it early; with
    mine=predict the picture also shows your predict on the four rows.
    """
    return XorTrainer(mine, lr, hidden, epochs, start, rule).box
