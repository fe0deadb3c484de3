"""Undo and redo in the window (编辑 menu, Ctrl+Z / Ctrl+Y / Ctrl+Shift+Z): saves and deletes taken back and done
again, the database compared column by column after each step; the menu naming the step; a step over a change
made elsewhere refused; Ctrl+Z inside an editor or a text field undoing the typing, never a record."""
import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from leifeng_desktop.core import schema as s
from leifeng_desktop.core import service_record, teams
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.pages.record_page import RecordListPage

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
MOVING = ("updated_at", "revision")   # every write moves these on, an undo too


def state(store: Store) -> dict:
    """Every record table, every column but the two that move on every write, rows by id (sensitive values
    decrypted: their ciphertext changes on every write, a fresh nonce each time)."""
    return {key: sorted(({k: v for k, v in store.decode(s.RECORD_TYPES[key], row).items() if k not in MOVING}
                         for row in store.db.query(f'SELECT * FROM "{key}"')), key=lambda r: r["id"])
            for key in s.RECORD_TYPES}


@pytest.fixture
def window(qtbot, store, tmp_path):
    create_application()
    win = MainWindow(store, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    with qtbot.waitActive(win):   # the menu's keys are window shortcuts: they need the active window
        win.show()
        win.activateWindow()
    return win


@pytest.fixture
def team_id(store, team_values):
    team = teams.save_team(store, None, team_values, [{"name": "张伟"}, {"name": "李娜", "gender": "女"}])
    member = store.rows("member")[1]["id"]
    service_record.save_activity(store, None, {"title": "清扫", "starts_at": "2026-09-01T09:00",
                                               "ends_at": "2026-09-01T12:00", "category": "保护环境"},
                                 [{"member_id": member, "minutes": 120}])
    return team


def team_page(window):
    window.go_to("志愿服务队")
    page = window.stack.currentWidget().widget(0)
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(0, 0))
    return page


def edit_team(store, page, team_id, **values):
    """The editor as a clerk leaves it: fields changed, one member added, 保存."""
    dialog = page.make_dialog(team_id)
    for key, text in values.items():
        dialog.binder.widget(key).setText(text)
    dialog.roster.add_rows([{"name": "王芳", "phone": "13900000003"}])
    assert dialog.save()
    dialog.deleteLater()


def keys(qtbot, widget, key, modifiers=CTRL):
    qtbot.keyClick(widget, key, modifiers)


def test_a_save_is_undone_and_redone_by_keys_and_menu(qtbot, window, store, team_id):
    page = team_page(window)
    menu = window.edit_menu
    assert [a.text() for a in window.menuBar().actions()][:2] == ["文件(&F)", "编辑(&E)"]
    assert (menu.undo_action.text(), menu.undo_action.isEnabled()) == ("撤销(&U)", False)
    before = state(store)
    edit_team(store, page, team_id, name="新名称服务队", leader="赵六")
    after = state(store)
    assert store.get("team", team_id)["name"] == "新名称服务队" and store.count("member") == 3
    assert menu.undo_action.text() == "撤销“修改队伍 新名称服务队”(&U)"

    keys(qtbot, page.view, Qt.Key.Key_Z)
    assert state(store) == before
    assert menu.redo_action.text() == "重做“修改队伍 新名称服务队”(&R)"
    assert not menu.undo_action.isEnabled() and window.statusBar().currentMessage() == "已撤销“修改队伍 新名称服务队”"
    keys(qtbot, page.view, Qt.Key.Key_Y)
    assert state(store) == after
    menu.undo_action.trigger()
    assert state(store) == before
    keys(qtbot, page.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert state(store) == after
    assert page.model.rowCount() == 1 and "新名称服务队" in page.model.index(0, 0).data()


def test_a_new_record_is_undone_to_the_trash_and_redone_whole(qtbot, window, store, team_values):
    pytest.importorskip("leifeng_desktop.core.trash")
    page = team_page(window)
    empty = state(store)
    dialog = page.make_dialog()
    dialog.binder.load(team_values)
    dialog.roster.add_rows([{"name": "张伟"}])
    assert dialog.save()
    made = state(store)
    assert window.edit_menu.undo_action.text() == "撤销“新建队伍 供电公司职工志愿服务队”(&U)"
    keys(qtbot, page.view, Qt.Key.Key_Z)
    assert state(store) == empty
    keys(qtbot, page.view, Qt.Key.Key_Y)
    assert state(store) == made


def test_a_delete_is_undone_from_the_trash_and_redone(qtbot, window, store, team_id, monkeypatch):
    pytest.importorskip("leifeng_desktop.core.trash")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page = team_page(window)
    whole = state(store)
    keys(qtbot, page.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier)   # 编辑 → 删除 (Del)
    assert store.count("team") == 0 and store.count("member") == 0 and store.count("participant") == 0
    assert window.edit_menu.undo_action.text() == "撤销“删除队伍 供电公司职工志愿服务队”(&U)"
    gone = state(store)
    keys(qtbot, page.view, Qt.Key.Key_Z)
    assert state(store) == whole   # the team, its roster and the hours of its members, every column
    assert page.model.rowCount() == 1
    keys(qtbot, page.view, Qt.Key.Key_Y)
    assert state(store) == gone
    window.edit_menu.undo_action.trigger()
    assert state(store) == whole


def test_an_undo_over_a_change_made_elsewhere_is_refused(qtbot, window, store, team_id, db_path, monkeypatch):
    page = team_page(window)
    edit_team(store, page, team_id, leader="赵六")
    with Store.open(db_path) as elsewhere:   # another window or the CLI
        elsewhere.update("team", team_id, {"area": "城东"})
    kept = state(store)
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append((title, text)))
    keys(qtbot, page.view, Qt.Key.Key_Z)
    assert said == [("不能撤销", "未能撤销“修改队伍 供电公司职工志愿服务队”：志愿服务队“供电公司职工志愿服务队”"
                                 "在此之后已在别处修改，为免覆盖别处的修改，未作任何改动。")]
    assert state(store) == kept
    assert window.edit_menu.undo_action.text() == "撤销(&U)", "the step can never apply again: dropped"
    assert not window.edit_menu.redo_action.isEnabled()


def test_ctrl_z_in_an_editor_undoes_the_typing_not_a_record(qtbot, window, store, team_id):
    page = team_page(window)
    edit_team(store, page, team_id, leader="赵六")
    saved, stack = state(store), window.edit_menu.history.stack
    seen = {}

    def in_the_editor():
        dialog = QApplication.activeModalWidget()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        area = dialog.binder.widget("area")
        area.setFocus()
        qtbot.keyClicks(area, "East")
        keys(qtbot, area, Qt.Key.Key_Z)
        seen["text"] = area.text()
        keys(qtbot, dialog.binder.widget("kind"), Qt.Key.Key_Z)   # not a text field: still not the window's
        seen["index"] = stack.index()
        dialog.done(0)
    QTimer.singleShot(0, in_the_editor)
    page.edit_current()   # modal, as a clerk opens it
    assert seen == {"text": "", "index": 1}
    assert state(store) == saved and stack.index() == 1

    page.search.setFocus()   # a text field in the window keeps Ctrl+Z for its typing too
    qtbot.keyClicks(page.search, "abc")
    keys(qtbot, page.search, Qt.Key.Key_Z)
    assert page.search.text() == "" and state(store) == saved and stack.index() == 1


def test_find_new_and_delete_act_on_the_list_in_view(qtbot, window, store, team_id, monkeypatch):
    page = team_page(window)
    keys(qtbot, page.view, Qt.Key.Key_F)
    assert QApplication.focusWidget() is page.search
    opened = []
    monkeypatch.setattr(RecordListPage, "new_record", lambda self: opened.append(self))
    keys(qtbot, page.view, Qt.Key.Key_N)
    assert opened == [page]

    window.go_to("设置")   # the lists inside the settings page: the one on show answers
    units = window.settings_page.units
    window.settings_page.tabs.setCurrentWidget(units)
    units.view.setFocus()
    keys(qtbot, units.view, Qt.Key.Key_F)
    assert QApplication.focusWidget() is units.search
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    units.view.setCurrentIndex(units.model.index(0, 0))
    units.view.setFocus()
    keys(qtbot, units.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier)
    assert len(asked) == 1 and "单位" in asked[0]


def test_a_busy_database_leaves_the_step_for_another_try(qtbot, window, store, team_id, monkeypatch):
    from leifeng_desktop.core import snapshots
    from leifeng_desktop.core.errors import StoreBusy, busy_message
    page = team_page(window)
    before = state(store)
    edit_team(store, page, team_id, leader="赵六")
    after, write_back = state(store), snapshots.write_back

    def busy(*args, **kwargs):
        raise StoreBusy(busy_message(store.path))
    monkeypatch.setattr(snapshots, "write_back", busy)
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    keys(qtbot, page.view, Qt.Key.Key_Z)
    assert said == ["未能撤销“修改队伍 供电公司职工志愿服务队”：数据库“leifeng.db”正被其他程序写入，未作任何改动，"
                    "请稍后再撤销。"]
    assert state(store) == after
    assert window.edit_menu.undo_action.text() == "撤销“修改队伍 供电公司职工志愿服务队”(&U)"
    monkeypatch.setattr(snapshots, "write_back", write_back)
    keys(qtbot, page.view, Qt.Key.Key_Z)
    assert state(store) == before


def test_an_activity_save_with_its_participants_and_attachments_comes_back(qtbot, window, store, team_id, tmp_path):
    pytest.importorskip("leifeng_desktop.core.trash")
    from leifeng_desktop.core import attachments
    activity_id, members = store.rows("activity")[0]["id"], store.rows("member")
    service_record.save_activity(store, activity_id, {}, [
        *({"id": p["id"], "member_id": p["member_id"], "minutes": p["minutes"]} for p in store.rows("participant")),
        {"member_id": members[0]["id"], "minutes": 60}])
    window.go_to("活动记录")
    page = window.stack.currentWidget().widget(0)
    page.view.setFocus()
    before = state(store)
    dialog = page.make_dialog(activity_id)
    dialog.binder.widget("title").setText("清扫街道")
    dialog.participants.remove([0])   # 李娜 taken off the list: a delete of its own, to the 回收站
    photo = tmp_path / "照片说明.txt"
    photo.write_text("活动照片", encoding="utf-8")
    dialog.add_files([photo])
    assert dialog.save()
    after = state(store)
    assert len(after["participant"]) == 1 and len(after["attachment"]) == 1
    assert window.edit_menu.undo_action.text() == "撤销“修改活动 清扫街道”(&U)"
    keys(qtbot, page.view, Qt.Key.Key_Z)
    assert state(store) == before
    keys(qtbot, page.view, Qt.Key.Key_Y)
    assert state(store) == after
    assert attachments.file_path(store, store.rows("attachment")[0]).read_text(encoding="utf-8") == "活动照片"


def test_a_household_delete_gives_back_its_family_visits_and_aid(qtbot, window, store, monkeypatch):
    pytest.importorskip("leifeng_desktop.core.trash")
    from leifeng_desktop.core import visits
    year = store.settings.get("year")
    household = visits.save_household(store, None, {"name": "孙八"}, [{"name": "孙小八", "relation": "子女"}])
    store.insert("household_visit", {"date": f"{year}-02-01", "group_id": store.rows("working_group")[0]["id"],
                                     "household_id": household})
    store.insert("aid", {"date": f"{year}-02-01", "household_id": household, "programme": "送温暖", "amount": 50000})
    whole = state(store)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.go_to("走访帮扶")
    window.stack.currentWidget().setCurrentIndex(1)
    page = window.stack.currentWidget().currentWidget()
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(0, 0))
    window.edit_menu.delete_action.trigger()
    assert store.count("household") == store.count("family_member") == store.count("aid") == 0
    assert window.edit_menu.undo_action.text() == "撤销“删除困难职工 孙八”(&U)"
    window.edit_menu.undo_action.trigger()
    assert state(store) == whole


def test_undoing_a_delete_already_restored_from_the_trash_is_refused(qtbot, window, store, team_id, monkeypatch):
    trash = pytest.importorskip("leifeng_desktop.core.trash")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page = team_page(window)
    page.delete_current()
    trash.restore(store, trash.entries(store)[0]["id"])   # as the 回收站 page does
    back = state(store)
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    keys(qtbot, page.view, Qt.Key.Key_Z)
    assert said == ["未能撤销“删除队伍 供电公司职工志愿服务队”：志愿服务队“供电公司职工志愿服务队”"
                    "已在回收站或别处恢复过，未作任何改动。"]
    assert state(store) == back and not window.edit_menu.undo_action.isEnabled()
