"""Files the user names: read only regular files (a FIFO or a device never blocks a command),
write through a temporary file next to the target (a crash or a full disk leaves no half file),
and sweep up the temporary files a killed writer left behind.

A temporary file is named `.{target name}.{writer pid}-{8 random characters}.tmp` in the
target's folder; `.{target name}.{8 random characters}.tmp` (no pid) is the older form.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import Iterable

TEMP_SUFFIX = ".tmp"
# the names tempfile.mkstemp adds: 8 characters of this alphabet
_TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.(?:(?P<pid>[0-9]{1,10})-)?[a-z0-9_]{8}\.tmp$")
STRAY_AGE_S = 60.0  # a temporary file this old is stray even if its writer's pid is alive (reused)


class NotARegularFile(OSError):
    """A path that names a folder, a FIFO, a device or a socket where a file is wanted."""

    def __init__(self, what: str):
        super().__init__(errno.EINVAL, f"is {what}, not a regular file")


def kind_of(mode: int) -> str:
    """What a file mode names, for a message: 'a folder', 'a named pipe (FIFO)', ..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def check_regular(path: os.PathLike | str) -> os.stat_result:
    """stat `path` (following links) without opening it; NotARegularFile unless it is a regular file."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(kind_of(st.st_mode))
    return st


def read_regular(path: os.PathLike | str, limit: int | None = None) -> bytes:
    """The bytes of a regular file, at most `limit` + 1 of them (the caller sees it is too long).

    Checked before opening, and opened non-blocking and checked again, so a FIFO swapped in
    between never blocks.
    """
    check_regular(path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(kind_of(st.st_mode))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read() if limit is None else fh.read(limit + 1)
    finally:
        os.close(fd)


def read_text(path: os.PathLike | str) -> str:
    """A regular file's UTF-8 text with newlines made "\\n", as `Path.read_text` gives it
    (UnicodeDecodeError for other bytes)."""
    text = read_regular(path).decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _file_mode(path: Path) -> int:
    """Keep the mode of the file being replaced; else the usual mode under the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _stage(path: Path, data: bytes) -> str:
    """Write `data` to a fresh temporary file next to `path` and fsync it; its name is returned.
    On any error the temporary file is removed and the error raised."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=TEMP_SUFFIX, dir=_folder(path))
    try:
        os.chmod(tmp, _file_mode(path))  # mkstemp makes 0600; an output is an ordinary file
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path: str | Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    try:  # make the renames themselves durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def _check_replaceable(path: Path) -> None:
    """NotARegularFile for a target that is a FIFO, a device, a socket or a folder (or a link to
    one): the rename would put a file in its place (run as root, `--out /dev/null` would replace
    the system's null device)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError:
        return  # what the write itself will say
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(kind_of(st.st_mode))


def write_atomic(path: os.PathLike | str, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, rename over the target.

    A crash or a full disk (OSError) leaves the previous file intact and no partial file behind.
    """
    write_all_atomic([(Path(path), data)])


def write_all_atomic(files: Iterable[tuple[os.PathLike | str, bytes]]) -> None:
    """Write several files so that a failure while writing them (a full disk) writes none.

    Every file is first written to its temporary file; only when all are on disk are they renamed
    into place, in the order given (put the file that shows the rest is complete last). On an
    error (OSError, e.g. ENOSPC) every temporary file, and every folder this call made that is
    still empty, is removed before the error is raised. A rename needs no space; should one fail
    all the same, the files renamed before it stay new. Stray temporary files of the same targets
    (clean_stray_temps: a killed writer's) are swept first, so every writer cleans up after a crash.
    """
    items = [(Path(p), data) for p, data in files]
    for path, _ in items:
        _check_replaceable(path)
        clean_stray_temps(_folder(path), (path.name,))  # what an earlier writer of it left when killed
    made: list[Path] = []  # folders created here, outermost first
    staged: list[tuple[str, Path]] = []
    try:
        for path, _ in items:
            missing = []
            folder = _folder(path)
            while not folder.exists() and folder != folder.parent:
                missing.append(folder)
                folder = folder.parent
            for folder in reversed(missing):
                folder.mkdir(exist_ok=True)
                made.append(folder)
        for path, data in items:
            staged.append((_stage(path, data), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            _unlink(tmp)  # a renamed one is gone already
        for folder in reversed(made):
            try:
                folder.rmdir()  # only if still empty
            except OSError:
                pass
        raise
    for folder in {_folder(path) for path in (p for p, _ in items)}:
        _sync_folder(folder)


def rename_new(src: os.PathLike | str, dst: os.PathLike | str) -> None:
    """Rename a regular file to a name that is not taken; FileExistsError if it is.

    A hard link then an unlink, so a file that appears under `dst` meanwhile is never replaced
    (os.rename would replace it); where the file system has no hard links, a check then a rename.
    """
    src, dst = Path(src), Path(dst)
    check_regular(src)
    try:
        os.link(src, dst, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if os.path.lexists(dst):
            raise FileExistsError(errno.EEXIST, "a file of that name exists", str(dst)) from None
        os.rename(src, dst)
        _sync_folder(_folder(dst))
        return
    os.unlink(src)
    _sync_folder(_folder(dst))


def remove_regular(path: os.PathLike | str) -> None:
    """Delete a regular file (a folder, FIFO or device is refused with NotARegularFile)."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode) and not stat.S_ISLNK(st.st_mode):
        raise NotARegularFile(kind_of(st.st_mode))
    os.unlink(path)  # a symbolic link goes, not what it points at


def is_our_temp(name: str, suffixes: Iterable[str] = ()) -> bool:
    """Whether a file name is one of our temporary files (for a target ending in `suffixes`)."""
    m = _TEMP_NAME.match(name)
    if m is None:
        return False
    suffixes = tuple(suffixes)
    return not suffixes or m["target"].endswith(suffixes)


def _pid_alive(pid: int) -> bool | None:
    """True or False when known; None when it cannot be told."""
    if pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    except (OverflowError, ValueError, OSError):
        return None
    return True


def clean_stray_temps(folder: os.PathLike | str, suffixes: Iterable[str] = (),
                      max_age: float = STRAY_AGE_S) -> list[Path]:
    """Remove the temporary files a killed writer left in `folder` (not its subfolders).

    Only regular files named as `write_atomic` names them (for targets ending in `suffixes`) are
    considered, and of those only the ones whose writer's pid is no longer running, or that are
    older than `max_age` seconds. Nothing else is touched: not a symlink, not a folder, not a
    file of another name. Returns the files removed; errors (a missing folder) are ignored.
    """
    removed: list[Path] = []
    suffixes = tuple(suffixes)
    now = time.time()
    try:
        entries = list(os.scandir(Path(folder)))
    except OSError:
        return removed
    for entry in entries:
        m = _TEMP_NAME.match(entry.name)
        if m is None or (suffixes and not m["target"].endswith(suffixes)):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        alive = _pid_alive(int(m["pid"])) if m["pid"] else None
        if alive is False or now - st.st_mtime > max_age:
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return removed
