"""The window's 出具志愿服务记录证明 for a volunteer without service: the refusal's sentence in a box, no file."""
from PySide6.QtWidgets import QMessageBox

from leifeng_desktop.core import teams
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.pages import activity_page
from leifeng_desktop.ui.pages.activity_page import VolunteerHoursPage


def test_a_volunteer_without_service_gets_the_refusal_and_no_file(qtbot, store, team_values, tmp_path, monkeypatch):
    create_application()
    teams.save_team(store, None, team_values, [{"name": "丙"}])
    target = tmp_path / "证明.docx"
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(activity_page, "ask_save_path", lambda *args: target)
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: shown.append((title, text))))
    page = VolunteerHoursPage(store)
    qtbot.addWidget(page)
    page.people.setCurrentIndex(page.hours.index(0, 0))
    task = page.export_certificate()
    with qtbot.waitSignal(task.failed, timeout=30000):
        pass
    qtbot.waitUntil(lambda: bool(shown))
    title, text = shown[0]
    assert title == "出具志愿服务记录证明失败"
    assert text.startswith("丙（供电公司职工志愿服务队）") and "没有志愿服务记录" in text and "不能出具" in text
    assert not target.exists()
