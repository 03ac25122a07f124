"""A throwaway copy of the course with a real gradebook, graded by nbgrader's own commands."""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from coursekit.course import ROOT


class TempCourse:
    """The course's config and solutions copied to `path`, assignments generated into its gradebook.

    nbgrader finds the grading steps and plugins the config names in the installed grader package.
    """

    def __init__(self, path):
        self.root = Path(path)
        for part in ("solutions", "grader/nbgrader_config.py"):
            src, dst = ROOT / part, self.root / part
            dst.parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
        self.nbgrader("generate_assignment", "--force", "--CourseDirectory.assignment_id=*")

    def nbgrader(self, *args):
        """Run one nbgrader command from the course's grader/ folder; fail loudly on a non-zero exit."""
        cmd = [sys.executable, "-m", "nbgrader", *args]
        result = subprocess.run(cmd, cwd=self.root / "grader", capture_output=True, text=True)
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result

    def submit(self, student, lesson, nb):
        """Hand in nb as student's submission of lesson."""
        folder = self.root / "grader" / "submitted" / student / lesson
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(folder / f"{lesson}.ipynb"))

    def autograde(self):
        """Autograde every submission, in nbgrader processes over disjoint student prefixes (p0-, p1-, ...)."""
        students = sorted(p.name for p in (self.root / "grader" / "submitted").iterdir())
        logs = self._autograde_groups(sorted({s.split("-", 1)[0] for s in students}))
        for group, (code, log) in logs.items():
            assert code == 0, f"nbgrader autograde exited {code} for {group}-*:\n...{log[-4000:]}"
        return "\n".join(log for _, log in logs.values())

    def _autograde_groups(self, groups):
        procs = {g: subprocess.Popen([sys.executable, "-m", "nbgrader", "autograde", "--force",
                                      "--CourseDirectory.assignment_id=*",
                                      f"--CourseDirectory.student_id={g}-*"],
                                     cwd=self.root / "grader", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True) for g in groups}
        outputs = {g: p.communicate()[0] for g, p in procs.items()}
        return {g: (procs[g].returncode, outputs[g]) for g in groups}

    def scores(self, student, lesson):
        """grade_id -> (score, max_score) for every graded cell of one autograded submission."""
        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{self.root / 'grader' / 'gradebook.db'}") as gb:
            nb = gb.find_submission_notebook(lesson, lesson, student)
            return {g.name: (g.score, g.max_score) for g in nb.grades}

    def autograded(self, student, lesson):
        """The autograded notebook of one submission."""
        return nbformat.read(self.root / "grader" / "autograded" / student / lesson / f"{lesson}.ipynb", as_version=4)

    def graded_outputs(self, student, lesson, grade_id):
        """All text a graded cell printed in the autograded notebook (errors included)."""
        for cell in self.autograded(student, lesson).cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return "\n".join(_text(o) for o in cell.get("outputs", []))
        raise KeyError(grade_id)


def _text(output):
    if output.output_type == "error":
        return f"{output.ename}: {output.evalue}"
    if output.output_type == "stream":
        return output.text
    return str(output.get("data", {}).get("text/plain", ""))
