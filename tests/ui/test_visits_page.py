"""走访帮扶 as a clerk uses it: enterprise visits with demands, households with hidden sensitive fields and their
history, aid in yuan, deleting a household with its records."""
import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.pages.visits_page import EnterpriseVisitPage, HouseholdPage
from leifeng_desktop.ui.record_dialog import RecordDialog
from leifeng_desktop.ui.visit_dialogs import AidDialog, EnterpriseVisitDialog, HouseholdDialog

from keyboard import type_text


@pytest.fixture
def make(qtbot, store):
    create_application()

    def build(cls, record_id=None):
        dialog = cls(store, record_id)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog
    return build


def group_id(store):
    return store.rows("working_group")[0]["id"]


def test_enterprise_visit_with_demands_gets_the_reply_deadline(make, store):
    year = store.settings.get("year")
    dialog = make(EnterpriseVisitDialog)
    w = dialog.binder.widget
    w("date").setDate(QDate(year, 3, 10))
    w("group_id").setCurrentIndex(w("group_id").findData(group_id(store)))
    w("enterprise").setFocus()
    type_text(w("enterprise"), "XX市恒达机械有限公司")
    w("uscc").setText("91110101MA0000000X")
    assert not dialog.save()
    assert "统一社会信用代码" in dialog.binder.error_label("uscc").text()
    w("uscc").setText("")
    dialog.child_rows.add_rows([{"content": "希望增加技能培训", "kind": "技能培训"}, {"content": ""}])
    assert dialog.child_rows.problems(), "a demand without content is refused"
    dialog.child_rows.remove_rows([1])
    assert dialog.save()
    demand = store.rows("demand")[0]
    assert demand["due_on"] == (dt.date(year, 3, 10) + dt.timedelta(days=3)).isoformat()
    assert demand["status"] == "待办理"

    again = make(EnterpriseVisitDialog, store.rows("enterprise_visit")[0]["id"])
    index = again.child_rows.index(0, 0)
    overdue = dt.date(year, 3, 13) < dt.date.today()
    assert (index.data(Qt.ItemDataRole.BackgroundRole) is not None) == overdue
    page = EnterpriseVisitPage(store)
    assert page.select_filter("overdue", "有逾期未办结诉求")
    assert page.model.total_count() == (1 if overdue else 0)


def test_a_visit_outside_the_campaign_year_asks(make, store, monkeypatch):
    year = store.settings.get("year")
    dialog = make(EnterpriseVisitDialog)
    w = dialog.binder.widget
    w("date").setDate(QDate(year - 1, 12, 30))
    w("group_id").setCurrentIndex(w("group_id").findData(group_id(store)))
    w("enterprise").setText("XX市某公司")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No))
    assert not dialog.save()
    assert asked and f"{year}年" in asked[0]
    assert store.count("enterprise_visit") == 0


def test_household_sensitive_fields_hide_until_shown_and_family_money_is_checked(make, store, fake_id):
    dialog = make(HouseholdDialog)
    w = dialog.binder.widget
    w("name").setText("赵六")
    w("id_number").setText(fake_id(seq=971))
    w("income").setText("650.5")
    assert w("id_number").echoMode() == QLineEdit.EchoMode.Password
    assert w("income").echoMode() == QLineEdit.EchoMode.Password
    dialog.reveal_box.setChecked(True)
    assert w("id_number").echoMode() == QLineEdit.EchoMode.Normal
    dialog.child_rows.add_rows([{"name": "赵小六", "relation": "子女"}])
    dialog.child_rows.setData(dialog.child_rows.index(0, 4), "12.345")   # 月收入 with three decimals
    assert any("金额" in m or "小数" in m for m in dialog.child_rows.errors().values())
    dialog.child_rows.setData(dialog.child_rows.index(0, 4), "300")
    assert dialog.child_rows.errors() == {}
    masked = dialog.child_rows.index(0, 4).data()
    assert masked != "300.00", "the family's income is hidden in the table until shown"
    assert dialog.save()
    household = store.rows("household")[0]
    assert household["income"] == 65050 and store.rows("family_member")[0]["income"] == 30000


def test_aid_amount_in_yuan_is_kept_in_fen(make, store):
    household = store.insert("household", {"name": "钱七"})
    year = store.settings.get("year")
    dialog = make(AidDialog)
    w = dialog.binder.widget
    w("date").setDate(QDate(year, 1, 20))
    w("household_id").setCurrentIndex(w("household_id").findData(household))
    w("programme").setCurrentIndex(w("programme").findText("送温暖"))
    w("amount").setText("12.345")
    assert not dialog.save()
    assert dialog.binder.error_label("amount").text()
    w("amount").setText("1200.5")
    assert dialog.save()
    assert store.rows("aid")[0]["amount"] == 120050


def test_deleting_a_household_asks_and_takes_its_visits_and_aid(qtbot, store, monkeypatch):
    create_application()
    household = store.insert("household", {"name": "孙八"})
    year = store.settings.get("year")
    store.insert("household_visit", {"date": f"{year}-02-01", "group_id": group_id(store),
                                     "household_id": household})
    store.insert("aid", {"date": f"{year}-02-01", "household_id": household, "programme": "送温暖",
                         "amount": 50000})
    page = HouseholdPage(store)
    qtbot.addWidget(page)
    assert page.model.index(0, 8).data() == "500.00"   # 帮扶金额 column, in yuan
    page.view.setCurrentIndex(page.model.index(0, 0))
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes))
    page.delete_current()
    assert "走访记录 1 条" in asked[0] and "帮扶记录 1 条" in asked[0]
    assert store.count("household") == store.count("household_visit") == store.count("aid") == 0


def test_household_visit_form_binds(make, store):
    dialog = make(lambda st, rid: RecordDialog(st, "household_visit", rid))
    assert dialog.binder.widget("household_id") is not None and dialog.binder.widget("findings") is not None


def test_households_import_from_a_workbook_with_a_preview(qtbot, store, monkeypatch, tmp_path, fake_id):
    from openpyxl import Workbook

    from leifeng_desktop.ui import import_dialog
    create_application()
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "困难类别", "家庭月人均收入"])
    ws.append(["周九", fake_id(seq=961), "低保户", "800.5"])
    ws.append(["吴十", fake_id(seq=963)[:-1] + "0", "低保户", "12.345"])
    path = tmp_path / "困难职工.xlsx"
    wb.save(path)
    page = HouseholdPage(store)
    qtbot.addWidget(page)
    shown = []
    monkeypatch.setattr(import_dialog.ImportPreviewDialog, "exec",
                        lambda self: shown.append(self.ok_button.text()) or True)
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: None))
    ids = page.import_households(path)
    assert len(ids) == 1 and "导入 1 行" in shown[0]
    row = store.get("household", ids[0])
    assert (row["name"], row["income"]) == ("周九", 80050)
