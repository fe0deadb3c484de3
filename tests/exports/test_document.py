"""GB/T 9704 helpers: page set-up, zh-CN defaults, East Asian fonts, clean text, tables, atomic saves."""
import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from leifeng_desktop.exports import document as d
from leifeng_desktop.exports import word_tables as wt
from leifeng_desktop.exports.files import save_atomic


def test_new_document_is_a4_with_gbt9704_margins_and_chinese_defaults(tmp_path):
    path = save_atomic(d.new_document(), tmp_path / "a.docx")
    doc = docx.Document(str(path))
    sec = doc.sections[0]
    for got, mm in ((sec.page_width, 210), (sec.page_height, 297), (sec.top_margin, 37), (sec.bottom_margin, 35),
                    (sec.left_margin, 28), (sec.right_margin, 26)):
        assert abs(got - Mm(mm)) < Mm(0.1)
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts, lang = rpr.find(qn("w:rFonts")), rpr.find(qn("w:lang"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"       # stock Windows and WPS have it (GB/T 9704: 仿宋体)
    assert fonts.get(qn("w:eastAsiaTheme")) is None     # a theme font would override the name
    assert lang.get(qn("w:eastAsia")) == "zh-CN" and lang.get(qn("w:val")) == "en-US"   # digits stay whole
    assert doc.settings.element.find(qn("w:themeFontLang")).get(qn("w:eastAsia")) == "zh-CN"
    font_table = doc.part.part_related_by(docx.opc.constants.RELATIONSHIP_TYPE.FONT_TABLE).blob.decode()
    assert '<w:font w:name="仿宋"><w:altName w:val="FangSong"/>' in font_table
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in font_table


def test_clean_text_drops_only_what_xml_refuses():
    raw = "a\x00b\x01\x08c\x0b\x0c\x0e\x1fd\te\r\nf\rg😀“引号”<b>&amp;'; DROP TABLE team;--"
    assert d.clean_text(raw) == "abcd\te\nf\ng😀“引号”<b>&amp;'; DROP TABLE team;--"
    assert d.clean_text(None) == ""
    assert d.clean_text(12) == "12"


def test_runs_carry_east_asian_fonts_and_line_breaks(tmp_path):
    doc = d.new_document()
    p = d.add_paragraph(doc, "第一行\n第二行\t制表", d.HEI, size=d.SIZE_3)
    run = p.runs[0]
    fonts = run._r.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "黑体" and fonts.get(qn("w:ascii")) == "Times New Roman"
    assert run.font.size.pt == 16
    assert len(run._r.findall(qn("w:br"))) == 1 and len(run._r.findall(qn("w:tab"))) == 1
    path = save_atomic(doc, tmp_path / "b.docx")
    assert docx.Document(str(path)).paragraphs[-1].text == "第一行\n第二行\t制表"


def test_table_helpers_write_valid_properties(tmp_path):
    doc = d.new_document()
    table = doc.add_table(rows=3, cols=3)
    wt.set_table_borders(table)
    wt.set_cell_margins(table, left=1, right=1)
    wt.repeat_header(table.rows[0])
    for row in table.rows:
        wt.cant_split(row)
        wt.set_row_height(row, 6)
    merged = wt.merge_across(table.rows[1], 0, 2)
    wt.write_cell(merged, "合并", valign="top")
    wt.set_col_widths(table, [50, 50, 56])
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.find(qn("w:tblBorders"))
    assert [b.get(qn("w:val")) for b in borders] == ["single"] * 6
    order = [child.tag for child in tbl_pr]
    assert order.index(qn("w:tblBorders")) < order.index(qn("w:tblLayout")) < order.index(qn("w:tblCellMar"))
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
    assert table.rows[1]._tr.tc_lst[0].grid_span == 3
    assert abs(table.rows[1]._tr.tc_lst[0].width - Mm(156)) < Mm(0.1)
    other = doc.add_table(rows=3, cols=2)
    assert wt.merge_down(other, 0, 0, 2)._tc.vMerge == "restart"
    path = save_atomic(doc, tmp_path / "t.docx")
    assert docx.Document(str(path)).tables[0].cell(1, 0).text == "合并"


def test_save_atomic_leaves_nothing_behind_on_failure(tmp_path, monkeypatch):
    doc = d.new_document()
    target = tmp_path / "c.docx"

    def broken_save(stream):   # save_atomic hands a stream, then writes the temporary file itself
        stream.write(b"half a file")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(doc, "save", broken_save)
    with pytest.raises(OSError):
        save_atomic(doc, target)
    assert list(tmp_path.iterdir()) == []


def test_save_atomic_replaces_an_existing_file(tmp_path):
    target = tmp_path / "c.docx"
    target.write_bytes(b"old")
    save_atomic(d.new_document(), target)
    assert target.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["c.docx"]
