"""The grading wall's kernels for jupyter_client: a kernelspec that means one kernel forked in the wall, and a
kernel manager and client that do not idle (no 0.2 s wait at start-up, no 0.1 s polls at shutdown)."""
import asyncio
import time
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from queue import Empty
from traitlets import Instance, Unicode
from traitlets import Type


class WallKernelSpecs(KernelSpecManager):
    """A KernelSpecManager for which every kernel name means one kernel: a Python 3 kernel forked in the wall.

    Interrupts are messages (interrupt_mode "message"): the kernel's pid lives in the wall's own PID
    namespace, out of reach of a signal from jupyter_client.
    """

    name = Unicode("python3")
    spec = Instance(KernelSpec)

    @classmethod
    def for_argv(cls, name, argv):
        """The manager of the kernel `name` started by argv (with `{connection_file}` in it)."""
        return cls(name=name, spec=KernelSpec(argv=argv, display_name="Python 3 (grading wall)", language="python",
                                               interrupt_mode="message", env={}, metadata={}))

    def find_kernel_specs(self):
        return {self.name: ""}

    def get_kernel_spec(self, kernel_name):
        return self.spec

    def get_all_specs(self):
        return {self.name: {"resource_dir": "", "spec": self.spec.to_dict()}}


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


GONE_POLL = 0.005  # seconds between checks that a killed kernel process has gone
GONE_WAIT = 5.0  # seconds after which jupyter_client's own shutdown takes over (it waits 5 s more, then warns)


class QuickStartKernelManager(AsyncKernelManager):
    """AsyncKernelManager (nbgrader's default) whose clients are QuickStartClients and whose kill does not idle.

    jupyter_client kills a kernel, then polls every 0.1 s until its process is gone (twice: manager and
    provisioner); here the process is killed and awaited at 5 ms steps first, so both polls find it gone.
    """

    client_factory = Type(QuickStartClient, klass=AsyncKernelClient)

    async def shutdown_kernel(self, now=False, restart=False):
        if now and self.provisioner is not None and self.provisioner.has_process:
            await self.provisioner.kill(restart=restart)
            deadline = time.monotonic() + GONE_WAIT
            while await self.provisioner.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(GONE_POLL)
        await super().shutdown_kernel(now=now, restart=restart)
