"""EXPLAIN QUERY PLAN of every statement the dashboard's figures run: no large table is read row by row where an
index serves (issue 18). The statements are caught as SQLite runs them, so a new figure is checked too."""
import re

import pytest

from leifeng_desktop.core import stats
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store

# tables of tens of thousands of rows and more at city scale
LARGE = {"participant", "activity", "member", "aid", "household_visit", "demand", "enterprise_visit", "household"}
# a scan that is the right plan, with the reason
ALLOWED = {
    "enterprise_visit": "visits.visit_keys reads every visit once: a name borrows the code of any visit of that name",
    "aid": "a year's (or a period's) records are most of the table: read in one pass, counted by programme and unit",
    "household_visit": "as aid: the scope's visits are most of the table, counted in one pass",
    "demand": "as aid: the scope's demands are most of the table, each needing its visit's date for the deadline",
    "household": "the counted households: every household is checked once against its visits and aid (EXISTS on "
                 "their household_id indexes)",
}
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


def test_participations_are_read_from_their_indexes_only(demo):
    """Summed per activity once for every activity figure; the volunteers (distinct members per unit and of the
    whole) and the check that the scope holds every participation read indexes too, never the table's rows."""
    found = statements(demo)
    reading = [sql for sql in found if re.search(r"\bparticipant\b", sql)]
    sums = [sql for sql in reading if "GROUP BY activity_id" in sql]
    assert len(sums) == 1, "one statement sums participations per activity for every activity figure"
    for sql in reading:
        plan = [row[3] for row in demo.db.execute("EXPLAIN QUERY PLAN " + sql)]
        on_participant = [line for line in plan if re.match(r"(SCAN|SEARCH) (participant|p)\b", line)]
        assert on_participant and all("COVERING INDEX" in line for line in on_participant), (sql, plan)
    plan = " | ".join(row[3] for row in demo.db.execute("EXPLAIN QUERY PLAN " + sums[0]))
    assert "COVERING INDEX idx_participant_stats" in plan
    assert "SCAN activity USING COVERING INDEX idx_activity_stats" in plan, "the year's activities from their index"
