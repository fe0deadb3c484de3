"""A database that fails its check at open: the window says so, leaves the file byte for byte as it was, and offers
the newest good backup (restored only after a confirmation) or opens nothing."""
import logging
import sys

import pytest
from PySide6.QtCore import QSettings

from leifeng_desktop.core import applog, backup
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui import app as app_module
from leifeng_desktop.ui import recovery
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.main_window import MainWindow
from leifeng_desktop.ui.recovery import open_checked

from damage import digest, garble_page, root_page

MEMBERS = 40


def every_row(store, type_key):
    return sorted(store.rows(type_key), key=lambda row: row["id"])


@pytest.fixture
def sound(db_path, team_values):
    """A database with a team and its roster, its records, and a good backup of it."""
    with Store.open(db_path) as st:
        team = st.insert("team", team_values)
        for n in range(MEMBERS):
            st.insert("member", {"team_id": team, "name": f"队员{n:02d}", "gender": "女"})
        rows = {key: every_row(st, key) for key in ("team", "member")}
        st.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    made = backup.make_backup(db_path, reason=backup.MANUAL)
    return rows, made


@pytest.fixture
def store(db_path):   # conftest's team_values asks for a store: closed before the file is damaged
    st = Store.open(db_path)
    yield st
    st.close()


@pytest.fixture
def damaged(sound, db_path, store):
    store.close()
    garble_page(db_path, root_page(db_path, "member"))
    return db_path


@pytest.fixture
def answers(monkeypatch):
    """DamagedQuestion answers `answers.restore`, RestoreConfirm `answers.confirm`; what was asked is kept."""
    class Answers:
        restore = False
        confirm = True
        damaged: list = []
        confirmed: list = []
        notices: list = []
    Answers.damaged, Answers.confirmed, Answers.notices = [], [], []
    monkeypatch.setattr(recovery.Notice, "show", classmethod(
        lambda cls, parent, title, text, error=False: Answers.notices.append((title, text, error))))
    monkeypatch.setattr(recovery.DamagedQuestion, "ask", classmethod(
        lambda cls, parent, path, problem, good: Answers.damaged.append((problem, good)) or Answers.restore))
    monkeypatch.setattr(recovery.RestoreConfirm, "ask", classmethod(
        lambda cls, parent, path, info: Answers.confirmed.append(info) or Answers.confirm))
    return Answers


def test_a_damaged_file_is_offered_the_backup_and_left_as_it_was(qtbot, damaged, sound, answers):
    create_application()
    before = digest(damaged)
    assert open_checked(damaged) is None
    assert digest(damaged) == before
    [(problem, good)] = answers.damaged
    assert "已损坏" in problem and "leifeng.db" in problem and "未作任何修改" in problem
    assert good is not None and good.path == sound[1].path
    assert answers.confirmed == []   # declined at the first question
    assert recovery.InstanceLock(damaged).acquire(), "no lock is left behind"


def test_restoring_needs_the_confirmation_too(qtbot, damaged, answers):
    create_application()
    before = digest(damaged)
    answers.restore, answers.confirm = True, False
    assert open_checked(damaged) is None
    assert digest(damaged) == before and len(answers.confirmed) == 1


def test_the_newest_good_backup_restored_gives_back_the_records(qtbot, damaged, sound, answers):
    create_application()
    answers.restore = True
    opened = open_checked(damaged)
    assert opened is not None
    store, lock = opened
    try:
        assert lock is not None and lock.held and not store.read_only
        assert store.quick_check() == []
        assert {key: every_row(store, key) for key in ("team", "member")} == sound[0]
        reasons = [info.reason for info in backup.list_backups(damaged)]
        assert "恢复前" in reasons   # the damaged file was kept aside first
        assert [title for title, text, error in answers.notices] == ["已恢复备份"]
    finally:
        store.close()
        lock.release()


def test_without_a_good_backup_nothing_opens(qtbot, damaged, sound, answers):
    sound[1].path.unlink()
    create_application()
    before = digest(damaged)
    answers.restore = True   # the dialog has nothing to offer: it only says so
    assert open_checked(damaged) is None
    assert answers.damaged == [(answers.damaged[0][0], None)]
    assert digest(damaged) == before


def test_a_file_too_damaged_to_open_is_offered_the_backup_too(qtbot, sound, db_path, store, answers):
    store.close()
    garble_page(db_path, 1)   # the schema itself: Store.open reports the damage
    create_application()
    before = digest(db_path)
    assert open_checked(db_path) is None
    assert digest(db_path) == before
    assert answers.damaged and answers.damaged[0][1].path == sound[1].path


@pytest.fixture
def own_log(monkeypatch):
    """run_app sets the log up: its handler goes again afterwards (test_applog counts them)."""
    monkeypatch.setattr(applog, "_handler", None)
    logger = logging.getLogger(applog.ROOT)
    before = list(logger.handlers)
    yield
    for handler in logger.handlers:
        if handler not in before:
            logger.removeHandler(handler)
            handler.close()


def test_run_app_opens_nothing_on_a_declined_damaged_file(qtbot, damaged, answers, own_log):
    before = digest(damaged)
    hooks = sys.excepthook
    assert app_module.run_app(damaged) == 2
    assert digest(damaged) == before and len(answers.damaged) == 1
    assert sys.excepthook is hooks, "the crash hooks are put back when run_app returns"


def test_a_sound_file_opens_and_gets_its_daily_backup(qtbot, sound, db_path, store, answers):
    store.close()
    create_application()
    opened = open_checked(db_path)
    assert opened is not None and answers.damaged == []
    opened[0].close()
    opened[1].release()
    assert "每日" in [info.reason for info in backup.list_backups(db_path)]


def test_opening_a_damaged_file_from_the_menu_keeps_the_current_one(qtbot, damaged, tmp_path, answers):
    create_application()
    current = Store.open(tmp_path / "当前.db")
    window = MainWindow(current, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    before = digest(damaged)
    try:
        assert not window.open_path(damaged)
        assert window.store is current and digest(damaged) == before and len(answers.damaged) == 1
    finally:
        window.close()
        current.close()
