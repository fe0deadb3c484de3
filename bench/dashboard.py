"""Dashboard figures: core.stats.campaign_stats against the same aggregates in raw SQL (sqlite3, one statement
per figure group), in this process; and `stats --json` as a process against `python -c` running that SQL.

The raw SQL counts from the records themselves (participations joined to their activities, members joined to
their teams), not from schema step m012's tallies or m013's sums, which campaign_stats reads: the baseline is what
the figures cost without them."""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from leifeng_desktop.core.stats import campaign_stats
from leifeng_desktop.core.store import Store

from .measure import Result, median_child, median_run, ratio_goal
from .window import BYTECODE

YEAR = "BETWEEN :y0 AND :y1"
# What the dashboard shows, of the campaign year: teams (by kind, per unit, late), members, reporting, activities
# (by content, form and month, hours, volunteers, beneficiaries, per unit), publicity, aid (by programme, per
# unit), demands (open, settled, overdue), honors, visits (enterprises by working group, households).
RAW_SQL = (
    "SELECT COUNT(*), SUM(founded_on > :deadline) FROM team",
    "SELECT kind, COUNT(*) FROM team GROUP BY kind",
    "SELECT unit, COUNT(*), json_group_array(DISTINCT kind) FROM team GROUP BY unit",
    "SELECT t.unit, COUNT(*) FROM member m JOIN team t ON t.id = m.team_id GROUP BY t.unit",
    "SELECT unit, material, MIN(date) FROM submission GROUP BY unit, material",
    f"SELECT category, service_form, substr(starts_at, 6, 2), COUNT(*), SUM(beneficiaries) FROM activity "
    f"WHERE starts_at {YEAR} GROUP BY 1, 2, 3",
    f"SELECT a.unit, COUNT(*), SUM(p.minutes), COUNT(DISTINCT p.member_id) FROM participant p "
    f"JOIN activity a ON a.id = p.activity_id WHERE a.starts_at {YEAR} GROUP BY a.unit",
    f"SELECT kind, COUNT(*) FROM publicity WHERE date {YEAR} GROUP BY kind",
    f"SELECT unit, programme, COUNT(*), COUNT(DISTINCT household_id), SUM(amount) FROM aid WHERE date {YEAR} "
    f"GROUP BY 1, 2",
    "SELECT status, COUNT(*), SUM(due_on < :today AND status IS NOT '已办结') FROM demand GROUP BY status",
    f"SELECT category, status, COUNT(*) FROM honor WHERE recommended_on {YEAR} GROUP BY 1, 2",
    f"SELECT group_id, COUNT(*), COUNT(DISTINCT COALESCE(uscc, enterprise)) FROM enterprise_visit "
    f"WHERE date {YEAR} GROUP BY group_id",
    f"SELECT COUNT(DISTINCT COALESCE(uscc, enterprise)) FROM enterprise_visit WHERE date {YEAR}",
    f"SELECT unit, COUNT(*), COUNT(DISTINCT household_id) FROM household_visit WHERE date {YEAR} GROUP BY unit",
    "SELECT COUNT(*) FROM household",
)
CLI = "import sys\nfrom leifeng_desktop.cli import main\nsys.exit(main(sys.argv[1:]))"
BARE_PROCESS = """import json, sqlite3, sys, time
sql, params = json.loads(sys.argv[2])
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(json.dumps([conn.execute(s, params).fetchall() for s in sql], ensure_ascii=False)[:0])
"""


def params(store: Store) -> dict[str, str]:
    cfg = store.settings.campaign()
    year = int(cfg["year"])
    return {"y0": f"{year}-01-01", "y1": f"{year}-12-31T23:59", "deadline": cfg["registration_deadline"] or "",
            "today": f"{year}-12-31"}


def raw_figures(conn: sqlite3.Connection, values: dict[str, str]) -> list[list[tuple[object, ...]]]:
    return [conn.execute(sql, values).fetchall() for sql in RAW_SQL]


def measure(db: Path, rounds: int) -> list[Result]:
    store = Store.open(db)
    try:
        values = params(store)
        today = values["today"][:10]
        ours = median_run(lambda: campaign_stats(store, today=today), rounds)
    finally:
        store.close()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        bare = median_run(lambda: raw_figures(conn, values), rounds)
    finally:
        conn.close()
    cli_args = ("--db", str(db), "stats", "--json")
    median_child(1, CLI, *cli_args, env=BYTECODE)   # untimed: the bytecode, as an installed app has it
    cli = median_child(rounds, CLI, *cli_args, env=BYTECODE)
    raw = median_child(rounds, BARE_PROCESS, str(db), json.dumps([RAW_SQL, values]), env=BYTECODE)
    return [ratio_goal("dashboard figures (campaign_stats)", ours, bare, 1.5, seconds=0.3),
            ratio_goal("stats --json (process)", cli, raw, 1.5)]


if __name__ == "__main__":   # a quick look: python -m bench.dashboard DB
    print(measure(Path(sys.argv[1]), 1))
