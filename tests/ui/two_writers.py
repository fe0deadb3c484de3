"""Helpers for tests where the window and another program write the same file: a demo database copied per test,
another program's write transaction, and each record type's editor with a plain text field to change."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from leifeng_desktop.core import crypto, device_keys, vault
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui.activity_dialog import ActivityDialog
from leifeng_desktop.ui.record_dialog import RecordDialog
from leifeng_desktop.ui.team_dialog import TeamDialog
from leifeng_desktop.ui.visit_dialogs import AidDialog, EnterpriseVisitDialog, HouseholdDialog, HouseholdVisitDialog

# record type → (editor class or None for the generic one, a plain text field of its form)
EDITORS = {
    "team": (TeamDialog, "leader"),
    "activity": (ActivityDialog, "leader"),
    "enterprise_visit": (EnterpriseVisitDialog, "visitors"),
    "household": (HouseholdDialog, "employer"),
    "household_visit": (HouseholdVisitDialog, "visitors"),
    "aid": (AidDialog, "handler"),
    "honor": (None, "employer"),
    "working_group": (None, "leader"),
}


def make_demo(folder: Path) -> Path:
    path = folder / "demo.db"
    with Store.open(path) as store:
        load_demo(store)
        if not store.rows("working_group"):
            store.insert("working_group", {"name": "第一工作组", "leader": "王立"})
        assert store.keys is not None
        key = f"{vault.database_id(store)} {crypto.b64(store.keys.data_key)}"
    path.with_suffix(".key").write_text(key, encoding="ascii")   # the copies' key, for the tests' own data folders
    return path


def copy_demo(source: Path, target: Path) -> Path:
    shutil.copy(source, target)   # closed above: the WAL is checkpointed into the file
    db_id, key = source.with_suffix(".key").read_text(encoding="ascii").split()
    device_keys.save(db_id, crypto.unb64(key))   # the copy opens unlocked on "this PC" (this test's data folder)
    attachments = source.with_name(source.stem + ".附件")
    if attachments.exists():
        shutil.copytree(attachments, target.with_name(target.stem + ".附件"))
    return target


def open_editor(store: Store, type_key: str, record_id: str | None, parent=None):
    cls, _key = EDITORS[type_key]
    if cls is None:
        return RecordDialog(store, type_key, record_id, parent=parent)
    return cls(store, record_id, parent=parent)


class OtherProgram:
    """Another program's connection: `hold()` takes the write lock (BEGIN IMMEDIATE) until `release()`."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(str(path), isolation_level=None)

    def hold(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.release()
        self.conn.close()
