"""exports.prose.table, the one bordered table of the prose documents and the 志愿服务记录证明: header repeated,
rows never split at the height asked, a 合计 row spanning the label columns, a note across an empty table."""
import docx
from docx.oxml.ns import qn
from docx.shared import Mm

from leifeng_desktop.exports import document as d
from leifeng_desktop.exports import prose as pr
from leifeng_desktop.exports.files import save_atomic

HEADERS = ("序号", "名称", "次数", "时长")


def reopen(doc, tmp_path):
    return docx.Document(str(save_atomic(doc, tmp_path / "t.docx")))


def test_rows_total_and_row_height(tmp_path):
    doc = d.new_document()
    pr.table(doc, HEADERS, [(1, "甲", 2, None), (2, "乙", 3, "1.5")], (16, 80, 30, 30), total=("合计", 5, "1.5"),
             row_height=7.0, aligns=(pr.CENTER, pr.LEFT, pr.CENTER, pr.CENTER))
    rows = reopen(doc, tmp_path).tables[0].rows
    assert [c.text for c in rows[1].cells] == ["1", "甲", "2", ""]
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    assert all(abs(r.height - Mm(7)) < Mm(0.1) for r in rows)
    assert rows[-1]._tr.tc_lst[0].grid_span == 2 and [c.text for c in rows[-1].cells][1:] == ["合计", "5", "1.5"]
    assert rows[2].cells[1].paragraphs[0].alignment == pr.LEFT


def test_an_empty_table_shows_its_note_across_every_column(tmp_path):
    doc = d.new_document()
    pr.table(doc, HEADERS, [], (16, 80, 30, 30), empty="（无记录）", total=("合计", 0, "0"))
    pr.table(doc, HEADERS, [], (16, 80, 30, 30))
    noted, bare = reopen(doc, tmp_path).tables
    assert len(noted.rows) == 3 and noted.rows[1]._tr.tc_lst[0].grid_span == 4
    assert noted.rows[1].cells[0].text == "（无记录）"
    assert abs(noted.rows[1].height - Mm(pr.ROW_H)) < Mm(0.1)
    assert len(bare.rows) == 1       # no note asked: the header alone, as before


def test_short_rows_or_aligns_leave_the_other_cells_empty(tmp_path):
    """Rows are copied from one written row only when every cell has a value and an alignment; else each row is
    written as it comes, the cells past the values or alignments left empty."""
    doc = d.new_document()
    pr.table(doc, HEADERS, [(1, "甲", 2, "1.5"), (2, "乙", 3, "2")], (16, 80, 30, 30), aligns=(pr.CENTER, pr.LEFT))
    pr.table(doc, HEADERS, [(1, "甲"), (2, "乙", 3, "2")], (16, 80, 30, 30))
    short_aligns, short_rows = reopen(doc, tmp_path).tables
    assert [c.text for c in short_aligns.rows[2].cells] == ["2", "乙", "", ""]
    assert [[c.text for c in r.cells] for r in short_rows.rows[1:]] == [["1", "甲", "", ""], ["2", "乙", "3", "2"]]
