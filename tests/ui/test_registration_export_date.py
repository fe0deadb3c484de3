"""导出登记表 in the window: the 填报日期 is chosen in the export dialog (default today), by keyboard too."""
import datetime as dt

import pytest
from docx import Document
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDateEdit

from leifeng_desktop.core import teams
from leifeng_desktop.ui import export_dialog
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.pages.team_page import TeamPage


@pytest.fixture
def page(qtbot, store, team_values):
    create_application()
    teams.save_team(store, None, team_values, [{"name": "甲", "phone": "13912345678"}])
    widget = TeamPage(store)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_the_date_field_starts_today_and_is_reached_by_its_key(qtbot, tmp_path):
    create_application()
    dialog = export_dialog.ExportOptionsDialog(None, title="导出登记表", summary="将导出 1 支队伍的登记表（Word）。",
                                               date_label="填报日期(&D)：")
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path))
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    day = dialog.findChild(QDateEdit, "day")
    assert day is not None and day.date() == QDate.currentDate() and day.calendarPopup()
    assert dialog.options()["day"] == dt.date.today()
    dialog.folder.setFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and day.isAncestorOf(QApplication.focusWidget())
                    or QApplication.focusWidget() is day)
    day.setDate(QDate(2026, 8, 21))
    assert dialog.options()["day"] == dt.date(2026, 8, 21)


def test_a_dialog_without_a_date_offers_none(qtbot):
    create_application()
    dialog = export_dialog.ExportOptionsDialog(None, title="导出", summary="")
    qtbot.addWidget(dialog)
    assert dialog.findChild(QDateEdit) is None and "day" not in dialog.options()


def test_the_chosen_date_is_printed_on_the_form(page, qtbot, monkeypatch, tmp_path):
    out = tmp_path / "登记表"

    def answer(dialog):
        dialog.folder.setText(str(out))
        dialog.findChild(QDateEdit, "day").setDate(QDate(2026, 8, 21))
        return True
    monkeypatch.setattr(export_dialog.ExportOptionsDialog, "exec", answer)
    offered = []
    monkeypatch.setattr(export_dialog, "offer_open", lambda parent, folder, paths: offered.append(paths))
    page.view.selectAll()
    task = page.export_selected()
    with qtbot.waitSignal(task.done, timeout=30000):
        pass
    qtbot.waitUntil(lambda: bool(offered))
    text = "\n".join(p.text for p in Document(offered[0][0]).paragraphs)
    assert "填报日期：2026年8月21日" in text
