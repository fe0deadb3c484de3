"""Honest marks in editors: a wrong value shows as typed (masking is for valid values), a duplicate that refuses
saving is an error (red, error icon), one that does not a warning (yellow, warning icon), each naming the other row."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.child_table import COLUMNS, DUPLICATE_BACKGROUND, ERROR_BACKGROUND, RosterModel
from leifeng_desktop.ui.visit_dialogs import HouseholdDialog

COL = {f.key: i for i, f in enumerate(COLUMNS)}


@pytest.fixture
def roster(qtbot, store):
    create_application()
    return RosterModel(store.settings.choices())


def cell(model, row, key, role=Qt.ItemDataRole.DisplayRole):
    return model.index(row, COL[key]).data(role)


def test_an_invalid_phone_and_id_show_as_typed_valid_ones_masked(roster, fake_id):
    good = fake_id(seq=961)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")   # a wrong check digit
    roster.add_rows([{"name": "张三", "phone": "phonenumber", "id_number": wrong},
                     {"name": "李四", "phone": "13812345678", "id_number": good}])
    assert roster.errors()[(0, "phone")] and roster.errors()[(0, "id_number")]
    assert cell(roster, 0, "phone") == "phonenumber"
    assert cell(roster, 0, "id_number") == wrong
    assert cell(roster, 1, "phone") == "138****5678"
    assert cell(roster, 1, "id_number") == good[:6] + "********" + good[-4:]


def test_the_same_id_twice_is_an_error_naming_the_other_row(roster, fake_id):
    same = fake_id(seq=962)
    roster.add_rows([{"name": "王五"}, {"name": "张三", "id_number": same}, {"name": "张三", "id_number": same}])
    errors = roster.duplicate_errors()
    assert errors == roster.duplicates() and set(errors) == {1, 2}
    assert errors[1].startswith("与第 3 行 张三 的身份证号重复")
    assert errors[2].startswith("与第 2 行 张三 的身份证号重复")
    assert cell(roster, 1, "name", Qt.ItemDataRole.BackgroundRole) == ERROR_BACKGROUND
    icon = cell(roster, 1, "id_number", Qt.ItemDataRole.DecorationRole)
    assert icon is not None and not icon.isNull()
    assert cell(roster, 1, "name", Qt.ItemDataRole.DecorationRole) is None   # the mark sits on the field that repeats
    assert cell(roster, 2, "id_number", Qt.ItemDataRole.ToolTipRole) == errors[2]
    assert any("第 2 行" in line and "第 3 行 张三" in line for line in roster.problems())


def test_the_same_name_and_phone_is_a_warning_that_does_not_block(roster, fake_id):
    roster.add_rows([{"name": "李四", "phone": "13812345678", "id_number": fake_id(seq=963)},
                     {"name": "李四", "phone": "13812345678", "id_number": fake_id(seq=964)}])
    assert roster.duplicate_errors() == {} and roster.problems() == []
    warnings = roster.warnings()
    assert warnings[0] == "与第 2 行 李四 的姓名和电话相同，请核对是否为同一人（不影响保存）"
    assert cell(roster, 0, "phone", Qt.ItemDataRole.BackgroundRole) == DUPLICATE_BACKGROUND
    icon = cell(roster, 0, "name", Qt.ItemDataRole.DecorationRole)
    assert icon is not None and not icon.isNull()


def test_a_team_with_a_warning_saves_and_says_so(qtbot, store, team_values, fake_id, monkeypatch):
    from leifeng_desktop.ui.team_dialog import TeamDialog
    create_application()
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"refused: {a[2]}"))
    dialog = TeamDialog(store)
    qtbot.addWidget(dialog)
    dialog.binder.load(team_values)
    dialog.roster.add_rows([{"name": "李四", "phone": "13812345678", "gender": "男"},
                            {"name": "李四", "phone": "13812345678", "gender": "男"}])
    assert "2 行可能重复" in dialog.count_label.text() and "有错误" not in dialog.count_label.text()
    assert dialog.save()
    assert store.count("member") == 2


def test_a_wrong_hidden_field_shows_as_typed_beside_its_message(qtbot, store):
    create_application()
    dialog = HouseholdDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    id_number = dialog.binder.widget("id_number")
    assert isinstance(id_number, QLineEdit) and id_number.echoMode() == QLineEdit.EchoMode.Password
    dialog.binder.widget("name").setText("赵六")
    id_number.setText("12345")
    errors = dialog.binder.validate()
    assert "id_number" in errors
    assert id_number.echoMode() == QLineEdit.EchoMode.Normal and id_number.displayText() == "12345"
    label = dialog.binder.error_label("id_number")
    assert label is not None and label.text() == errors["id_number"]
    id_number.setText("")
    assert "id_number" not in dialog.binder.validate()
    assert id_number.echoMode() == QLineEdit.EchoMode.Password   # valid (here empty) values are hidden again
