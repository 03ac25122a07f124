"""`make lab`: the student's own copies of the lessons, in my-work/, so that updating the course never
touches their work and their work never blocks an update (`git pull` changes lessons/, not my-work/).

Copies every lesson file that my-work/ does not have yet (a new lesson arrives with the next `make lab`);
never overwrites one that is there. A fresh copy of a lesson: rename or delete yours, run `make lab`.

    python tools/my_work.py [LESSONS [MY_WORK]]
"""
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_new(lessons, my_work):
    """Copy files under `lessons` missing from `my_work` (same relative paths); return the copied paths."""
    copied = []
    for source in sorted(Path(lessons).rglob("*")):
        if source.is_dir() or ".ipynb_checkpoints" in source.parts:
            continue
        target = Path(my_work) / source.relative_to(lessons)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            copied.append(target)
    return copied


def main(argv):
    lessons = Path(argv[0]) if argv else ROOT / "lessons"
    my_work = Path(argv[1]) if len(argv) > 1 else ROOT / "my-work"
    copied = copy_new(lessons, my_work)
    if copied:
        print(f"my_work: copied {len(copied)} lesson file(s) into {my_work}/ (your copies: edit these).")
    else:
        print(f"my_work: {my_work}/ has every lesson; your work there is left as it is.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
