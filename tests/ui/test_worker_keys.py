"""A worker's own connection of the window's file takes the window's key (ui.workers.Task(keys=)): a file unlocked by
typing its password (the key not kept on this PC) otherwise opens locked on the worker thread, and a full-number
export (完整号码) or a bundle would be refused there."""
from __future__ import annotations

import pytest

from leifeng_desktop.core import vault
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui import export_dialog
from leifeng_desktop.ui.workers import Task

PASSWORD = "办公室密码2026"


@pytest.fixture
def typed_open(store, team_values):
    """The store as the window has it after the unlock dialog: the key from the typed password only."""
    team = store.insert("team", team_values)
    store.insert("member", {"team_id": team, "name": "张三", "id_number": "110101199003071233"})
    vault.set_password(store, PASSWORD)
    vault.forget(store)
    path = store.path
    store.close()
    with Store.open(path, create=False) as plain_open:
        assert plain_open.locked   # nothing on this PC opens it without the password
    unlocked = Store.open(path, create=False, password=PASSWORD)
    yield unlocked
    unlocked.close()


def _id_numbers(own: Store, progress, cancelled) -> list[object]:
    return [row["id_number"] for row in own.rows("member")]


def test_a_task_opens_the_file_with_the_windows_key(qtbot, typed_open):
    task = Task(_id_numbers, db_path=typed_open.path, read_only=True, keys=typed_open.keys, show_dialog=False)
    with qtbot.waitSignal(task.done, timeout=20000) as got:
        task.start()
    assert got.args[0] == ["110101199003071233"]


def test_without_the_key_the_worker_reads_the_locked_marker(qtbot, typed_open):
    task = Task(_id_numbers, db_path=typed_open.path, read_only=True, show_dialog=False)
    with qtbot.waitSignal(task.done, timeout=20000) as got:
        task.start()
    assert got.args[0] != ["110101199003071233"]


def test_run_export_hands_its_job_the_key(qtbot, typed_open, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QWidget
    monkeypatch.setattr(export_dialog, "offer_open", lambda *a: None)
    page = QWidget()
    qtbot.addWidget(page)
    seen: list[object] = []

    def job(own, progress, cancelled):
        seen.extend(_id_numbers(own, progress, cancelled))
        return []
    task = export_dialog.run_export(page, typed_open, job, title="导出登记表", folder=tmp_path)
    qtbot.waitUntil(lambda: bool(seen) and task._thread.isFinished(), timeout=20000)
    assert seen == ["110101199003071233"]


def test_a_key_of_another_file_is_refused(tmp_path, typed_open):
    with Store.open(tmp_path / "别的.db") as other:
        other_keys = other.keys
        assert other_keys is not None and other_keys.check != typed_open.keys.check
    with Store.open(typed_open.path, create=False, read_only=True) as again:
        with pytest.raises(ValueError):
            vault.adopt_keys(again, other_keys)
        assert again.locked
