"""The fast paths of exports.document and exports.word_tables write the XML python-docx's own calls write: a cell
or paragraph copied from its kind's styled template (write_cell, add_paragraph with a style), a merge of fresh
cells, fixed column widths. Each is compared element by element with the python-docx way of doing it."""
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from lxml import etree

from leifeng_desktop.exports import document as d
from leifeng_desktop.exports import styles as st
from leifeng_desktop.exports import word_tables as wt

TEXTS = ["合计", "  前后有空格  ", "一行\n两行", "甲\t乙", "", None, 12, "A\x01B", "\n", "全角　空格　"]
KINDS = [dict(), dict(size=9, align=WD_ALIGN_PARAGRAPH.CENTER, line=10), dict(style=st.TABLE_HEAD, size=12),
         dict(east_asia=d.HEI, bold=True, valign="top"), dict(size=None, valign=None, align=WD_ALIGN_PARAGRAPH.RIGHT)]


def xml(element) -> bytes:
    return etree.tostring(element)


def slow_write_cell(cell, text, east_asia=None, *, size=d.SIZE_5, bold=None, align=None, valign="center",
                    line=None, style=st.TABLE_TEXT):
    """write_cell as python-docx calls alone write it (the path before the copies)."""
    paragraph = cell.paragraphs[0]
    d.apply_style(paragraph, style, align=align, line=line)
    if text not in (None, ""):
        d.styled_run(paragraph, text, east_asia, size=size, bold=bold)
    if valign:
        wt.set_cell_valign(cell, valign)


@pytest.mark.parametrize("kind", KINDS)
def test_a_copied_cell_is_the_cell_python_docx_writes(kind):
    fast, slow = d.new_document(), d.new_document()
    a = fast.add_table(rows=len(TEXTS), cols=2)
    b = slow.add_table(rows=len(TEXTS), cols=2)
    for n, text in enumerate(TEXTS):
        for col in range(2):      # twice each: the second copy comes from the made template
            wt.write_cell(a.cell(n, col), text, **kind)
            slow_write_cell(b.cell(n, col), text, **kind)
    assert xml(a._tbl) == xml(b._tbl)
    assert "前后有空格" in a.cell(1, 0).text and a.cell(2, 0).text == "一行\n两行"


def test_a_cell_already_written_is_rewritten_the_slow_way():
    doc = d.new_document()
    cell = doc.add_table(rows=1, cols=1).cell(0, 0)
    wt.write_cell(cell, "旧")
    d.add_paragraph(cell, "第二段")
    wt.write_cell(cell, "新", style=st.TABLE_HEAD)
    assert [p.text for p in cell.paragraphs] == ["新"] and cell.paragraphs[0]._p.style == st.TABLE_HEAD.sid


@pytest.mark.parametrize("style", [st.BODY, st.TITLE, st.CAPTION, st.NOTE])
def test_a_copied_paragraph_is_the_paragraph_python_docx_writes(style):
    fast, slow = d.new_document(), d.new_document()
    for text in TEXTS:
        for kw in (dict(), dict(before=6, after=3, line=20), dict(east_asia=d.KAI, bold=True, size=14,
                                                                  align=WD_ALIGN_PARAGRAPH.LEFT)):
            got = d.add_paragraph(fast, text if text is None else str(text), style=style, **kw)
            p = slow.add_paragraph()
            d.apply_style(p, style, align=kw.get("align"), line=kw.get("line"), before=kw.get("before"),
                          after=kw.get("after"))
            if text:
                d.styled_run(p, str(text), kw.get("east_asia"), size=kw.get("size"), bold=kw.get("bold"))
            assert got._p.getparent() is fast.element.body
    assert xml(fast.element.body) == xml(slow.element.body)


@pytest.mark.parametrize("span", [(0, 1), (1, 3), (0, 3), (2, 2)])
def test_merging_fresh_cells_leaves_what_python_docx_merge_leaves(span):
    start, end = span
    fast, slow = d.new_document(), d.new_document()
    a, b = fast.add_table(rows=2, cols=4), slow.add_table(rows=2, cols=4)
    wt.write_cell(a.cell(0, start), "留下")
    wt.write_cell(b.cell(0, start), "留下")
    merged = wt.merge_across(a.rows[0], start, end)
    b.rows[0].cells[start].merge(b.rows[0].cells[end])
    assert xml(a._tbl) == xml(b._tbl) and merged.text == "留下"
    wt.set_col_widths(a, [20, 30, 40, 50])
    want = Mm(sum([20, 30, 40, 50][start:end + 1]))
    assert a.rows[0].cells[start].width == pytest.approx(want, abs=635)   # stored in twips


def test_a_merge_over_written_cells_falls_back_to_python_docx():
    doc = d.new_document()
    table = doc.add_table(rows=1, cols=3)
    for n in range(3):
        wt.write_cell(table.cell(0, n), f"格{n}")
    merged = wt.merge_across(table.rows[0], 0, 2)
    assert merged.text == "格0\n格1\n格2"


def test_column_widths_as_python_docx_sets_them():
    fast, slow = d.new_document(), d.new_document()
    widths = [16.5, 60, 36.25, 43.3]
    tables = []
    for doc in (fast, slow):
        table = doc.add_table(rows=3, cols=4)
        wt.merge_across(table.rows[2], 0, 1)
        tables.append(table)
    wt.set_col_widths(tables[0], widths)
    wt.set_col_widths(tables[1], [1, 1, 1, 1])      # the table's own settings, then every cell the python-docx way
    for tr in tables[1]._tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            tc.width = Mm(sum(widths[col:col + tc.grid_span]))
            col += tc.grid_span
    for column, mm in zip(tables[1].columns, widths):
        column.width = Mm(mm)
    tables[1]._tbl.tblPr.find(wt.qn("w:tblW")).set(wt.qn("w:w"), str(int(Mm(sum(widths)).twips)))
    assert xml(tables[0]._tbl) == xml(tables[1]._tbl)


ROW_TEXTS = [t for t in TEXTS if t is not None] + ["a & b <c>", "全角　", "　\t前\n\n后 ", "\x01", "（逾期）\n8月1日"]


@pytest.mark.parametrize("kind", KINDS[:3])
def test_repeated_rows_are_the_rows_write_cell_writes(kind):
    """prose.table writes one row and repeat_row copies it for the rest: every cell as write_cell writes it, the saved
    document's XML the same (texts with spaces, tabs, line breaks, markup characters, characters XML refuses)."""
    rows = [(str(n), "" if t is None else str(t), "末") for n, t in enumerate(ROW_TEXTS)]
    fast, slow = d.new_document(), d.new_document()
    a, b = fast.add_table(rows=2, cols=3), slow.add_table(rows=len(rows) + 1, cols=3)
    for table in (a, b):
        wt.write_cell(table.cell(0, 0), "表头", style=st.TABLE_HEAD)
        for row in table.rows[1:]:
            wt.cant_split(row)
    for col in range(3):
        wt.write_cell(a.cell(1, col), wt.PLACEHOLDER.format(col), **kind)
    for n, values in enumerate(rows, start=1):
        for col, text in enumerate(values):
            wt.write_cell(b.cell(n, col), text, **kind)
    wt.set_col_widths(a, [20, 30, 40])
    wt.repeat_row(a.rows[1], rows)
    wt.set_col_widths(b, [20, 30, 40])
    assert xml(a._tbl) == xml(b._tbl)
    assert [c.text for c in a.rows[3].cells] == ["2", "一行\n两行", "末"] and len(a.rows) == len(rows) + 1
