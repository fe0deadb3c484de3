"""The demo data set: the sizes the campaign plan talks about, valid and consistent records, one transaction."""
import datetime as dt
from collections import Counter

import pytest
from stdnum.cn import ric, uscc

from leifeng_desktop.core import attachments as att
from leifeng_desktop.core.demo import DemoCancelled, load_demo
from leifeng_desktop.core.demo_activities import BRIEFS, SHEETS
from leifeng_desktop.core.store import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One loaded demo database shared by the read-only checks below (loading takes a moment)."""
    st = Store.open(tmp_path_factory.mktemp("demo") / "demo.db")
    seen = []
    counts = load_demo(st, progress=lambda done, total: seen.append((done, total)))
    st.demo_counts, st.demo_progress = counts, seen
    yield st
    st.close()


def year_of(st):
    return st.settings.campaign()["year"]


def scalar(st, sql, params=()):
    return st.db.execute(sql, list(params)).fetchone()[0]


def test_counts_match_the_campaign(demo):
    our = demo.our_unit()
    assert demo.count("unit", where="name != ?", params=[our]) == 12
    assert demo.count("team") == 30
    assert set(r["kind"] for r in demo.rows("team")) == set(demo.settings.choices()["team_kind"])
    assert demo.count("member") == 300
    assert demo.count("activity") == 200
    assert demo.count("enterprise_visit") == 45
    assert scalar(demo, "SELECT COUNT(DISTINCT enterprise) FROM enterprise_visit") == 40
    assert demo.count("household") == 85
    assert 15 <= demo.count("honor") <= 25
    assert 35 <= demo.count("publicity") <= 45
    assert demo.count("submission") > 0
    assert demo.count("attachment") == SHEETS + BRIEFS == 26
    assert scalar(demo, "SELECT COUNT(DISTINCT activity_id) FROM attachment") == SHEETS == 20
    counts = demo.demo_counts   # what load_demo reports having added
    assert counts["unit"] == 12 and counts["working_group"] == 0
    assert all(counts[k] == n for k, n in demo.counts().items() if k not in ("unit", "working_group"))


def test_eighty_households_visited_and_helped_in_the_campaign_year(demo):
    year = str(year_of(demo))
    helped = scalar(demo, """SELECT COUNT(*) FROM household h
        WHERE EXISTS (SELECT 1 FROM household_visit v WHERE v.household_id = h.id AND substr(v.date, 1, 4) = ?)
          AND EXISTS (SELECT 1 FROM aid a WHERE a.household_id = h.id AND substr(a.date, 1, 4) = ?)""", [year, year])
    assert helped >= 80
    members = Counter(r["household_id"] for r in demo.rows("family_member"))
    assert all(1 <= members[h["id"]] <= 3 for h in demo.rows("household"))
    assert all(len(h["other_causes"]) <= 3 and h["main_cause"] not in h["other_causes"] for h in demo.rows("household"))
    aids = demo.rows("aid")
    assert set(a["programme"] for a in aids) == set(demo.settings.choices()["aid_programme"])
    assert all(isinstance(a["amount"], int) for a in aids if a["amount"] is not None)


def test_id_numbers_are_valid_and_clearly_fake(demo):
    members = demo.rows("member")
    with_id = [m for m in members if m["id_number"]]
    assert 0.6 <= len(with_id) / len(members) <= 0.8
    numbers = [(m["id_number"], m["gender"], m["birth_month"]) for m in with_id]
    numbers += [(h["id_number"], h["gender"], h["birth_date"][:7]) for h in demo.rows("household")]
    assert len({n for n, _, _ in numbers}) == len(numbers)
    for number, gender, month in numbers:
        assert ric.is_valid(number), number
        assert number.startswith("110101") and number[14:16] == "99"
        assert int(number[16]) % 2 == (1 if gender == "男" else 0)
        assert f"{number[6:10]}-{number[10:12]}" == month


def test_credit_codes_phones_and_links(demo):
    visits = demo.rows("enterprise_visit")
    codes = {v["enterprise"]: v["uscc"] for v in visits}
    assert 15 <= sum(1 for c in codes.values() if c) <= 25
    assert all(uscc.is_valid(c) for c in codes.values() if c)
    phones = [m["phone"] for m in demo.rows("member")] + [t["leader_phone"] for t in demo.rows("team")]
    assert all(len(p) == 11 and p[:2] in ("13", "15", "18") for p in phones)
    reports = [p for p in demo.rows("publicity") if p["activity_id"]]
    assert len(reports) >= 10
    assert all(p["link"].startswith("https://") for p in reports)


def test_teams_mostly_on_time_some_late(demo):
    deadline = demo.settings.campaign()["registration_deadline"]
    founded = [t["founded_on"] for t in demo.rows("team")]
    late = [d for d in founded if d > deadline]
    assert 1 <= len(late) <= 6
    teams = demo.rows("team")
    assert all(t["categories"] and t["service_forms"] and t["leader_phone"] for t in teams)
    assert all(6 <= demo.count("member", where="team_id = ?", params=[t["id"]]) <= 15 for t in teams)
    assert all(demo.count("member", where="team_id = ? AND unit = ?", params=[t["id"], t["unit"]]) > 0
               for t in teams)


def test_participants_come_from_the_roster_and_never_outlast_the_activity(demo):
    assert scalar(demo, """SELECT COUNT(*) FROM participant p
        JOIN activity a ON a.id = p.activity_id
        WHERE p.minutes > CAST(ROUND((julianday(a.ends_at) - julianday(a.starts_at)) * 1440) AS INTEGER)
           OR p.minutes <= 0""") == 0
    assert scalar(demo, """SELECT COUNT(*) FROM participant p JOIN activity a ON a.id = p.activity_id
        JOIN member m ON m.id = p.member_id WHERE m.team_id != a.team_id""") == 0
    per_activity = Counter(r["activity_id"] for r in demo.rows("participant"))
    assert len(per_activity) == 200 and all(3 <= n <= 10 for n in per_activity.values())
    year = str(year_of(demo))
    for a in demo.rows("activity"):
        start, end = dt.datetime.fromisoformat(a["starts_at"]), dt.datetime.fromisoformat(a["ends_at"])
        assert dt.timedelta(hours=1) <= end - start <= dt.timedelta(hours=4)
        assert a["starts_at"].startswith(year)


def test_attachments_are_real_files_beside_the_database(demo):
    from docx import Document
    records = demo.rows("attachment")
    assert all(att.exists(demo, r) for r in records)
    assert len(att.stored_files(demo)) == len({r["sha256"] for r in records}) == len(records)
    assert all(r["kind"] == "文档" and r["name"].endswith(".docx") and 0 < r["size"] <= att.MAX_BYTES
               for r in records)
    assert att.purge_orphans(demo) == []
    sheets = [r for r in records if r["name"].startswith("签到表_")]
    assert len(sheets) == SHEETS and len(records) - len(sheets) == BRIEFS
    for r in sheets[:3]:   # each lists the activity's participants
        names = {row.cells[1].text for row in Document(att.file_path(demo, r)).tables[0].rows[1:]}
        assert names == {m[0] for m in demo.db.execute(
            "SELECT m.name FROM participant p JOIN member m ON m.id = p.member_id WHERE p.activity_id = ?",
            [r["activity_id"]])}
        assert att.file_path(demo, r).stat().st_size == r["size"]


def test_demands_follow_the_reply_rule(demo):
    days = demo.settings.campaign()["demand_reply_days"]
    visits = {v["id"]: v for v in demo.rows("enterprise_visit")}
    demands = demo.rows("demand")
    assert demands
    for d in demands:
        visit_day = dt.date.fromisoformat(visits[d["visit_id"]]["date"])
        assert d["due_on"] == (visit_day + dt.timedelta(days=days)).isoformat()
    assert len({d["status"] for d in demands}) == 3
    assert any(d["status"] != "已办结" and d["due_on"] < f"{year_of(demo)}-11-01" for d in demands)  # overdue ones
    assert Counter(v["group_id"] for v in visits.values()).keys() == {g["id"] for g in demo.rows("working_group")}


def test_honors_are_consistent(demo):
    honors = demo.rows("honor")
    persons_only = {"金牌工人", "岗位技术能手", "建功立业标兵", "职业道德标兵", "节能减排标兵"}
    for h in honors:
        if h["category"] == "工人先锋号":
            assert h["subject_kind"] == "集体"
        if h["category"] in persons_only:
            assert h["subject_kind"] == "个人"
        assert 150 <= len(h["deeds"]) <= 400
        assert bool(h["doc_no"]) == (h["status"] == "表彰")
    assert len({h["status"] for h in honors}) >= 2
    assert len({h["category"] for h in honors}) == 7


def test_some_units_have_not_yet_reported(demo):
    expected = {u["name"] for u in demo.rows("unit", where="expected = 1")}
    for material in ("登记表", "实施方案"):
        sent = {r["unit"] for r in demo.rows("submission", where="material = ?", params=[material])}
        assert sent and sent < expected, material   # some sent, some not yet (未报送)


def test_integrity_and_progress(demo):
    assert demo.integrity_check() == []
    seen = demo.demo_progress
    assert len(seen) > 10
    assert seen[-1][0] == seen[-1][1] == sum(demo.demo_counts.values()) + 4   # + the working groups filled in
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert not demo.is_empty()


def test_same_seed_same_content(tmp_path):
    def content(path, seed):
        with Store.open(path) as st:
            load_demo(st, seed=seed)
            return ([t["name"] for t in st.rows("team", order_by="rowid")],
                    [(m["name"], m["phone"], m["id_number"]) for m in st.rows("member")],
                    [(a["title"], a["starts_at"]) for a in st.rows("activity", order_by="rowid")],
                    [(h["name"], h["income"]) for h in st.rows("household", order_by="rowid")],
                    [(f["name"], f["sha256"], f["size"]) for f in st.rows("attachment")],
                    [(p.name, p.read_bytes()) for p in att.stored_files(st)])
    first = content(tmp_path / "a.db", 2026)
    assert content(tmp_path / "b.db", 2026) == first
    assert content(tmp_path / "c.db", 7) != first


def test_refuses_a_store_with_records(store, team_values):
    store.insert("team", team_values)
    before = store.counts()
    with pytest.raises(ValueError, match="已有"):
        load_demo(store)
    assert store.counts() == before


def test_cancel_leaves_the_store_empty(store):
    before = store.counts()
    asked = []

    def cancelled():
        asked.append(1)
        return len(asked) > 700
    seen = []
    with pytest.raises(DemoCancelled):
        load_demo(store, progress=lambda d, t: seen.append(d), cancelled=cancelled)
    assert seen and max(seen) >= 650   # it had written a good part before the cancel
    assert store.counts() == before and store.is_empty()
    assert all(not g["leader"] for g in store.rows("working_group"))
    assert not att.attachments_dir(store).exists()   # the cancel came before any file was written
    assert load_demo(store)["team"] == 30   # and a later load still works


def test_cancel_while_writing_files_removes_them(store):
    folder = att.attachments_dir(store)

    def cancelled():
        return len(list(folder.glob("*/*.docx"))) >= 5 if folder.exists() else False
    with pytest.raises(DemoCancelled):
        load_demo(store, cancelled=cancelled)
    assert store.is_empty() and store.count("attachment") == 0
    assert not folder.exists()


def test_a_failure_while_writing_files_leaves_nothing(store, monkeypatch):
    from leifeng_desktop.core import demo_activities
    real, calls = demo_activities.add_attachment, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise att.AttachmentError("磁盘已满")
        return real(*args, **kwargs)
    monkeypatch.setattr(demo_activities, "add_attachment", flaky)
    with pytest.raises(att.AttachmentError):
        load_demo(store)
    assert store.is_empty() and not att.attachments_dir(store).exists()


def test_follows_the_campaign_settings(store):
    """A clerk's own year, deadlines and working-group leaders are respected."""
    store.settings.set({"year": 2013, "registration_deadline": "2013-08-25", "plan_deadline": "2013-08-31",
                        "demand_reply_days": 5, "city": "广州市"})
    first = store.rows("working_group")[0]
    store.update("working_group", first["id"], {"leader": "陈主席"})
    load_demo(store)
    assert store.get("working_group", first["id"])["leader"] == "陈主席"
    assert all(g["leader"] for g in store.rows("working_group"))
    assert all(a["starts_at"].startswith("2013") for a in store.rows("activity"))
    assert all(r["date"].startswith("2013") for r in store.rows("aid") + store.rows("household_visit"))
    assert all(t["unit"].startswith("广州市") for t in store.rows("team"))
    late = [t for t in store.rows("team") if t["founded_on"] > "2013-08-25"]
    assert 1 <= len(late) <= 6
    visit = store.rows("enterprise_visit")[0]
    demands = store.rows("demand", where="visit_id = ?", params=[visit["id"]])
    assert all(d["due_on"] == (dt.date.fromisoformat(visit["date"]) + dt.timedelta(days=5)).isoformat()
               for d in demands)
    assert store.integrity_check() == []
