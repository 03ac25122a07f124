"""nbgrader's file exchange with private submissions: one student can neither read nor replace another's.

Stock nbgrader 0.9.6 leaves every submission world-readable (files 0644) in a world-writable folder
(0777), inside an inbound folder every student may write to; only the random name hides it. And
`nbgrader collect` merely *warns* when a submission's folder is owned by someone else than the
student its name claims ("cheating attempt?"), then collects it: `nbgrader submit 01_error --student
alice`, run by bob, replaces alice's work with bob's at the next collect.

With these classes (chosen in the role configs: `c.ExchangeFactory.submit`, `c.ExchangeFactory.collect`)
and the folder modes `classhub/prepare.py` sets (inbound: group = the instructors' group, setgid and
sticky, not readable by others):

- a submission belongs to its student and to the instructors' group only (folders 0770, files 0640),
  so another student can neither list, read, change nor rename it (the sticky bit stops renames);
- a student can submit only as themselves;
- collect skips (with an error naming both) any submission whose owner is not the student it names,
  so a forged newer submission cannot replace the real one.
"""
import datetime
import os
import pwd

from nbgrader.exchange.default import ExchangeCollect, ExchangeSubmit
from nbgrader.utils import get_username

DIR_MODE, FILE_MODE = 0o770, 0o640


def owner(path):
    """User name owning path (or 'uid N' when the id has no name)."""
    uid = os.stat(path).st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def make_private(top):
    """Folders under top (top included) 0770, files 0640: the owner and the folder's group only."""
    for folder, _, files in os.walk(top):
        for name in files:
            os.chmod(os.path.join(folder, name), FILE_MODE)
        os.chmod(folder, DIR_MODE)


class PrivateSubmit(ExchangeSubmit):
    """`nbgrader submit` whose submission only its student and the instructors' group can open."""

    def init_dest(self):
        me = get_username()
        if self.coursedir.student_id not in ("*", "", me):
            self.fail(f"You can only submit as yourself ({me}), not as {self.coursedir.student_id}.")
        super().init_dest()

    def copy_files(self):
        super().copy_files()
        make_private(os.path.join(self.inbound_path, self.assignment_filename))


class PrivateCollect(ExchangeCollect):
    """`nbgrader collect` that never collects a submission owned by someone else than the student it names."""

    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        record["owner"] = owner(os.path.join(self.inbound_path, record["filename"]))
        if record["owner"] != record["username"]:
            self.log.error("NOT collected %s: it claims to be %s's but belongs to %s",
                           record["filename"], record["username"], record["owner"])
            # sorted as the oldest: never chosen over a genuine one (and skipped in copy_files)
            record["timestamp"] = datetime.datetime.min.replace(tzinfo=record["timestamp"].tzinfo)
        return record

    def copy_files(self):
        self.src_records = [r for r in self.src_records if r["owner"] == r["username"]]
        super().copy_files()
