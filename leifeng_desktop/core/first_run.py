"""The first start of a database: confirming 设置 once (the window's setup wizard and the CLI's `init` both call
first_setup), and the four first steps the empty dashboard shows (设置 → 登记服务队 → 导出登记表 → 记录活动)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .errors import StoreError
from .settings import CAMPAIGN, CITY_LEVEL, SETUP_DONE, campaign_defaults

if TYPE_CHECKING:
    from .store import Store

# what the setup asks for, in its order (the rest of 设置 keeps the seed's values)
SETUP_KEYS = ("city", "our_unit", "our_unit_kind", "addressee", "operator", "leader", "contact_phone", "year",
              "registration_deadline", "plan_deadline", "summary_deadline", "bundle_deadline")
DEADLINES = ("registration_deadline", "plan_deadline", "summary_deadline", "bundle_deadline")
# 设置's levels as the unit list (choice list unit_kind) names them
UNIT_KIND = {"区县总工会": "区县工会"}
STEPS = ("settings", "team", "registration", "activity")


def is_set_up(store: Store) -> bool:
    """设置 were confirmed once (the setup, or 设置 saved with a city of the clerk's instead of the seed's "XX市"),
    or the file already holds a clerk's records (an older file counts as set up)."""
    if store.settings.get(SETUP_DONE) or not store.is_empty():
        return True
    city: str = store.settings.campaign()["city"]
    return city != CAMPAIGN.field("city").default


def default_addressee(city: str, level: str) -> str:
    """总结材料's 主送机关: the city's 文明办 for the city federation, the city's 总工会 for every sub-union."""
    city = (city or "").strip()
    return f"{city}精神文明建设委员会办公室" if level == CITY_LEVEL else f"{city}总工会"


def year_deadlines(year: int, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The deadlines moved into `year`: each given date keeps its month and day, an absent one is the seed's."""
    seed = campaign_defaults(year=year)
    out: dict[str, Any] = {}
    for key in DEADLINES:
        value = (current or {}).get(key) or seed.get(key)
        out[key] = _in_year(str(value), year) if value else None
    return out


def _in_year(iso: str, year: int) -> str:
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso   # left for the validation to name
    try:
        return day.replace(year=year).isoformat()
    except ValueError:   # 29 February into a common year
        return day.replace(year=year, day=28).isoformat()


def setup_values(store: Store, values: dict[str, Any]) -> dict[str, Any]:
    """What first_setup writes: the given values over the current ones, the deadlines in the chosen year when
    none is given, the 主送机关 from the level when left empty."""
    current = store.settings.campaign()
    given = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if v is not None}
    unknown = set(given) - set(SETUP_KEYS)
    if unknown:
        raise ValueError(f"unknown setup keys: {sorted(unknown)}")
    out = {k: current.get(k) for k in SETUP_KEYS}
    out.update(given)
    year = out.get("year")
    if isinstance(year, int) and "year" in given:
        moved = year_deadlines(year, current)
        out.update({k: v for k, v in moved.items() if k not in given})
    if not out.get("addressee"):
        out["addressee"] = default_addressee(str(out.get("city") or ""), str(out.get("our_unit_kind") or ""))
    return out


def check(store: Store, values: dict[str, Any]) -> dict[str, str]:
    """The messages first_setup would refuse `values` with, by field key; nothing is written."""
    from .validation import normalize, validate
    written = setup_values(store, values)
    campaign = {k: normalize(CAMPAIGN.field(k), v) for k, v in written.items()}
    return validate(CAMPAIGN, campaign, store.settings.choices(), partial=True)


def first_setup(store: Store, values: dict[str, Any], *, force: bool = False,
                today: dt.date | None = None) -> dict[str, Any]:
    """Write the first settings of a database in one transaction and mark it set up; returns what was written.
    A file already set up is refused (StoreError) unless `force`. Bad values raise ValidationError by field key,
    nothing written. The seeded unit is renamed to 本单位 while the file holds no record of a clerk's."""
    if not force and is_set_up(store):
        raise StoreError(f"数据库“{store.path.name}”已设置过（已有记录或已完成首次设置），未作修改")
    written = setup_values(store, values)
    old_unit = store.our_unit()
    empty = store.is_empty()
    with store.transaction():
        store.settings.set({**written, SETUP_DONE: (today or dt.date.today()).isoformat()})
        _own_unit(store, old_unit, written["our_unit"], written["our_unit_kind"], rename=empty)
    return written


def _own_unit(store: Store, old: str, new: str, level: str, *, rename: bool) -> None:
    """The unit list's entry for 本单位: renamed from the seed's name on an empty file, else added when missing;
    its type follows the level when the unit list has that type."""
    kinds = store.settings.choices().get("unit_kind", [])
    kind = UNIT_KIND.get(level, level)
    fields = {"kind": kind} if kind in kinds else {}
    mine = store.rows("unit", where="name = ?", params=[new])
    if mine:
        if fields:
            store.update("unit", mine[0]["id"], fields)
        return
    seeded = store.rows("unit", where="name = ?", params=[old]) if rename and old != new else []
    if seeded:
        store.update("unit", seeded[0]["id"], {"name": new, **fields})
        for table in ("unit", "working_group"):   # the seeded rows were made by the seed's unit
            store.db.execute(f'UPDATE "{table}" SET unit = ? WHERE unit = ?', [new, old])
    else:
        store.insert("unit", {"name": new, "expected": 0, **fields}, unit=new)


def first_steps(store: Store, *, registration_exported: bool = False) -> dict[str, bool]:
    """Which of the four first steps are done: 设置 confirmed, a team registered, a 登记表 exported (the window
    remembers that) or its submission recorded, an activity recorded."""
    return {
        "settings": is_set_up(store),
        "team": store.count("team") > 0,
        "registration": registration_exported or store.count("submission", where="material = ?",
                                                              params=["登记表"]) > 0,
        "activity": store.count("activity") > 0,
    }
