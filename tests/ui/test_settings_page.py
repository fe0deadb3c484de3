"""设置: load() shows the database's values, save() writes them, bad values stay beside their field."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.pages.settings_page import SettingsPage

from keyboard import commit_text, type_text


def make_page(qtbot, store):
    create_application()
    page = SettingsPage(store)
    qtbot.addWidget(page)
    with qtbot.waitActive(page):   # Ctrl+S is a window shortcut: it fires only in the active window
        page.show()
        page.activateWindow()
    return page


def test_load_shows_the_database_values(qtbot, store):
    page = make_page(qtbot, store)
    w = page.binder.widget
    assert w("city").text() == "XX市"
    assert w("year").value() == store.settings.get("year")
    assert w("enterprise_target").value() == 40 and w("household_target").value() == 80
    assert w("our_unit_kind").currentText() == "市总工会"
    assert not page.dirty


def test_typed_settings_are_saved_and_reloaded(qtbot, store):
    page = make_page(qtbot, store)
    city = page.binder.widget("city")
    city.selectAll()
    city.del_()
    type_text(city, "广州市")
    operator = page.binder.widget("operator")
    operator.setFocus()
    commit_text(operator, "王小红")
    page.binder.widget("enterprise_target").setValue(45)
    assert page.dirty
    qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    c = store.settings.campaign()
    assert (c["city"], c["operator"], c["enterprise_target"]) == ("广州市", "王小红", 45)
    assert not page.dirty and "已保存" in page.status.text()
    again = make_page(qtbot, store)
    assert again.binder.widget("city").text() == "广州市"


def test_bad_value_is_shown_beside_its_field_and_nothing_is_saved(qtbot, store):
    page = make_page(qtbot, store)
    page.binder.widget("city").clear()
    assert not page.save()
    assert store.settings.get("city") == "XX市"
    labels = [lbl.text() for lbl in page.form.findChildren(type(page.status)) if lbl.isVisible()]
    assert any("请填写城市名称" in text for text in labels)
    assert page.binder.widget("city").property("invalid") is True


def test_choice_list_edits_are_saved(qtbot, store):
    page = make_page(qtbot, store)
    page.choice_lists.select("service_form")
    page.choice_lists.add_item("网络服务")
    assert page.dirty
    assert page.save()
    assert "网络服务" in store.settings.choices()["service_form"]


def test_duplicate_choice_is_refused_beside_the_list(qtbot, store):
    page = make_page(qtbot, store)
    page.choice_lists.select("gender")
    page.choice_lists.add_item("男")
    assert not page.save()
    assert page.choice_lists.error.isVisibleTo(page) and "重复" in page.choice_lists.error.text()
    assert store.settings.choices()["gender"] == ["男", "女"]


def test_revert_discards_unsaved_edits(qtbot, store):
    page = make_page(qtbot, store)
    page.binder.widget("city").setText("别的市")
    page.revert_button.click()
    assert page.binder.widget("city").text() == "XX市" and not page.dirty


def test_working_groups_tab_lists_the_four_default_groups(qtbot, store):
    page = make_page(qtbot, store)
    assert page.groups.model.rowCount() == 4
    assert page.units.model.rowCount() == 1


def test_leaving_with_unsaved_changes_asks(qtbot, store, monkeypatch):
    page = make_page(qtbot, store)
    page.binder.widget("city").setText("别的市")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert not page.confirm_leave()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    assert page.confirm_leave()
    assert store.settings.get("city") == "别的市"
