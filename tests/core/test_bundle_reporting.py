"""A merged data bundle counts as the sender's 数据包 submission (issue 17): the unit leaves the 数据包 未报送 list,
late against 数据包报送截止, dated within the bundle's year; a record a bundle brings back under an id deleted here
takes its tombstone along (the next bundle sent upward does not carry both)."""
import datetime as dt
import types

import pytest
from bundle_cases import Clock

from leifeng_desktop.core import bundle_merge, trash
from leifeng_desktop.core import store as store_module
from leifeng_desktop.core.bundle_export import export_bundle
from leifeng_desktop.core.bundle_file import BundleReader
from leifeng_desktop.core.stats import campaign_stats, figure, filters_for
from leifeng_desktop.core.store import Store

SUB_UNIT = "XX市青山区总工会"
OTHER = "XX市东湖区总工会"
TEAM = {"name": "青山区职工志愿服务队", "kind": "职工志愿服务队", "unit": SUB_UNIT, "leader": "王建国",
        "leader_phone": "13812345678", "area": "城东街道"}


@pytest.fixture
def pair(tmp_path):
    """A sub-union with one team and a member; the city expecting it and another unit, nothing merged yet."""
    for name in ("sub", "city"):
        (tmp_path / name).mkdir()
    sub = Store.open(tmp_path / "sub" / "sub.db")
    sub.settings.set({"our_unit": SUB_UNIT, "our_unit_kind": "区县总工会", "year": 2026})
    team = sub.insert("team", TEAM)
    member = sub.insert("member", {"team_id": team, "name": "张三", "phone": "13700001111"})
    city = Store.open(tmp_path / "city" / "city.db")
    city.settings.set({"year": 2026})
    for unit in (SUB_UNIT, OTHER):
        city.insert("unit", {"name": unit, "expected": 1})
    yield sub, city, member
    sub.close()
    city.close()


def send(sub, tmp_path, name="bundle.lfx"):
    path = tmp_path / name
    export_bundle(sub, path, passphrase=None)
    return path


def merge_day(monkeypatch, day: dt.date) -> None:
    """The merge's today (bundle_merge reads dt.date.today())."""
    class Day(dt.date):
        @classmethod
        def today(cls):
            return cls(day.year, day.month, day.day)

    monkeypatch.setattr(bundle_merge, "dt", types.SimpleNamespace(date=Day))


def bundles(stats):
    return next(m for m in stats["reporting"]["materials"] if m["material"] == "数据包")


def test_a_merged_bundle_takes_its_unit_off_the_missing_list(pair, tmp_path, monkeypatch):
    sub, city, _member = pair
    merge_day(monkeypatch, dt.date(2026, 12, 2))
    city.settings.set({"bundle_deadline": "2026-11-30"})
    before = bundles(campaign_stats(city, today="2026-12-03"))
    assert (before["deadline_key"], before["deadline"], before["days_overdue"]) == ("bundle_deadline", "2026-11-30", 3)
    assert (before["sent"], before["missing"]) == (0, [OTHER, SUB_UNIT])
    bundle_merge.import_bundle(city, send(sub, tmp_path))
    stats = campaign_stats(city, today="2026-12-03")
    after = bundles(stats)
    assert (after["sent"], after["missing"]) == (1, [OTHER])
    assert after["late"] == 1   # merged on 2 December
    [unit] = [u for u in stats["reporting"]["units"] if u["unit"] == SUB_UNIT]
    assert {"material": "数据包", "sent": True, "date": "2026-12-02", "late": True} in unit["materials"]
    # the dashboard's figure lists the same units
    missing = filters_for(city, ("reporting", "数据包", "missing"), today="2026-12-03")
    assert [r["name"] for r in city.rows("unit", where=missing.where, params=list(missing.params))] == [OTHER]
    assert figure(stats, ("reporting", "数据包", "missing")) == 1


def test_the_submission_is_dated_within_the_bundles_year(pair, tmp_path, monkeypatch):
    """A merge on 5 January of the next year (the file still in its campaign year) counts for that year."""
    sub, city, _member = pair
    merge_day(monkeypatch, dt.date(2027, 1, 5))
    bundle_merge.import_bundle(city, send(sub, tmp_path))
    [row] = city.rows("submission", where="material = '数据包'")
    assert row["unit"] == SUB_UNIT and row["date"] == "2026-12-31"
    assert row["note"].endswith("；2027-01-05 导入，按数据包年度记为 2026-12-31")
    assert bundles(campaign_stats(city, year=2026, today="2027-01-05"))["missing"] == [OTHER]


def test_submission_day():
    assert bundle_merge.submission_day(2026, dt.date(2026, 12, 3)) == ("2026-12-03", "2026-12-03")
    assert bundle_merge.submission_day(2026, dt.date(2027, 2, 1)) == ("2026-12-31", "2027-02-01")


@pytest.fixture
def clock(monkeypatch):
    tick = Clock()
    for module in (store_module, trash, bundle_merge):
        monkeypatch.setattr(module, "now_iso", tick)
    return tick


def deletions(path):
    with BundleReader(path) as reader:
        return {(d["type_key"], d["record_id"]) for d in reader.deleted()}


def test_a_record_kept_against_a_local_deletion_loses_its_tombstone(pair, tmp_path, clock):
    sub, city, member = pair
    bundle_merge.import_bundle(city, send(sub, tmp_path, "first.lfx"))
    city.delete("member", member)
    sub.update("member", member, {"skills": "心理疏导"})
    plan = bundle_merge.preview(city, send(sub, tmp_path, "second.lfx"))
    bundle_merge.apply(city, plan, decisions={("member", member): {"": "keep"}})
    assert city.get("member", member)["skills"] == "心理疏导"
    assert not city.db.execute("SELECT 1 FROM tombstone WHERE record_id = ?", [member]).fetchone()
    upward = tmp_path / "city.lfx"
    export_bundle(city, upward, passphrase=None)
    assert ("member", member) not in deletions(upward)


def test_a_new_record_under_an_old_tombstone_takes_it_away(pair, tmp_path, clock):
    """An id deleted here long ago (before the bundle's version of it): the record is new, the deletion goes."""
    sub, city, member = pair
    city.db.execute("INSERT INTO tombstone (type_key, record_id, deleted_at, unit) VALUES (?, ?, ?, ?)",
                    ["member", member, "2020-01-01T09:00:00+08:00", SUB_UNIT])
    plan = bundle_merge.preview(city, send(sub, tmp_path))
    assert plan.conflicts == [] and plan.counts["member"].new == 1
    bundle_merge.apply(city, plan)
    assert city.get("member", member)["name"] == "张三"
    assert not city.db.execute("SELECT 1 FROM tombstone WHERE record_id = ?", [member]).fetchone()
    upward = tmp_path / "city.lfx"
    export_bundle(city, upward, passphrase=None)
    assert ("member", member) not in deletions(upward)
