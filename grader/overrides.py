"""Every private part of jupyter_client, nbclient, ipywidgets or nbgrader the grader overrides or calls.

Each is kept only for what it buys (measured, see docs/grading.md) and is written against the
signature recorded here; tests/test_overrides.py fails when a pinned upgrade changes or drops one.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Private:
    """One private name: where it lives, its signature, who uses it, and the gain that pays for it."""
    target: str      # "module:Class.attribute" or "module:function"
    signature: str   # str(inspect.signature(...)) of the pinned version
    used_by: str     # "module:Class.method" (an override) or "module" (a call)
    gain: str


PRIVATE = [
    Private("jupyter_client.asynchronous.client:AsyncKernelClient._async_wait_for_ready",
            "(self, timeout: float | None = None) -> None", "grader.wall.kernels:QuickStartClient._async_wait_for_ready",
            "overridden: the start-up handshake without its final 0.2 s idle wait; a kernel in the wall is "
            "ready in 0.21 s instead of 0.40 s (benchmarks/wall_kernel_start.py), once per notebook"),
    Private("jupyter_client.asynchronous.client:AsyncKernelClient._handle_kernel_info_reply",
            "(self, msg: Dict[str, Any]) -> None", "grader.wall.kernels",
            "called by the quick handshake, as jupyter_client's own handshake does"),
    Private("jupyter_client.asynchronous.client:AsyncKernelClient._async_is_alive",
            "(self) -> bool", "grader.wall.kernels", "called by the quick handshake, as jupyter_client's own does"),
    Private("nbclient.client:NotebookClient._get_timeout",
            "(self, cell: 'NotebookNode | None') -> 'int | None'", "grader.autograde.pipeline:GuardedExecute._get_timeout",
            "overridden: a cell's timeout shrinks to what is left of the notebook's wall-clock limit, so a "
            "notebook of slow cells cannot hold a grading process for cells x 30 s"),
    Private("ipywidgets:_handle_ipython", "()", "grader.wall.inside.zygote",
            "called: kernels forked from the warm zygote register the widget comm target as importing "
            "ipywidgets in a fresh kernel would; the zygote saves about 1.3 s per notebook"),
    Private("nbgrader.apps.zipcollectapp:ZipCollectApp._format_collect_path", "(self, collect_step)",
            "grader.classwork.plugins", "called: where zip_collect keeps the archive and extracted files, so the course's "
            "file-name plugin reports duplicates and conflicts over the whole upload"),
]
