"""The empty dashboard's first steps: 设置 → 登记服务队 → 导出登记表 → 记录活动, each reaching its page, each ticked
when done; no "已过 … 天" before there is a team."""
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QGroupBox, QLabel

from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core.first_run import first_setup
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.pages.first_steps import mark_registration_exported


@pytest.fixture
def window(qtbot, store, tmp_path):
    create_application()
    win = MainWindow(store, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.overview.refresh_now()
    return win


def texts(widget):
    return " ".join(label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget))


def test_an_empty_database_shows_the_steps_not_overdue_deadlines(window, store):
    panel = window.overview.first_steps
    assert panel.isVisible()
    assert [b.text() for b in panel.buttons.values()] == ["1 设置", "2 登记服务队", "3 导出登记表", "4 记录活动"]
    assert "设置尚未填写" in panel.hint.text(), "以后再填 in the wizard: the panel says 设置 is still to fill"
    body = texts(window.overview.body)
    assert "已过" not in body and "还有" not in body
    assert window.overview.body.findChild(QGroupBox, "reporting_pending") is not None


@pytest.mark.parametrize("key,page", [("settings", "设置"), ("team", "志愿服务队"), ("registration", "志愿服务队"),
                                      ("activity", "活动记录")])
def test_each_step_reaches_its_page(window, qtbot, key, page):
    button = window.overview.first_steps.buttons[key]
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert window.stack.currentIndex() == MainWindow.PAGES.index(page)


def test_steps_are_ticked_as_they_are_done(window, store, team_values, tmp_path):
    panel = window.overview.first_steps
    first_setup(store, {"city": "广州市", "our_unit": "越秀区总工会", "our_unit_kind": "区县总工会"})
    team = store.insert("team", team_values)
    window.overview.refresh_now()
    assert [b.text() for b in panel.buttons.values()] == ["✓ 1 设置", "✓ 2 登记服务队", "3 导出登记表", "4 记录活动"]
    assert window.overview.body.findChild(QGroupBox, "reporting") is not None, "a team: the deadlines are back"
    mark_registration_exported(store.path)
    member = store.insert("member", {"team_id": team, "name": "张三"})
    sr.save_activity(store, None, {"title": "义诊", "starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T11:00",
                                   "category": "便民利民", "team_id": team}, [{"member_id": member, "minutes": 60}])
    window.overview.refresh_now()
    assert panel.done == {"settings": True, "team": True, "registration": True, "activity": True}
    assert not panel.isVisible(), "all four done: the panel goes"
