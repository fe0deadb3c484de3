"""What a document's drafts may say: the unit it is for (document_unit), its period (summary_period) and what the
records of that unit and period show (summary_facts, from the figures the summary prints), gathered in a
text_drafts.Context (context). core.texts builds its drafts from these.
"""
from __future__ import annotations

import datetime as dt

from . import text_drafts as td
from .settings import CITY_LEVEL
from .stats import campaign_stats
from .stats_shape import CampaignStats
from .store import Store
from .text_drafts import Context


def document_unit(store: Store, unit: str | None = None) -> tuple[str, bool]:
    """(the unit that signs, whether it is the city federation): the unit scope, else our unit of the settings."""
    campaign = store.settings.campaign()
    name = (unit or "").strip() or campaign.get("our_unit") or ""
    if name == campaign.get("our_unit"):   # 设置's level (市总工会/区县总工会/产业工会/基层工会) says what we are
        kind = campaign.get("our_unit_kind")
    else:
        row = store.db.execute("SELECT kind FROM unit WHERE name = ?", [name]).fetchone()
        kind = row[0] if row else "基层工会"
    return name, kind == CITY_LEVEL


def context(store: Store, unit: str | None = None, *, facts: bool = False, date_from: object = None,
            date_to: object = None, today: dt.date | None = None, stats: CampaignStats | None = None) -> Context:
    """What the drafts of `unit`'s document may name (the plan's: its teams too); with facts, what its records in
    the period say (the summary's drafts; `stats`: campaign_stats of that scope when the caller has them)."""
    name, is_city = document_unit(store, unit)
    if facts:      # a summary's drafts say what the facts show and list no team (a city's 3000, decrypted, for nothing)
        teams = []
    elif is_city and not unit:
        teams = store.rows("team", order_by="unit, name")
    else:
        teams = store.rows("team", where="unit = ?", params=[name], order_by="name")
    found = summary_facts(store, unit, date_from=date_from, date_to=date_to, today=today, stats=stats) \
        if facts else td.Facts()
    return Context(store.settings.campaign(), name, is_city, teams, store.count("working_group"), found)


def summary_facts(store: Store, unit: str | None = None, *, date_from: object = None, date_to: object = None,
                  today: dt.date | None = None, stats: CampaignStats | None = None) -> td.Facts:
    """What the records of the summary's scope say, from the figures the summary prints (campaign_stats of the
    same unit and period: `stats` when the caller has them, the summary counts them once), the unit's own
    submissions (报送记录) and the working groups."""
    year, start, end = summary_period(store, date_from, date_to)
    scope = (unit or "").strip() or None
    st = stats or campaign_stats(store, year=year, unit=scope, today=today, date_from=start, date_to=end)
    name, is_city = document_unit(store, unit)
    sent = {r[0] for r in store.db.execute(
        "SELECT DISTINCT material FROM submission WHERE unit = ? AND substr(date, 1, 4) = ?", [name, str(year)])}
    a, tg, v = st["activities"], st["targets"], st["visits"]
    groups = store.rows("working_group")
    named = [m for m in st["reporting"]["materials"] if m["days_overdue"]]
    missing = tuple(m["material"] for m in named
                    if (m["missing"] if is_city and not scope else m["material"] not in sent))
    short = tuple(label for label, t in (("走访企业", tg["enterprises"]), ("走访帮扶困难职工", tg["households"]))
                  if is_city and not scope and t["target"] and t["done"] < t["target"])
    return td.Facts(
        plan_sent="实施方案" in sent, registration_sent="登记表" in sent,
        unit_plans=any(m["material"] == "实施方案" and m["sent"] for m in st["reporting"]["materials"]),
        teams=st["teams"]["total"] > 0, activities=a["total"] > 0,
        categories=tuple(c["category"] for c in a["by_category"] if c["count"] and c["category"]),
        forms=tuple(f["form"] for f in a["by_form"] if f["count"] and f["form"]),
        enterprise_visits=v["enterprise_visits"] > 0, household_visits=v["household_visits"] > 0,
        demands_done=st["demands"]["done"] > 0, overdue_demands=st["demands"]["overdue"] > 0,
        programmes=tuple(p["programme"] for p in st["aid"]["by_programme"] if p["count"] and p["programme"]),
        honor_kinds=tuple(k["kind"] for k in st["honors"]["by_kind"] if k["count"] and k["kind"]),
        publicity_kinds=tuple(k["kind"] for k in st["publicity"]["by_kind"] if k["count"] and k["kind"]),
        groups=any(g.get("leader") for g in groups) or v["enterprise_visits"] > 0,   # the seed's four are names only
        groups_led=bool(groups) and all(g.get("leader") for g in groups),
        materials_missing=missing, targets_short=short,
        kinds_missing=is_city and not scope and any(u["missing_kinds"] for u in st["teams"]["by_unit"]))


def summary_period(store: Store, date_from: object = None, date_to: object = None) -> tuple[int, str, str]:
    """(year, first day, last day) of a summary: the given dates (ISO), the open ends filled with the year's first or
    last day; the year is that of the dates, else the campaign year. A period across two years is refused (the
    figures are counted per campaign year)."""
    def iso(value: object, flag: str) -> str | None:
        if value in (None, ""):
            return None
        try:
            return dt.date.fromisoformat(str(value).strip()[:10]).isoformat()
        except ValueError:
            raise ValueError(f"{flag}“{value}”无法识别，应写作 2026-08-01") from None
    start, end = iso(date_from, "起始日期"), iso(date_to, "截止日期")
    if start and end and start > end:
        raise ValueError(f"起始日期 {start} 晚于截止日期 {end}")
    year = int((start or end or "")[:4] or store.settings.get("year") or dt.date.today().year)
    if start and end and start[:4] != end[:4]:
        raise ValueError(f"总结的期间应在同一年度内（{start} 至 {end} 跨了年度），各项数字按活动年度统计")
    return year, start or f"{year}-01-01", end or f"{year}-12-31"


