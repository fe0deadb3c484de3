"""Owner-only files: everything that holds personal data (the database and its -wal/-shm, attachments, backups, the
log, the device key, the example and new-year files, exports with full numbers) is readable by its owner only.

On POSIX that is 0600 for files and 0700 for folders whatever the umask: files are created with os.open(…, 0o600)
(SQLite gives -wal/-shm the database file's mode), folders with mkdir(0o700) and a chmod (mkdir's mode passes
through the umask, and parents=True ignores it). Files an older version left 0644 are tightened at open.
On Windows the user's profile folder is private already and chmod only sets the read-only flag: nothing is done.
Qt-free.
"""
from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
POSIX = not sys.platform.startswith("win")
SIDE_FILES = ("-wal", "-shm", "-journal")


def make_dir(folder: str | os.PathLike[str]) -> Path:
    """`folder` and any missing parents, each made 0700; an existing folder is left as it is (it may be the
    clerk's own Documents). Raises OSError as mkdir does."""
    folder = Path(folder)
    missing = []
    for part in (folder, *folder.parents):
        if part.exists():
            break
        missing.append(part)
    for part in reversed(missing):
        try:
            part.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            if not part.is_dir():
                raise
            continue   # made by another process meanwhile: its mode is its maker's business
        restrict(part)
    if not missing and not folder.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(folder))
    return folder


def create_file(path: str | os.PathLike[str]) -> bool:
    """Create `path` empty and owner-only unless it exists; True when this call made it."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(fd)
    restrict(path)
    return True


def restrict(path: str | os.PathLike[str]) -> None:
    """Take group and other permissions off an existing file or folder (0644 → 0600, 0755 → 0700); a file that is
    gone or not ours is left alone (an open never fails over a mode)."""
    if not POSIX:
        return
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & ~0o077)


def restrict_tree(folder: str | os.PathLike[str]) -> None:
    """restrict() a folder and everything under it; cheap when the folder is private already (it is not walked)."""
    folder = Path(folder)
    if not POSIX or not folder.is_dir():
        return
    try:
        if not stat.S_IMODE(folder.stat().st_mode) & 0o077:
            return
    except OSError:
        return
    restrict(folder)
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            restrict(os.path.join(root, name))


def restrict_database(db_path: str | os.PathLike[str]) -> None:
    """At open: the database file, its -wal/-shm/-journal, its attachments folder and 备份 folder owner-only
    (an older version made them 0644/0755)."""
    db_path = Path(db_path)
    if not POSIX:
        return
    for suffix in ("", *SIDE_FILES):
        restrict(f"{db_path}{suffix}")
    restrict_tree(db_path.with_name(f"{db_path.stem}.附件"))
    restrict_tree(db_path.parent / "备份")


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """A small text file (a recovery key saved by the clerk) written whole, owner-only from its first byte;
    an existing file is replaced. Raises OSError."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.tmp")
    fd = os.open(temp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        restrict(temp)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return path
