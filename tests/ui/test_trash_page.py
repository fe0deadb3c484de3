"""The 回收站 page: entries newest first (类型, 名称, 删除时间, 删除人 when known, 下属记录), 恢复 by button or Enter,
彻底删除 by button or Del after a confirmation, 清空回收站; a refused restore says why; read-only changes nothing;
in the window, Del on the 回收站 list purges the entry there, not a record of another page."""
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from leifeng_desktop.core import schema as s
from leifeng_desktop.core import teams, trash
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.pages.trash_page import TrashPage

YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def state(store: Store) -> dict:
    return {key: sorted((dict(r) for r in store.db.query(f'SELECT * FROM "{key}"')), key=lambda r: r["id"])
            for key in s.RECORD_TYPES}


@pytest.fixture
def team_id(store, team_values):
    return teams.save_team(store, None, team_values, [{"name": "张伟"}, {"name": "李娜", "gender": "女"}])


@pytest.fixture
def page(qtbot, store):
    create_application()
    widget = TrashPage(store)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def cells(page, column):
    return [page.table.item(row, column).text() for row in range(page.table.rowCount())]


def answer(monkeypatch, reply, asked=None):
    def question(parent, title, text, *args):
        if asked is not None:
            asked.append((title, text))
        return reply
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


def test_entries_are_listed_newest_first(qtbot, page, store, team_id):
    assert page.table.rowCount() == 0 and page.status.text() == "回收站是空的。"
    assert not page.empty_button.isEnabled() and not page.restore_button.isEnabled()
    store.delete("team", team_id)
    store.settings.set({"operator": "张会计"})
    honor = store.insert("honor", {"category": "工人先锋号", "subject_kind": "个人", "name": "赵强"})
    store.delete("honor", honor)
    assert cells(page, 0) == ["选树典型", "志愿服务队"]   # the store's notice refreshed the page
    assert cells(page, 1) == ["赵强", "供电公司职工志愿服务队"]
    assert cells(page, 4) == ["—", "2 条"]
    assert page.table.item(1, 4).toolTip() == "队员 2 条"
    assert cells(page, 3) == ["张会计", ""] and not page.table.isColumnHidden(3)
    assert all(len(text) == 16 for text in cells(page, 2))   # 2026-09-01 14:05
    assert "保留 90 天" in page.intro.text()
    assert page.table.item(0, 2).toolTip().endswith("之后彻底删除")


def test_the_deleted_by_column_shows_only_when_someone_is_named(page, store, team_id):
    store.delete("team", team_id)
    assert page.table.isColumnHidden(3)


def test_enter_restores_the_selected_entry_whole(qtbot, page, store, team_id):
    whole = state(store)
    store.delete("team", team_id)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert state(store) == whole and page.table.rowCount() == 0
    assert page.status.text() == "已恢复志愿服务队“供电公司职工志愿服务队”及其 2 条下属记录。"


def test_the_restore_button(qtbot, page, store, team_id):
    store.delete("team", team_id)
    store.insert("honor", {"category": "工人先锋号", "subject_kind": "个人", "name": "赵强"})
    page.table.selectRow(0)
    assert page.selected()["title"] == "供电公司职工志愿服务队"
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert store.count("member") == 2 and page.table.rowCount() == 0


def test_a_refused_restore_says_why_and_changes_nothing(qtbot, page, store, team_id, monkeypatch):
    member = store.rows("member")[1]
    store.delete("member", member["id"])
    store.delete("team", team_id)
    said = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: said.append((title, text))))
    page.table.selectRow(1)   # 李娜, older than her team's entry
    assert page.selected()["label"] == "队员"
    before = state(store)
    assert not page.restore_selected()
    assert said == [("不能恢复", "无法恢复队员“李娜（供电公司职工志愿服务队）”：它所属的志愿服务队已不存在，"
                                "请先在回收站中恢复志愿服务队“供电公司职工志愿服务队”")]
    assert state(store) == before and page.table.rowCount() == 2


def test_del_purges_after_a_confirmation(qtbot, page, store, team_id, monkeypatch):
    store.delete("team", team_id)
    asked = []
    answer(monkeypatch, NO, asked)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert asked == [("彻底删除", "确定彻底删除志愿服务队“供电公司职工志愿服务队”及其 2 条下属记录吗？"
                                  "彻底删除后不能再恢复。")]
    assert len(trash.entries(store)) == 1, "No keeps it"
    answer(monkeypatch, YES)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert trash.entries(store) == [] and page.table.rowCount() == 0
    assert store.count("team") == store.count("member") == 0


def test_emptying_the_trash(qtbot, page, store, team_id, monkeypatch):
    store.delete("team", team_id)
    store.delete("honor", store.insert("honor", {"category": "工人先锋号", "subject_kind": "个人", "name": "赵强"}))
    asked = []
    answer(monkeypatch, YES, asked)
    qtbot.mouseClick(page.empty_button, Qt.MouseButton.LeftButton)
    assert asked[0][1] == "确定彻底删除回收站中的全部 2 项吗？彻底删除后不能再恢复。"
    assert trash.entries(store) == [] and page.status.text() == "回收站已清空。"


def test_read_only_changes_nothing(qtbot, db_path, store, team_id):
    store.delete("team", team_id)
    store.close()
    create_application()
    with Store.open(db_path, read_only=True) as ro:
        widget = TrashPage(ro)
        qtbot.addWidget(widget)
        widget.table.selectRow(0)
        assert widget.table.rowCount() == 1
        assert not widget.restore_button.isEnabled() and not widget.purge_button.isEnabled()
        assert not widget.restore_selected() and not widget.purge_selected() and not widget.empty()
        assert widget.status.text() == "以只读方式打开时不能恢复或彻底删除。"
        widget.close()


def test_in_the_window_del_on_the_trash_list_is_the_trash_pages(qtbot, store, team_id, tmp_path, monkeypatch):
    create_application()
    window = MainWindow(store, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    honor = store.insert("honor", {"category": "工人先锋号", "subject_kind": "个人", "name": "赵强"})
    store.delete("team", team_id)
    window.go_to("回收站")
    page = window.stack.currentWidget()
    assert isinstance(page, TrashPage) and page.table.rowCount() == 1
    asked = []
    answer(monkeypatch, YES, asked)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert [title for title, _text in asked] == ["彻底删除"]
    assert trash.entries(store) == [] and store.get("honor", honor) is not None
