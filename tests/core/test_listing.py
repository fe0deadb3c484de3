"""core.listing: the SQL behind every record list (no Qt)."""
import pytest

from leifeng_desktop.core import listing
from leifeng_desktop.core import schema as s

TEAM, MEMBER, ACTIVITY = s.record_type("team"), s.record_type("member"), s.record_type("activity")


def add_team(store, name, kind=None, **extra):
    kind = kind or store.settings.choices()["team_kind"][0]
    return store.insert("team", {"name": name, "kind": kind, "unit": "XX市供电公司工会", "leader": "王建国",
                                 "leader_phone": "13812345678", **extra})


@pytest.fixture
def teams(store):
    kinds = store.settings.choices()["team_kind"]
    with store.transaction():
        ids = {
            "b": add_team(store, "乙队", kinds[1]),
            "a": add_team(store, "甲队", kinds[0], categories=["扶老助残"]),
            "pct": add_team(store, "百分之100%服务队", kinds[0]),
            "quote": add_team(store, "O'Brien志愿队", kinds[2]),
            "under": add_team(store, "a_b队", kinds[0]),
        }
    return ids


def test_ref_columns_show_the_referenced_title(store, teams):
    store.insert("member", {"team_id": teams["a"], "name": "张三", "phone": "13900001111"})
    rows = listing.fetch_rows(store, MEMBER, columns=["name", "team_id", "phone"])
    assert rows == [{"id": rows[0]["id"], "name": "张三", "team_id": "甲队", "phone": "13900001111"}]
    raw = listing.fetch_rows(store, MEMBER, columns=["team_id"], ref_ids=True)
    assert raw[0]["team_id:id"] == teams["a"]


def test_a_loose_ref_left_empty_still_lists_the_row(store, teams):
    store.insert("activity", {"title": "义诊", "starts_at": "2026-03-05T09:00", "ends_at": "2026-03-05T11:00",
                              "category": "扶老助残"})
    rows = listing.fetch_rows(store, ACTIVITY, columns=["title", "team_id"])
    assert [(r["title"], r["team_id"]) for r in rows] == [("义诊", None)]


def test_text_filter_matches_words_titles_and_multi_values(store, teams):
    store.insert("member", {"team_id": teams["b"], "name": "李四"})
    cols = ["name", "kind"]
    assert [r["name"] for r in listing.fetch_rows(store, TEAM, columns=cols, text="甲")] == ["甲队"]
    assert [r["name"] for r in listing.fetch_rows(store, TEAM, columns=cols, text="扶老")] == ["甲队"]  # MULTI
    assert listing.fetch_count(store, TEAM, columns=cols, text="队 甲") == 1          # words are ANDed
    assert listing.fetch_count(store, TEAM, columns=cols, text="o'brien") == 1        # a quote, any case
    members = listing.fetch_rows(store, MEMBER, columns=["name", "team_id"], text="乙队")
    assert [m["name"] for m in members] == ["李四"]                                   # the joined title


def test_like_wildcards_in_the_search_text_are_literal(store, teams):
    cols = ["name"]
    assert [r["name"] for r in listing.fetch_rows(store, TEAM, columns=cols, text="100%")] == ["百分之100%服务队"]
    assert listing.fetch_count(store, TEAM, columns=cols, text="%") == 1
    assert [r["name"] for r in listing.fetch_rows(store, TEAM, columns=cols, text="_")] == ["a_b队"]
    assert listing.fetch_count(store, TEAM, columns=cols, text="\\") == 0


def test_sensitive_fields_are_not_searched(store, teams):
    store.insert("member", {"team_id": teams["a"], "name": "张三", "phone": "13900001111"})
    assert listing.fetch_count(store, MEMBER, columns=["name", "phone"], text="1390000") == 0


def test_sort_by_a_ref_column_sorts_by_title(store, teams):
    with store.transaction():
        for team, name in (("b", "m1"), ("a", "m2"), ("quote", "m3")):
            store.insert("member", {"team_id": teams[team], "name": name})
    up = listing.fetch_rows(store, MEMBER, columns=["name", "team_id"], order_by="team_id")
    assert [r["team_id"] for r in up] == sorted(r["team_id"] for r in up)
    down = listing.fetch_rows(store, MEMBER, columns=["name", "team_id"], order_by="team_id", descending=True)
    assert [r["name"] for r in down] == [r["name"] for r in reversed(up)]


def test_where_and_params_narrow_the_list_without_clashing_with_joins(store, teams):
    kinds = store.settings.choices()["team_kind"]
    cols = ["name", "kind"]
    assert listing.fetch_count(store, TEAM, columns=cols, where="team.kind = ?", params=[kinds[0]]) == 3
    rows = listing.fetch_rows(store, TEAM, columns=cols, where="kind = ?", params=[kinds[0]], text="甲")
    assert [r["name"] for r in rows] == ["甲队"]
    store.insert("member", {"team_id": teams["a"], "name": "张三"})
    store.insert("member", {"team_id": teams["b"], "name": "李四"})
    # 'name' and 'unit' exist in member and in the joined team: the where is about member only
    rows = listing.fetch_rows(store, MEMBER, columns=["name", "team_id"], where="name = ?", params=["李四"])
    assert [(r["name"], r["team_id"]) for r in rows] == [("李四", "乙队")]
    assert listing.fetch_count(store, MEMBER, columns=["team_id"], where="team_id = ?", params=[teams["a"]]) == 1


def test_keyset_pages_go_through_every_row_once(store):
    with store.transaction():
        for i in range(25):
            add_team(store, f"队{i % 5}")   # many equal names: the rowid tiebreak keeps pages apart
    seen, after = [], None
    while True:
        page = listing.fetch_rows(store, TEAM, columns=["name"], order_by="name", limit=10, after=after, keys=True)
        if not page:
            break
        seen += page
        after = listing.after_key(page[-1])
    assert len(seen) == 25 and len({r["id"] for r in seen}) == 25
    assert [r["name"] for r in seen] == sorted(r["name"] for r in seen)
    with pytest.raises(ValueError):   # no OFFSET anywhere
        listing.fetch_rows(store, TEAM, columns=["name"], offset=20)


def test_unknown_columns_and_sort_keys_are_refused(store):
    with pytest.raises(KeyError):
        listing.list_query(TEAM, columns=["name; DROP TABLE team"])
    with pytest.raises(ValueError):
        listing.list_query(TEAM, columns=["name"], order_by="name DESC; --")
    sql, _ = listing.list_query(TEAM, columns=["name"], order_by="created_at")   # a meta column is fine
    assert "created_at" in sql


def test_count_query_takes_the_same_arguments(store, teams):
    args = dict(columns=["name"], text="队", order_by="name", descending=True, limit=1)
    assert listing.fetch_count(store, TEAM, **args) == 5
    assert len(listing.fetch_rows(store, TEAM, **args)) == 1
