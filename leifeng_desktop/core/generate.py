"""Generated test data at the scale of a city office (issue 18): `generate --scale city|district|demo`.

    generate(store, scale="city", seed=2026, force=False, progress=None) → rows added per record type

The bulk path (documented, so a measure on the file means the same as one on typed records): every row is built as
a clerk's values (core.generate_rows, core.generate_more, names from core.demo_pools), turned into its stored form by
Store.prepare — the very normalisation and schema validation Store.insert runs, against the choice lists read once
(Settings.fixed_choices) — and sealed.seal_row (sensitive values encrypted with the file's key, as Store.insert
writes them), then written with one executemany in one transaction per table. What Store.insert adds per row is
done once instead: one 操作日志 summary entry, one notice per table; what SQLite keeps beside a table (its indexes,
the owners' revisions, the tallies and rollups, the search text) is set aside while the rows go in and made from
them after, in the same transaction (core.generate_bulk, core.generate_search). Rules across records (a
participant's minutes within its activity, a member on the roster of the activity's team) hold by construction;
tests/core/test_generate.py checks every row of a small file against them.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from . import generate_bulk, oplog, sealed
from . import schema as s
from .generate_rows import CityRows, Row
from .generate_search import search_after
from .store import Store, now_iso

# Rows per record type. "unit" counts the sub-unions (the file's own 本单位 comes on top); "working_group" the
# groups in all (the four a new file has included).
CITY = {"unit": 300, "working_group": 20, "team": 3000, "member": 60_000, "activity": 40_000,
        "participant": 400_000, "publicity": 2000, "enterprise_visit": 6000, "demand": 15_000, "household": 5000,
        "family_member": 8000, "household_visit": 20_000, "aid": 20_000, "honor": 2000}
SCALES: dict[str, dict[str, int]] = {
    "city": CITY,
    "district": {k: max(1, n // 10) for k, n in CITY.items()} | {"unit": 30, "working_group": 8},
    "demo": {"unit": 12, "working_group": 4, "team": 30, "member": 300, "activity": 200, "participant": 1500,
             "publicity": 40, "enterprise_visit": 45, "demand": 80, "household": 85, "family_member": 140,
             "household_visit": 110, "aid": 170, "honor": 20},
}
# Parents before children; each builder keeps what the next ones need.
ORDER = ("unit", "working_group", "team", "member", "activity", "participant", "publicity", "enterprise_visit",
         "demand", "household", "family_member", "household_visit", "aid", "honor", "submission")
CACHE_KIB = 65_536    # page cache while writing: the UUID keys' indexes are written all over


def generate(store: Store, scale: str = "city", *, seed: int = 2026, force: bool = False,
             progress: Callable[[str, int], None] | None = None,
             counts: Mapping[str, int] | None = None) -> dict[str, int]:
    """Fill `store` with a generated city (a ValueError in Chinese when it already holds records, unless
    `force`). `progress(type_key, rows)` after each table; `counts` (rows per record type, as in SCALES) instead
    of the scale's (bench/bundles.py: a bundle of 10,000 records). Returns the rows added per record type."""
    if scale not in SCALES:
        raise ValueError(f"规模只能是 {'、'.join(SCALES)}，不能是“{scale}”")
    if not force and not store.is_empty():
        raise ValueError(f"数据库 {store.path} 中已有录入的记录，测试数据只能生成到空数据库中")
    counts = dict(SCALES[scale] if counts is None else counts)
    counts["working_group"] = max(0, counts["working_group"] - store.count("working_group"))
    rows = CityRows(store, counts, random.Random(seed))
    added: dict[str, int] = {}
    cache = store.db.execute("PRAGMA cache_size").fetchone()[0]
    store.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    try:
        with store.settings.fixed_choices():   # Store.prepare asks for them at every row
            for key in ORDER:
                added[key] = write_rows(store, key, getattr(rows, _BUILDERS.get(key, key))())
                if progress is not None:
                    progress(key, added[key])
    finally:
        store.db.execute(f"PRAGMA cache_size = {int(cache)}")
    with store.transaction():
        oplog.record(store, "demo", "", None, title=f"生成测试数据（{scale}，种子 {seed}）", changes=[
            oplog.change(s.record_type(k).label, "", f"新增 {n} 条") for k, n in added.items() if n])
    return added


_BUILDERS = {"unit": "units", "working_group": "working_groups", "team": "teams", "member": "members",
             "activity": "activities",
             "participant": "participants", "enterprise_visit": "enterprise_visits", "demand": "demands",
             "household": "households", "family_member": "family_members", "household_visit": "household_visits",
             "honor": "honors", "submission": "submissions"}


def stored_rows(store: Store, type_key: str, rows: Iterable[Row]) -> Iterator[dict[str, Any]]:
    """Each (values, unit, id) as Store.insert stores it: the schema's defaults, what a write may take
    (sealed.writable), Store.prepare (normalised, validated: a ValidationError names the field), the unit, the id
    and the time stamps, then the sensitive values encrypted with the file's key (sealed.seal_row, as
    Store.insert does); a column a row does not hold is written NULL."""
    rt = s.record_type(type_key)
    defaults = {f.key: f.default for f in rt.fields if f.default is not None}
    stamp = now_iso()
    for values, unit, record_id in rows:
        given = {**defaults, **values} if defaults else values   # writable copies it
        row = store.prepare(rt, sealed.writable(store, rt, given, update=False))
        row.setdefault("unit", unit)
        row.update(id=record_id, created_at=stamp, updated_at=stamp)
        yield sealed.seal_row(store.keys, rt, row) if store.keys is not None else row


def write_rows(store: Store, type_key: str, rows: Iterable[Row]) -> int:
    """One table's rows in one transaction, one executemany of a prepared INSERT (sqlite-utils' insert_all spent a
    third of the writing re-checking values that are stored forms already); returns how many were written."""
    names = [f.key for f in s.record_type(type_key).columns]
    sql = (f'INSERT INTO "{type_key}" ({", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)}) '
           f'VALUES ({", ".join("?" * len(names))})')
    written = 0

    def values(add: Callable[[dict[str, Any]], None]) -> Iterator[tuple[Any, ...]]:
        nonlocal written
        for row in stored_rows(store, type_key, rows):
            written += 1
            add(row)
            yield tuple(map(row.get, names))

    # the search text, the indexes, revisions, tallies and rollups: made after the rows in one go
    with store.transaction(), search_after(store, type_key) as add, generate_bulk.set_aside(store.db, type_key):
        store.db.conn.executemany(sql, values(add))
        if written:
            store.notify(type_key)
    return written
