"""A searched or filtered list (issue 18 at city scale): its titles are joined to a page's rows after the page is
cut, and its count reads the rowid sets alone; the rows, their values, order and count are what the whole list holds
for those records."""
import pytest

from leifeng_desktop.core import listing
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store

WITH_REFS = [k for k, rt in s.RECORD_TYPES.items() if any(f.type == s.REF for f in rt.list_fields)]
WORDS = ("王", "服务", "志愿 服务", "没有这样的字")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    st = Store.open(tmp_path_factory.mktemp("narrowed") / "demo.db")
    load_demo(st)
    yield st
    st.close()


def paged(store, rt, columns, size=7, **kw):
    rows, after = [], None
    while True:
        page = listing.fetch_rows(store, rt, columns=columns, limit=size, after=after, ref_ids=True, keys=True, **kw)
        rows += page
        if len(page) < size:
            return rows
        after = listing.after_key(page[-1])


def sorts(rt):
    plain = next(f.key for f in rt.list_fields if f.type != s.REF and not f.sensitive)
    title = next(f.key for f in rt.list_fields if f.type == s.REF)
    derived = list(listing.DERIVED.get(rt.key, {}))[:1]
    return [(key, descending) for key in (None, plain, title, *derived) for descending in (False, True)]


def test_the_narrowed_lists_have_titles_to_check():
    assert {"participant", "activity", "publicity", "aid"} <= set(WITH_REFS)
    sql, _args = listing.list_query(s.record_type("participant"), columns=["member_id", "minutes"], text="王",
                                    limit=200)
    assert sql.index(") AS _pg") < sql.index('LEFT JOIN "member"')   # titles of the page's rows only


@pytest.mark.parametrize("type_key", WITH_REFS)
def test_a_searched_list_is_the_whole_list_narrowed(demo, type_key):
    rt = s.record_type(type_key)
    columns = [f.key for f in rt.list_fields] + list(listing.DERIVED.get(type_key, {}))   # derived ones too
    found_any = False
    for order_by, descending in sorts(rt):
        whole = paged(demo, rt, columns, size=10_000, order_by=order_by, descending=descending)
        for text in WORDS:
            for titles in (True, False):   # titles=False: a REF column as its id alone, unless sorted by it
                rows = paged(demo, rt, columns, text=text, order_by=order_by, descending=descending, titles=titles)
                ids = {r["id"] for r in rows}
                expected = [r for r in whole if r["id"] in ids]
                if not titles:   # the sorted title is joined, the others are read when shown
                    expected = [{k: v for k, v in r.items()
                                 if k == order_by or k not in rt.keys or rt.field(k).type != s.REF} for r in expected]
                assert rows == expected, (order_by, descending, text, titles)
            assert listing.fetch_count(demo, rt, columns=columns, text=text) == len(rows) == len(ids)
            found_any = found_any or bool(rows)
    assert found_any or type_key not in ("participant", "activity")


def test_a_filter_and_words_count_the_rows_they_share(demo):
    rt = s.record_type("participant")
    columns = [f.key for f in rt.list_fields]
    where, params = "minutes >= ?", (120,)
    for text in ("", "王", "王 秀", "没有这样的字"):
        rows = paged(demo, rt, columns, text=text, where=where, params=params)
        assert listing.fetch_count(demo, rt, columns=columns, text=text, where=where, params=params) == len(rows)
        assert all(r["minutes"] >= 120 for r in rows)
    assert paged(demo, rt, columns, text="王", where=where, params=params)   # the demo has such rows


def test_the_count_of_a_search_reads_no_row_of_the_table(demo):
    sql, _args = listing.count_query(s.record_type("participant"), columns=["member_id", "minutes"], text="王")
    plan = [row[3] for row in demo.db.execute(f"EXPLAIN QUERY PLAN {sql}", _args)]
    assert not any(line.startswith("SEARCH participant USING INTEGER PRIMARY KEY") for line in plan), plan
