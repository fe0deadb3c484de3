"""选树典型 and 报送记录: editing an honor with long deeds, filters, a submission with its methods."""
from PySide6.QtCore import QDate, Qt

from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.pages.honors_page import HonorPage, SubmissionPage
from leifeng_desktop.ui.record_dialog import RecordDialog

from keyboard import commit_text


def test_honor_with_long_deeds_round_trips_and_filters(qtbot, store):
    create_application()
    dialog = RecordDialog(store, "honor")
    qtbot.addWidget(dialog)
    w = dialog.binder.widget
    w("category").setCurrentIndex(w("category").findText("金牌工人"))
    w("subject_kind").setCurrentIndex(w("subject_kind").findText("个人"))
    w("name").setText("李师傅")
    deeds = "扎根一线三十年，" * 600   # a 5,000-character 事迹
    w("deeds").setFocus()
    commit_text(w("deeds"), deeds)
    assert dialog.save()
    honor = store.rows("honor")[0]
    assert honor["deeds"] == deeds and honor["status"] == "推荐"
    store.insert("honor", {"category": "工人先锋号", "subject_kind": "集体", "name": "检修班", "status": "表彰"})
    page = HonorPage(store)
    qtbot.addWidget(page)
    assert page.model.total_count() == 2
    page.select_filter("status", "表彰")
    assert page.model.total_count() == 1 and page.model.index(0, 2).data() == "检修班"
    page.select_filter("status", "全部状态")
    page.select_filter("subject", "个人")
    assert page.model.index(0, 2).data() == "李师傅"


def test_submission_records_which_unit_sent_what(qtbot, store):
    create_application()
    dialog = RecordDialog(store, "submission")
    qtbot.addWidget(dialog)
    w = dialog.binder.widget
    w("unit").setEditText("XX市教育工会")
    w("material").setCurrentIndex(w("material").findText("登记表"))
    w("date").setDate(QDate(2026, 8, 20))
    w("methods").item(0).setCheckState(Qt.CheckState.Checked)
    assert dialog.save()
    row = store.rows("submission")[0]
    assert (row["unit"], row["material"], row["date"], row["methods"]) == ("XX市教育工会", "登记表", "2026-08-20",
                                                                          ["电子版"])
    page = SubmissionPage(store)
    qtbot.addWidget(page)
    assert page.select_filter("unit", "XX市教育工会") and page.model.total_count() == 1


def test_a_choice_list_edited_in_the_settings_reaches_the_filters(qtbot, store):
    create_application()
    page = HonorPage(store)
    qtbot.addWidget(page)
    assert not page.select_filter("status", "撤销")
    store.insert("honor", {"category": "金牌工人", "subject_kind": "个人", "name": "李师傅", "status": "推荐"})
    store.settings.set({"choices.honor_status": [*store.settings.choices()["honor_status"], "撤销"]})
    store.notify("settings")   # what the settings page's save says to every listener
    assert page.select_filter("status", "撤销") and page.model.total_count() == 0
    assert page.select_filter("status", "推荐") and page.model.total_count() == 1
