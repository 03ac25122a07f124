"""One in-kernel grading worker: stock `nbgrader autograde` with a guarded Execute step.

`python -m grader.worker autograde ARGS...` is nbgrader's own command line (same gradebook, same
autograded notebooks, same scores for honest work). Two differences, both on nbgrader's side of the
kernel, where student code cannot reach them:

- `GuardedExecute` replaces nbgrader's `Execute`: a wall-clock limit for the whole notebook (cells
  after it get an error output and score zero), a cap on the output a cell may keep (a flood of
  prints cannot fill the grader's memory or the gradebook), kernels stopped at once instead of
  politely (0.2 s saved per notebook), and no client-side widget models: nbclient's Output-widget
  mirror writes to the shell socket while it waits for a reply on it, and on a loaded machine the
  reply then arrives only at the cell timeout (30 s lost on an explorer cell now and then); and a
  start-up handshake that does not idle 0.2 s per kernel on an empty channel.
- jsonschema's optional IRI checker (`rfc3987_syntax`, 1.5 s of import per process, unused by
  nbgrader) is not imported.
"""
import json
import sys
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Enum, Integer, Type

CUT_NOTE = "\n... output cut by the grader: more than {} bytes from one cell ...\n"


class QuickStartClient(AsyncKernelClient):
    """jupyter_client's start-up handshake without its final 0.2 s wait on an already empty IOPub channel."""

    async def _async_wait_for_ready(self, timeout=None):
        deadline = time.monotonic() + (timeout or 60)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.2)  # IOPub connected: its status message came
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:  # drop what is left of the handshake (its idle status arrives within milliseconds)
            try:
                await self.iopub_channel.get_msg(timeout=0.02)
            except Empty:
                return

    wait_for_ready = _async_wait_for_ready


class QuickStartKernelManager(AsyncKernelManager):
    """AsyncKernelManager (nbgrader's default) whose clients are QuickStartClients."""

    client_factory = Type(QuickStartClient, klass=AsyncKernelClient)


class GuardedExecute(Execute):
    """nbgrader's Execute with a per-notebook wall-clock limit, an output cap and immediate shutdown."""

    notebook_timeout = Integer(300, help="seconds for the whole notebook; later cells are not run").tag(config=True)
    max_output_bytes = Integer(1_000_000, help="output bytes one cell may keep; the rest is dropped").tag(config=True)
    shutdown_kernel = Enum(["graceful", "immediate"], default_value="immediate").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", QuickStartKernelManager)
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        self._kept = {}
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and time.monotonic() >= self._deadline:
            cell.outputs = [new_output("error", ename="NotebookTimeLimit", evalue="not run",
                                       traceback=[f"NotebookTimeLimit: the notebook used up its "
                                                  f"{self.notebook_timeout} s; this cell was not run"])]
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        left = max(1, int(self._deadline - time.monotonic()) + 1)
        return left if timeout is None else min(timeout, left)

    def on_comm_open_jupyter_widget(self, msg):
        return None

    def output(self, outs, msg, display_id, cell_index):
        kept = self._kept.get(cell_index, 0)
        size = len(json.dumps(msg["content"], default=str))
        if msg["msg_type"] == "error":  # an error decides a test's score: always kept, only shortened
            msg["content"]["traceback"] = [line[:2000] for line in msg["content"].get("traceback", [])[:200]]
            msg["content"]["evalue"] = str(msg["content"].get("evalue", ""))[:2000]
            return super().output(outs, msg, display_id, cell_index)
        self._kept[cell_index] = kept + size
        if kept + size <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if kept <= self.max_output_bytes:
            outs.append(new_output("stream", name="stderr", text=CUT_NOTE.format(self.max_output_bytes)))
        return None


def autograde_preprocessors():
    """nbgrader's own autograde steps, in its order, with Execute swapped for GuardedExecute."""
    from nbgrader.converters import Autograde
    return [GuardedExecute if step is Execute else step for step in Autograde.autograde_preprocessors.default()]


def main(argv):
    sys.modules.setdefault("rfc3987_syntax", None)  # optional for jsonschema; never used by nbgrader
    from nbgrader.apps.nbgraderapp import NbGraderApp
    from traitlets.config import Config
    config = Config()
    config.Autograde.autograde_preprocessors = autograde_preprocessors()
    NbGraderApp.launch_instance(argv=argv, config=config)


if __name__ == "__main__":
    main(sys.argv[1:])
