"""A summary of the whole year asks campaign_stats for the year (its kept sums, issue 18), a part of the year for
that period; either way the document's figures are those of the period it names."""
import datetime as dt

from leifeng_desktop.core.stats import campaign_stats
from leifeng_desktop.exports import summary as sm

TODAY = dt.date(2026, 11, 26)


def test_the_whole_year_is_asked_as_the_year(store, team_values, monkeypatch):
    store.insert("team", team_values)
    asked = []

    def spy(*args, **kwargs):
        asked.append({k: kwargs.get(k) for k in ("year", "date_from", "date_to")})
        return campaign_stats(*args, **kwargs)

    monkeypatch.setattr(sm, "campaign_stats", spy)
    whole = sm.build_summary(store, date_from="2026-01-01", date_to="2026-12-31", today=TODAY)
    part = sm.build_summary(store, date_from="2026-01-01", date_to="2026-06-30", today=TODAY)
    assert asked == [{"year": 2026, "date_from": None, "date_to": None},
                     {"year": 2026, "date_from": "2026-01-01", "date_to": "2026-06-30"}]
    texts = ["\n".join(p.text for p in doc.paragraphs) for doc in (whole, part)]
    assert "2026年1月1日至2026年12月31日" in texts[0] and "2026年1月1日至2026年6月30日" in texts[1]
