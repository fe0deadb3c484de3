"""保存 while another program holds the write lock: the Chinese sentence, the editor stays open with what was typed,
nothing is written; once the other program is done, the same click saves."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from leifeng_desktop.core import errors
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.pages.record_page import RecordListPage
from leifeng_desktop.ui.pages.settings_page import SettingsPage

from two_writers import EDITORS, OtherProgram, copy_demo, make_demo, open_editor

BUSY = "正被其他程序写入"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return make_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def busy_store(demo_file, tmp_path, monkeypatch):
    """The window's store on a copy of the demo, waiting 0.2 s (not 5) for another program's lock."""
    monkeypatch.setattr(errors, "BUSY_TIMEOUT_S", 0.2)
    path = copy_demo(demo_file, tmp_path / "leifeng.db")
    store = Store.open(path)
    yield store
    store.close()


@pytest.fixture
def other(busy_store):
    program = OtherProgram(busy_store.path)
    yield program
    program.close()


@pytest.fixture
def warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: shown.append(text)))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    return shown


@pytest.mark.parametrize("type_key", sorted(EDITORS))
def test_a_busy_database_keeps_the_editor_open_then_saves(qtbot, busy_store, other, warnings, type_key):
    create_application()
    record_id = busy_store.rows(type_key)[0]["id"]
    key = EDITORS[type_key][1]
    dialog = open_editor(busy_store, type_key, record_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.binder.widget(key).setText("李四海")
    before = busy_store.get(type_key, record_id)

    other.hold()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(warnings) == 1 and BUSY in warnings[0] and busy_store.path.name in warnings[0]
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.binder.values()[key] == "李四海" and dialog.dirty
    other.release()
    assert busy_store.get(type_key, record_id) == before, "nothing was written"

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(warnings) == 1
    assert not dialog.isVisible() and dialog.result() == 1
    assert busy_store.get(type_key, record_id)[key] == "李四海"


def test_a_new_record_waits_too(qtbot, busy_store, other, warnings):
    create_application()
    dialog = open_editor(busy_store, "working_group", None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.binder.widget("name").setText("第九工作组")
    count = busy_store.count("working_group")
    other.hold()
    assert not dialog.save()
    assert BUSY in warnings[0] and dialog.isVisible()
    assert busy_store.count("working_group") == count
    other.release()
    assert dialog.save()
    assert busy_store.count("working_group") == count + 1


def test_a_team_with_a_changed_roster_waits_and_keeps_the_roster(qtbot, busy_store, other, warnings):
    create_application()
    team_id = busy_store.rows("team")[0]["id"]
    dialog = open_editor(busy_store, "team", team_id)
    qtbot.addWidget(dialog)
    members = dialog.roster.rowCount()
    dialog.roster.remove_rows([0])
    other.hold()
    assert not dialog.save()
    assert BUSY in warnings[0]
    assert dialog.roster.rowCount() == members - 1
    other.release()
    assert dialog.save()
    assert busy_store.count("member", where="team_id = ?", params=[team_id]) == members - 1


def test_settings_wait_and_keep_the_edits(qtbot, busy_store, other, warnings):
    page = SettingsPage(busy_store)
    qtbot.addWidget(page)
    page.binder.widget("our_unit").setText("XX市总工会机关工会")
    page.choice_lists.add_item("新的队伍类型")
    other.hold()
    assert not page.save()
    assert BUSY in warnings[0] and "未保存" in page.status.text()
    assert page.dirty and page.binder.values()["our_unit"] == "XX市总工会机关工会"
    other.release()
    assert page.save()
    assert busy_store.settings.get("our_unit") == "XX市总工会机关工会"
    assert any("新的队伍类型" in items for items in busy_store.settings.choices().values())


def test_a_delete_from_a_list_waits_and_explains(qtbot, busy_store, other, warnings):
    page = RecordListPage(busy_store, "honor")
    qtbot.addWidget(page)
    page.view.selectRow(0)
    count = busy_store.count("honor")
    other.hold()
    page.delete_current()
    assert BUSY in warnings[0]
    assert busy_store.count("honor") == count
    other.release()
    page.delete_current()
    assert busy_store.count("honor") == count - 1
