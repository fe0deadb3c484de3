"""Damaged files: the checks list the problems and never raise, a write is refused as damage, and the file can still
be opened for `check`."""
import os
import shutil

import pytest

from leifeng_desktop.core import attachments as att
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.errors import DatabaseDamaged, StoreError
from leifeng_desktop.core.store import Store
from leifeng_desktop.core.store_open import check_file

from damage import digest, garble_page, root_page


@pytest.fixture(scope="module")
def sound_demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store.open(path) as st:
        load_demo(st)
        st.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def damaged(sound_demo, tmp_path):
    """A copy of the demo database with the roster table's top page garbled."""
    path = tmp_path / "leifeng.db"
    shutil.copy(sound_demo, path)
    garble_page(path, root_page(path, "member"))
    return path


def test_the_demo_is_sound(sound_demo):
    with Store.open(sound_demo, read_only=True) as st:
        assert st.quick_check() == [] and st.integrity_check() == []
        st.ensure_sound()


def test_a_damaged_file_opens_for_checking_and_lists_its_problems(damaged):
    before = digest(damaged)
    with Store.open(damaged, create=False) as st:
        problems = st.integrity_check()
        assert problems and all(isinstance(p, str) for p in problems)
        assert st.quick_check()
        with pytest.raises(DatabaseDamaged) as err:
            st.ensure_sound()
    assert "leifeng.db" in str(err.value) and "check" in str(err.value) and "已损坏" in str(err.value)
    assert digest(damaged) == before   # opening and checking changed nothing
    with Store.open(damaged, read_only=True) as ro:
        assert ro.integrity_check() and ro.quick_check()
    assert check_file(damaged)


def test_a_write_into_the_damaged_table_is_refused_as_damage(damaged):
    with Store.open(damaged, create=False) as st:
        team_id = st.rows("team")[0]["id"]
        with pytest.raises(DatabaseDamaged, match="check"):
            st.insert("member", {"team_id": team_id, "name": "甲"})
        assert not st.db.conn.in_transaction


def test_an_unreadable_schema_is_refused_untouched_and_check_file_still_answers(sound_demo, tmp_path):
    path = tmp_path / "leifeng.db"
    shutil.copy(sound_demo, path)
    garble_page(path, 1)   # the header survives, the table of tables does not
    before = digest(path)
    with pytest.raises(DatabaseDamaged, match="已损坏"):
        Store.open(path)
    with pytest.raises(StoreError):
        Store.open(path, read_only=True)
    problems = check_file(path)
    assert problems and "SQLite" in problems[0]
    assert digest(path) == before


def test_check_file_on_a_sound_and_a_missing_file(sound_demo, tmp_path):
    assert check_file(sound_demo) == []
    assert check_file(tmp_path / "none.db") and not (tmp_path / "none.db").exists()


def test_orphans_are_not_swept_from_a_damaged_database(damaged):
    folder = damaged.with_name("leifeng.附件")
    with Store.open(damaged, create=False) as st:
        stray = folder / "ab" / ("ab" + "0" * 62 + ".jpg")
        stray.parent.mkdir(parents=True)
        stray.write_bytes(b"x")
        os.utime(stray, (0, 0))
        assert att.purge_orphans(st, min_age_s=600) == []
    with Store.open(damaged, create=False):
        assert stray.exists()
