"""操作日志 page: the entries newest first, the filters, following new writes, 导出为 Excel; and its place in the
window's navigation."""
import openpyxl
import pytest
from PySide6.QtCore import QDate, QSettings

from leifeng_desktop.core import oplog, teams
from leifeng_desktop.ui import export_dialog
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.pages import oplog_page
from leifeng_desktop.ui.pages.oplog_page import OplogPage


@pytest.fixture
def written(store, team_values):
    """Writes by two operators: a team with its roster, a change, a settings change."""
    store.settings.set({"operator": "甲"})
    team = teams.save_team(store, None, team_values, [{"name": "李四", "phone": "13912345678"}])
    store.settings.set({"operator": "乙"})
    store.update("team", team, {"leader": "王建设"})
    return team


@pytest.fixture
def page(qtbot, store, written):
    widget = OplogPage(store)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def column(page, col: int) -> list[str]:
    return [page.model.index(r, col).data() for r in range(page.model.rowCount())]


def test_lists_every_entry_newest_first(page, store, qtmodeltester):
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == oplog.count(store) == 5   # new file, 操作员 甲, team, 操作员 乙, update
    assert column(page, 2)[:3] == ["修改", "修改设置", "新增"]
    assert column(page, 1)[0] == "乙" and column(page, 4)[0] == "供电公司职工志愿服务队"
    assert column(page, 5)[0] == "队长姓名：王建国 → 王建设"
    assert "队员：新增 李四（联系电话：139****5678）" in column(page, 5)[2]
    assert page.count_label.text() == "共 5 条操作记录"


def test_filters_narrow_the_list(page, store):
    assert page.select(page.type_filter, "team")
    assert column(page, 3) == ["志愿服务队", "志愿服务队"]
    assert page.select(page.operator_filter, "甲")
    assert column(page, 2) == ["新增"]
    page.select(page.operator_filter, "乙")
    page.select(page.action_filter, "update")
    assert column(page, 5) == ["队长姓名：王建国 → 王建设"]
    page.type_filter.setCurrentIndex(0)
    page.operator_filter.setCurrentIndex(0)
    page.action_filter.setCurrentIndex(0)
    page.search.setText("李四")
    assert column(page, 2) == ["新增"]
    page.search.clear()
    page.date_to.setDate(QDate.currentDate().addDays(-1))
    assert page.model.rowCount() == 0 and page.count_label.text() == "共 0 条操作记录"
    page.date_to.setDate(oplog_page.NO_DATE)
    page.date_from.setDate(QDate.currentDate())
    assert page.model.rowCount() == 5


def test_a_new_write_shows_at_the_top_and_in_the_filters(page, store, team_values):
    store.settings.set({"operator": "丙"})
    store.insert("team", {**team_values, "name": "新队"})
    assert column(page, 4)[0] == "新队" and column(page, 1)[0] == "丙"
    assert page.operator_filter.findData("丙") >= 0


def test_a_hidden_page_reads_again_when_shown(page, store, team_values):
    page.hide()
    store.insert("team", {**team_values, "name": "新队"})
    assert page.model.rowCount() == 5
    page.show()
    assert column(page, 4)[0] == "新队"


def test_rows_arrive_a_batch_at_a_time(qtbot, store, team_values):
    with store.transaction():
        for n in range(250):
            store.insert("team", {**team_values, "name": f"队{n}"})
    widget = OplogPage(store)
    qtbot.addWidget(widget)
    assert widget.model.rowCount() == 200 and widget.model.canFetchMore()
    widget.model.fetchMore()
    assert widget.model.rowCount() == widget.model.total_count() == oplog.count(store)


def test_export_writes_what_the_filters_show(qtbot, page, tmp_path, monkeypatch):
    target = tmp_path / "日志.xlsx"
    monkeypatch.setattr(oplog_page, "ask_save_path", lambda *a: target)
    opened = []
    monkeypatch.setattr(export_dialog, "offer_open", lambda parent, folder, paths: opened.append(paths))
    page.select(page.type_filter, "team")
    task = page.export()
    with qtbot.waitSignal(task.done, timeout=30000):
        pass
    assert opened == [[target]]
    ws = openpyxl.load_workbook(target).active
    assert ws.cell(2, 1).value == "填报单位：XX市总工会　　记录类型：志愿服务队"
    assert [ws.cell(r, 4).value for r in (4, 5)] == ["新增", "修改"]   # oldest first on paper
    assert ws.cell(5, 7).value == "队长姓名：王建国 → 王建设"
    assert ws.cell(6, 2).value == "共 2 条"


def test_the_window_has_the_page(qtbot, store, written, tmp_path):
    win = MainWindow(store, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.go_to("操作日志")
    assert isinstance(win.stack.currentWidget(), OplogPage)
    assert win.stack.currentWidget().model.rowCount() == oplog.count(store)
