"""A period that is the whole campaign year gives the same figures as the year itself: the year reads m013's kept
sums, the period reads the records (the summary asks for the year when its period is the whole year, issue 18)."""
from __future__ import annotations

import pytest

from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.stats import campaign_stats

TODAY = "2026-11-26"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    from leifeng_desktop.core.store import Store
    store = Store.open(tmp_path_factory.mktemp("demo") / "demo.db")
    load_demo(store, seed=2026)
    # the edges: an activity with no category or form, one of another year, aid outside the choice list
    first = next(store.db.query("SELECT id FROM activity ORDER BY rowid LIMIT 1"))
    with store.transaction():
        store.db.execute("UPDATE activity SET category = NULL, service_form = NULL WHERE id = ?", [first["id"]])
        store.db.execute("UPDATE activity SET starts_at = '2025-12-30T09:00', ends_at = '2025-12-30T11:00' "
                         "WHERE rowid = (SELECT rowid FROM activity ORDER BY rowid DESC LIMIT 1)")
    yield store
    store.close()


def figures(stats: dict) -> dict:
    return {k: v for k, v in stats.items() if k != "period"}


@pytest.mark.parametrize("unit", [None, "first", "last"])
def test_the_whole_year_as_a_period_equals_the_year(demo_store, unit):
    units = [r["unit"] for r in demo_store.db.query("SELECT DISTINCT unit FROM activity WHERE unit IS NOT NULL "
                                                     "ORDER BY unit")]
    name = None if unit is None else units[0] if unit == "first" else units[-1]
    year = campaign_stats(demo_store, year=2026, unit=name, today=TODAY)
    period = campaign_stats(demo_store, year=2026, unit=name, today=TODAY,
                            date_from="2026-01-01", date_to="2026-12-31")
    assert year["activities"]["total"] > 0 and year["activities"]["volunteers"] > 0
    assert figures(year) == figures(period)
