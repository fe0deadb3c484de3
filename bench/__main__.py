"""Benchmarks: `make bench` (or `python -m bench`). Figures are ratios to a bare sqlite3 baseline doing the same
work, so they mean the same on a slow or a fast machine. Not tests: nothing here fails a build."""
from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from leifeng_desktop.core import listing
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store

ROUNDS = 5


def best(fn) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_insert(folder: Path, n: int = 2000) -> tuple[float, float]:
    """Validated store inserts in one transaction vs raw INSERTs of the same rows."""
    store = Store.open(folder / "insert.db")
    kind = store.settings.choices()["team_kind"][0]
    rows = [{"name": f"队伍{i}", "kind": kind, "unit": "XX区总工会", "leader": "张三", "leader_phone": "13812345678"}
            for i in range(n)]

    def ours():
        with store.transaction():
            for row in rows:
                store.insert("team", row)
        store.db.execute("DELETE FROM team")

    bare_conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
    bare_conn.execute("CREATE TABLE IF NOT EXISTS t (id TEXT, name TEXT, kind TEXT, unit TEXT, leader TEXT, "
                      "leader_phone TEXT)")

    def bare():
        bare_conn.execute("BEGIN")
        for i, row in enumerate(rows):
            bare_conn.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", [str(i), *row.values()])
        bare_conn.execute("COMMIT")
        bare_conn.execute("DELETE FROM t")

    return best(ours), best(bare)


def bench_list(folder: Path) -> tuple[float, float]:
    """The first page of the member list (with its team's name joined) vs a bare SELECT of the same rows."""
    store = Store.open(folder / "demo.db")
    if store.is_empty():
        load_demo(store)
    rt = s.record_type("member")
    cols = [f.key for f in rt.list_fields]

    def ours():
        listing.fetch_rows(store, rt, columns=cols, text="王", limit=200, offset=0)

    def bare():
        store.db.execute("SELECT m.*, t.name FROM member m LEFT JOIN team t ON t.id = m.team_id "
                         "WHERE m.name LIKE '%王%' OR t.name LIKE '%王%' LIMIT 200").fetchall()

    return best(ours), best(bare)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'benchmark':<34}{'ours (ms)':>12}{'bare (ms)':>12}{'ratio':>8}")
        for name, fn in (("insert 2000 validated teams", bench_insert), ("member list page + search", bench_list)):
            ours, bare = fn(folder)
            print(f"{name:<34}{ours * 1000:>12.1f}{bare * 1000:>12.1f}{ours / bare:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
