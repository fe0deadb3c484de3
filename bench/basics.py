"""Today's two figures, kept from the first `make bench`: validated store inserts against raw INSERTs, and the
member list's first page with a search against a bare SELECT. No goal: they show where a bulk import stands."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from leifeng_desktop.core import listing
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.store import Store

from .measure import Result, median_run


def insert(folder: Path, rounds: int, n: int = 2000) -> Result:
    """Validated store inserts in one transaction vs raw INSERTs of the same rows."""
    store = Store.open(folder / "insert.db")
    bare_conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
    try:
        kind = store.settings.choices()["team_kind"][0]
        rows = [{"name": f"队伍{i}", "kind": kind, "unit": "XX区总工会", "leader": "张三",
                 "leader_phone": "13812345678"} for i in range(n)]

        def ours() -> None:
            with store.transaction():
                for row in rows:
                    store.insert("team", row)
            store.db.execute("DELETE FROM team")

        bare_conn.execute("CREATE TABLE IF NOT EXISTS t (id TEXT, name TEXT, kind TEXT, unit TEXT, leader TEXT, "
                          "leader_phone TEXT)")

        def bare() -> None:
            bare_conn.execute("BEGIN")
            for i, row in enumerate(rows):
                bare_conn.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", [str(i), *row.values()])
            bare_conn.execute("COMMIT")
            bare_conn.execute("DELETE FROM t")

        return Result(f"insert {n} validated teams", median_run(ours, rounds, memory=False),
                      median_run(bare, rounds, memory=False), "—", None)
    finally:
        bare_conn.close()
        store.close()


def member_page(db: Path, rounds: int) -> Result:
    """The first page of the member list with a search (its team's name joined) vs a bare SELECT of those rows."""
    store = Store.open(db)
    try:
        rt = s.record_type("member")
        cols = [f.key for f in rt.list_fields]

        def ours() -> None:
            listing.fetch_rows(store, rt, columns=cols, text="王", limit=200)

        def bare() -> None:
            store.db.execute("SELECT m.*, t.name FROM member m LEFT JOIN team t ON t.id = m.team_id "
                             "WHERE m.name LIKE '%王%' OR t.name LIKE '%王%' LIMIT 200").fetchall()

        return Result("member list page + search", median_run(ours, rounds, memory=False),
                      median_run(bare, rounds, memory=False), "—", None)
    finally:
        store.close()
