"""One window per database: the lock beside the file, the read-only second window, a crashed window's lock taken
over, the file's name in the title, and writes from elsewhere shown without a restart."""
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings

from leifeng_desktop.core.errors import StoreError
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui import instance_lock
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.db_watcher import INTERVAL_MS
from leifeng_desktop.ui.instance_lock import AlreadyOpenQuestion, InstanceLock, open_database
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.record_dialog import RecordDialog

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def qsettings(tmp_path):
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    yield settings
    settings.sync()


@pytest.fixture
def ask(monkeypatch):
    """Records each "already open" question and answers it with `ask.answer` (read-only or not at all)."""
    asked = []

    def answer(cls, parent, path, holder=""):
        asked.append(Path(path))
        return answer.read_only
    answer.read_only = False
    answer.asked = asked
    monkeypatch.setattr(AlreadyOpenQuestion, "ask", classmethod(answer))
    return answer


@pytest.fixture
def first_window(qtbot, db_path, qsettings, ask):
    create_application()
    opened = open_database(db_path)
    assert opened is not None and opened[1] is not None and opened[1].held
    win = MainWindow(*opened, qsettings=qsettings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    win.store.close()


def test_title_names_the_file(first_window, db_path):
    assert first_window.windowTitle() == f"{db_path.name} — 学雷锋职工志愿服务 工作台"
    assert not first_window.store.read_only


def test_a_second_window_is_asked_and_may_decline(first_window, db_path, ask):
    ask.read_only = False
    assert open_database(db_path) is None
    assert ask.asked == [db_path]


def test_a_second_window_may_open_read_only(qtbot, first_window, db_path, ask, qsettings, team_values):
    ask.read_only = True
    store, lock = open_database(db_path)
    assert lock is None and store.read_only
    second = MainWindow(store, qsettings=qsettings)
    qtbot.addWidget(second)
    try:
        assert second.windowTitle() == f"{db_path.name}（只读） — 学雷锋职工志愿服务 工作台"
        assert "只读" in second.path_label.text()
        assert not second.settings_page.save_button.isEnabled()
        dialog = RecordDialog(store, "working_group", parent=second)
        qtbot.addWidget(dialog)
        assert not dialog.save_button.isEnabled()
        assert "只读" in dialog.findChild(type(second.path_label), "read_only_note").text()
        with pytest.raises(StoreError, match="只读"):
            store.insert("team", team_values)
        # the first window's writes show in the read-only one
        first_window.store.insert("team", team_values)
        assert second.watcher.check()
        assert "志愿服务队 1" in second.counts_label.text()
    finally:
        second.close()
        store.close()


def test_a_new_database_in_a_new_folder_is_locked_too(qtbot, tmp_path, ask):
    create_application()
    store, lock = open_database(tmp_path / "新建文件夹" / "第一次.db")
    try:
        assert lock.held and lock.path.parent == tmp_path / "新建文件夹"
        assert not InstanceLock(store.path).acquire()
    finally:
        lock.release()
        store.close()


def test_the_lock_goes_with_a_switch_and_with_the_window(first_window, db_path, tmp_path, monkeypatch, ask):
    other = tmp_path / "other.db"
    assert first_window.open_path(other)
    assert first_window.windowTitle().startswith("other.db — ")
    probe = InstanceLock(db_path)
    assert probe.acquire(), "the first file stays locked after switching away from it"
    probe.release()
    first_window.close()
    probe = InstanceLock(other)
    assert probe.acquire(), "the lock outlives the closed window"
    probe.release()
    assert ask.asked == []


def test_opening_a_file_held_by_another_window_from_the_menu_asks(first_window, tmp_path, ask):
    other = tmp_path / "other.db"
    Store.open(other).close()
    holder = InstanceLock(other)
    assert holder.acquire()
    try:
        ask.read_only = False
        assert not first_window.open_path(other)
        assert ask.asked == [other]
        assert first_window.store.path.name == "leifeng.db"
    finally:
        holder.release()


HOLD_LOCK = """
import sys, time
from leifeng_desktop.ui.instance_lock import InstanceLock
lock = InstanceLock(sys.argv[1])
assert lock.acquire()
print("locked", flush=True)
time.sleep(600)
"""


def test_a_crashed_windows_lock_is_taken_over(qtbot, db_path, ask):
    Store.open(db_path).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db_path)], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert not InstanceLock(db_path).acquire(), "a live window's lock is respected"
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.stdout.close()
    assert instance_lock.lock_path(db_path).exists()   # left behind by the crash
    opened = open_database(db_path)
    assert opened is not None
    store, lock = opened
    try:
        assert lock is not None and lock.held and not store.read_only
        assert ask.asked == []
    finally:
        lock.release()
        store.close()


def test_a_held_lock_is_kept_young(qtbot, db_path):
    """Another computer judges a lock by its age: the holder touches it (timer every minute, called here)."""
    import os
    import time
    create_application()
    lock = InstanceLock(db_path)
    assert lock.acquire()
    try:
        old = time.time() - instance_lock.STALE_MS / 1000 * 2
        os.utime(lock.path, (old, old))
        lock._touch()
        assert lock.path.stat().st_mtime > old + instance_lock.STALE_MS / 1000
        assert lock._heartbeat.isActive() and lock._heartbeat.interval() < instance_lock.STALE_MS
    finally:
        lock.release()
    assert not lock.path.exists()


# -- writes from elsewhere --------------------------------------------------------------------------------------
def test_writes_from_another_connection_refresh_counts_and_lists(first_window, db_path, team_values):
    watcher = first_window.watcher
    assert watcher.timer.isActive() and watcher.timer.interval() == INTERVAL_MS <= 1000
    assert not watcher.check()   # nothing happened yet
    page = first_window.stack.widget(1).widget(0)
    with Store.open(db_path) as other:
        other.insert("team", team_values)
    assert "志愿服务队 0" in first_window.counts_label.text()   # not yet looked
    assert watcher.check()
    assert "志愿服务队 1" in first_window.counts_label.text()
    assert page.model.rowCount() == 1
    assert not watcher.check()   # once per change


def test_the_timer_notices_a_cli_import_without_any_click(qtbot, first_window, db_path, team_values):
    with Store.open(db_path) as other:
        other.insert("team", team_values)
    qtbot.waitUntil(lambda: "志愿服务队 1" in first_window.counts_label.text(), timeout=5000)


def test_a_refresh_keeps_the_selected_record(first_window, db_path, team_values):
    store = first_window.store
    for n in range(3):
        store.insert("team", {**team_values, "name": f"第{n}服务队"})
    page = first_window.stack.widget(1).widget(0)
    row = page.model.row_of(store.rows("team")[1]["id"])
    wanted = page.model.record_id(row)
    page.view.selectionModel().setCurrentIndex(
        page.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    with Store.open(db_path) as other:
        other.insert("team", {**team_values, "name": "甲服务队"})   # sorts first: the rows move
    assert first_window.watcher.check()
    assert page.model.rowCount() == 4
    assert page.current_id() == wanted
    assert [page.model.record_id(i.row()) for i in page.view.selectionModel().selectedRows()] == [wanted]


def test_an_open_editor_keeps_what_was_typed_while_lists_refresh(qtbot, first_window, db_path, team_values):
    dialog = RecordDialog(first_window.store, "working_group", parent=first_window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.binder.widget("name").setText("第九工作组")
    with Store.open(db_path) as other:
        other.insert("team", team_values)
    assert first_window.watcher.check()
    assert dialog.isVisible()
    assert dialog.binder.values()["name"] == "第九工作组" and dialog.dirty
    dialog.mark_clean()   # closing it at the end must not ask


def test_the_cli_writes_while_the_window_is_open(first_window, db_path, tmp_path):
    """The window holds no transaction open: a CLI demo load (a long write) finishes and the window shows it."""
    done = subprocess.run([sys.executable, "-m", "leifeng_desktop", "--db", str(db_path), "demo"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert first_window.watcher.check()
    assert "志愿服务队 0" not in first_window.counts_label.text()
