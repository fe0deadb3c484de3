"""No lost update: an editor saving over a record that another window or program changed since it was opened shows
the differences and lets the clerk keep theirs or take the other, for fields and for child lists alike."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from leifeng_desktop.core import lookups
from leifeng_desktop.core.errors import RecordConflict
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.conflict_dialog import KEEP_MINE, TAKE_THEIRS, ConflictDialog

from two_writers import EDITORS, copy_demo, make_demo, open_editor


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return make_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def stores(demo_file, tmp_path):
    """(the window's store, another program's) on one file."""
    path = copy_demo(demo_file, tmp_path / "leifeng.db")
    mine, theirs = Store.open(path), Store.open(path)
    yield mine, theirs
    theirs.close()
    mine.close()


@pytest.fixture
def answer(monkeypatch):
    """ConflictDialog.ask answers `answer.choice` and keeps each conflict it was shown."""
    def ask(cls, parent, conflict):
        ask.seen.append(conflict)
        return ask.choice
    ask.seen, ask.choice = [], None
    monkeypatch.setattr(ConflictDialog, "ask", classmethod(ask))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    return ask


def edit(qtbot, store, type_key, text="李四海"):
    create_application()
    record_id = store.rows(type_key)[0]["id"]
    dialog = open_editor(store, type_key, record_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.binder.widget(EDITORS[type_key][1]).setText(text)
    return dialog, record_id


@pytest.mark.parametrize("type_key", sorted(EDITORS))
def test_keeping_mine_saves_over_the_change_made_elsewhere(qtbot, stores, answer, type_key):
    mine, theirs = stores
    key = EDITORS[type_key][1]
    dialog, record_id = edit(qtbot, mine, type_key)
    theirs.update(type_key, record_id, {key: "王五"})
    answer.choice = KEEP_MINE
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [conflict] = answer.seen
    assert isinstance(conflict, RecordConflict) and conflict.record_id == record_id
    assert [(d.key, d.mine, d.theirs) for d in conflict.differences if d.key == key] == [(key, "李四海", "王五")]
    assert not dialog.isVisible() and dialog.result() == 1
    assert theirs.get(type_key, record_id)[key] == "李四海"


@pytest.mark.parametrize("type_key", sorted(EDITORS))
def test_taking_theirs_shows_the_stored_record_and_saves_nothing(qtbot, stores, answer, type_key):
    mine, theirs = stores
    key = EDITORS[type_key][1]
    dialog, record_id = edit(qtbot, mine, type_key)
    theirs.update(type_key, record_id, {key: "王五"})
    answer.choice = TAKE_THEIRS
    assert not dialog.save()
    assert len(answer.seen) == 1
    assert theirs.get(type_key, record_id)[key] == "王五"
    assert dialog.isVisible() and dialog.binder.values()[key] == "王五" and not dialog.dirty
    # the editor now stands on the stored revision: the next save is no conflict
    dialog.binder.widget(key).setText("赵六")
    assert dialog.save()
    assert len(answer.seen) == 1
    assert theirs.get(type_key, record_id)[key] == "赵六"


def test_going_back_keeps_what_was_typed_and_saves_nothing(qtbot, stores, answer):
    mine, theirs = stores
    dialog, record_id = edit(qtbot, mine, "team")
    theirs.update("team", record_id, {"area": "全市"})
    answer.choice = None
    assert not dialog.save()
    assert dialog.isVisible() and dialog.binder.values()["leader"] == "李四海" and dialog.dirty
    assert theirs.get("team", record_id)["area"] == "全市"
    assert theirs.get("team", record_id)["leader"] != "李四海"
    dialog.mark_clean()


def test_a_record_deleted_elsewhere_is_explained_and_the_editor_stays(qtbot, stores, answer, monkeypatch):
    mine, theirs = stores
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: shown.append(text)))
    dialog, record_id = edit(qtbot, mine, "honor")
    theirs.delete("honor", record_id)
    assert not dialog.save()
    assert len(shown) == 1 and "已不存在" in shown[0]
    assert dialog.isVisible() and dialog.binder.values()["employer"] == "李四海"
    dialog.mark_clean()


def test_an_unchanged_record_saves_without_a_question(qtbot, stores, answer):
    mine, theirs = stores
    dialog, record_id = edit(qtbot, mine, "household")
    assert dialog.save()
    assert answer.seen == []
    assert theirs.get("household", record_id)["employer"] == "李四海"


# -- child lists ------------------------------------------------------------------------------------------------
CHILD_LISTS = {"team": "member", "activity": "participant", "enterprise_visit": "demand",
               "household": "family_member"}


def child_rows(dialog):
    if dialog.rt.key == "activity":
        return dialog.participants.rows()
    return (dialog.roster if dialog.rt.key == "team" else dialog.child_rows).members()


def owner_with_children(store, type_key, child):
    """The first record of the type with at least two child rows."""
    for record in store.rows(type_key):
        if len(stored_children(store, child, record["id"])) >= 2:
            return record["id"]
    raise AssertionError(f"the demo has no {type_key} with two {child} rows")


def stored_children(store, child, owner_id):
    return lookups.children(store, child, owner_id)


@pytest.mark.parametrize("choice", [KEEP_MINE, TAKE_THEIRS])
@pytest.mark.parametrize("type_key", sorted(CHILD_LISTS))
def test_a_child_list_changed_elsewhere(qtbot, stores, answer, type_key, choice):
    mine, theirs = stores
    child = CHILD_LISTS[type_key]
    owner_id = owner_with_children(mine, type_key, child)
    create_application()
    dialog = open_editor(mine, type_key, owner_id)
    qtbot.addWidget(dialog)
    dialog.show()
    before = len(child_rows(dialog))
    theirs.delete(child, stored_children(theirs, child, owner_id)[0]["id"])   # another window removes one row
    dialog.binder.widget(EDITORS[type_key][1]).setText("李四海")
    answer.choice = choice
    saved = dialog.save()
    [conflict] = answer.seen
    assert child in [d.key for d in conflict.differences]
    if choice == KEEP_MINE:   # the clerk's list wins: the removed row is back
        assert saved and not dialog.isVisible()
        assert len(stored_children(theirs, child, owner_id)) == before
        assert theirs.get(type_key, owner_id)[EDITORS[type_key][1]] == "李四海"
    else:                     # the editor now shows the list as stored
        assert not saved and dialog.isVisible() and not dialog.dirty
        assert len(child_rows(dialog)) == before - 1 == len(stored_children(theirs, child, owner_id))


# -- the dialog itself --------------------------------------------------------------------------------------------
def real_conflict(stores):
    mine, theirs = stores
    record_id = mine.rows("team")[0]["id"]
    revision = mine.get("team", record_id)["revision"]
    theirs.update("team", record_id, {"leader": "王五", "leader_phone": "13987654321"})
    with pytest.raises(RecordConflict) as caught:
        mine.update("team", record_id, {"leader": "李四海", "leader_phone": "13812345678"},
                    expected_revision=revision)
    return caught.value


def test_the_dialog_lists_each_difference_and_masks_until_asked(qtbot, stores):
    create_application()
    dialog = ConflictDialog(real_conflict(stores))
    qtbot.addWidget(dialog)

    def rows():
        table = dialog.table
        return {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
                for r in range(table.rowCount())}
    assert rows()["队长姓名"] == ("李四海", "王五")
    assert rows()["队长电话"] == ("138****5678", "139****4321")
    assert not dialog.reveal.isHidden()
    dialog.reveal.setChecked(True)
    assert rows()["队长电话"] == ("13812345678", "13987654321")


@pytest.mark.parametrize("button, choice", [("mine_button", KEEP_MINE), ("theirs_button", TAKE_THEIRS)])
def test_each_button_chooses_its_side(qtbot, stores, button, choice):
    create_application()
    dialog = ConflictDialog(real_conflict(stores))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
    assert dialog.choice == choice and dialog.result() == 1


def test_enter_only_goes_back(qtbot, stores):
    create_application()
    dialog = ConflictDialog(real_conflict(stores))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.choice is None and dialog.result() == 0
