"""Exports, each in its own process (its time as it reports it, after opening the file; its own peak memory):
the three ledgers against an openpyxl write-only workbook of the same rows, the 登记表 of many teams against bare
python-docx per team (and the combined file), the 总结材料 against the same figures in raw SQL and a bare
python-docx document."""
from __future__ import annotations

import functools
import json
import sqlite3
from pathlib import Path

from .dashboard import RAW_SQL, params
from .measure import Result, Run, attempt, median_child, ratio_goal

OPEN = """import sys, time
from pathlib import Path
from leifeng_desktop.core.store import Store
store = Store.open(sys.argv[1])
out = Path(sys.argv[2])
start = time.perf_counter()
"""
DONE = '\nprint("bench-elapsed", time.perf_counter() - start)\n'
LEDGERS = {   # name: (our call, the same rows in one SELECT)
    "活动台账 (activities ledger)": (
        "from leifeng_desktop.exports.activity_ledger import export_activity_ledger as ex\n"
        "ex(store, out / 'a.xlsx')",
        "SELECT a.title, a.starts_at, a.ends_at, a.place, a.served, a.category, a.service_form, t.name, "
        "a.beneficiaries, a.leader, a.recorder, a.evaluation, COUNT(p.id), SUM(p.minutes), "
        "group_concat(m.name, '、') FROM activity a LEFT JOIN team t ON t.id = a.team_id "
        "LEFT JOIN participant p ON p.activity_id = a.id LEFT JOIN member m ON m.id = p.member_id "
        "GROUP BY a.id ORDER BY a.starts_at"),
    "走访台账 (visits ledger)": (
        "from leifeng_desktop.exports.visit_ledgers import export_visit_ledger as ex\n"
        "ex(store, out / 'v.xlsx')",
        "SELECT v.date, g.name, v.leader, v.visitors, v.enterprise, v.uscc, v.address, v.industry, v.workers, "
        "v.interviewees, d.content, d.kind, d.handler, d.due_on, d.status, d.reply FROM enterprise_visit v "
        "JOIN working_group g ON g.id = v.group_id LEFT JOIN demand d ON d.visit_id = v.id ORDER BY v.date, v.id"),
    "帮扶台账 (aid ledger)": (
        "from leifeng_desktop.exports.visit_ledgers import export_aid_ledger as ex\n"
        "ex(store, out / 'h.xlsx')",
        "SELECT a.date, h.name, h.id_number, h.employer, h.hardship, a.programme, a.amount, a.goods, a.handler, "
        "a.note FROM aid a JOIN household h ON h.id = a.household_id ORDER BY a.date"),
}
BARE_LEDGER = """import sqlite3, sys, time
from openpyxl import Workbook
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
start = time.perf_counter()
book = Workbook(write_only=True)
sheet = book.create_sheet()
for row in conn.execute(sys.argv[3]):
    sheet.append(row)
book.save(sys.argv[2] + "/bare.xlsx")
print("bench-elapsed", time.perf_counter() - start)
"""
OUR_REGISTRATION = OPEN + """import json
from leifeng_desktop.exports.registration import export_registration
export_registration(store, json.loads(sys.argv[3]), out / "reg")""" + DONE
BARE_REGISTRATION = """import json, sqlite3, sys, time
from docx import Document
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
start = time.perf_counter()
combined = Document()
TEAM = ("SELECT name, kind, unit, founded_on, leader, leader_title, leader_phone, contact, area, intro "
        "FROM team WHERE id = ?")
ROSTER = "SELECT name, gender, birth_month, politics, work, phone, skills, id_number FROM member WHERE team_id = ?"

def form(doc, team_id):
    team = conn.execute(TEAM, [team_id]).fetchone()
    doc.add_heading("学雷锋职工志愿服务队登记表", 1)
    table = doc.add_table(rows=len(team), cols=2)
    for row, value in zip(table.rows, team):
        row.cells[0].text, row.cells[1].text = "项目", str(value or "")
    members = conn.execute(ROSTER, [team_id]).fetchall()
    roster = doc.add_table(rows=len(members) + 1, cols=8)
    for row, member in zip(roster.rows[1:], members):
        for cell, value in zip(row.cells, member):
            cell.text = str(value or "")

for i, team_id in enumerate(json.loads(sys.argv[3])):
    doc = Document()
    form(doc, team_id)
    doc.save(f"{sys.argv[2]}/bare{i}.docx")
    form(combined, team_id)
    combined.add_page_break()
combined.save(f"{sys.argv[2]}/bare_all.docx")
print("bench-elapsed", time.perf_counter() - start)
"""
OUR_SUMMARY = OPEN + """from leifeng_desktop.exports.summary import export_summary
export_summary(store, out / "s.docx")""" + DONE
BARE_SUMMARY = """import json, sqlite3, sys, time
from docx import Document
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
start = time.perf_counter()
sql, values = json.loads(sys.argv[3])
figures = [conn.execute(s, values).fetchall() for s in sql]
doc = Document()
doc.add_heading("学雷锋职工志愿服务活动总结", 0)
for n in range(12):
    doc.add_paragraph("一、基本情况。" * 20)
for rows in figures:   # one 附表 per figure group
    if rows:
        table = doc.add_table(rows=len(rows), cols=len(rows[0]))
        for row, values in zip(table.rows, rows):
            for cell, value in zip(row.cells, values):
                cell.text = str(value)
doc.save(f"{sys.argv[2]}/bare.docx")
print("bench-elapsed", time.perf_counter() - start)
"""


def _folder(scratch: Path, name: str) -> Path:
    folder = scratch / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def ledgers(db: Path, scratch: Path, rounds: int) -> list[Result]:
    def one(name: str, call: str, sql: str) -> list[Result]:
        ours = median_child(rounds, OPEN + call + DONE, str(db), str(_folder(scratch, "ours")))
        bare = median_child(rounds, BARE_LEDGER, str(db), str(_folder(scratch, "bare")), sql)
        return [ratio_goal(name, ours, bare, 2.0, memory_mb=None)]

    return [r for name, (call, sql) in LEDGERS.items() for r in attempt(name, functools.partial(one, name, call, sql))]


def registration(db: Path, scratch: Path, rounds: int, teams: int) -> list[Result]:
    """The 登记表 of `teams` teams (each file and the combined one), and our peak for a quarter of them: memory
    flat in the number of teams means the two peaks differ little."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        ids = [r[0] for r in conn.execute("SELECT id FROM team ORDER BY rowid LIMIT ?", [teams])]
    finally:
        conn.close()

    def ours(n: int) -> Run:
        folder = _folder(scratch, f"reg{n}")
        return median_child(rounds, OUR_REGISTRATION, str(db), str(folder), json.dumps(ids[:n]))

    full, quarter = ours(len(ids)), ours(max(1, len(ids) // 4))
    bare = median_child(rounds, BARE_REGISTRATION, str(db), str(_folder(scratch, "bare_reg")), json.dumps(ids))
    growth = (full.peak_mb or 0) / max(quarter.peak_mb or 1, 1)
    memory = Result(f"登记表 memory: {len(ids)} vs {max(1, len(ids) // 4)} teams",
                    Run(full.peak_mb or 0, full.peak_mb), Run(quarter.peak_mb or 0, quarter.peak_mb),
                    "flat: ≤ 1.25×", growth <= 1.25, unit="MB")
    return [ratio_goal(f"登记表 for {len(ids)} teams", full, bare, 1.5), memory]


def summary(db: Path, scratch: Path, rounds: int) -> list[Result]:
    from leifeng_desktop.core.store import Store
    with Store.open(db) as store:
        values = params(store)
    ours = median_child(rounds, OUR_SUMMARY, str(db), str(_folder(scratch, "ours")))
    bare = median_child(rounds, BARE_SUMMARY, str(db), str(_folder(scratch, "bare")), json.dumps([RAW_SQL, values]))
    return [ratio_goal("总结材料 (summary)", ours, bare, 2.0, seconds=2.0)]
