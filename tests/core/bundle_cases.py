"""Shared helpers of the bundle merge tests (issue 17): small sub-union files, a fake clock, the database compared
table by table, the attachment folder listed."""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leifeng_desktop.core import attachments, bundle_merge, sealed, trash
from leifeng_desktop.core import generate as gen
from leifeng_desktop.core import schema as s
from leifeng_desktop.core import store as store_module
from leifeng_desktop.core.bundle_export import export_bundle
from leifeng_desktop.core.generate_rows import CityRows
from leifeng_desktop.core.store import Store

# a small generated office: every record type, sensitive values, working-group visits
TINY = {"unit": 3, "working_group": 4, "team": 4, "member": 20, "activity": 8, "participant": 30, "publicity": 3,
        "enterprise_visit": 5, "demand": 6, "household": 5, "family_member": 6, "household_visit": 6, "aid": 6,
        "honor": 3}
PASSPHRASE = "青山区2026口令"


def make_office(path: Path, unit: str, *, seed: int, kind: str = "区县总工会", own_records: bool = True,
                year: int | None = None) -> Store:
    """A sub-union's file with generated records (all of them the unit's own when `own_records`)."""
    store = Store.open(path)
    values: dict[str, Any] = {"our_unit": unit, "our_unit_kind": kind}
    if year is not None:
        values["year"] = year
    store.settings.set(values)
    counts = {**TINY, "working_group": max(0, TINY["working_group"] - store.count("working_group"))}
    rows = CityRows(store, counts, random.Random(seed))
    with store.settings.fixed_choices():
        for key in gen.ORDER:
            gen.write_rows(store, key, getattr(rows, gen._BUILDERS.get(key, key))())
    if own_records:
        with store.transaction():
            for key in s.RECORD_TYPES:
                if key not in ("unit", "working_group"):
                    store.db.execute(f'UPDATE "{key}" SET unit = ?', [unit])
    return store


def attach(store: Store, tmp: Path, name: str, content: bytes) -> str:
    """An attachment on the first activity; returns the attachment record's id."""
    source = tmp / name
    source.write_bytes(content)
    activity = store.rows("activity", limit=1)[0]["id"]
    return attachments.add_attachment(store, activity, source)


def table_rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (as stored), sorted: two snapshots equal means nothing was written."""
    names = [r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                            "'sqlite_%' AND name NOT LIKE '%_search%' ORDER BY name")]
    return {n: sorted(map(tuple, store.db.execute(f'SELECT * FROM "{n}"').fetchall()), key=repr) for n in names}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_listing(store: Store) -> list[tuple[str, str]]:
    """(relative path, sha256) of everything in the attachments folder ([] when it does not exist)."""
    folder = attachments.attachments_dir(store)
    if not folder.exists():
        return []
    return sorted((str(p.relative_to(folder)), hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "")
                  for p in folder.rglob("*"))


def plain_rows(store: Store, type_key: str) -> dict[str, dict[str, Any]]:
    """Every row of a type by id, decrypted with the store's own key, without revision and shadow columns."""
    rt = s.record_type(type_key)
    out = {}
    for raw in store.db.query(f'SELECT * FROM "{type_key}"'):
        row = sealed.open_row(rt, raw, [store.keys])
        row.pop("revision", None)
        out[row["id"]] = row
    return out


class Clock:
    """now_iso as a clock that moves one minute per call: the order of edits is the order of the calls."""

    def __init__(self, start: str = "2026-06-01T09:00:00+08:00"):
        self.base = dt.datetime.fromisoformat(start)
        self.ticks = itertools.count()

    def __call__(self) -> str:
        return (self.base + dt.timedelta(minutes=next(self.ticks))).isoformat(timespec="seconds")


# -- one team merged once: the conflict and guard tests' starting point ------------------------------------------
SUB_UNIT = "XX市青山区总工会"
TEAM = {"name": "青山区职工志愿服务队", "kind": "职工志愿服务队", "unit": SUB_UNIT, "leader": "王建国",
        "leader_phone": "13812345678", "area": "城东街道"}


def ticking_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Edits one minute apart, in the order the test makes them (no two in the same second); a test module makes
    it a fixture: `clock = pytest.fixture(autouse=True)(ticking_clock)`."""
    tick = Clock()
    for module in (store_module, trash, bundle_merge):
        monkeypatch.setattr(module, "now_iso", tick)
    return tick


def merged_pair(tmp_path: Path) -> Iterator[tuple[Store, Store, str, list[str]]]:
    """A sub-union with one team of two members, merged once into the city: (sub, city, team id, member ids); a
    test module makes it a fixture: `pair = pytest.fixture(merged_pair)`."""
    for name in ("sub", "city"):
        (tmp_path / name).mkdir()
    sub = Store.open(tmp_path / "sub" / "sub.db")
    sub.settings.set({"our_unit": SUB_UNIT, "our_unit_kind": "区县总工会"})
    team = sub.insert("team", TEAM)
    members = [sub.insert("member", {"team_id": team, "name": n, "phone": p})
               for n, p in (("张三", "13700001111"), ("李四", "13700002222"))]
    city = Store.open(tmp_path / "city" / "city.db")
    city.settings.set({"our_unit": "XX市总工会", "our_unit_kind": "市总工会"})
    bundle_merge.import_bundle(city, send(sub, tmp_path, "first.lfx"))
    yield sub, city, team, members
    sub.close()
    city.close()


def send(store: Store, tmp_path: Path, name: str) -> Path:
    """`store`'s whole bundle, unencrypted, as tmp_path/name."""
    path = tmp_path / name
    export_bundle(store, path, passphrase=None)
    return path
