"""core.listing's keyset paging: page after page gives exactly the rows of one unpaged query, in its order, for every
sort column and direction, with ties and NULLs, with a filter and a search; derived columns from grouped joins agree
with the per-row sub-queries they replace."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leifeng_desktop.core import filters, listing, teams
from leifeng_desktop.core import schema as s

COLUMNS = {
    "team": ["name", "kind", "unit", "leader", "member_count", "founded_on", "lateness"],
    "member": ["name", "team_id", "gender", "birth_month", "skills", "volunteer_no"],
    "activity": ["title", "starts_at", "category", "service_form", "team_id", "participant_count", "total_minutes",
                 "beneficiaries"],
}
# the per-row sub-queries listing used before (the reference the grouped joins must agree with)
CORRELATED = {
    "member_count": "(SELECT COUNT(*) FROM member WHERE member.team_id = t.id)",
    "participant_count": "(SELECT COUNT(*) FROM participant WHERE participant.activity_id = t.id)",
    "total_minutes": "(SELECT COALESCE(SUM(minutes), 0) FROM participant WHERE participant.activity_id = t.id)",
    "lateness": teams.lateness_sql(filters.setting_sql("registration_deadline"), table="t"),
}
WORDS = ["", "王", "服务", "甲队", "a", "扶老助残", "王 队", "无此字"]


@pytest.fixture
def filled(store):
    """Teams, members and activities with equal values, empty ones and references that are not set."""
    kinds = store.settings.choices()["team_kind"]
    cats = store.settings.choices()["service_category"]
    with store.transaction():
        team_ids = [store.insert("team", {
            "name": ["甲队", "乙队", "甲队", "a服务队"][i % 4], "kind": kinds[i % 2], "unit": f"单位{i % 3}",
            "leader": "王建国" if i % 2 else "李四", "leader_phone": "13812345678",
            "founded_on": None if i % 3 == 0 else f"2026-0{1 + i % 5}-01",
            "categories": ["扶老助残"] if i % 2 else []}) for i in range(7)]
        member_ids = [store.insert("member", {
            "team_id": team_ids[(i * 5) % 6], "name": ["王一", "王二", "张三", "王一"][i % 4],
            "gender": [None, "男", "女"][i % 3], "birth_month": None if i % 4 == 0 else f"1990-0{1 + i % 3}",
            "skills": None if i % 5 else "服务技能", "volunteer_no": None}) for i in range(37)]
        activity_ids = [store.insert("activity", {
            "title": ["活动甲", "王家活动", "活动甲"][i % 3], "starts_at": f"2026-03-0{1 + i % 4} 08:00",
            "ends_at": f"2026-03-0{1 + i % 4} 12:00", "category": cats[i % 3],
            "service_form": None if i % 2 else "上门服务", "team_id": None if i % 5 == 0 else team_ids[i % 7],
            "beneficiaries": None if i % 3 == 0 else i % 4}) for i in range(29)]
        for i, activity in enumerate(activity_ids):
            for j in range(i % 4):
                store.insert("participant", {"activity_id": activity, "member_id": member_ids[(i + j) % 37],
                                             "minutes": 30 + 30 * (j % 3)})
    return store


def reference_ids(store, type_key, columns, order_by, descending, text, where, params):
    """The ids in list order from one plain query: the sort column then rowid, both in the chosen direction
    (SQLite's NULL first ascending), and the search as LIKE over the text fields and shown titles."""
    rt = s.record_type(type_key)
    joins, titles = [], []
    for i, key in enumerate(columns):
        if key not in CORRELATED and rt.field(key).type == s.REF:
            target = s.record_type(rt.field(key).target)
            joins.append(f'LEFT JOIN "{target.key}" r{i} ON r{i}.id = t."{key}"')
            titles.append(f'r{i}."{target.title}"')
    key = order_by or rt.order_by
    if key in CORRELATED:
        expr = CORRELATED[key]
    elif key in columns and rt.field(key).type == s.REF:
        expr = titles[[k for k in columns if k not in CORRELATED and rt.field(k).type == s.REF].index(key)]
    else:
        expr = f't."{key}"'
    texts = [f't."{f.key}"' for f in rt.fields if f.type in listing.SEARCHABLE and not f.sensitive] + titles
    clauses, args = [], []
    if where:
        clauses.append(f'("t".rowid IN (SELECT rowid FROM "{type_key}" WHERE {where}))')
        args += list(params)
    for word in text.split():
        clauses.append("(" + " OR ".join(f"{c} LIKE ?" for c in texts) + ")")
        args += [f"%{word}%"] * len(texts)
    direction = " DESC" if descending else ""
    sql = (f'SELECT t.id FROM "{type_key}" t {" ".join(joins)} '
           + (f"WHERE {' AND '.join(clauses)} " if clauses else "")
           + f"ORDER BY {expr}{direction}, t.rowid{direction}")
    return [r[0] for r in store.db.execute(sql, args)]


def walk(store, type_key, columns, page, **kw):
    rows, after = [], None
    while True:
        batch = listing.fetch_rows(store, s.record_type(type_key), columns=columns, limit=page, after=after,
                                   keys=True, **kw)
        assert len(batch) <= page
        rows += batch
        if len(batch) < page:
            return rows
        after = listing.after_key(batch[-1])


FILTERS = {
    "team": [(None, ()), ("kind = ?", None), ("founded_on IS NULL", ())],
    "member": [(None, ()), ("gender = ?", ("男",)), ("birth_month >= ?", ("1990-02",))],
    "activity": [(None, ()), ("service_form IS NULL", ()), ("team_id IS NOT NULL", ())],
}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_keyset_pages_give_the_unpaged_rows_in_order(filled, data):
    type_key = data.draw(st.sampled_from(sorted(COLUMNS)))
    columns = COLUMNS[type_key]
    order_by = data.draw(st.sampled_from([None, *columns]))
    descending = data.draw(st.booleans())
    page = data.draw(st.integers(1, 12))
    text = data.draw(st.sampled_from(WORDS))
    where, params = data.draw(st.sampled_from(FILTERS[type_key]))
    if params is None:
        params = (filled.settings.choices()["team_kind"][0],)
    kw = dict(order_by=order_by, descending=descending, text=text, where=where, params=params)
    rows = walk(filled, type_key, columns, page, **kw)
    expected = reference_ids(filled, type_key, columns, order_by, descending, text, where, params)
    assert [r["id"] for r in rows] == expected
    assert listing.fetch_count(filled, s.record_type(type_key), columns=columns, **kw) == len(expected)
    unpaged = listing.fetch_rows(filled, s.record_type(type_key), columns=columns, **kw)
    assert [r["id"] for r in unpaged] == expected


@pytest.mark.parametrize("type_key", ["team", "activity"])
def test_derived_columns_agree_with_the_per_row_sub_queries(filled, type_key):
    columns = COLUMNS[type_key]
    derived = [k for k in columns if k in CORRELATED]
    want = {r[0]: list(r[1:]) for r in filled.db.execute(
        f"SELECT t.id, {', '.join(CORRELATED[k] for k in derived)} FROM \"{type_key}\" t")}
    for order_by in (None, *derived):   # grouped over the page, or over the whole child table to sort by it
        for page in (3, 1000):
            rows = walk(filled, type_key, columns, page, order_by=order_by)
            assert {r["id"]: [r[k] for k in derived] for r in rows} == want


def test_sort_keys_and_nulls_in_both_directions(filled):
    member = s.record_type("member")
    up = walk(filled, "member", ["name", "birth_month"], 4, order_by="birth_month")
    down = walk(filled, "member", ["name", "birth_month"], 4, order_by="birth_month", descending=True)
    assert [r["id"] for r in down] == [r["id"] for r in reversed(up)]
    months = [r["birth_month"] for r in up]
    nulls = months.count(None)
    assert nulls and months[:nulls] == [None] * nulls   # NULL first ascending (last descending)
    assert months[nulls:] == sorted(months[nulls:])
    assert len({r["id"] for r in up}) == filled.count("member")
    with pytest.raises(ValueError):
        listing.list_query(member, columns=["name"], order_by="member_count")
