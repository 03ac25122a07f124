"""The kernelspec of the grading wall, for jupyter_client (kept apart so isolation.py imports no Jupyter)."""
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from traitlets import Instance, Unicode


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
