"""A kernel client whose start-up handshake does not idle 0.2 s on an already empty channel."""
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type


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
