"""The 登记表's layout as written into the file: computed roster widths, numbers kept whole, even line breaks, the
smaller text for a crowded roster, and each form's section with its header, footer fields and page numbering."""
import re

import docx
import pytest
import test_registration
from docx.oxml.ns import qn

from leifeng_desktop.core import schema as s
from leifeng_desktop.exports import registration_pages as pages
from leifeng_desktop.exports import registration_roster as rr
from leifeng_desktop.exports.registration import build_registration

TODAY, add_team = test_registration.TODAY, test_registration.add_team
full_team = test_registration.full_team          # the same fixture: a team with every field filled
LONG_WORK = "XX市城东区人力资源和社会保障局 劳动保障监察支队科员"
LONG_SKILLS = "社会保险政策、劳动法律咨询、工资集体协商、心理疏导"
CROWDED = ("XX市城东区人力资源和社会保障局 科员", "社会保险政策、劳动法律咨询")   # 3 lines each at 小五, 2 at 8 pt


def roster_xml(doc):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "序号")


def reopen(doc, tmp_path):
    doc.save(str(tmp_path / "x.docx"))
    return docx.Document(str(tmp_path / "x.docx"))


# -- the columns ---------------------------------------------------------------------------------------------
def test_the_roster_columns_are_member_fields_with_computed_widths():
    assert [c.key for c in rr.COLUMNS][1:] == ["name", "gender", "birth_month", "politics", "work", "phone",
                                              "skills", "id_number"]
    assert all(s.MEMBER.field(c.key) for c in rr.COLUMNS if c.key)
    widths = rr.column_widths()
    assert abs(sum(widths) - 156) < 0.01
    for col, width in zip(rr.COLUMNS, widths):
        room = width - 2 * rr.PAD
        assert rr.width_mm(col.header, rr.SIZE) <= room, col.header      # no header wraps
        if col.fit:   # the widest usual value fits, with DejaVu Serif's digits
            assert rr.width_mm(col.fit, rr.NUM_SIZE if col.whole else rr.SIZE) <= room, col.fit
    # the wrapping columns get the rest, and enough of it for a usual 工作单位及职务 on two lines
    work = widths[[c.key for c in rr.COLUMNS].index("work")]
    assert rr.line_count("XX市供电公司运维检修部 班长", work, rr.SIZE) <= 2


def test_digits_are_measured_as_the_widest_usual_face_sets_them():
    # DejaVu Serif: digits 0.636 em; an 11-digit phone at 10 pt is then about 24.7 mm, not Times' 19.4
    assert rr.width_mm("13912345678", 10) == pytest.approx(11 * 0.64 * 10 * 25.4 / 72)
    assert rr.width_mm("志愿", 10) == pytest.approx(2 * 10 * 25.4 / 72)


def test_a_longer_number_is_set_smaller_to_stay_on_one_line():
    id_col = [c.key for c in rr.COLUMNS].index("id_number")
    width = rr.column_widths()[id_col]
    assert rr.fitting_size(["110101********1234"], width) == rr.NUM_SIZE
    full = rr.fitting_size(["11010119850312001X"], width)
    assert rr.MIN_SIZE <= full < rr.NUM_SIZE
    assert rr.width_mm("11010119850312001X", full) <= width - 2 * rr.PAD - rr.SLACK


@pytest.mark.parametrize("text, width, lines", [
    ("无党派人士", 13.8, ["无党派", "人士"]),
    ("民主党派成员", 13.8, ["民主党", "派成员"]),
    ("中共党员", 13.8, ["中共党员"]),
    ("钳工、电工、车辆维修", 21.0, ["钳工、电工、", "车辆维修"]),
])
def test_text_breaks_into_even_lines(text, width, lines):
    assert rr.balanced(text, width).split("\n") == lines


def test_a_line_never_starts_with_a_closing_mark_nor_splits_a_number():
    for text in (LONG_SKILLS, "心理咨询（二级咨询师）、青少年心理辅导", "XX市第12345678号工作室 主任科员",
                 LONG_WORK):
        for width in (14.0, 19.0, 22.0, 28.0):
            broken = rr.balanced(text, width).split("\n")
            assert "".join(broken).replace(" ", "") == text.replace(" ", "")
            assert not any(line[0] in rr.NO_START or line[-1] in rr.NO_END for line in broken), broken
            assert not any(a[-1].isdigit() and b[0].isdigit() for a, b in zip(broken, broken[1:])), broken


def test_even_lines_are_never_more_lines_than_filling_each_line():
    skills = rr.column_widths()[[c.key for c in rr.COLUMNS].index("skills")]
    text = "心理咨询（二级咨询师）、青少年心理辅导、婚姻家庭咨询"
    assert len(rr.balanced(text, skills, 8.0).split("\n")) == 4        # filled greedily it takes 4 lines too


# -- the table in the file -----------------------------------------------------------------------------------
def test_number_cells_do_not_wrap_and_hold_one_run(store, full_team, tmp_path):
    team = add_team(store, full_team, 3)
    table = roster_xml(reopen(build_registration(store, [team], day=TODAY), tmp_path))
    whole = [i for i, c in enumerate(rr.COLUMNS) if c.whole]
    for row in table.rows[1:]:
        for i, cell in enumerate(row.cells):
            has_no_wrap = cell._tc.tcPr.find(qn("w:noWrap")) is not None
            assert has_no_wrap == (i in whole)
            if i in whole:
                assert len(cell.paragraphs) == 1 and len(cell.paragraphs[0].runs) == 1
    skills = [c.key for c in rr.COLUMNS].index("skills")
    assert table.rows[0].cells[skills].text == "服务技能" and table.rows[1].cells[skills].text == "电工"


def text_sizes(table) -> set[float]:
    text_cols = [i for i, c in enumerate(rr.COLUMNS) if not c.whole]
    return {r.font.size.pt for row in table.rows[1:] for i in text_cols for r in row.cells[i].paragraphs[0].runs}


def test_a_crowded_roster_of_15_is_set_smaller_to_stay_on_one_page(store, full_team):
    usual = add_team(store, full_team, 15)
    crowded = add_team(store, {**full_team, "name": "长名单队"}, 15)
    store.db.execute("UPDATE member SET work = ?, skills = ? WHERE team_id = ?", [*CROWDED, crowded])
    assert text_sizes(roster_xml(build_registration(store, [usual]))) == {rr.SIZE}
    assert text_sizes(roster_xml(build_registration(store, [crowded]))) in ({8.0}, {7.5})   # printed: one page
    big = add_team(store, {**full_team, "name": "大队"}, 16)   # over 15: two pages anyway, in the normal size
    store.db.execute("UPDATE member SET work = ? WHERE team_id = ?", [LONG_WORK, big])
    assert text_sizes(roster_xml(build_registration(store, [big]))) == {rr.SIZE}


# -- sections, header, footer --------------------------------------------------------------------------------
def footer_fields(section) -> list[str]:
    return [t.text.strip() for footer in (section.first_page_footer, section.footer)
            for t in footer._element.iter(qn("w:instrText"))]


def test_each_form_is_a_section_numbered_from_1_with_its_own_page_count(store, full_team, tmp_path):
    a, b = add_team(store, full_team, 3), add_team(store, {**full_team, "name": "第二支队"}, 30)
    one = reopen(build_registration(store, [a], day=TODAY), tmp_path)
    assert footer_fields(one.sections[0]) == ["PAGE", "NUMPAGES"] * 2       # one form: the file's page count
    both = reopen(build_registration(store, [a, b], day=TODAY), tmp_path)
    assert len(both.sections) == 2
    for section, expected in zip(both.sections, ("1", "2")):
        assert footer_fields(section) == ["PAGE", "SECTIONPAGES"] * 2      # several: each form's own count
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
        assert section.different_first_page_header_footer
        assert section.first_page_header.paragraphs[0].text == ""           # the title names the team there
        results = [t.text for t in section.footer._element.iter(qn("w:t"))]
        assert "".join(results) == f"第 1 页　共 {expected} 页"              # shown until a suite recounts
    assert "第二支队" in both.sections[1].header.paragraphs[0].text


def test_no_full_height_paragraph_ends_a_form(store, full_team, tmp_path):
    a, b = add_team(store, full_team, 2), add_team(store, full_team, 2)
    doc = reopen(build_registration(store, [a, b], day=TODAY), tmp_path)
    body = doc.element.body
    enders = body.xpath("./w:p[w:pPr/w:sectPr]") + [body.xpath("./w:p")[-1]]
    assert len(enders) == 2
    for p in enders:
        spacing = p.find(qn("w:pPr")).find(qn("w:spacing"))
        assert spacing.get(qn("w:lineRule")) == "exact" and int(spacing.get(qn("w:line"))) <= 20
    assert body[-1].tag == qn("w:sectPr") and body[-2].tag == qn("w:p")   # Word needs no paragraph of its own


def test_the_page_estimate_moves_rows_and_keeps_the_opinion_box_with_the_last_one():
    assert pages.estimate_pages(100, 5, [10] * 10, 20) == 1     # 100 + 5 + 100 + 20 = 225
    assert pages.estimate_pages(100, 5, [10] * 11, 20) == 2
    assert pages.estimate_pages(100, 5, [10] * 30, 20) == 2
    assert pages.estimate_pages(100, 5, [10] * 34, 20) == 3
    assert pages.estimate_pages(230, 5, [10], 20) == 2           # a very long plan


def test_running_head_names_the_team(store, full_team):
    team = add_team(store, {**full_team, "name": "青年志愿服务队"}, 1)
    head = build_registration(store, [team]).sections[0].header.paragraphs[0].text
    assert re.fullmatch(r"学雷锋职工志愿服务队登记表（续）\s*队伍名称：青年志愿服务队", head)
