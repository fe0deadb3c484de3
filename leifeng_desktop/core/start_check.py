"""The file the window opens at start, checked after the first paint rather than before it (issue 18: quick_check
reads every page, seconds at city scale).

`opens_cleanly(path)` says whether a file may be opened for writing before its check: it exists, opens read-only
(schema, versions, settings, the key), needs no upgrade (an upgrade writes: its file is checked first, as before),
is in WAL mode (switching the journal writes the header) and its 回收站 reads. Anything else is checked first.
What Store.open writes on such a file is guarded already: a 回收站 purge and an upgrade make a backup first, whose
integrity_check refuses a damaged file, and the attachment sweep runs quick_check itself. The clerk's own writes
wait for the answer through Store.before_write (ui/recovery.StartCheck).

`QuickCheck(path)`: quick_check on a read-only connection of its own, run on a worker thread and interruptible
from the GUI thread (closing the window does not wait seconds for it). `interrupt(store)` stops the statement a
store's connection runs on another thread (the dashboard's count at close).
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from . import migrations as mig
from . import store_open as opening
from .errors import UserError
from .store import Store


def opens_cleanly(path: str | Path) -> bool:
    """True when the file may be opened for writing now and quick_checked after the first paint."""
    path = Path(path).expanduser().absolute()
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        with Store.open(path, create=False, read_only=True) as store:
            db = store.db
            if mig.migrations.pending(db) or store.settings.get("year") is None:
                return False
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                return False
            db.execute("SELECT COUNT(deleted_at) FROM trash").fetchone()
    except (sqlite3.Error, UserError):
        return False
    return True


class QuickCheck:
    """One quick_check of a file, run on the calling thread; `interrupt()` may come from any thread."""

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser().absolute()
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def run(self) -> list[str]:
        """The problems found, [] for a sound file; an interrupted check raises sqlite3.OperationalError."""
        conn = opening.connect(self.path, read_only=True)
        opening.connected(self.path, +1)
        try:
            with self._lock:
                if self._stopped:   # an interrupt before the statement runs would be lost
                    raise sqlite3.OperationalError("interrupted")
                self._conn = conn
            rows = conn.execute("PRAGMA quick_check").fetchall()
            return [str(r[0]) for r in rows if r[0] != "ok"]
        except sqlite3.DatabaseError as exc:   # as Store.quick_check: an error is a problem found
            if self._stopped:
                raise
            return [f"SQLite 报告错误：{exc}"]
        finally:
            with self._lock:
                self._conn = None
            opening.connected(self.path, -1)
            conn.close()

    @property
    def running(self) -> bool:
        return self._conn is not None

    def interrupt(self) -> None:
        """Stop the check (repeat it while `running`: SQLite drops an interrupt that comes between statements)."""
        with self._lock:
            self._stopped = True
            if self._conn is not None:
                self._conn.interrupt()


def interrupt(store: Store) -> None:
    """Stop what the store's connection runs now (from another thread; a no-op between statements)."""
    try:
        store.db.conn.interrupt()
    except sqlite3.ProgrammingError:   # closed meanwhile: nothing runs
        pass
