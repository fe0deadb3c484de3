"""Ledgers at city scale (issue 18): written as a stream, they stay what the writer before them wrote.

- On the demo, the 活动/走访/帮扶台账 and the generic writer's file equal, cell by cell, what the old writer (openpyxl's
  normal mode, write-reload-save) wrote: values, every cell's style, merges, row heights, column widths, frozen pane,
  filter and print set-up (ledger_golden/*.json, made with that writer; ledger_dump reads a file back).
- Streaming, checked by structure (never by time): the rows are read once, from an iterator that fails if listed
  again, and the sheet is openpyxl's write-only one; the merged ranges of a generated database's 走访台账 read back
  equal to its visits and demands.
"""
import datetime as dt

import openpyxl
import pytest
from ledger_dump import dump, generic_ledger, load

from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.generate import generate
from leifeng_desktop.core.store import Store
from leifeng_desktop.exports import xlsx, xlsx_sheet
from leifeng_desktop.exports import xlsx_print as xp
from leifeng_desktop.exports.activity_ledger import export_activity_ledger
from leifeng_desktop.exports.oplog_ledger import export_oplog
from leifeng_desktop.exports.visit_ledgers import HEADER_ROW, export_aid_ledger, export_visit_ledger
from leifeng_desktop.exports.xlsx_ledger import write_counted

DAY, TODAY = "2026-11-30", "2026-11-26"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    st = Store.open(tmp_path_factory.mktemp("demo") / "demo.db")
    load_demo(st)
    yield st
    st.close()


def same(name, path):
    """The file equals the golden one part by part (each named when it differs)."""
    old, new = load(name), dump(path)
    assert new.keys() == old.keys()
    for part in old:
        assert new[part] == old[part], f"{name}: {part}"


def test_activity_ledger_is_the_old_one(demo, tmp_path):
    same("activity", export_activity_ledger(demo, tmp_path / "活动台账.xlsx", day=DAY))


def test_visit_ledger_is_the_old_one(demo, tmp_path):
    same("visit", export_visit_ledger(demo, tmp_path / "走访台账.xlsx", today=TODAY, day=DAY))


def test_aid_ledger_is_the_old_one(demo, tmp_path):
    same("aid", export_aid_ledger(demo, tmp_path / "帮扶台账.xlsx", day=DAY))


def test_generic_ledger_is_the_old_one(tmp_path):
    same("generic", generic_ledger(tmp_path / "台账.xlsx"))


class Once:
    """Rows that can be gone through once: a second pass (or a list() after the first) fails the test."""

    def __init__(self, rows):
        self.rows, self.passes, self.given = rows, 0, 0

    def __iter__(self):
        self.passes += 1
        assert self.passes == 1, "the ledger went through its rows twice"
        for row in self.rows:
            self.given += 1
            yield row


def test_the_writer_reads_its_rows_once_into_a_write_only_sheet(tmp_path, monkeypatch):
    books = []
    made = xlsx_sheet.LedgerSheet.__init__

    def spy(self, *args, **kw):
        made(self, *args, **kw)
        books.append(self.wb)
    monkeypatch.setattr(xlsx_sheet.LedgerSheet, "__init__", spy)
    rows = Once([[n, f"第{n}行", 90 * n] for n in range(1, 2001)])
    cols = [xlsx.Column("序号", xlsx.INT), xlsx.Column("名称"), xlsx.Column("时长", xlsx.HOURS)]
    out = write_counted(tmp_path / "l.xlsx", title="台账", columns=cols, rows=rows,
                        totals={1: lambda n: f"共 {n} 条", 2: xlsx.SUM},
                        signing=xp.Signing("甲", "乙", dt.date.today()))
    assert rows.passes == 1 and rows.given == 2000 and out.rows == 2000 and out.sums == {0: 2001000, 2: 180090000}
    assert len(books) == 1 and books[0].write_only
    ws = openpyxl.load_workbook(out.path).active
    # title, header, 2,000 rows, then the 合计 (180,090,000 minutes), a blank row and the signing line
    assert ws.cell(2003, 2).value == "共 2000 条" and ws.cell(2003, 3).value == 3001500
    assert ws.cell(2005, 1).value.startswith("填表人：甲") and "A2005:C2005" in ws.merged_cells


def test_oplog_ledger_streams_the_log(demo, tmp_path, monkeypatch):
    from leifeng_desktop.core import oplog
    entries = oplog.entries
    calls = []

    def once(*args, **kw):
        calls.append(1)
        return Once(list(entries(*args, **kw)))     # the log itself is small here; the writer must not list it
    monkeypatch.setattr(oplog, "entries", once)
    path, n = export_oplog(demo, tmp_path / "日志.xlsx", day=DAY)
    assert calls == [1] and n == oplog.count(demo) and n > 0
    ws = openpyxl.load_workbook(path).active
    assert ws.cell(HEADER_ROW + n + 1, 2).value == f"共 {n} 条"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    st = Store.open(tmp_path_factory.mktemp("gen") / "gen.db")
    generate(st, "demo", seed=7)
    yield st
    st.close()


def test_generated_visit_ledger_merges_each_visit_over_its_demands(generated, tmp_path):
    path = export_visit_ledger(generated, tmp_path / "走访台账.xlsx", today=TODAY)
    demands = dict(generated.db.execute(
        "SELECT v.id, COUNT(d.id) FROM enterprise_visit v LEFT JOIN demand d ON d.visit_id = v.id GROUP BY v.id"))
    spans = sorted(max(1, n) for n in demands.values())
    ws = openpyxl.load_workbook(path).active
    body = [r for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)][:-3]   # 合计, blank, signing
    assert len(body) == sum(spans)
    merged_a = sorted(r.max_row - r.min_row + 1 for r in ws.merged_cells.ranges
                      if r.min_col == r.max_col == 1 and r.min_row > HEADER_ROW)
    assert merged_a == [n for n in spans if n > 1]                # 序号 merged down over each visit's demands
    assert [r[0] for r in body if r[0] is not None] == list(range(1, len(demands) + 1))
    content = [c.value for c in ws[HEADER_ROW]].index("诉求内容")
    assert sum(1 for r in body if r[content] not in (None, "无")) == sum(demands.values())
