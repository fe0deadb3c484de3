"""志愿服务队 as a clerk uses it: the editor with its roster, the list's filters, deleting, missing kinds."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from leifeng_desktop.core import teams
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.child_table import COLUMNS
from leifeng_desktop.ui.pages.team_page import MissingKindsView, TeamPage
from leifeng_desktop.ui.team_dialog import TeamDialog

from keyboard import type_text

COL = {f.key: i for i, f in enumerate(COLUMNS)}


@pytest.fixture
def open_dialog(qtbot, store):
    create_application()

    def make(record_id=None):
        dialog = TeamDialog(store, record_id)
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):   # Enter and the shortcuts need the active window, as for a clerk
            dialog.show()
            dialog.activateWindow()
        return dialog
    return make


def type_into_cell(qtbot, dialog, row, key, text):
    """Select the cell, press F2 as a clerk does (unless its editor is already open), type, press Enter."""
    table = dialog.table
    index = dialog.roster.index(row, COL[key])
    if not (table.currentIndex() == index and table.state() == table.State.EditingState):
        table.setCurrentIndex(index)
        qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: table.isAncestorOf(QApplication.focusWidget() or table)
                    and QApplication.focusWidget() is not table)   # the previous cell's editor is gone
    editor = QApplication.focusWidget()
    type_text(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)   # the delegate commits queued


def test_new_team_with_roster_is_saved_by_enter_and_reopens(qtbot, store, open_dialog, fake_id):
    dialog = open_dialog()
    w = dialog.binder.widget
    w("name").setFocus()
    type_text(w("name"), "供电公司职工志愿服务队")
    w("kind").setCurrentIndex(w("kind").findText("职工志愿服务队"))
    w("unit").setEditText("XX市供电公司工会")
    type_text(w("leader"), "王建国")
    qtbot.keyClicks(w("leader_phone"), "13812345678")
    w("categories").item(0).setCheckState(Qt.CheckState.Checked)
    w("service_forms").item(1).setCheckState(Qt.CheckState.Checked)
    type_text(w("intro"), "每月到社区开展一次便民服务。")

    dialog.add_member()
    type_into_cell(qtbot, dialog, 0, "name", "李四")
    type_into_cell(qtbot, dialog, 0, "id_number", fake_id(seq=991))
    type_into_cell(qtbot, dialog, 0, "phone", "13900001111")
    dialog.roster.add_rows([{"name": "赵六", "gender": "女", "politics": "中共党员", "birth_month": "1990-04"}])
    assert "队员 2 人" in dialog.count_label.text()
    assert dialog.dirty

    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)   # no cell is being edited: Enter means 保存
    assert not dialog.isVisible()
    assert dialog.result() == dialog.DialogCode.Accepted
    team = store.rows("team")[0]
    assert (team["name"], team["unit"], team["leader"]) == ("供电公司职工志愿服务队", "XX市供电公司工会", "王建国")
    assert team["categories"] == ["扶老助残"] and team["service_forms"] == ["上门服务"]
    members = store.rows("member", where="team_id = ?", params=[team["id"]])
    assert [m["name"] for m in members] == ["李四", "赵六"]
    assert members[0]["id_number"] == fake_id(seq=991) and members[0]["phone"] == "13900001111"

    again = open_dialog(team["id"])
    assert again.binder.widget("name").text() == "供电公司职工志愿服务队"
    assert again.roster.rowCount() == 2 and not again.dirty
    masked = again.roster.index(0, COL["id_number"]).data()
    assert masked.startswith("110101") and "********" in masked
    again.reveal_box.setChecked(True)
    assert again.roster.index(0, COL["id_number"]).data() == fake_id(seq=991)


def test_bad_member_cells_are_flagged_and_nothing_is_saved(qtbot, store, open_dialog, team_values, monkeypatch,
                                                           fake_id):
    team_id = store.insert("team", team_values)
    dialog = open_dialog(team_id)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    good = fake_id(seq=993)
    dialog.roster.add_rows([{"name": "", "phone": "12345"}, {"name": "王五", "id_number": good[:-1] + "0"},
                            {"name": "钱七", "id_number": good}, {"name": "钱七", "id_number": good}])
    errors = dialog.roster.errors()
    assert errors[(0, "name")] == "请填写姓名"
    assert "电话" in errors[(0, "phone")]
    assert "校验位" in errors[(1, "id_number")]
    assert set(dialog.roster.duplicates()) == {2, 3}
    assert dialog.roster.index(1, COL["id_number"]).data(Qt.ItemDataRole.ToolTipRole) == errors[(1, "id_number")]
    assert "4 行有错误" in dialog.count_label.text()
    assert not dialog.save()
    assert warnings and "第 1 行" in warnings[0] and "第 2 行" in warnings[0] and "同一人" in warnings[0]
    assert dialog.tabs.currentIndex() == 1
    assert store.count("member") == 0

    dialog.roster.remove_rows([0, 1, 3])
    assert dialog.roster.errors() == {} and dialog.roster.duplicates() == {}
    assert dialog.save()
    assert [m["name"] for m in store.rows("member")] == ["钱七"]


def test_a_bad_team_field_shows_beside_it_on_the_first_tab(qtbot, store, open_dialog):
    dialog = open_dialog()
    dialog.tabs.setCurrentIndex(1)
    assert not dialog.save()
    assert dialog.tabs.currentIndex() == 0
    assert dialog.binder.error_label("name").text() == "请填写队伍名称"
    assert store.count("team") == 0


def test_removed_members_go_when_the_team_is_saved(qtbot, store, open_dialog, team_values):
    team_id = teams.save_team(store, None, team_values, [{"name": "甲"}, {"name": "乙"}, {"name": "丙"}])
    dialog = open_dialog(team_id)
    dialog.roster.remove_rows([1])
    dialog.roster.setData(dialog.roster.index(0, COL["name"]), "甲二")
    assert dialog.save()
    assert [m["name"] for m in store.rows("member")] == ["甲二", "丙"]


@pytest.fixture
def page(qtbot, store, team_values):
    create_application()
    kinds = store.settings.choices()["team_kind"]
    late = {**team_values, "name": "迟到的服务队", "kind": kinds[1], "unit": "乙单位工会", "founded_on": "2026-09-01"}
    teams.save_team(store, None, team_values, [{"name": "甲"}, {"name": "乙"}])
    teams.save_team(store, None, late, [])
    widget = TeamPage(store)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_list_shows_roster_count_and_lateness(page):
    model = page.model
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert headers == ["队伍名称", "队伍类型", "所属单位", "队长姓名", "队员人数", "成立日期", "逾期/按期"]
    rows = {model.index(r, 0).data(): [model.index(r, c).data() for c in range(7)] for r in range(model.rowCount())}
    assert rows["供电公司职工志愿服务队"][4] == "2" and rows["供电公司职工志愿服务队"][6] == "按期"
    assert rows["迟到的服务队"][6] == "逾期"
    late_row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "迟到的服务队")
    assert model.index(late_row, 6).data(Qt.ItemDataRole.ForegroundRole) is not None   # shown in red


def test_filters_by_kind_unit_and_lateness(page, store):
    assert page.model.total_count() == 2
    assert page.select_filter("lateness", "逾期")
    assert page.model.total_count() == 1 and page.model.index(0, 0).data() == "迟到的服务队"
    page.select_filter("lateness", "全部（按期与逾期）")
    assert page.select_filter("unit", "XX市供电公司工会")
    assert page.model.total_count() == 1
    page.select_filter("unit", "全部单位")
    assert page.select_filter("kind", store.settings.choices()["team_kind"][1])
    assert page.model.total_count() == 1 and page.model.index(0, 0).data() == "迟到的服务队"


def test_lateness_follows_the_deadline_setting(page, store):
    store.settings.set({"registration_deadline": "2026-09-30"})
    values = [page.model.index(r, 6).data() for r in range(page.model.rowCount())]
    assert values == ["按期", "按期"]


def test_new_unit_appears_in_the_unit_filter(page, store, team_values):
    store.insert("team", {**team_values, "name": "新队", "unit": "丙单位工会"})
    combo = page.findChild(type(page.filters[0][0]), "unit_filter")
    assert combo.findText("丙单位工会") >= 0


def test_delete_asks_and_takes_the_roster(page, store, monkeypatch):
    questions = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: questions.append(a[2]) or QMessageBox.StandardButton.Yes)
    row = next(r for r in range(page.model.rowCount()) if page.model.index(r, 0).data() == "供电公司职工志愿服务队")
    page.view.setCurrentIndex(page.model.index(row, 0))
    page.delete_current()
    assert "2 名队员" in questions[0]
    assert store.count("team") == 1 and store.count("member") == 0


def test_missing_kinds_per_unit(qtbot, store, team_values):
    create_application()
    store.insert("unit", {"name": "丁单位工会", "expected": 1})
    store.insert("team", team_values)
    view = MissingKindsView(store)
    qtbot.addWidget(view)
    cells = {view.table.item(r, 0).text(): view.table.item(r, 2).text() for r in range(view.table.rowCount())}
    kinds = store.settings.choices()["team_kind"]
    assert cells["丁单位工会"] == "、".join(kinds)
    assert team_values["kind"] not in cells["XX市供电公司工会"].split("、")
    store.insert("team", {**team_values, "unit": "丁单位工会", "kind": kinds[2]})
    cells = {view.table.item(r, 0).text(): view.table.item(r, 2).text() for r in range(view.table.rowCount())}
    assert kinds[2] not in cells["丁单位工会"]


def test_roster_import_previews_bad_rows_and_adds_only_valid_ones(qtbot, store, open_dialog, monkeypatch, tmp_path,
                                                                   fake_id):
    from openpyxl import Workbook
    from PySide6.QtWidgets import QFileDialog

    from leifeng_desktop.ui import import_dialog

    wb = Workbook()
    ws = wb.active
    ws.append(["供电公司志愿服务队队员名单"])
    ws.append(["联系电话", "姓名", "身份证号", "性别", "爱好"])
    ws.append(["13900002222", "孙八", fake_id(seq=995), "男", "下棋"])
    ws.append(["12345", "周九", fake_id(seq=997)[:-1] + "0", "女", ""])
    ws.append(["13900003333", "", "", "", ""])
    path = tmp_path / "名单.xlsx"
    wb.save(path)

    dialog = open_dialog()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    shown = []

    def confirm(self):
        shown.append({"ok": self.ok_button.text(), "rows": self.table.rowCount(),
                      "problems": [self.table.item(r, 1).text() for r in range(self.table.rowCount())]})
        return True
    monkeypatch.setattr(import_dialog.ImportPreviewDialog, "exec", confirm)
    dialog.import_from_excel()
    assert shown[0]["rows"] == 3 and "导入 1 行" in shown[0]["ok"]
    assert shown[0]["problems"][0] == "可导入"
    assert "校验位" in shown[0]["problems"][1] and "电话" in shown[0]["problems"][1]
    assert "姓名" in shown[0]["problems"][2]
    assert [m["name"] for m in dialog.roster.members()] == ["孙八"]
    assert dialog.roster.members()[0]["phone"] == "13900002222"
    assert store.count("member") == 0, "imported rows are saved with the team, not before"


def test_a_workbook_that_cannot_be_read_is_explained(qtbot, open_dialog, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog
    bad = tmp_path / "名单.xlsx"
    bad.write_text("姓名,电话\n张三,13800000000\n", encoding="utf-8")
    dialog = open_dialog()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bad), "")))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: warnings.append(a[2])))
    dialog.import_from_excel()
    assert warnings and "未导入任何数据" in warnings[0]
    assert dialog.roster.rowCount() == 0


def test_roster_model_passes_the_model_tester(qtmodeltester, store, fake_id):
    from leifeng_desktop.ui.child_table import RosterModel
    model = RosterModel(store.settings.choices())
    model.load([{"id": "a", "name": "甲", "id_number": fake_id(seq=981)}, {"id": "b", "name": "乙", "phone": "1"}])
    qtmodeltester.check(model)
    model.add_rows([{"name": "丙"}])
    model.remove_rows([0])
    qtmodeltester.check(model)


def test_export_of_selected_teams_runs_off_thread_and_offers_the_folder(page, qtbot, monkeypatch, tmp_path):
    from docx import Document

    from leifeng_desktop.ui import export_dialog

    out = tmp_path / "登记表"
    monkeypatch.setattr(export_dialog.ExportOptionsDialog, "exec", lambda self: True)
    monkeypatch.setattr(export_dialog.ExportOptionsDialog, "options",
                        lambda self: {"folder": out, "reveal": False, "combined": True})
    offered = []
    monkeypatch.setattr(export_dialog, "offer_open", lambda parent, folder, paths: offered.append(paths))
    page.view.selectAll()
    task = page.export_selected()
    with qtbot.waitSignal(task.done, timeout=30000):
        pass
    qtbot.waitUntil(lambda: bool(offered))
    names = sorted(p.name for p in offered[0])
    assert names == sorted(["登记表_XX市供电公司工会_供电公司职工志愿服务队.docx",
                            "登记表_乙单位工会_迟到的服务队.docx",
                            *[n for n in names if n.startswith("登记表_汇总_")]]) and len(names) == 3
    text = "\n".join(c.text for t in Document(out / names[0]).tables for r in t.rows for c in r.cells)
    assert "13812345678" not in text and "138****5678" in text   # masked by default


def test_export_with_nothing_selected_explains(page, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: shown.append(a[2])))
    page.view.clearSelection()
    assert page.export_selected() is None
    assert shown and "选择" in shown[0]


def test_removing_a_volunteer_with_service_hours_says_so(qtbot, store, open_dialog, team_values, monkeypatch):
    team_id = teams.save_team(store, None, team_values, [{"name": "甲"}, {"name": "乙"}])
    member = store.rows("member")[0]
    activity = store.insert("activity", {"title": "义诊", "starts_at": "2026-03-05T09:00",
                                         "ends_at": "2026-03-05T11:00", "category": "扶老助残", "team_id": team_id})
    store.insert("participant", {"activity_id": activity, "member_id": member["id"], "minutes": 120})
    dialog = open_dialog(team_id)
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No))
    dialog.table.setCurrentIndex(dialog.roster.index(0, 0))
    dialog.remove_selected()
    assert "1 条志愿服务记录" in asked[0]
    assert dialog.roster.rowCount() == 2, "answered No: nothing removed"
    page = TeamPage(store)
    qtbot.addWidget(page)
    assert "1 条志愿服务记录" in page.delete_question(store.get("team", team_id))


def test_an_old_team_whose_kind_was_renamed_still_saves(store, open_dialog, team_values):
    team_id = teams.save_team(store, None, team_values, [{"name": "甲", "politics": "群众"}])
    store.settings.set_choices("team_kind", ["新类型"] + store.settings.choices()["team_kind"][1:])
    store.settings.set_choices("politics", ["中共党员"])
    dialog = open_dialog(team_id)
    assert dialog.roster.errors() == {}
    dialog.binder.widget("leader").setText("李四")
    assert dialog.save()
    assert store.get("team", team_id)["kind"] == team_values["kind"]
