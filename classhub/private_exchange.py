"""nbgrader's file exchange with private submissions, and a collect that trusts nothing a student left.

Stock nbgrader 0.9.6 leaves every submission world-readable (files 0644) in a world-writable folder
(0777), inside an inbound folder every student may write to; only the random name hides it. Its
`nbgrader collect` merely *warns* about a submission owned by someone else than the student its name
claims, copies with `copytree`'s default (which follows symbolic links), takes the submission's time
from the folder's name (which the student chose), and stops the whole class's collect at the first
entry it cannot parse or copy. Its `release_feedback` stops for everyone at one damaged
`submission_secret.txt`.

With these classes (chosen in the role configs: `c.ExchangeFactory.submit`, `.collect`,
`.release_feedback`) and the folder modes `classhub/prepare.py` sets (inbound: group = the
instructors' group, setgid and sticky, not readable by others):

- a submission belongs to its student and to the instructors' group only (folders 0770, files 0640),
  so another student can neither list, read, change nor rename it; a student submits only as themselves;
- collect takes only what the student handed in: regular files and folders the student owns, opened
  without following links (O_NOFOLLOW, checked on the open file), never a link, a hard link to another
  file, a special file (fifo, socket, device) or anything over nbgrader's size limits; each refused
  entry is reported by name and the rest of the class is collected;
- a submission's time is the kernel's change time (ctime) of the latest thing in it: the student can
  make it later (by changing their submission, which then counts as handed in then) and never earlier,
  whatever the folder's name or `timestamp.txt` says; the collected `timestamp.txt` says that time;
- release_feedback skips (with an error naming the student) a submission whose secret was damaged,
  and releases everyone else's feedback.

fetch_feedback and release_assignment read only folders no student can write (`feedback/` 2771,
`outbound/` 2775, the instructors' course), so they need no change.
"""
import datetime
import fnmatch
import glob
import os
import pwd
import re
import shutil
import stat

from nbgrader.exchange.default import ExchangeCollect, ExchangeReleaseFeedback, ExchangeSubmit
from nbgrader.utils import get_username

DIR_MODE, FILE_MODE = 0o770, 0o640
MAX_ENTRIES = 1000          # files and folders in one submission (a lesson has three)
SECRET = re.compile(r"[0-9a-f]{128}")  # what nbgrader's submit writes (secrets.token_hex(64))
CHUNK = 1 << 20


def user_name(uid):
    """User name of uid (or 'uid N' when the id has no name)."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def owner(path):
    """User name owning path itself (a link is not followed)."""
    return user_name(os.lstat(path).st_uid)


def make_private(top):
    """Folders under top (top included) 0770, files 0640: the owner and the folder's group only."""
    for folder, _, files in os.walk(top):
        for name in files:
            os.chmod(os.path.join(folder, name), FILE_MODE)
        os.chmod(folder, DIR_MODE)


def utc(seconds):
    """A time in seconds as nbgrader compares times: a naive datetime in UTC."""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).replace(tzinfo=None)


class Refused(Exception):
    """A submission collect will not take at all (the message says why)."""


def kind(mode):
    """A file type in words, for a refusal."""
    for test, word in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a fifo"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return word
    return "a special file"


class Taker:
    """Walks one submission folder as its student left it, without following any link.

    `walk(dest)` copies what may be taken into dest (or, with dest None, only looks); afterwards
    `refused` lists (relative path, reason) and `latest` is the newest ctime seen (seconds).
    """

    def __init__(self, top, uid, max_file, max_total, skip=(), keep=("*",)):
        self.top, self.uid, self.max_file, self.max_total = top, uid, max_file, max_total
        self.skip, self.keep = skip, keep
        self.refused, self.latest, self.total, self.entries = [], 0.0, 0, 0

    def walk(self, dest=None):
        """Take the submission (into dest when given); raises Refused when its folder itself is not the student's."""
        try:
            fd = os.open(self.top, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError as err:
            raise Refused(f"it is not a folder ({err.strerror})") from None
        try:
            st = os.fstat(fd)
            if st.st_uid != self.uid:
                raise Refused(f"it belongs to {user_name(st.st_uid)}")
            self._seen(st)
            if dest is not None:
                os.makedirs(dest)
            self._folder(fd, "", dest)
        finally:
            os.close(fd)
        return self

    def _seen(self, st):
        self.latest = max(self.latest, st.st_ctime)

    def _refuse(self, rel, reason):
        self.refused.append((rel, reason))

    def _wanted(self, name):
        return not any(fnmatch.fnmatch(name, p) for p in self.skip)

    def _folder(self, dir_fd, rel, dest):
        for name in sorted(os.listdir(dir_fd)):
            path = f"{rel}{name}"
            self.entries += 1
            if self.entries > MAX_ENTRIES:
                return self._refuse(path, f"more than {MAX_ENTRIES} entries in the submission")
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            self._seen(st)
            if not self._wanted(name):
                continue
            if stat.S_ISDIR(st.st_mode):
                self._subfolder(dir_fd, name, path, dest)
            elif stat.S_ISREG(st.st_mode):
                if any(fnmatch.fnmatch(name, p) for p in self.keep):
                    self._file(dir_fd, name, path, dest)
            else:
                self._refuse(path, kind(st.st_mode))

    def _opened(self, dir_fd, name, path, flags):
        """(fd, stat) of name opened without following a link, or None (refused) when it is not the student's own."""
        try:
            fd = os.open(name, flags | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
        except OSError as err:
            return self._refuse(path, f"cannot be opened safely ({err.strerror})")
        st = os.fstat(fd)
        self._seen(st)
        reason = (f"belongs to {user_name(st.st_uid)}" if st.st_uid != self.uid else
                  None if stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode) else kind(st.st_mode))
        if reason is None and stat.S_ISREG(st.st_mode) and st.st_nlink != 1:
            reason = f"a hard link ({st.st_nlink} names for one file)"
        if reason:
            os.close(fd)
            return self._refuse(path, reason)
        return fd, st

    def _subfolder(self, dir_fd, name, path, dest):
        opened = self._opened(dir_fd, name, path, os.O_RDONLY | os.O_DIRECTORY)
        if opened:
            fd, _ = opened
            try:
                target = None if dest is None else os.path.join(dest, name)
                if target:
                    os.mkdir(target)
                self._folder(fd, f"{path}/", target)
            finally:
                os.close(fd)

    def _file(self, dir_fd, name, path, dest):
        opened = self._opened(dir_fd, name, path, os.O_RDONLY)
        if not opened:
            return
        fd, st = opened
        try:
            if st.st_size > self.max_file:
                return self._refuse(path, f"{st.st_size} bytes, over the limit of {self.max_file}")
            if self.total + st.st_size > self.max_total:
                return self._refuse(path, f"the submission would be over its limit of {self.max_total} bytes")
            self.total += st.st_size
            if dest is not None:
                self._copy(fd, os.path.join(dest, name), path, st.st_size)
        finally:
            os.close(fd)

    def _copy(self, fd, target, path, size):
        """Copy at most the size fstat saw (a file that grows meanwhile is cut there, and refused)."""
        with open(target, "xb") as out:
            left = size
            while left > 0:
                block = os.read(fd, min(CHUNK, left))
                if not block:
                    break
                out.write(block)
                left -= len(block)
        if os.read(fd, 1):
            os.unlink(target)
            self._refuse(path, "it changed while it was being collected")


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
    """`nbgrader collect` that takes only what each student handed in, timed by the kernel, one student at a time."""

    def _taker(self, filename, uid):
        cd = self.coursedir
        return Taker(os.path.join(self.inbound_path, filename), uid, max_file=1000 * cd.max_file_size,
                     max_total=1000 * cd.max_dir_size, skip=cd.ignore, keep=cd.include)

    def _path_to_record(self, path):
        """nbgrader's record of one inbound entry, timed by the kernel; refused entries sort as the oldest."""
        filename = os.path.basename(path)
        claimed = filename.rsplit("+", 3)[0]
        record = {"username": claimed, "filename": filename, "timestamp": datetime.datetime.min}
        try:
            if filename.count("+") < 2:
                raise Refused("its name is not student+assignment+time")
            try:
                uid = pwd.getpwnam(claimed).pw_uid
            except KeyError:
                raise Refused(f"no user is called {claimed!r}") from None
            taker = self._taker(filename, uid).walk()
        except (Refused, OSError) as err:
            record["refused"] = str(err) if isinstance(err, Refused) else f"unreadable ({err})"
            self.log.error("NOT collected %s (claims to be %s's): %s", filename, claimed, record["refused"])
            return record
        record["timestamp"] = utc(taker.latest)
        return record

    def copy_files(self):
        self.src_records = [r for r in self.src_records if not r.get("refused")]
        self._times = {r["username"]: r["timestamp"] for r in self.src_records}
        super().copy_files()

    def do_copy(self, src, dest, log=None):
        """Take one submission into dest, with the kernel's time in timestamp.txt; never raises for one student."""
        student = os.path.basename(os.path.dirname(dest))
        partial = f"{dest}.collecting"
        shutil.rmtree(partial, ignore_errors=True)
        try:
            taker = self._taker(os.path.basename(src), pwd.getpwnam(student).pw_uid).walk(partial)
            when = max(utc(taker.latest), self._times.get(student, datetime.datetime.min))
            with open(os.path.join(partial, "timestamp.txt"), "w") as fh:
                fh.write(when.replace(tzinfo=datetime.timezone.utc).strftime(self.timestamp_format))
            self._share(partial)
            os.rename(partial, dest)
        except (Refused, OSError, KeyError) as err:
            shutil.rmtree(partial, ignore_errors=True)
            self.log.error("NOT collected %s: %s", src, err)
            return
        for rel, reason in taker.refused:
            self.log.error("NOT collected from %s's submission: %s (%s)", student, rel, reason)

    def _share(self, top):
        """The collected copy readable by the course's group when it is shared, like nbgrader's own copy."""
        dmode, fmode = (0o2770, 0o660) if self.coursedir.groupshared else (0o755, 0o644)
        for folder, _, files in os.walk(top):
            os.chmod(folder, dmode)
            for name in files:
                os.chmod(os.path.join(folder, name), fmode)


class PrivateReleaseFeedback(ExchangeReleaseFeedback):
    """`nbgrader release_feedback` one student at a time: a damaged secret costs only its own student."""

    def copy_files(self):
        for folder in sorted(glob.glob(self.src_path)):
            student = os.path.basename(os.path.dirname(folder))
            try:
                with open(os.path.join(folder, "submission_secret.txt")) as fh:
                    secret = fh.read()
            except OSError as err:
                secret, why = None, err.strerror
            else:
                why = "it is not the secret nbgrader's submit wrote"
            if secret is None or not SECRET.fullmatch(secret):
                self.log.error("NOT released: %s's feedback on %s: their submission_secret.txt is damaged (%s), so "
                               "the exchange cannot deliver it; hand them %s yourself", student,
                               self.coursedir.assignment_id, why, folder)
                continue
            self.src_path = folder
            try:
                super().copy_files()
            except OSError as err:
                self.log.error("NOT released: %s's feedback on %s: %s", student, self.coursedir.assignment_id, err)
