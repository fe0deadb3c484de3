"""活动记录 as a clerk uses it: the editor with participants, attachments and reports; the list's filters; the
volunteers' hours."""
import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMessageBox

from leifeng_desktop.core import attachments, teams, trash
from leifeng_desktop.ui.activity_dialog import ActivityDialog
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.pages.activity_page import ActivityPage, VolunteerHoursPage
from leifeng_desktop.ui.participants import HOURS_COL, MemberPicker

from keyboard import type_text


@pytest.fixture
def team_id(store, team_values):
    return teams.save_team(store, None, team_values, [{"name": "甲"}, {"name": "乙"}, {"name": "丙"}])


@pytest.fixture
def open_dialog(qtbot, store):
    create_application()

    def make(record_id=None):
        dialog = ActivityDialog(store, record_id)
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        return dialog
    return make


def set_time(widget, day, hour, minute=0):
    widget.setDateTime(QDateTime(QDate(2026, 3, day), QTime(hour, minute)))


def fill_basics(dialog, team_id):
    w = dialog.binder.widget
    w("title").setFocus()
    type_text(w("title"), "社区义诊")
    set_time(w("starts_at"), 5, 9)
    set_time(w("ends_at"), 5, 12)
    w("category").setCurrentIndex(w("category").findText("扶老助残"))
    w("team_id").setCurrentIndex(w("team_id").findData(team_id))


def pick_all(monkeypatch, names=None):
    def choose(self):
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable and (names is None or item.text() in names):
                item.setCheckState(Qt.CheckState.Checked)
        return True
    monkeypatch.setattr(MemberPicker, "exec", choose)


def test_new_activity_with_participants_and_report_round_trip(qtbot, store, team_id, open_dialog, monkeypatch):
    dialog = open_dialog()
    fill_basics(dialog, team_id)
    pick_all(monkeypatch, {"甲", "乙"})
    dialog.pick_members()
    model = dialog.participants
    assert [r["name"] for r in model.rows()] == ["甲", "乙"]
    assert [r["minutes"] for r in model.rows()] == [180, 180], "hours default to the activity's duration"
    assert model.setData(model.index(1, HOURS_COL), "2.5")
    assert "合计 5.5 小时" in dialog.total_label.text()
    dialog._add_report({})
    for col, text in enumerate(("XX日报", "2026-03-06", "职工志愿者走进社区", "https://example.cn/a")):
        dialog.reports.item(dialog.reports.rowCount() - 1, col).setText(text)
    qtbot.keyClick(dialog.participant_view, Qt.Key.Key_Return)   # Enter saves
    assert not dialog.isVisible()
    activity = store.rows("activity")[0]
    assert activity["title"] == "社区义诊" and activity["starts_at"] == "2026-03-05T09:00"
    minutes = sorted(r["minutes"] for r in store.rows("participant"))
    assert minutes == [150, 180]
    report = store.rows("publicity")[0]
    assert (report["outlet"], report["activity_id"], report["link"]) == ("XX日报", activity["id"],
                                                                         "https://example.cn/a")
    again = open_dialog(activity["id"])
    assert again.participants.rowCount() == 2 and again.reports.rowCount() == 1 and not again.dirty


def test_hours_over_the_duration_are_refused_beside_the_row(qtbot, store, team_id, open_dialog, monkeypatch):
    dialog = open_dialog()
    fill_basics(dialog, team_id)
    pick_all(monkeypatch, {"甲"})
    dialog.pick_members()
    dialog.participants.setData(dialog.participants.index(0, HOURS_COL), "4")
    assert 0 in dialog.participants.errors
    assert dialog.participants.index(0, 3).data()   # the note column says why
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: warnings.append(a[2])))
    assert not dialog.save()
    assert warnings and "甲" in warnings[0] and dialog.tabs.currentIndex() == 1
    assert store.count("activity") == 0
    dialog.binder.widget("ends_at").setDateTime(QDateTime(QDate(2026, 3, 5), QTime(13, 0)))
    assert dialog.participants.errors == {}, "a longer activity makes 4 hours acceptable"
    assert dialog.save()


def test_overlapping_activity_is_flagged_and_a_duplicate_asks(qtbot, store, team_id, open_dialog, monkeypatch):
    first = open_dialog()
    fill_basics(first, team_id)
    pick_all(monkeypatch, {"甲"})
    first.pick_members()
    assert first.save()
    second = open_dialog()
    fill_basics(second, team_id)
    second.pick_members()
    assert "社区义诊" in second.participants.warnings[0]
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No))
    assert not second.save()
    assert asked and "同名" in asked[0]
    assert store.count("activity") == 1


def test_attachments_are_copied_on_save_and_go_with_the_activity(qtbot, store, team_id, open_dialog, monkeypatch,
                                                                  tmp_path):
    photo = tmp_path / "合影.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#c0392b"))
    assert image.save(str(photo))
    big = tmp_path / "录像.mp4"
    with open(big, "wb") as f:
        f.truncate(21 * 1024 * 1024)
    dialog = open_dialog()
    fill_basics(dialog, team_id)
    refused = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: refused.append(a[2])))
    dialog.add_files([photo, big])
    assert refused and "20 MB" in refused[0]
    assert dialog.files.count() == 1 and not dialog.files.item(0).icon().isNull()
    assert dialog.save()
    record = store.rows("attachment")[0]
    stored = attachments.file_path(store, record)
    assert stored.exists() and stored.read_bytes() == photo.read_bytes()

    page = ActivityPage(store)
    qtbot.addWidget(page)
    page.view.setCurrentIndex(page.model.index(0, 0))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    page.delete_current()
    assert store.count("activity") == 0 and store.count("attachment") == 0
    assert stored.exists(), "the 回收站 keeps the activity, and so its file"
    trash.purge(store)
    assert not stored.exists(), "no orphan file is left"


def test_list_filters_by_team_category_and_dates(qtbot, store, team_id, team_values):
    create_application()
    other = store.insert("team", {**team_values, "name": "另一队"})
    for title, day, category, team in (("一月活动", "2026-01-10", "扶老助残", team_id),
                                       ("三月活动", "2026-03-10", "便民利民", team_id),
                                       ("另一队活动", "2026-03-20", "扶老助残", other)):
        store.insert("activity", {"title": title, "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00",
                                  "category": category, "team_id": team})
    page = ActivityPage(store)
    qtbot.addWidget(page)
    assert page.model.total_count() == 3
    headers = [page.model.headerData(i, Qt.Orientation.Horizontal) for i in range(page.model.columnCount())]
    assert "参加人数" in headers and "服务总时长（小时）" in headers
    page.select_filter("category", "扶老助残")
    assert page.model.total_count() == 2
    page.select_filter("team", "另一队")
    assert page.model.total_count() == 1
    page.select_filter("team", "全部队伍")
    page.select_filter("category", "全部服务内容")
    page.set_date_range("starts_at", "2026-03-01", "2026-03-15")
    assert page.model.total_count() == 1 and page.model.index(0, 0).data() == "三月活动"
    page.search.setText("另一队")
    page.set_date_range("starts_at", None, None)
    assert page.model.total_count() == 1


def test_volunteer_hours_page_matches_a_hand_count(qtbot, store, team_id):
    create_application()
    members = {m["name"]: m["id"] for m in store.rows("member")}
    for day, people in (("2026-03-05", ("甲", "乙")), ("2026-04-05", ("甲",))):
        activity = store.insert("activity", {"title": f"{day} 活动", "starts_at": f"{day}T09:00",
                                             "ends_at": f"{day}T12:00", "category": "扶老助残", "team_id": team_id})
        for name in people:
            store.insert("participant", {"activity_id": activity, "member_id": members[name], "minutes": 90})
    page = VolunteerHoursPage(store)
    qtbot.addWidget(page)
    cell = lambda r, c: page.hours.data(page.hours.index(r, c))  # noqa: E731
    rows = {cell(r, 0): (cell(r, 2), cell(r, 3)) for r in range(page.hours.rowCount())}
    assert rows["甲"] == ("2", "3") and rows["乙"] == ("1", "1.5") and rows["丙"] == ("0", "0")
    page.people.setCurrentIndex(page.hours.index(0, 0))
    assert page.detail.rowCount() == 2 and "累计 3 小时" in page.detail_label.text()
    page.date_from.setDate(QDate(2026, 4, 1))
    rows = {cell(r, 0): cell(r, 3) for r in range(page.hours.rowCount())}
    assert rows["甲"] == "1.5"


def test_publicity_events_have_their_own_editor(qtbot, store):
    from leifeng_desktop.ui.record_dialog import RecordDialog
    create_application()
    dialog = RecordDialog(store, "publicity")
    qtbot.addWidget(dialog)
    w = dialog.binder.widget
    w("kind").setCurrentIndex(w("kind").findText("征文"))
    w("date").setDate(QDate(2026, 3, 5))
    w("title").setFocus()
    type_text(w("title"), "学雷锋征文比赛")
    w("link").setText("不是链接")
    assert not dialog.save()
    assert "http" in dialog.binder.error_label("link").text()
    w("link").setText("https://example.cn/zw")
    assert dialog.save()
    record = store.rows("publicity")[0]
    assert (record["kind"], record["date"], record["title"]) == ("征文", "2026-03-05", "学雷锋征文比赛")
