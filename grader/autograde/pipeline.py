"""The course's grading steps inside nbgrader's own autograde pipeline.

grader/nbgrader_config.py sets ``Autograde.autograde_preprocessors`` to nbgrader's default steps with
three changes, so `nbgrader autograde` run from grader/, formgrader's Autograde button and
`python -m grader grade` all grade the same hardened way, before nbgrader saves a single grade:

    GuardedExecute -> IgnorePattern -> ClearMetadataPreprocessor -> LimitOutput
        -> OutOfKernelCheck -> ScanFlags -> SaveAutoGrades -> AssignLatePenalties -> CheckCellMetadata

- GuardedExecute: nbgrader's Execute with the kernel inside the grading wall (grader/wall/__init__.py), a
  wall-clock limit per notebook, a cap on each cell's output, no client-side widget mirror, and a
  kernel that dies or stops answering costing only the cell it was in (later cells are not run in
  the kernel: the out-of-kernel check alone scores their tests, and the notebook is flagged). The
  course's own demonstrations (cells that solutions/ tags ``demo``) are not re-run: the mark is read
  from the solutions notebook, never from the submission, and a cell is skipped only when its code is
  the demonstration's own, word for word (``demo_cells``).
- OutOfKernelCheck: every graded function is called again outside the kernel, in a fresh process in
  the wall, on the hidden tests' own calls (built here, in the grader). A test cell the check fails gets
  the named mistake as an error output first, so SaveAutoGrades scores it zero: the lower score is kept.
- ScanFlags: the static scan's tampering flags, kept in the notebook's metadata for the report.

Every step records what it decided as data in the autograded notebook's metadata (``record``; read
back by grader/classwork/results.py, the one reader): the wall's mode (walled, how), the demonstrations skipped, the kernel's
stops (time limit, dead kernel, memory, notebook time used up) per cell, the check's verdicts, the
named mistake's label per graded cell that lost points, flags and notes.

``refuse_unless_walled`` is nbgrader's ``pre_convert_hook``: it refuses before nbgrader touches the
gradebook when student code cannot be isolated and nobody asked for grading without it by name.
What each step decided is kept in the autograded notebook's metadata under ``METADATA``.
"""
import copy
import json
import os
import time
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from nbgrader.utils import determine_grade, is_grade, is_solution
from traitlets import Bool, Enum, Float, Integer
from traitlets.config import Configurable

from grader import wall as grading_wall
from grader.autograde import out_of_kernel, scan
from grader.wall.kernels import QuickStartKernelManager

METADATA = "backprop_grading"  # notebook metadata key: {"wall", "demos_skipped", "kernel", "check",
# "in_kernel", "mistakes", "flags", "notes"}
PROGRESS_FD = "BACKPROP_GRADE_PROGRESS_FD"  # a pipe `grade` reads: one JSON line per notebook started
CUT_NOTE = "\n... output cut by the grader: more than {} bytes from one cell ...\n"
NOT_RUN = "backprop_not_run"  # cell metadata: the kernel had died before this cell
DEMO_TAG = "demo"  # a solutions/ cell tag: the course's own demonstration, the same for every student
DEMO_NOTE = ("(a demonstration of the course, the same for every student: shown in class, "
             "not re-run while grading)\n")
# A kernel stop (GuardedExecute) -> the label of a graded cell it cost (OutOfKernelCheck).
STOP_LABELS = {"time limit": "too slow (time limit)", "died": "kernel died", "memory limit": "memory limit",
               "notebook time limit": "not run (notebook time limit)"}
KERNEL_ONLY = "failed in the kernel only"  # a graded cell the kernel failed and the check passed, no stop recorded


class GradingWall(Configurable):
    """Where student code runs while grading (configure as c.GradingWall.*)."""

    allow_unwalled = Bool(False, help="grade even where student code cannot be walled in "
                                      "(recorded in every graded notebook)").tag(config=True)


def wall(parent):
    """The grading wall of this process (started on first use, closed at exit); raises grading_wall.Refused."""
    allow = GradingWall(config=parent.config).allow_unwalled
    course = Path(os.getcwd())  # nbgrader runs its converters from the course root
    return grading_wall.current(hide=[course], allow_unwalled=allow)


def refuse_unless_walled(config):
    """A pre_convert_hook: refuse (grading_wall.Refused, a SystemExit nbgrader does not swallow) before grading."""
    def hook(**_):
        grading_wall.verdict(GradingWall(config=config).allow_unwalled)
    return hook


def record(nb, key, value):
    """Keep value under nb.metadata[METADATA][key] (the report reads it from the autograded notebook)."""
    nb.metadata.setdefault(METADATA, {})[key] = value


def record_more(nb, key, items):
    """Add items to the list kept under nb.metadata[METADATA][key] (flags, kernel stops: several steps add)."""
    nb.metadata.setdefault(METADATA, {}).setdefault(key, []).extend(items)


def record_stop(nb, cell, stop):
    """Note that the kernel stopped in a cell: stop is a key of STOP_LABELS."""
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "a cell")
    record_more(nb, "kernel", [{"cell": grade_id, "stop": stop}])


def announce(resources):
    """Tell `grade` (through the pipe PROGRESS_FD names, when it does) which notebook starts."""
    fd = os.environ.get(PROGRESS_FD)
    info = (resources or {}).get("nbgrader", {})
    if fd and fd.isdigit():
        try:
            os.set_inheritable(int(fd), False)  # the wall's processes must not hold the pipe open after us
            os.write(int(fd), (json.dumps({"student": info.get("student"), "lesson": info.get("assignment")})
                               + "\n").encode())
        except OSError:
            pass


class GuardedExecute(Execute):
    """nbgrader's Execute in the grading wall, with a notebook time limit, an output cap and dead-kernel care."""

    notebook_timeout = Integer(300, help="seconds for the whole notebook; later cells are not run").tag(config=True)
    max_output_bytes = Integer(1_000_000, help="output bytes one cell may keep; the rest is dropped").tag(config=True)
    shutdown_kernel = Enum(["graceful", "immediate"], default_value="immediate").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", QuickStartKernelManager)
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        announce(resources)
        self._wall = wall(self)
        self._wall.reset()  # nothing of the previous notebook may still run
        record(nb, "wall", self._wall.mode.as_dict())
        record(nb, "kernel", [])
        self._nb = nb
        self._deadline = time.monotonic() + self.notebook_timeout
        self._kept, self._dead = {}, None
        skipped = self._mark_demos(nb, resources)
        nb, resources = super().preprocess(nb, resources, km)
        for cell in skipped:
            cell.metadata["tags"].remove(self.skip_cells_with_tag)
            cell.outputs = [new_output("stream", name="stdout", text=DEMO_NOTE)]
        return nb, resources

    def _mark_demos(self, nb, resources):
        """Tag for nbclient's skip (skip_cells_with_tag) exactly the cells solutions/ marks as demos; a
        submission's own skip tags are removed (and flagged), so it can skip nothing of its own."""
        demos = demo_cells(source_notebook(self, resources)) if resources and "nbgrader" in resources else {}
        skipped = []
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if self.skip_cells_with_tag in tags:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "a cell")
                record_more(nb, "flags", [
                    f"{grade_id}: tagged {self.skip_cells_with_tag!r} by the submission (ignored: the cell was run)"])
                cell.metadata["tags"] = tags = [t for t in tags if t != self.skip_cells_with_tag]
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.cell_type == "code" and grade_id in demos and cell.source == demos[grade_id]:
                cell.metadata["tags"] = [*tags, self.skip_cells_with_tag]
                skipped.append(cell)
        record(nb, "demos_skipped", [c.metadata["nbgrader"]["grade_id"] for c in skipped])
        return skipped

    def create_kernel_manager(self):
        """A kernel manager whose kernels start inside the grading wall."""
        self.km = self.kernel_manager_class(config=self.config, **self._wall.kernel_manager_kwargs())
        return self.km

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._dead is not None:
            cell.outputs = []
            cell.metadata[NOT_RUN] = True
            return cell, resources
        if time.monotonic() >= self._deadline:
            cell.outputs = [new_output("error", ename="NotebookTimeLimit", evalue="not run",
                                       traceback=[f"NotebookTimeLimit: the notebook used up its "
                                                  f"{self.notebook_timeout} s; this cell was not run"])]
            record_stop(self._nb, cell, "notebook time limit")
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, CellTimeoutError) as exc:  # this cell scores zero; the check judges the rest
            self._dead = index
            record_stop(self._nb, cell, "died" if isinstance(exc, DeadKernelError) else "time limit")
            why = ("the kernel died while running this cell (os._exit, a crash, a kill or a limit)"
                   if isinstance(exc, DeadKernelError) else "the kernel stopped answering in this cell (time limit)")
            cell.outputs = [new_output("error", ename=type(exc).__name__, evalue=why,
                                       traceback=[f"{type(exc).__name__}: {why}"])]
            return cell, resources
        for output in cell.get("outputs", []):  # the kernel's own stops: interrupted at the time limit, out of memory
            if output.get("output_type") == "error" and output.get("ename") in KERNEL_STOPS:
                record_stop(self._nb, cell, KERNEL_STOPS[output["ename"]])
        return cell, resources

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


KERNEL_STOPS = {"KeyboardInterrupt": "time limit", "CellTimeoutError": "time limit",  # an error output of a stop
                "MemoryError": "memory limit"}

_HIDDEN = {}  # solutions notebook path -> (mtime, hidden cases, setup source)
_DEMOS = {}  # solutions notebook path -> (mtime, {grade_id: source})


def demo_cells(path):
    """grade_id -> source of every locked code cell the solutions notebook tags DEMO_TAG ({} if none)."""
    import nbformat
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return {}  # no source notebook to trust: every cell runs
    if _DEMOS.get(path, (None,))[0] != stamp:
        source = nbformat.read(path, as_version=4)
        _DEMOS[path] = (stamp, {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
                                if c.cell_type == "code" and DEMO_TAG in c.metadata.get("tags", [])
                                and c.metadata.get("nbgrader", {}).get("locked")
                                and not is_grade(c) and not is_solution(c)})
    return _DEMOS[path][1]


def hidden_tests(path):
    """(hidden cases, setup source) of a solutions notebook, built once per process and file version."""
    import nbformat
    stamp = os.stat(path).st_mtime_ns
    if _HIDDEN.get(path, (None,))[0] != stamp:
        source = nbformat.read(path, as_version=4)
        setup = next((c.source for c in source.cells
                      if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"), "import numpy as np")
        _HIDDEN[path] = (stamp, out_of_kernel.hidden_cases(source), setup)
    return _HIDDEN[path][1:]


def source_notebook(preprocessor, resources):
    """The solutions notebook this submission answers (nbgrader's source directory, from the course root)."""
    converter = getattr(getattr(preprocessor, "parent", None), "parent", None)
    coursedir = getattr(converter, "coursedir", None)
    folder = coursedir.source_directory if coursedir is not None else "solutions"
    info = resources["nbgrader"]
    return os.path.join(os.getcwd(), folder, info["assignment"], f"{info['notebook']}.ipynb")


class OutOfKernelCheck(NbGraderPreprocessor):
    """Check every graded function outside the kernel; a test cell it fails scores zero, with the mistake named."""

    case_timeout = Float(5.0, help="seconds per call of a graded function outside the kernel").tag(config=True)

    def preprocess(self, nb, resources):
        tests, setup = hidden_tests(source_notebook(self, resources))
        results, notes = out_of_kernel.run_check(out_of_kernel.student_cells(nb), setup, tests,
                                           case_timeout=self.case_timeout, spawn=wall(self).python_argv)
        checked = out_of_kernel.score_results(tests, results)
        stops = {s["cell"]: s["stop"] for s in nb.metadata.get(METADATA, {}).get("kernel", [])}
        kernel, flags, labels = {}, [], {}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id not in checked or not is_grade(cell) or is_solution(cell):
                continue
            score, points, reason, label = checked[grade_id]
            in_kernel = None if cell.metadata.pop(NOT_RUN, False) else determine_grade(cell)[0]
            kernel[grade_id] = in_kernel
            if reason:
                labels[grade_id] = label
            elif in_kernel is not None and in_kernel < points:
                labels[grade_id] = STOP_LABELS.get(stops.get(grade_id), KERNEL_ONLY)
            if in_kernel is None:
                flags.append(f"{grade_id}: scored by the out-of-kernel check only (the kernel had died before it)")
            elif score < in_kernel:
                flags.append(f"{grade_id}: passed in the kernel but failed outside it ({reason})")
            if reason and (in_kernel is None or score < in_kernel):
                text = f"{reason} (checked outside your notebook's kernel)"
                cell.outputs.insert(0, new_output("error", ename="AssertionError", evalue=text,
                                                  traceback=[f"AssertionError: {text}"]))
        record(nb, "check", {k: list(v[:3]) for k, v in checked.items()})
        record(nb, "in_kernel", kernel)
        record(nb, "mistakes", labels)
        record(nb, "notes", notes)
        record_more(nb, "flags", flags)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        return cell, resources


class ScanFlags(NbGraderPreprocessor):
    """The static scan of the student's own code: tampering flags, kept for the instructor's report."""

    def preprocess(self, nb, resources):
        flags = scan.scan_notebook(out_of_kernel.student_cells(nb, strip=False))
        record_more(nb, "flags", flags)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        return cell, resources


def autograde_preprocessors():
    """nbgrader's own autograde steps, in its order, guarded, with the check and the scan before SaveAutoGrades."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import SaveAutoGrades
    steps = []
    for step in Autograde.autograde_preprocessors.default():
        if step is SaveAutoGrades:
            steps += [OutOfKernelCheck, ScanFlags]
        steps.append(GuardedExecute if step is Execute else step)
    return steps


def graded_summary(nb):
    """What the pipeline recorded in an autograded notebook (see METADATA), a copy."""
    return copy.deepcopy(dict(nb.metadata.get(METADATA, {})))
