"""EXPLAIN QUERY PLAN of every statement the dashboard's figures run: no large table is read row by row where an
index serves (issue 18). The statements are caught as SQLite runs them, so a new figure is checked too."""
import re

import pytest

from leifeng_desktop.core import stats
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store

# tables of tens of thousands of rows and more at city scale
LARGE = {"participant", "activity", "member", "aid", "household_visit", "demand", "enterprise_visit", "household",
         "activity_tally", "unit_volunteer", "year_volunteer"}
# a scan that is the right plan, with the reason: none since m013, whose covering indexes serve the aid, visits,
# demands and enterprise visits of a year (a read of a whole index is no SCAN of the table)
ALLOWED: dict[str, str] = {}
SCAN = re.compile(r"^SCAN (\w+)$")   # a table read row by row: no index named, not even a covering one


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with Store.open(tmp_path_factory.mktemp("plans") / "demo.db") as store:
        load_demo(store)
        yield store


def statements(store: Store, **scope) -> list[str]:
    """Every statement campaign_stats runs, with its parameters in place (SQLite's expanded SQL)."""
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    try:
        stats.campaign_stats(store, **scope)
    finally:
        store.db.conn.set_trace_callback(None)
    return [sql for sql in seen if sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def scans(store: Store, sql: str) -> set[str]:
    plan = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql)]
    return {m.group(1) for line in plan if (m := SCAN.match(line))}


@pytest.mark.parametrize("scope", [{}, {"unit": "XX市总工会"}, {"date_from": "2026-03-01", "date_to": "2026-06-30"}],
                         ids=["year", "unit", "period"])
def test_no_dashboard_query_scans_a_large_table_an_index_serves(demo, scope):
    found = statements(demo, **scope)
    assert len(found) > 10, "the statements were caught"
    bad = {table: sql for sql in found for table in scans(demo, sql) if table in LARGE and table not in ALLOWED}
    assert not bad, bad


def _plan(store: Store, sql: str) -> list[str]:
    return [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql)]


@pytest.mark.parametrize("of_unit", [False, True], ids=["year", "unit"])
def test_a_years_figures_read_the_tallies_not_the_participations(demo, of_unit):
    """Of a year (with or without a unit) the participations are not read at all: schema step m012's tallies
    answer, each by its key (per activity id; unit_volunteer and year_volunteer by year); of the whole year not
    even the activities: m013's sums per unit and per category/form/month answer by year."""
    first = demo.db.execute("SELECT unit FROM activity ORDER BY unit LIMIT 1").fetchone()[0]
    scope = {"unit": first} if of_unit else {}
    found = statements(demo, **scope)
    assert not [sql for sql in found if re.search(r"\bparticipant\b", sql)]
    sums = [sql for sql in found if "JOIN activity_tally" in sql]
    if of_unit:
        assert len(sums) == 1, "one statement sums the tallies for every activity figure"
        plan = " | ".join(_plan(demo, sums[0]))
        assert "SEARCH pa USING PRIMARY KEY (activity_id=?)" in plan
        assert re.search(r"(SCAN|SEARCH) activity USING (COVERING )?INDEX", plan), "the activities from an index"
    else:
        assert not sums and not [sql for sql in found if re.search(r"\bFROM activity\b", sql)]
        rolled = [sql for sql in found if "FROM activity_unit_tally" in sql]
        assert len(rolled) == 1 and "activity_group_tally" in rolled[0], "one statement reads both sums"
        plan = _plan(demo, rolled[0])
        assert {t for t in ("activity_unit_tally", "activity_group_tally")
                if any(line.startswith(f"SEARCH {t} USING INDEX") and "(year=?" in line for line in plan)} == {
            "activity_unit_tally", "activity_group_tally"}, plan
    # a unit's volunteers are its rows of unit_volunteer; the whole year's, m013's counts of those rows
    volunteers = [sql for sql in found if re.search(r"FROM (unit|year)_volunteer(_tally)?\b", sql)]
    assert len(volunteers) == (1 if of_unit else 2) and all("_tally" in sql for sql in volunteers) != of_unit
    assert all(any(line.startswith("SEARCH") and "PRIMARY KEY (year=?" in line
                                  for line in _plan(demo, sql)) for sql in volunteers), volunteers


def test_a_periods_volunteers_read_the_participation_indexes_only(demo):
    """A period is not what the tallies are kept by: its distinct members per unit and of the whole are read
    from the participations' covering indexes, never the table's rows; the sums per activity stay the tally's."""
    found = statements(demo, date_from="2026-03-01", date_to="2026-06-30")
    reading = [sql for sql in found if re.search(r"\bparticipant\b", sql)]
    assert reading and not [sql for sql in reading if "GROUP BY activity_id" in sql]
    for sql in reading:
        plan = _plan(demo, sql)
        on_participant = [line for line in plan if re.match(r"(SCAN|SEARCH) (participant|p)\b", line)]
        assert on_participant and all("COVERING INDEX" in line for line in on_participant), (sql, plan)
    assert len([sql for sql in found if "JOIN activity_tally" in sql]) == 1
