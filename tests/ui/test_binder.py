"""ui.binder: forms/*.ui bound to schema record types."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6 import QtWidgets  # noqa: E402
from PySide6.QtCore import QDate, QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget  # noqa: E402

from leifeng_desktop.core import schema as s  # noqa: E402
from leifeng_desktop.ui.binder import FormBinder, load_form  # noqa: E402
from leifeng_desktop.ui.widgets import WIDGET_CLASSES  # noqa: E402

from keyboard import commit_text, type_text  # noqa: E402

CHOICES = {name: list(items) for name, (_label, items) in s.CHOICE_LISTS.items()}




def build_form(rt: s.RecordType) -> QWidget:
    """A throwaway form as a .ui would have it: one QFormLayout row per field, placeholder labels."""
    root = QWidget()
    layout = QFormLayout(root)
    for f in rt.fields:
        widget = getattr(QtWidgets, WIDGET_CLASSES[f.type][0])()
        widget.setObjectName(f.key)
        layout.addRow(QLabel(f.key), widget)
    return root


@pytest.fixture
def bound(qtbot):
    def make(key, *, ui=True, **kw):
        rt = s.record_type(key)
        root = load_form(key) if ui else build_form(rt)
        qtbot.addWidget(root)
        binder = FormBinder(root, rt, choices=kw.pop("choices", CHOICES), **kw)
        root.show()
        return root, binder
    return make


def error_row_below(binder, key):
    """The message label of a field and whether it sits in the row right below the field."""
    layout, row = binder.root.layout(), binder.root.layout().getWidgetPosition(binder.widget(key))[0]
    label = binder.error_label(key)
    below = layout.itemAt(row + 1, QFormLayout.ItemRole.FieldRole)
    return label, below is not None and below.widget() is label


def test_labels_come_from_the_schema(bound):
    root, binder = bound("unit")
    label = root.layout().labelForField(binder.widget("name"))
    assert "单位名称：" in label.text() and "*" in label.text()
    contact = root.layout().labelForField(binder.widget("contact")).text()
    assert contact == "联系人：" and "*" not in contact
    assert binder.widget("kind").count() == len(CHOICES["unit_kind"]) + 1   # optional: a blank first item


def test_typing_chinese_makes_the_form_dirty(bound, qtbot):
    root, binder = bound("unit")
    binder.load({"name": "XX市总工会", "kind": "市总工会", "expected": 1})
    assert not binder.dirty
    contact = binder.widget("contact")
    contact.setFocus()
    with qtbot.waitSignal(binder.dirtyChanged) as signal:
        type_text(contact, "王小红")
    assert signal.args == [True] and binder.dirty
    commit_text(binder.widget("note"), "市总机关")
    values = binder.values()
    assert values == {"name": "XX市总工会", "kind": "市总工会", "contact": "王小红", "phone": None,
                      "expected": 1, "note": "市总机关"}


def test_load_resets_dirty_and_errors(bound):
    root, binder = bound("working_group")
    binder.widget("leader").setText("张局长")
    assert binder.dirty
    binder.validate()
    assert binder.widget("name").property("invalid") is True
    binder.load({"name": "第一工作组", "leader": "李主席", "members": "甲\n乙"})
    assert not binder.dirty and not binder.widget("name").property("invalid")
    assert not binder.error_label("name").isVisible()
    assert binder.values() == {"name": "第一工作组", "leader": "李主席", "members": "甲\n乙"}
    binder.widget("members").appendPlainText("丙")
    assert binder.dirty
    binder.mark_clean()
    assert not binder.dirty


def test_a_required_field_left_empty_shows_its_message_below_it(bound):
    root, binder = bound("working_group")
    binder.load({"leader": "李主席"})
    binder.widget("members").setFocus()
    errors = binder.validate()
    assert errors == {"name": "请填写工作组名称"}
    label, below = error_row_below(binder, "name")
    assert below and label.isVisible() and label.text() == "请填写工作组名称"
    assert binder.widget("name").property("invalid") is True
    assert 'invalid="true"' in root.styleSheet()
    assert root.focusWidget() is binder.widget("name")   # focus goes to the first invalid field
    # fixed: the message goes away and the same label is reused next time
    type_text(binder.widget("name"), "第五工作组")
    assert binder.validate() == {} and not label.isVisible()
    binder.widget("name").clear()
    binder.validate()
    assert binder.error_label("name") is label and label.isVisible()


def test_phone_is_checked_by_the_core(bound):
    root, binder = bound("unit")
    binder.load({"name": "某单位", "phone": "12345"})
    assert "电话" in binder.validate()["phone"]


def test_money_is_shown_in_yuan_and_kept_in_fen(bound):
    root, binder = bound("household", ui=False)
    binder.load({"name": "赵六", "income": 123456})
    income = binder.widget("income")
    assert income.text() == "1234.56"
    income.setText("800.5")
    assert binder.values()["income"] == 80050
    income.setText("12.345")
    errors = binder.validate()
    assert errors["income"] == "金额最多保留两位小数（到分）"
    assert "income" not in binder.values()
    assert error_row_below(binder, "income") == (binder.error_label("income"), True)
    income.setText("")
    assert binder.validate() == {} and binder.values()["income"] is None


def test_multi_check_list_round_trip(bound):
    root, binder = bound("household", ui=False)
    checklist = binder.widget("other_causes")
    assert checklist.count() == len(CHOICES["hardship_cause"])
    binder.load({"name": "赵六", "other_causes": ["残疾", "失业"]})
    assert binder.values()["other_causes"] == ["残疾", "失业"]
    checklist.item(0).setCheckState(Qt.CheckState.Checked)   # 本人患大病
    assert binder.dirty
    assert binder.values()["other_causes"] == ["本人患大病", "残疾", "失业"]
    checklist.item(1).setCheckState(Qt.CheckState.Checked)
    assert binder.validate() == {"other_causes": "次要原因最多选3项"}


def test_optional_empty_date_round_trip(bound, qtbot):
    root, binder = bound("household", ui=False)
    binder.load({"name": "赵六", "birth_date": None})
    date = binder.widget("birth_date")
    assert date.text().strip() == "" and binder.values()["birth_date"] is None
    binder.load({"name": "赵六", "birth_date": "1970-05-06"})
    assert binder.values()["birth_date"] == "1970-05-06"
    date.setFocus()
    QTest.keyClick(date, Qt.Key.Key_Delete)   # Delete clears an optional date
    assert binder.values()["birth_date"] is None and binder.dirty
    QTest.keyClicks(date, "19850315")           # typing into the blank starts from real sections
    assert binder.values()["birth_date"] == "1985-03-15"
    date.actions()[0].trigger()                  # the context menu's 清空
    assert binder.values()["birth_date"] is None


def test_an_empty_date_calendar_opens_on_today(bound):
    root, binder = bound("household", ui=False)
    binder.load({"name": "赵六"})
    date = binder.widget("filed_on")
    calendar = date.calendarWidget()
    QTest.mouseClick(date, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(date.width() - 6, date.height() // 2))   # the drop-down arrow
    assert calendar.isVisible()
    today = QDate.currentDate()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())
    assert binder.values()["filed_on"] is None   # looking is not choosing
    calendar.window().hide()


def test_numbers_datetimes_and_refs(bound):
    teams = [("t1", "供电公司职工志愿服务队"), ("t2", "医院志愿服务团")]
    root, binder = bound("activity", ui=False, ref_options=lambda key: teams if key == "team" else [])
    record = {"title": "义诊进社区", "starts_at": "2026-03-05T09:00", "ends_at": "2026-03-05T11:30",
              "category": "扶老助残", "team_id": "t2", "beneficiaries": 0}
    binder.load(record)
    values = binder.values()
    assert {k: values[k] for k in record} == record
    assert values["service_form"] is None and values["evaluation"] is None
    team = binder.widget("team_id")
    assert team.currentText() == "医院志愿服务团" and team.itemData(0) is None   # optional: blank first
    binder.load({**record, "beneficiaries": None})
    assert binder.widget("beneficiaries").text().strip() == "" and binder.values()["beneficiaries"] is None
    binder.widget("beneficiaries").setValue(120)
    assert binder.values()["beneficiaries"] == 120
    binder.set_ref_options(lambda key: [("t0", "新队"), *teams])   # refreshed options keep the choice
    assert binder.values()["team_id"] == "t2" and team.count() == 4
    twins = [("a", "同名队"), ("b", "同名队")]   # choosing between equal titles still counts as an edit
    binder.set_ref_options(lambda key: twins)
    binder.load({**record, "team_id": "a"})
    team.setCurrentIndex(team.findData("b"))
    assert binder.dirty and binder.values()["team_id"] == "b"
    binder.widget("ends_at").setDateTime(binder.widget("starts_at").dateTime().addSecs(-60))
    assert binder.validate() == {"ends_at": "结束时间不能早于开始时间"}


def test_hours_are_kept_in_minutes(bound):
    root, binder = bound("participant", ui=False)
    binder.load({"minutes": 90})
    hours = binder.widget("minutes")
    assert hours.value() == 1.5
    hours.setValue(2.25)
    assert binder.values()["minutes"] == 135


def test_required_choice_starts_blank_and_set_choices_keeps_the_value(bound):
    root, binder = bound("team", ui=False, unit_options=["XX市总工会", "供电公司工会"])
    binder.load({})
    kind = binder.widget("kind")
    assert kind.currentIndex() == -1 and binder.values()["kind"] is None
    assert "kind" in binder.validate()
    kind.setCurrentIndex(kind.findText("心理咨询志愿服务团"))
    binder.mark_clean()
    new = {**CHOICES, "team_kind": ["新增类型", *CHOICES["team_kind"]]}
    binder.set_choices(new)
    assert kind.currentText() == "心理咨询志愿服务团" and kind.count() == 7 and not binder.dirty
    # a value that left the list is kept, and marked
    binder.set_choices({**CHOICES, "team_kind": ["别的类型"]})
    assert binder.values()["kind"] == "心理咨询志愿服务团" and "已不在选项中" in kind.currentText()


def test_unit_is_an_editable_combo(bound):
    root, binder = bound("team", ui=False, unit_options=["XX市总工会", "供电公司工会"])
    unit = binder.widget("unit")
    assert unit.isEditable() and unit.count() == 2
    binder.load({"unit": "新单位工会"})
    assert binder.values()["unit"] == "新单位工会"
    unit.setCurrentIndex(1)
    assert binder.values()["unit"] == "供电公司工会"


def test_errors_for_fields_not_on_the_form_are_handed_back(bound):
    root, binder = bound("working_group")
    left = binder.show_errors({"name": "名称重复", "team_id": "请选择所在队伍"})
    assert left == {"team_id": "请选择所在队伍"}
    assert binder.error_label("name").text() == "名称重复"
    binder.clear_errors()
    assert not binder.error_label("name").isVisible()


def test_a_form_whose_widget_does_not_fit_the_field_is_refused(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    layout = QFormLayout(root)
    wrong = QtWidgets.QLineEdit()
    wrong.setObjectName("family_size")   # an INT needs a QSpinBox
    layout.addRow("x", wrong)
    with pytest.raises(TypeError, match="QSpinBox"):
        FormBinder(root, s.record_type("household"), choices=CHOICES)


def test_a_required_date_left_blank_is_refused_not_saved_as_1900(bound):
    groups = [("g1", "第一工作组"), ("g2", "第二工作组")]
    root, binder = bound("enterprise_visit", ui=False, ref_options=lambda key: groups)
    binder.load({"enterprise": "某某机械厂"})
    assert binder.widget("date").text().strip() == "" and binder.values()["date"] is None
    group = binder.widget("group_id")
    assert group.currentIndex() == -1 and group.count() == 2   # required: no blank item, nothing chosen
    assert binder.validate() == {"date": "请填写走访日期", "group_id": "请填写工作组"}
    binder.widget("date").setDate(QDate(2026, 9, 1))
    group.setCurrentIndex(1)
    assert binder.validate() == {}
    assert (binder.values()["date"], binder.values()["group_id"]) == ("2026-09-01", "g2")
