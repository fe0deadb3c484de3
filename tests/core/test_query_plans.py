"""EXPLAIN QUERY PLAN of every list query (every record type, its default sort and every sortable column, each
filter the pages offer, a next page after a key, the search, the count): no full scan of a large table where an
index serves, and no sort of a whole large table. The few plans that must scan are allowed below with the reason.
Also: the search text and indexes schema step m009 wrote still match core/schema.py."""
import re

import pytest

from leifeng_desktop.core import filters, listing, migrate_lists
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store

# tables of tens of thousands of rows at city scale; the others hold at most a few thousand
LARGE = {"member", "activity", "participant", "enterprise_visit", "demand", "household", "household_visit", "aid",
         "family_member", "publicity", "honor", "attachment"}
# a SCAN reads the whole table or a whole index of it (a SEARCH seeks; SCAN … VIRTUAL TABLE is the search index)
FULL_SCAN = re.compile(r"^SCAN (\w+)(?: USING (?:COVERING )?INDEX \w+)?$")
SORTED = "USE TEMP B-TREE FOR ORDER BY"
ALLOWED = {
    # sorting by a count over child rows groups the whole child table and sorts every record by it
    ("activity", "sort participant_count"), ("activity", "sort total_minutes"),
    ("household", "sort visit_count"), ("household", "sort aid_fen"),
    ("enterprise_visit", "sort demand_count"), ("enterprise_visit", "sort overdue_count"),
    # the overdue rule compares each demand's deadline with today; "尚未走访" is NOT IN a set
    ("enterprise_visit", "filter 有逾期未办结诉求"), ("household", "filter 尚未走访"),
}


def sensitive_sort(rt, what):
    """Sensitive values are stored encrypted: no index orders them meaningfully, they sort in a temporary tree."""
    key = what.removeprefix("sort ")
    return what.startswith("sort ") and key in rt.keys and rt.field(key).sensitive


def page_filters(store):
    """type -> the filter entries its list page offers (as ui/pages build them), one date range each."""
    counted = filters.household_target(store)
    return {
        "team": filters.choices(store, "team", "kind", "全部") + filters.units_in_use(store, "team")
        + filters.team_lateness(),
        "activity": filters.references(store, "activity", "team_id", "全部")
        + filters.choices(store, "activity", "category", "全部")
        + filters.choices(store, "activity", "service_form", "全部")
        + [filters.date_range("activity", "starts_at", "2026-03-01", "2026-06-30")],
        "honor": filters.choices(store, "honor", "category", "全部") + filters.choices(store, "honor", "status", "全部")
        + filters.choices(store, "honor", "subject_kind", "全部"),
        "submission": filters.choices(store, "submission", "material", "全部")
        + filters.units_in_use(store, "submission"),
        "enterprise_visit": filters.references(store, "enterprise_visit", "group_id", "全部")
        + filters.visit_demands() + [filters.date_range("enterprise_visit", "date", "2026-03-01", None)],
        "household": filters.choices(store, "household", "hardship", "全部")
        + [counted[0], filters.Filter("counted", counted[1].where, counted[1].params), counted[2]],
        "aid": filters.choices(store, "aid", "programme", "全部")
        + [filters.date_range("aid", "date", None, "2026-06-30")],
        "household_visit": filters.references(store, "household_visit", "group_id", "全部")
        + [filters.date_range("household_visit", "date", "2026-01-01", "2026-12-31")],
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    st = Store.open(tmp_path_factory.mktemp("plans") / "demo.db")
    load_demo(st)
    yield st
    st.close()


def columns_of(rt):
    return [f.key for f in rt.list_fields] + list(listing.DERIVED.get(rt.key, {}))


def queries(store, rt):
    """(what, sql, args) of every list query of the record type."""
    cols = columns_of(rt)
    out = [("count", *listing.count_query(rt, columns=cols))]
    sorts = [None, *cols]
    for key in sorts:
        for descending in (False, True):
            what = f"sort {key or 'default'}"
            first = listing.list_queries(rt, columns=cols, order_by=key, descending=descending, limit=200)
            after = listing.list_queries(rt, columns=cols, order_by=key, descending=descending, limit=200,
                                         after=("x", 1))
            nulls = listing.list_queries(rt, columns=cols, order_by=key, descending=descending, limit=200,
                                         after=(None, 1))
            shown = listing.list_queries(rt, columns=cols, order_by=key, descending=descending, limit=200,
                                         after=("x", 1), ref_ids=True, titles=False)   # as a list model reads
            out += [(what, sql, args) for sql, args in first + after + nulls + shown]
    for f in page_filters(store).get(rt.key, []):
        if f.where:
            what = f"filter {f.label}"
            out.append((what, *listing.list_query(rt, columns=cols, where=f.where, params=f.params, limit=200)))
            out.append((what, *listing.count_query(rt, columns=cols, where=f.where, params=f.params)))
    for word in ("王", "服务", "志愿服务"):
        out.append(("search", *listing.list_query(rt, columns=cols, text=word, limit=200)))
        out.append(("search", *listing.list_query(rt, columns=cols, text=word, limit=200, ref_ids=True,
                                                  titles=False)))
        out.append(("search", *listing.count_query(rt, columns=cols, text=word)))
    return out


def scans(store, sql, args):
    """The large tables the query reads whole: a SCAN sorted afterwards (not a walk in the list's order, which stops
    at the LIMIT), or a SCAN inside a sub-query (a filter's or the search's set of rows)."""
    plan = store.db.execute(f"EXPLAIN QUERY PLAN {sql}", args).fetchall()
    detail = {row[0]: row[3] for row in plan}
    sorted_under = {row[1] for row in plan if row[3] == SORTED}
    out = set()
    for _node, parent, _, line in plan:
        m = FULL_SCAN.match(line.strip())
        if m and m.group(1) in LARGE and (parent in sorted_under or "SUBQUERY" in detail.get(parent, "")):
            out.add(m.group(1))
    return out, [row[3] for row in plan]


@pytest.mark.parametrize("type_key", sorted(s.RECORD_TYPES))
def test_no_list_query_scans_a_large_table(demo, type_key):
    rt = s.record_type(type_key)
    bad = []
    for what, sql, args in queries(demo, rt):
        scanned, plan = scans(demo, sql, args)
        if scanned and (type_key, what) not in ALLOWED and not sensitive_sort(rt, what):
            bad.append(f"{what}: {sorted(scanned)}\n  {sql}\n  " + "\n  ".join(plan))
    assert not bad, "\n".join(bad)


def test_the_allowed_list_names_only_real_queries(demo):
    """Every allowed entry is still needed: it names a query that does scan."""
    seen = set()
    for type_key in s.RECORD_TYPES:
        for what, sql, args in queries(demo, s.record_type(type_key)):
            if scans(demo, sql, args)[0]:
                seen.add((type_key, what))
    assert sorted(ALLOWED - seen) == []


def test_migration_search_text_and_indexes_match_the_schema(demo):
    for rt in s.RECORD_TYPES.values():
        title, body = listing.search_fields(rt)
        multi = tuple(k for k in body if rt.field(k).type == s.MULTI)
        assert migrate_lists.SEARCH.get(rt.key, (None, (), ())) == (title, body, multi), rt.key
        for key in {rt.order_by, *(f.key for f in rt.list_fields)} - {"rowid"}:
            f = rt.field(key)
            if f.type in (s.REF, s.UNIT) or f.sensitive:
                continue   # a reference sorts by its title; unit has an index of its own (m001)
            assert key in migrate_lists.SORTS.get(rt.key, ()), f"{rt.key}.{key}: no sort index"


def test_each_search_view_reads(demo):
    """A later step that dropped a searchable column without define_search would leave a view that fails here."""
    for table in migrate_lists.SEARCH:
        demo.db.execute(f'SELECT * FROM "{table}_search_text" LIMIT 1').fetchall()
