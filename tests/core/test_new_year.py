"""开始新年度 (core.new_year): a new file keeps teams, rosters, households and settings under the same ids, with the
year and the deadlines moved; it starts with no activities, visits, aid, submissions, honors, logs or texts; last
year's file is not touched, so its 总结材料 exports as before."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from leifeng_desktop.core import migrate_rollups, migrate_tallies, texts
from leifeng_desktop.core import new_year as ny
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.errors import UserError
from leifeng_desktop.core.migrate_lists import derived_tables
from leifeng_desktop.core.stats import campaign_stats
from leifeng_desktop.core.store import Store
from leifeng_desktop.exports.summary import export_summary

TODAY = dt.date(2026, 12, 20)
KEPT_TABLES = ("unit", "working_group", "team", "member", "household", "family_member")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """The demo year 2026, with a saved summary text, a 回收站 entry, set targets and a 29 February deadline."""
    path = tmp_path_factory.mktemp("demo") / "学雷锋志愿服务_2026.db"
    with Store.open(path) as st:
        load_demo(st)
        st.settings.set({"enterprise_target": 55, "household_target": 66, "summary_deadline": "2024-02-29",
                         "plan_deadline": "2026-08-31", "operator": "李娜"})
        texts.save_texts(st, "summary", {"problems": "去年的问题"})
        texts.save_texts(st, "plan", {"guiding": "去年的指导思想"})
        st.delete("honor", st.rows("honor")[0]["id"])
    return path


@pytest.fixture
def old_db(demo_file, tmp_path) -> Path:
    path = tmp_path / demo_file.name
    shutil.copy(demo_file, path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table(path: Path, name: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f'SELECT * FROM "{name}" ORDER BY id').fetchall()
    finally:
        conn.close()


def start(old: Path, out: Path, **kwargs) -> ny.NewYearPlan:
    with Store.open(old, create=False, read_only=True) as st:
        return ny.start_new_year(st, out, **kwargs)


def test_default_path_is_beside_the_old_file_and_free(tmp_path):
    old = tmp_path / "台账.db"
    assert ny.default_path(old, 2027) == tmp_path / "学雷锋志愿服务_2027.db"
    (tmp_path / "学雷锋志愿服务_2027.db").write_bytes(b"")
    assert ny.default_path(old, 2027) == tmp_path / "学雷锋志愿服务_2027（2）.db"


def test_new_file_keeps_the_lasting_records_and_starts_the_year_empty(old_db, tmp_path):
    before = digest(old_db)
    out = tmp_path / "学雷锋志愿服务_2027.db"
    result = start(old_db, out)
    assert result.path == out and result.old_year == 2026 and result.year == 2027
    assert digest(old_db) == before                    # last year's file: not one byte changed
    for name in KEPT_TABLES:                           # same rows, same UUIDs, same revisions
        assert table(out, name) == table(old_db, name) and table(out, name)
    with Store.open(out, create=False) as new:
        campaign = new.settings.campaign()
        assert campaign["year"] == 2027
        assert (campaign["registration_deadline"], campaign["plan_deadline"], campaign["summary_deadline"]) == \
            ("2027-08-25", "2027-08-31", "2027-02-28")   # 29 February: 28th in a common year
        assert (campaign["enterprise_target"], campaign["household_target"], campaign["operator"]) == (55, 66, "李娜")
        with Store.open(old_db, create=False, read_only=True) as old:
            assert new.settings.choices() == old.settings.choices()
            founded = {r["id"]: r["founded_on"] for r in old.rows("team")}
        assert {r["id"]: r["founded_on"] for r in new.rows("team")} == founded   # 成立日期 stay
        for key in ny.EMPTIED:
            assert new.count(key) == 0, key
        assert new.db.execute("SELECT count(*) FROM oplog").fetchone()[0] == 0
        assert new.db.execute("SELECT count(*) FROM trash").fetchone()[0] == 0
        assert texts.saved_texts(new, "summary") == {} and texts.saved_texts(new, "plan") == {}
        assert "2027" in texts.load_texts(new, "summary")["opening"] or "2027" in texts.load_texts(new, "plan")[
            "preamble"]
        assert new.integrity_check() == []
    assert result.kept["team"] == 30 and result.emptied["activity"] == 200 and result.logs["trash"] == 1
    assert result.texts == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".~")) == []


def parts(data: bytes, stamped: tuple[str, ...] = ()) -> dict[str, bytes | dict]:
    """A zip's parts by name; an embedded workbook (a chart's data) as its own parts. Parts named in `stamped`,
    which carry the time of writing, are left out."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: parts(zf.read(name), ("docProps/core.xml",)) if name.endswith(".xlsx") else zf.read(name)
                for name in zf.namelist() if name not in stamped}


def test_last_years_summary_exports_byte_for_byte_as_before(old_db, tmp_path):
    """The zip entries carry the time of writing, so the parts are compared, every one of them: the document's
    docProps/core.xml too (without its created/modified times, the real time of each export). The charts' embedded
    workbooks are compared part by part except their own docProps/core.xml, where openpyxl writes the time of
    writing (exports.summary_chart), so two exports of the same summary differ there with or without a new year."""
    with Store.open(old_db, create=False, read_only=True) as st:
        export_summary(st, tmp_path / "before.docx", today=TODAY)
    start(old_db, tmp_path / "new.db")
    with Store.open(old_db, create=False, read_only=True) as st:
        export_summary(st, tmp_path / "after.docx", today=TODAY)
    before, after = parts((tmp_path / "before.docx").read_bytes()), parts((tmp_path / "after.docx").read_bytes())
    for p in (before, after):     # created/modified: the real time of each export (exports.properties)
        p["docProps/core.xml"] = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\1", p["docProps/core.xml"])
    assert "word/document.xml" in before and "docProps/core.xml" in before and before == after
    assert "去年的问题".encode() in before["word/document.xml"]


def test_dashboard_of_the_new_year(old_db, tmp_path):
    out = tmp_path / "new.db"
    start(old_db, out, year=2028)
    with Store.open(out, create=False, read_only=True) as st:
        figures = campaign_stats(st, today=dt.date(2028, 9, 1))
    assert figures["year"] == 2028
    assert figures["activities"]["total"] == 0 and figures["activities"]["total_minutes"] == 0
    assert figures["targets"]["enterprises"] == {**figures["targets"]["enterprises"], "target": 55, "done": 0}
    assert figures["targets"]["households"]["target"] == 66 and figures["targets"]["households"]["done"] == 0
    deadlines = {m["deadline_key"]: m["deadline"] for m in figures["reporting"]["materials"]}
    assert deadlines["registration_deadline"] == "2028-08-25"


def test_an_existing_output_is_refused_and_kept(old_db, tmp_path):
    out = tmp_path / "学雷锋志愿服务_2027.db"
    out.write_bytes(b"mine")
    with pytest.raises(UserError, match="学雷锋志愿服务_2027.db.*已存在"):
        start(old_db, out)
    assert out.read_bytes() == b"mine"


@pytest.mark.parametrize("year", [2026, 2025, 2101])
def test_a_year_not_after_the_old_one_is_refused(old_db, tmp_path, year):
    with pytest.raises(UserError, match=f"活动年度是 2026 年.*不能是 {year} 年"):
        start(old_db, tmp_path / "new.db", year=year)
    assert not (tmp_path / "new.db").exists()


def listing(folder: Path) -> list[str]:
    """The folder's files, without the -wal/-shm a read-only SQLite connection to a WAL file makes beside it."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))


def test_cancel_and_failure_leave_nothing(old_db, tmp_path, monkeypatch):
    before = listing(tmp_path)
    with pytest.raises(ny.NewYearCancelled):
        start(old_db, tmp_path / "new.db", cancelled=lambda: True)

    def broken(dest, plan):
        raise sqlite3.OperationalError("database or disk is full")
    monkeypatch.setattr(ny, "_clear", broken)
    with pytest.raises(UserError, match="new.db"):
        start(old_db, tmp_path / "new.db")
    assert listing(tmp_path) == before


def test_a_damaged_check_keeps_the_file_away(old_db, tmp_path, monkeypatch):
    real = ny._clear

    def breaks_a_reference(dest, plan):
        real(dest, plan)
        dest.execute("PRAGMA foreign_keys = OFF")
        dest.execute("UPDATE member SET team_id = 'gone' WHERE rowid = 1")
    monkeypatch.setattr(ny, "_clear", breaks_a_reference)
    with pytest.raises(UserError, match="检查未通过.*学雷锋志愿服务_2026.db”未受影响"):
        start(old_db, tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()


def test_every_table_is_either_kept_or_emptied(store):
    """A new record type or table must be sorted into what a new year keeps or starts empty (core.new_year)."""
    assert sorted(set(ny.KEPT) | set(ny.EMPTIED)) == sorted(s.RECORD_TYPES)
    assert not set(ny.KEPT) & set(ny.EMPTIED)
    derived = derived_tables() | migrate_tallies.NAMES | migrate_rollups.NAMES   # m009, m012, m013 follow the records
    tables = set(store.db.table_names()) - set(s.RECORD_TYPES) - derived
    assert tables == {"settings", "_sqlite_migrations", "vault", *ny.LOGS, *ny.BUNDLE_EMPTIED, *ny.BUNDLE_KEPT}
