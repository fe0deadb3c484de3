"""文件 → 开始新年度 in the window: the dialog by keyboard alone (year, file, Enter), its counts, its refusals, and
the new file opened afterwards with the old one kept in 最近打开."""
from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from leifeng_desktop.core import new_year as ny
from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui import new_year_dialog as nyd
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.new_year_dialog import NewYearDialog


@pytest.fixture
def year_store(store, team_values):
    store.settings.set({"year": 2026, "registration_deadline": "2026-08-25"})
    team = store.insert("team", team_values)
    member = store.insert("member", {"team_id": team, "name": "张伟"})
    sr.save_activity(store, None, {"title": "义诊", "starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T11:00",
                                   "category": "便民利民", "team_id": team}, [{"member_id": member, "minutes": 90}])
    return store


@pytest.fixture
def dialog(qtbot, year_store):
    create_application()
    dlg = NewYearDialog(None, year_store)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def test_dialog_shows_what_is_kept_and_what_starts_empty(dialog, year_store):
    assert "“leifeng.db”不作任何改动" in dialog.intro.text() and "最近打开" in dialog.intro.text()
    kept, emptied = dialog.kept.text(), dialog.emptied.text()
    assert "志愿服务队 1 条，队员 1 条" in kept and "服务队成立及登记表报送截止：2026-08-25 → 2027-08-25" in kept
    assert "志愿服务活动 1 条，参加人员 1 条" in emptied and "操作日志" in emptied
    assert dialog.year.value() == 2027 and dialog.year.minimum() == 2027
    assert dialog.path.text() == str(year_store.path.parent / "学雷锋志愿服务_2027.db")


def test_dialog_by_keyboard_writes_the_new_year(dialog, year_store, qtbot, tmp_path):
    before = hashlib.sha256(year_store.path.read_bytes()).hexdigest()
    assert QApplication.focusWidget() is dialog.year.lineEdit() or dialog.year.hasFocus()
    qtbot.keyClick(dialog.year, Qt.Key.Key_Up)
    assert dialog.year.value() == 2028
    assert dialog.path.text().endswith("学雷锋志愿服务_2028.db")   # the default name follows the year
    assert "2026-08-25 → 2028-08-25" in dialog.kept.text()
    qtbot.keyClick(dialog.year, Qt.Key.Key_Tab)
    assert dialog.path.hasFocus()
    qtbot.keyClick(dialog.path, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.path, str(tmp_path / "next"))   # .db is added
    with qtbot.waitSignal(dialog.created, timeout=30000) as done:
        qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    plan = done.args[0]
    assert plan.path == tmp_path / "next.db" and plan.year == 2028
    assert dialog.result() == NewYearDialog.DialogCode.Accepted
    with Store.open(plan.path, create=False, read_only=True) as new:
        assert new.settings.campaign()["year"] == 2028
        assert new.count("team") == 1 and new.count("member") == 1 and new.count("activity") == 0
    assert hashlib.sha256(year_store.path.read_bytes()).hexdigest() == before


def test_dialog_refuses_an_existing_file(dialog, qtbot, tmp_path, monkeypatch):
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"mine")
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    dialog.path.setText(str(taken))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    assert said and "taken.db" in said[0] and "已存在" in said[0]
    assert dialog.task is None and dialog.isVisible() and taken.read_bytes() == b"mine"


def test_dialog_fits_1366x768_at_150_percent(dialog):
    hint = dialog.sizeHint()
    assert hint.width() <= 910 and hint.height() <= 512
    assert dialog.width() <= 910 and dialog.height() <= 512


def test_window_menu_starts_the_year_and_opens_the_new_file(qtbot, year_store, tmp_path, monkeypatch):
    create_application()
    window = MainWindow(year_store, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    file_menu = window.menuBar().actions()[0].menu()
    assert window.new_year_action in file_menu.actions()
    assert window.new_year_action.text() == "开始新年度(&Y)…"   # Alt+F, Y

    def ask(parent, store):
        assert parent is window and store is year_store
        return ny.start_new_year(store, tmp_path / "学雷锋志愿服务_2027.db")
    asked = []
    monkeypatch.setattr(NewYearDialog, "ask", classmethod(lambda cls, parent, store: ask(parent, store)))
    monkeypatch.setattr(nyd, "ask_open", lambda parent, plan: asked.append(plan.path) or True)
    old = year_store.path
    window.menuBar().setActiveAction(window.menuBar().actions()[0])   # as Alt+F opens 文件(&F)
    qtbot.waitUntil(file_menu.isVisible, timeout=5000)
    qtbot.keyClick(file_menu, Qt.Key.Key_Y)                                  # 开始新年度(&Y)…
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    assert asked == [tmp_path / "学雷锋志愿服务_2027.db"]
    assert window.current_store.path == tmp_path / "学雷锋志愿服务_2027.db"
    assert window.current_store.settings.campaign()["year"] == 2027
    assert str(old) in window.recent_paths()
    window.close()
    window.current_store.close()


def test_a_failure_is_said_in_chinese_and_the_dialog_stays(dialog, qtbot, tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append((title, text)))
    dialog.path.setText(str(tmp_path / "没有的文件夹" / "next.db"))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(said), timeout=30000)
    assert said[0][0] == "开始新年度失败" and "没有的文件夹" in said[0][1] and "不存在" in said[0][1]
    assert dialog.isVisible() and dialog.start_button.isEnabled() and dialog.result_plan is None
    assert not (tmp_path / "没有的文件夹").exists()
