"""备份与恢复: the list of backups, 立即备份, 恢复所选备份 (the window lets go of its file, restores, reopens) and
打开备份文件夹."""
import sqlite3

import pytest
from PySide6.QtCore import QSettings, Qt

from leifeng_desktop.core import backup
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui import recovery
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.instance_lock import open_database
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.pages import backup_page
from leifeng_desktop.ui.pages.backup_page import BackupPage


@pytest.fixture
def qsettings(tmp_path):
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, db_path, qsettings):
    """The window as run_app opens it: the file's lock held, the store open for writing."""
    create_application()
    opened = open_database(db_path)
    win = MainWindow(*opened, qsettings=qsettings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    win.store.close()


@pytest.fixture
def store(window):
    """The window's own connection (conftest's team_values asks for a store: no second connection here)."""
    return window.store


@pytest.fixture
def answers(monkeypatch):
    """The restore confirmation answers `answers.confirm`; notices shown are kept in `answers.notices`."""
    class Answers:
        confirm = True
        asked: list = []
        notices: list = []
    Answers.asked, Answers.notices = [], []
    monkeypatch.setattr(recovery.RestoreConfirm, "ask", classmethod(
        lambda cls, parent, path, info: Answers.asked.append(info) or Answers.confirm))
    monkeypatch.setattr(recovery.Notice, "show", classmethod(
        lambda cls, parent, title, text, error=False: Answers.notices.append((title, text, error))))
    return Answers


def page_of(window) -> BackupPage:
    window.go_to("备份与恢复")
    page = window.stack.currentWidget()
    assert isinstance(page, BackupPage)
    return page


def cells(page, row):
    return [page.table.item(row, column).text() for column in range(page.table.columnCount())]


def every_row(store, type_key):
    return sorted(store.rows(type_key), key=lambda row: row["id"])


def test_backup_now_lists_the_new_backup(qtbot, window, team_values):
    window.store.insert("team", team_values)
    page = page_of(window)
    assert page.table.rowCount() == 0 and page.status.text() == "还没有备份"
    task = page.backup_now()
    assert not page.backup_button.isEnabled()   # one backup at a time
    with qtbot.waitSignal(task.done, timeout=30000):
        pass
    assert page.table.rowCount() == 1
    when, reason, counts, state, name = cells(page, 0)
    assert reason == "手动" and state == "完好" and "志愿服务队 1" in counts
    assert name.startswith("leifeng_") and name.endswith("_manual.db")
    assert f"已备份到“{backup.backup_dir(window.store.path) / name}”" == page.status.text()
    assert page.backup_button.isEnabled() and page.restore_button.isEnabled()


def test_restore_from_the_page_gives_back_the_records(qtbot, window, team_values, answers):
    store = window.store
    first = store.insert("team", team_values)
    store.insert("member", {"team_id": first, "name": "李四", "gender": "男"})
    made = backup.make_backup(store.path, reason=backup.MANUAL)
    teams, members = every_row(store, "team"), every_row(store, "member")
    store.update("team", first, {"name": "改过名的服务队"})
    store.insert("team", {**team_values, "name": "备份之后新建的服务队"})
    page = page_of(window)
    assert cells(page, 0)[4] == made.path.name
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert [info.path for info in answers.asked] == [made.path]
    assert answers.notices and answers.notices[0][0] == "已恢复备份" and not answers.notices[0][2]
    assert window.store is not store and window.lock is not None and window.lock.held
    assert every_row(window.store, "team") == teams and every_row(window.store, "member") == members
    assert "志愿服务队 1" in window.counts_label.text()
    assert [info.reason for info in backup.list_backups(window.store.path)].count("恢复前") == 1
    page = window.stack.currentWidget()   # the window rebuilt its pages; the clerk is still on this one
    assert isinstance(page, BackupPage) and page.table.rowCount() == 2
    window.store.insert("team", {**team_values, "name": "恢复之后新建的服务队"})   # the window works on


def test_restore_not_confirmed_changes_nothing(qtbot, window, team_values, answers):
    window.store.insert("team", team_values)
    backup.make_backup(window.store.path, reason=backup.MANUAL)
    window.store.insert("team", {**team_values, "name": "备份之后新建的服务队"})
    store = window.store
    answers.confirm = False
    assert not page_of(window).restore_selected()
    assert window.store is store and store.count("team") == 2 and not answers.notices
    assert [info.reason for info in backup.list_backups(store.path)] == ["手动"]


def test_restore_refused_while_another_program_has_the_file_open(qtbot, window, team_values, answers):
    window.store.insert("team", team_values)
    backup.make_backup(window.store.path, reason=backup.MANUAL)
    window.store.insert("team", {**team_values, "name": "备份之后新建的服务队"})
    other = sqlite3.connect(window.store.path)
    other.execute("SELECT COUNT(*) FROM team").fetchone()
    try:
        assert not page_of(window).restore_selected()
    finally:
        other.close()
    title, text, error = answers.notices[0]
    assert title == "未能恢复备份" and error and "未作任何修改" in text
    assert window.store.count("team") == 2 and window.lock.held   # reopened as it was
    window.store.insert("team", {**team_values, "name": "又一个服务队"})


def test_a_damaged_backup_is_marked_and_cannot_be_restored(window, team_values):
    window.store.insert("team", team_values)
    folder = backup.backup_dir(window.store.path)
    folder.mkdir()
    (folder / "leifeng_20260101-090000_manual.db").write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    page = page_of(window)
    page.refresh()
    assert cells(page, 0)[1:4] == ["手动", "无法读取", "已损坏"]
    assert not page.restore_button.isEnabled() and not page.restore_selected()


def test_a_read_only_window_cannot_restore(qtbot, tmp_path, qsettings, team_values):
    db_path = tmp_path / "别处.db"
    with Store.open(db_path) as writer:
        writer.insert("team", team_values)
    backup.make_backup(db_path, reason=backup.MANUAL)
    create_application()
    win = MainWindow(Store.open(db_path, create=False, read_only=True), qsettings=qsettings)
    qtbot.addWidget(win)
    try:
        page = page_of(win)
        assert page.table.rowCount() == 1 and not page.restore_button.isEnabled()
        assert "只读" in page.restore_button.toolTip()
    finally:
        win.close()
        win.store.close()


def test_open_backup_folder_makes_it_and_opens_it(window, monkeypatch):
    opened = []
    monkeypatch.setattr(backup_page, "open_folder", opened.append)
    page = page_of(window)
    page.folder_button.click()
    assert opened == [backup.backup_dir(window.store.path)] and opened[0].is_dir()
