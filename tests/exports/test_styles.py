"""Named paragraph styles, file properties, the 附件说明 and the signature kept with the last lines of the text
(exports.styles, exports.properties, exports.prose)."""
import datetime as dt
import re
import zipfile

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from leifeng_desktop.exports import document as d
from leifeng_desktop.exports import prose as pr
from leifeng_desktop.exports import styles as st
from leifeng_desktop.exports.files import save_atomic

from docx_styles import east_asia, size_pt, style_names

FIXED = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)


def sample(tmp_path, name="a.docx", created=FIXED):
    doc = pr.start(["关于开展学雷锋活动的", "总结"], "关于开展学雷锋活动的总结", dt.date(2026, 11, 26),
                   author="XX市供电公司工会", created=created)
    pr.line(doc, "XX市总工会：")
    pr.body(doc, "开头。")
    pr.heading(doc, 1, 1, "基本情况")
    pr.heading(doc, 2, 1, "组织领导")
    pr.heading(doc, 3, 1, "做法")
    pr.body(doc, "第一段。\n第二段，共 12 场。")
    pr.caption(doc, "主要数据")
    pr.table(doc, ("项目", "数量"), [("活动", 12)], (100, 56))
    pr.note(doc, "注：按场统计。")
    pr.run_in(doc, 1, "动员部署", "三月前动员。")
    pr.attachment_note(doc, ["志愿服务活动分类统计表", "各单位志愿服务队及材料报送情况表"])
    pr.signature(doc, "XX市供电公司工会", dt.date(2026, 11, 26))
    pr.appendix_page(doc, "附表1", "志愿服务活动分类统计表")
    return save_atomic(doc, tmp_path / name)


def test_every_style_is_defined_with_its_fonts_and_the_headings_have_outline_levels(tmp_path):
    path = sample(tmp_path)
    defined, used = style_names(path)
    names = {s.name for s in st.STYLES.values()}
    assert names <= set(defined.values())
    assert {"一级标题", "二级标题", "三级标题", "表格文字", "附件说明", "落款", "Body Text", "Title"} <= names
    doc = docx.Document(str(path))
    by_id = {el.get(qn("w:styleId")): el for el in doc.styles.element.findall(qn("w:style"))}
    for s in st.STYLES.values():
        el = by_id[s.sid]
        fonts = el.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == s.font and fonts.get(qn("w:ascii")) == "Times New Roman"
        assert int(el.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val"))) == s.size * 2
        outline = el.find(qn("w:pPr")).find(qn("w:outlineLvl"))
        assert (outline is None) == (s.outline is None)
    levels = {sid: by_id[sid].find(qn("w:pPr")).find(qn("w:outlineLvl")).get(qn("w:val"))
              for sid in ("GwHeading1", "GwHeading2", "GwHeading3")}
    assert levels == {"GwHeading1": "0", "GwHeading2": "1", "GwHeading3": "2"}   # the navigation pane's levels
    assert by_id["BodyText"].find(qn("w:pPr")).find(qn("w:spacing")).get(qn("w:line")) == "578"  # 28.9 pt exact
    assert by_id["BodyText"].find(qn("w:pPr")).find(qn("w:ind")).get(qn("w:firstLine")) == "640"  # two characters
    assert {"Title", "BodyText", "GwFlush", "GwHeading1", "GwHeading2", "GwHeading3", "Caption", "GwTableHead",
            "GwTableText", "GwNote", "GwAttachment", "GwSignature", "GwAppendixLabel", "GwAppendixTitle"} <= used


def test_styled_paragraphs_carry_no_fonts_of_their_own(tmp_path):
    doc = docx.Document(str(sample(tmp_path)))
    fonts = {p.text: [(east_asia(doc, r._r), size_pt(doc, r._r)) for r in p.runs] for p in doc.paragraphs if p.text}
    assert fonts["一、基本情况"] == [("黑体", 16)]
    assert fonts["（一）组织领导"] == [("楷体", 16)]
    assert fonts["第一段。"] == [("仿宋", 16)]
    assert fonts["主要数据"] == [("黑体", 14)]
    assert fonts["（一）动员部署。三月前动员。"] == [("楷体", 16), ("仿宋", 16)]    # the run-in title: direct
    body = next(p for p in doc.paragraphs if p.text == "第一段。")
    assert body.style.name == "Body Text" and body.runs[0]._r.rPr is None
    title = doc.paragraphs[0]
    assert title.style.name == "Title" and east_asia(doc, title.runs[0]._r) == "方正小标宋简体"
    cell = doc.tables[0].cell(1, 1).paragraphs[0]
    assert cell.style.name == "表格文字" and size_pt(doc, cell.runs[0]._r) == 12
    assert doc.tables[0].cell(0, 0).paragraphs[0].style.name == "表头"


def test_the_fonts_are_what_a_stock_windows_has_and_the_title_falls_back_to_song(tmp_path):
    path = sample(tmp_path)
    with zipfile.ZipFile(path) as z:
        styles, fonts = z.read("word/styles.xml").decode(), z.read("word/fontTable.xml").decode()
    named = set(re.findall(r'<w:rFonts [^>]*w:eastAsia="([^"]+)"', styles))
    assert named <= {"仿宋", "黑体", "楷体", "宋体", "方正小标宋简体"}
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts
    assert "GB2312" not in styles


def test_file_properties_title_unit_and_the_real_time(tmp_path):
    path = sample(tmp_path)
    props = docx.Document(str(path)).core_properties
    assert props.title == "关于开展学雷锋活动的总结" and props.author == "XX市供电公司工会"
    assert props.created == props.modified == FIXED
    with zipfile.ZipFile(path) as z:
        everything = b"".join(z.read(n) for n in z.namelist())
        assert "docProps/thumbnail.jpeg" not in z.namelist()
    assert b"python-docx" not in everything.lower() and b"2013-" not in everything
    assert b"Macintosh" not in everything
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    now = docx.Document(str(sample(tmp_path, "b.docx", created=None))).core_properties
    assert before <= now.created <= dt.datetime.now(dt.UTC)


def test_a_fixed_time_gives_the_same_file_properties(tmp_path):
    a, b = sample(tmp_path, "a.docx"), sample(tmp_path, "b.docx")
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        for name in ("docProps/core.xml", "docProps/app.xml", "word/styles.xml", "word/document.xml"):
            assert za.read(name) == zb.read(name), name


def test_set_properties_on_any_document(tmp_path):
    doc = d.new_document()
    d.set_properties(doc, title="登记表\n第二行", author="XX市总工会", created=FIXED)
    props = docx.Document(str(save_atomic(doc, tmp_path / "c.docx"))).core_properties
    assert props.title == "登记表第二行" and props.author == "XX市总工会" and props.created.year == 2026


def test_attachment_note_numbers_items_and_hangs_wrapped_names(tmp_path):
    doc = docx.Document(str(sample(tmp_path)))
    ps = [p for p in doc.paragraphs if p.style.name == "附件说明"]
    assert [p.text for p in ps] == ["附件：1.\t志愿服务活动分类统计表", "2.\t各单位志愿服务队及材料报送情况表"]
    first, second = (p.paragraph_format for p in ps)
    assert first.left_indent == second.left_indent                      # wrapped names line up
    assert abs(first.left_indent + first.first_line_indent - Pt(32)) < Pt(0.1)   # 附件 two characters in
    assert abs(second.left_indent + second.first_line_indent - Pt(32 + 48)) < Pt(0.1)   # 2. under 1.
    one = d.new_document()
    out = pr.attachment_note(one, ["名单"])
    assert [p.text for p in out] == ["", "附件：名单"] and pr.attachment_note(one, []) == []


def test_the_signature_keeps_the_last_lines_of_the_text_with_it(tmp_path):
    doc = docx.Document(str(sample(tmp_path)))
    ps = doc.paragraphs
    unit = next(i for i, p in enumerate(ps) if p.text == "XX市供电公司工会")
    assert ps[unit].style.name == ps[unit + 1].style.name == "落款"
    last_text = next(i for i in range(unit - 1, 0, -1) if ps[i].text and ps[i].style.name != "附件说明")
    assert ps[last_text].text == "（一）动员部署。三月前动员。"
    assert all(ps[i].paragraph_format.keep_with_next for i in range(last_text, unit + 1))
    assert not ps[last_text - 1].paragraph_format.keep_with_next          # only the last paragraph of the text
    assert not ps[unit + 1].paragraph_format.keep_with_next               # the date ends the block


def test_a_table_before_the_signature_keeps_its_last_row_with_it(tmp_path):
    doc = d.new_document()
    pr.table(doc, ("项目", "数量"), [("活动", 1), ("人次", 2)], (100, 56))
    pr.signature(doc, "XX市总工会", dt.date(2026, 11, 26))
    table = docx.Document(str(save_atomic(doc, tmp_path / "t.docx"))).tables[0]
    assert all(p.paragraph_format.keep_with_next for c in table.rows[-1].cells for p in c.paragraphs)
    assert not any(p.paragraph_format.keep_with_next for c in table.rows[1].cells for p in c.paragraphs)
