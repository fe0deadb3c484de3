"""core.generate: exact counts, every row as valid as a typed one (schema and cross-record rules), deterministic by
seed, refused on a file with records, one 操作日志 entry."""
import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leifeng_desktop.core import crypto, oplog, record_rules
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.generate import ORDER, SCALES, generate
from leifeng_desktop.core.generate_more import cn_number, spread
from leifeng_desktop.core.store import Store


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The demo scale (the same builders as city, 1/200 of its size)."""
    store = Store.open(tmp_path_factory.mktemp("gen") / "gen.db")
    added = generate(store, "demo", seed=7)
    yield store, added
    store.close()


def test_counts_are_exact(city):
    store, added = city
    wanted = SCALES["demo"]
    assert set(added) == set(ORDER)
    for key, n in wanted.items():
        if key == "working_group":
            assert store.count(key) == n   # the four a new file has, and no more at this scale
        elif key == "unit":
            assert added[key] == n and store.count(key) == n + 1   # the file's own 本单位 on top
        else:
            assert added[key] == n == store.count(key), key
    assert added["submission"] == store.count("submission") > 0


def test_every_row_passes_the_stores_validation(city):
    store, _ = city
    choices = store.settings.choices()
    for key in ORDER:
        rt = s.record_type(key)
        for row in store.rows(key):
            values = {k: row[k] for k in rt.keys if k in row}
            assert store.prepare(rt, values, stored=row), (key, row)   # raises ValidationError when not
        assert choices   # the lists the rows were checked against


def test_participants_keep_the_rules_across_records(city):
    store, _ = city
    rosters = {}
    for m in store.rows("member"):
        rosters.setdefault(m["team_id"], set()).add(m["id"])
    activities = {a["id"]: a for a in store.rows("activity")}
    seen = set()
    for p in store.rows("participant"):
        assert record_rules.check(store, "participant", p, p["id"]) == {}
        activity = activities[p["activity_id"]]
        assert p["member_id"] in rosters[activity["team_id"]]   # on the roster of the team that held it
        assert (p["activity_id"], p["member_id"]) not in seen   # nobody twice in one activity
        seen.add((p["activity_id"], p["member_id"]))


def test_dates_lie_in_the_campaign_year_and_teams_are_uneven(city):
    store, _ = city
    year = store.settings.campaign()["year"]
    starts = [dt.datetime.fromisoformat(a["starts_at"]) for a in store.rows("activity")]
    assert all(d.year == year for d in starts)
    assert len({d.month for d in starts}) >= 6   # across the year, not one day
    assert sum(d.month == 3 for d in starts) > len(starts) / 12   # 学雷锋月 busier than an average month
    sizes = [n for (n,) in store.db.execute("SELECT COUNT(*) FROM member GROUP BY team_id")]
    assert min(sizes) >= 5 and max(sizes) >= 2 * sum(sizes) / len(sizes)   # a few large teams, many small


def test_identifiers_are_valid_and_unique(city):
    store, _ = city
    numbers = [r["id_number"] for key in ("member", "household") for r in store.rows(key) if r["id_number"]]
    assert numbers and len(numbers) == len(set(numbers))
    assert all(n[14:16] == "99" for n in numbers)   # made up, as the demo's
    raw = [r[0] for r in store.db.execute("SELECT id_number FROM member WHERE id_number IS NOT NULL")]
    if store.keys is not None:   # stored as Store.insert stores them: encrypted with the file's key
        assert all(crypto.is_encrypted(v) for v in raw)
    codes = [r[0] for r in store.db.execute("SELECT uscc FROM enterprise_visit WHERE uscc IS NOT NULL")]
    assert codes


def test_one_oplog_entry_sums_it_up(city):
    store, added = city
    ours = [e for e in oplog.entries(store) if e.action != "create"]   # the new file's own entry aside
    assert len(ours) == 1
    text = str(ours[0])
    assert "生成测试数据" in text and f"新增 {added['participant']} 条" in text


def test_same_seed_same_content(tmp_path):
    def content(name, seed):
        with Store.open(tmp_path / name) as store:
            generate(store, "demo", seed=seed)
            return [r["name"] for r in store.rows("member")], [r["title"] for r in store.rows("activity")]

    assert content("a.db", 3) == content("b.db", 3)
    assert content("c.db", 4) != content("a2.db", 3)


def test_refuses_a_file_with_records_unless_forced(tmp_path):
    with Store.open(tmp_path / "x.db") as store:
        kind = store.settings.choices()["team_kind"][0]
        store.insert("team", {"name": "自己的队", "kind": kind, "unit": store.our_unit(), "leader": "张三",
                              "leader_phone": "13812345678"})
        with pytest.raises(ValueError, match="已有录入的记录"):
            generate(store, "demo")
        assert store.count("member") == 0
        generate(store, "demo", force=True)
        assert store.count("team") == SCALES["demo"]["team"] + 1


def test_unknown_scale_is_refused(tmp_path):
    with Store.open(tmp_path / "x.db") as store, pytest.raises(ValueError, match="规模"):
        generate(store, "country")


@given(st.lists(st.floats(0.01, 100), min_size=1, max_size=50), st.integers(0, 5), st.integers(0, 10_000))
def test_spread_sums_exactly_within_bounds(weights, low, seed):
    highs = [low + 20] * len(weights)
    total = random.Random(seed).randint(low * len(weights), sum(highs))
    sizes = spread(random.Random(seed), total, weights, low, highs)
    assert sum(sizes) == total and all(low <= n <= hi for n, hi in zip(sizes, highs))


def test_spread_refuses_the_impossible():
    with pytest.raises(ValueError):
        spread(random.Random(1), 100, [1.0, 1.0], 0, [10, 10])


def test_chinese_numbers():
    assert [cn_number(n) for n in (1, 5, 10, 12, 20, 40, 99)] == ["一", "五", "十", "十二", "二十", "四十", "九十九"]


def test_fixed_choices_are_read_once_and_let_go(tmp_path):
    with Store.open(tmp_path / "x.db") as store:
        settings = store.settings
        with settings.fixed_choices():
            held = settings.choices()
            assert settings.choices() is held   # no read per row while the generation holds the file
        assert settings.choices() is not held and settings.choices() == held


def test_generated_ids_have_the_stores_form():
    import uuid

    from leifeng_desktop.core.generate_more import new_id
    ids = [new_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        made = uuid.UUID(text)
        assert str(made) == text and made.version == 4 and made.variant == uuid.RFC_4122
