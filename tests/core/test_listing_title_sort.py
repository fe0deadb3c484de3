"""A whole list sorted by a reference's title (issue 18 at city scale: core/title_sort.py): read from the title's
index, it pages to the same rows in the same order as ORDER BY title, rowid over the whole table, ascending and
descending, with rows that have no reference, references to a record without a title or with an empty one, and
equal titles of different records; each page is an index walk, no sort of the whole table."""
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leifeng_desktop.core import listing
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store

NAMES = (None, "", "王芳", "王芳", "李娜", "张伟", "a", "B")   # equal names on two records
STAMP = "2026-01-01T00:00:00"
REF_SORTS = [(rt.key, f.key) for rt in s.RECORD_TYPES.values() for f in rt.list_fields
             if f.type == s.REF and f.key in rt.keys]


def _insert(store, table, **values):
    values = {"id": f"{table}-{store.db.conn.execute(f'SELECT COUNT(*) FROM {table}').fetchone()[0]}",
              "unit": "XX市总工会", "created_at": STAMP, "updated_at": STAMP, **values}
    store.db.conn.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                          list(values.values()))
    return values["id"]


@pytest.fixture(scope="module")
def refs(tmp_path_factory):
    """Members and teams of NAMES; participations and activities referring to them (or to none) in a mixed order."""
    store = Store.open(tmp_path_factory.mktemp("title_sort") / "t.db")
    with store.transaction():
        teams = [_insert(store, "team", name=n) for n in NAMES]
        members = [_insert(store, "member", name=n, team_id=t) for n, t in zip(NAMES, teams)]
        activities = [_insert(store, "activity", title=f"活动{i}", team_id=([None] + teams)[i * 5 % 9])
                      for i in range(30)]
        for i in range(60):
            _insert(store, "participant", activity_id=activities[i % 30], member_id=([None] + members)[i * 7 % 9],
                    minutes=i)
    yield store
    store.close()


def expected(store, table, column, descending):
    rt = s.record_type(table)
    target = s.record_type(rt.field(column).target)
    way = " DESC" if descending else ""
    return [r[0] for r in store.db.conn.execute(
        f'SELECT t.id FROM "{table}" t LEFT JOIN "{target.key}" r ON r.id = t."{column}" '
        f'ORDER BY r."{target.title}"{way}, t.rowid{way}')]


def paged(store, table, columns, order_by, descending, size, drive=None):
    out, after = [], None
    while True:
        page = listing.fetch_rows(store, s.record_type(table), columns=columns, order_by=order_by,
                                  descending=descending, limit=size, after=after, ref_ids=True, keys=True, raw=True,
                                  titles=False, drive=drive)
        at = {n: i for i, n in enumerate(page.names)}
        out += [r[at["id"]] for r in page]
        if len(page) < size:
            return out
        after = (page[-1][at[listing.KEY]], page[-1][at[listing.ROWID]])


@pytest.mark.parametrize(("table", "columns", "column"), [
    ("participant", ["member_id", "minutes"], "member_id"),
    ("activity", ["title", "team_id", "participant_count"], "team_id"),   # a derived column around the page
    ("member", ["name", "team_id"], "team_id"),
])
def test_paged_to_the_end_equals_the_whole_order(refs, table, columns, column):
    for descending, size, drive in itertools.product((False, True), (1, 2, 3, 7, 200), (None, True, False)):
        assert paged(refs, table, columns, column, descending, size, drive) == \
            expected(refs, table, column, descending), (descending, size, drive)


def test_the_title_index_is_walked_when_the_list_is_the_larger(refs):
    """pays: 60 participations of 8 members, yes; 8 members of 8 teams, yes; 8 members of 9 teams, no."""
    plans = {k: listing._plan(s.record_type(k), ["name", "team_id"] if k == "member" else ["member_id"], c)
             for k, c in (("participant", "member_id"), ("member", "team_id"))}
    assert plans["participant"].title_sort.pays(refs.db.conn)
    assert plans["member"].title_sort.pays(refs.db.conn)
    with refs.transaction():
        _insert(refs, "team", name="新队")
    try:
        assert not plans["member"].title_sort.pays(refs.db.conn)
    finally:
        with refs.transaction():
            refs.db.conn.execute("DELETE FROM team WHERE name = '新队'")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.sampled_from(NAMES), min_size=1, max_size=6),
       refs_of=st.lists(st.integers(-1, 5), max_size=25), descending=st.booleans(), size=st.integers(1, 6))
def test_any_titles_page_in_the_whole_order(tmp_path_factory, names, refs_of, descending, size):
    store = Store.open(tmp_path_factory.mktemp("any") / "t.db")
    try:
        with store.transaction():
            members = [_insert(store, "member", name=n) for n in names]
            for i in refs_of:   # -1: no member
                _insert(store, "participant", member_id=members[i] if 0 <= i < len(members) else None)
        got = paged(store, "participant", ["member_id", "minutes"], "member_id", descending, size)
        assert got == expected(store, "participant", "member_id", descending)
    finally:
        store.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    st_ = Store.open(tmp_path_factory.mktemp("title_plans") / "demo.db")
    load_demo(st_)
    yield st_
    st_.close()


@pytest.mark.parametrize(("table", "column"), REF_SORTS)
def test_each_page_walks_the_title_index(demo, table, column):
    """First rows, after a title, after a row without one, both ways: the referenced table is read by its title
    index, the list's rows by their reference's index or rowid, and no sort covers more than one title's rows."""
    rt = s.record_type(table)
    target = s.record_type(rt.field(column).target)
    columns = [f.key for f in rt.list_fields]
    for descending, after in itertools.product((False, True), (None, ("王", 5), (None, 5))):
        for sql, args in listing.list_queries(rt, columns=columns, order_by=column, descending=descending,
                                              limit=200, after=after, ref_ids=True, titles=False):
            plan = [r[3] for r in demo.db.execute(f"EXPLAIN QUERY PLAN {sql}", args)]
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan, (sql, plan)
            assert not [line for line in plan if line.startswith("SCAN")], (sql, plan)
            if "CROSS JOIN" in sql.split(" WHERE ")[0]:
                assert f"SEARCH _r{columns.index(column)} USING INDEX idx_{target.key}_{target.title}" in \
                    " ".join(plan), plan
