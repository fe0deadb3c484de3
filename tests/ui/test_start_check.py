"""The file opened at start is checked after the first paint (issue 18): a sound one opens at once, its writes
wait for the check, and the daily backup follows the answer; a damaged one found after the paint is said as at any
open, the newest good backup offered, and nothing written into it meanwhile."""
import pytest
from PySide6.QtCore import QSettings

from leifeng_desktop.core import backup, start_check
from leifeng_desktop.core.errors import DatabaseDamaged
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui import recovery
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.main_window import MainWindow

from damage import digest, garble_page, root_page

MEMBERS = 30


@pytest.fixture
def sound(db_path, team_values):
    """A file with a team and its roster and a good backup of it; the conftest store closed first."""
    with Store.open(db_path) as st:
        team = st.insert("team", team_values)
        for n in range(MEMBERS):
            st.insert("member", {"team_id": team, "name": f"队员{n:02d}", "gender": "男"})
        names = sorted(r["name"] for r in st.rows("member"))
        st.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    made = backup.make_backup(db_path, reason=backup.MANUAL)
    return names, made


@pytest.fixture
def store(db_path):   # conftest's team_values asks for a store: closed before the file is checked or damaged
    st = Store.open(db_path)
    yield st
    st.close()


@pytest.fixture
def answers(monkeypatch):
    class Answers:
        restore = False
        damaged: list = []
        notices: list = []
    Answers.damaged, Answers.notices = [], []
    monkeypatch.setattr(recovery.Notice, "show", classmethod(
        lambda cls, parent, title, text, error=False: Answers.notices.append(title)))
    monkeypatch.setattr(recovery.DamagedQuestion, "ask", classmethod(
        lambda cls, parent, path, problem, good: Answers.damaged.append((problem, good)) or Answers.restore))
    monkeypatch.setattr(recovery.RestoreConfirm, "ask", classmethod(lambda cls, parent, path, info: True))
    return Answers


def started(qtbot, path, tmp_path, *, paint=True):
    """The window as run_app makes it: opened at once, its StartCheck waiting for the first paint."""
    create_application()
    store, lock, checked = recovery.open_at_start(path)
    assert not checked, "a sound, current file is opened before its check"
    window = MainWindow(store, lock, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.start_check = recovery.StartCheck(window)
    if paint:
        window.show()
    return window


def closed(window):
    window.close()
    window.current_store.close()
    if window.lock is not None:
        window.lock.release()


def test_a_sound_file_is_checked_after_the_paint_then_backed_up(qtbot, sound, db_path, store, answers, tmp_path):
    store.close()
    window = started(qtbot, db_path, tmp_path)
    check = window.start_check
    try:
        qtbot.waitUntil(lambda: check.problems is not None)
        assert check.problems == [] and window.store.before_write is None and answers.damaged == []
        qtbot.waitUntil(lambda: "每日" in [info.reason for info in backup.list_backups(db_path)])
    finally:
        closed(window)


def test_a_write_before_the_answer_checks_first(qtbot, sound, db_path, store, answers, tmp_path, team_values):
    store.close()
    window = started(qtbot, db_path, tmp_path, paint=False)   # no paint: the worker has not started
    check = window.start_check
    try:
        assert check.problems is None and window.store.before_write is not None
        window.store.insert("team", {**team_values, "name": "新队"})
        assert check.problems == [] and window.store.before_write is None
        assert window.store.count("team") == 2
    finally:
        closed(window)


def test_damage_found_after_the_paint_writes_nothing_and_closes_when_declined(qtbot, sound, db_path, store,
                                                                             answers, tmp_path, team_values):
    store.close()
    garble_page(db_path, root_page(db_path, "member"))
    before = digest(db_path)
    assert start_check.opens_cleanly(db_path), "the schema reads: the check comes after the paint"
    window = started(qtbot, db_path, tmp_path)
    check = window.start_check
    try:
        qtbot.waitUntil(lambda: check.declined)
        [(problem, good)] = answers.damaged
        assert "已损坏" in problem and db_path.name in problem and good.path == sound[1].path
        assert not window.isVisible()
        with pytest.raises(DatabaseDamaged):
            window.store.insert("team", {**team_values, "name": "新队"})
    finally:
        closed(window)
    assert digest(db_path) == before


def test_damage_found_after_the_paint_is_restored_in_the_window(qtbot, sound, db_path, store, answers, tmp_path):
    store.close()
    garble_page(db_path, root_page(db_path, "member"))
    answers.restore = True
    window = started(qtbot, db_path, tmp_path)
    old = window.store
    try:
        qtbot.waitUntil(lambda: "已恢复备份" in answers.notices)
        assert window.store is not old and window.start_check is None
        assert sorted(r["name"] for r in window.store.rows("member")) == sound[0]
        assert window.store.quick_check() == []
    finally:
        closed(window)


def test_a_file_that_needs_checking_first_is_checked_first(db_path, tmp_path):
    assert not start_check.opens_cleanly(tmp_path / "无此文件.db")   # a new file: opened (and made) the usual way
    empty = tmp_path / "空.db"
    empty.write_bytes(b"")
    assert not start_check.opens_cleanly(empty)
    other = tmp_path / "其他.db"
    other.write_bytes(b"not a database at all" * 100)
    assert not start_check.opens_cleanly(other)


def test_an_interrupted_check_raises_instead_of_reporting_damage(db_path, store):
    check = start_check.QuickCheck(db_path)
    check.interrupt()   # before it runs: it stops as soon as it starts
    with pytest.raises(Exception, match="interrupt"):
        check.run()
    assert start_check.QuickCheck(db_path).run() == []


def test_closing_the_dashboard_interrupts_its_count(qtbot, db_path, store, monkeypatch):
    """A count of seconds at city scale does not hold the window's close: its statement is interrupted."""
    from leifeng_desktop.ui.pages import dashboard
    seen: list = []

    def slow(own, **kw):
        try:
            own.db.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) "
                           "SELECT COUNT(*) FROM c").fetchone()
        except Exception as exc:
            seen.append(exc)
            raise
        seen.append("finished")
    monkeypatch.setattr(dashboard.st, "campaign_stats", slow)
    create_application()
    page = dashboard.DashboardPage(store)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page._counting is not None)
    page.shutdown()
    assert len(seen) == 1 and "interrupted" in str(seen[0])
