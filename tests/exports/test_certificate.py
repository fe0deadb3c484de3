"""志愿服务记录证明: content, masking, period, fonts, the table's header and 合计 row, the seal block, atomic files and
how LibreOffice prints it."""
import datetime as dt
import re

import docx
import pytest
from docx.oxml.ns import qn

from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core.errors import UserError
from leifeng_desktop.core.masking import mask_id_number
from leifeng_desktop.exports import document as d
from leifeng_desktop.exports.certificate import (
    HEADERS,
    build_certificate,
    certificate_filename,
    contact_line,
    export_certificate,
)
from leifeng_desktop.exports.files import save_atomic

from docx_styles import east_asia
from libreoffice import LATIN_FONTS, page_texts, pdf_info, to_pdf

TODAY = dt.date(2026, 11, 26)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture
def volunteer(store, team_values, fake_id):
    """A member with 12 activities from August to October, and a teammate whose activity must not show."""
    team = store.insert("team", team_values)
    member = store.insert("member", {"team_id": team, "name": "张伟", "id_number": fake_id(),
                                     "volunteer_no": "ZY2026000123"})
    mate = store.insert("member", {"team_id": team, "name": "李娜"})
    for n in range(12):
        day = dt.date(2026, 8, 20) + dt.timedelta(days=6 * n)
        sr.save_activity(store, None, {
            "title": f"社区便民服务第{n + 1}期", "starts_at": f"{day}T09:00", "ends_at": f"{day}T12:00",
            "category": ("便民利民", "扶老助残")[n % 2], "team_id": team},
            [{"member_id": member, "minutes": 90 + 15 * (n % 3)}, {"member_id": mate, "minutes": 60}])
    sr.save_activity(store, None, {"title": "李娜单独参加的活动", "starts_at": "2026-09-02T14:00",
                                   "ends_at": "2026-09-02T16:00", "category": "便民利民"},
                     [{"member_id": mate, "minutes": 120}])
    return member


def reopen(doc, tmp_path, name="c.docx"):
    path = save_atomic(doc, tmp_path / name)
    return docx.Document(str(path))


def text_of(doc) -> str:
    return "".join(t.text for t in doc.element.body.iter(qn("w:t")))


def hand_total(store, member_id) -> tuple[int, int]:
    return tuple(store.db.execute("SELECT COUNT(DISTINCT activity_id), SUM(minutes) FROM participant "
                                  "WHERE member_id = ?", [member_id]).fetchone())


def test_names_the_member_masked_id_totals_and_every_activity(store, volunteer, tmp_path, fake_id):
    doc = reopen(build_certificate(store, volunteer, today=TODAY), tmp_path)
    text = text_of(doc)
    count, minutes = hand_total(store, volunteer)
    hours = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    assert (count, hours) == (12, "21")
    assert doc.paragraphs[0].text == "志愿服务记录证明"
    assert "兹证明张伟（身份证号：" + mask_id_number(fake_id()) + "；志愿者注册编号：ZY2026000123）" in text
    assert fake_id() not in text
    assert "为供电公司职工志愿服务队志愿者，于2026年8月20日至2026年10月25日期间参加志愿服务活动12次" in text
    assert f"累计服务时长{hours}小时" in text and "特此证明。" in text
    table = doc.tables[0]
    assert tuple(c.text for c in table.rows[0].cells) == HEADERS
    titles = [r.cells[2].text for r in table.rows[1:-1]]
    assert titles == [f"社区便民服务第{n + 1}期" for n in range(12)]
    assert "李娜单独参加的活动" not in text
    assert table.rows[1].cells[1].text == "2026.08.20" and table.rows[1].cells[4].text == "1.5"
    assert table.rows[-1].cells[0].text == "合计（12次）" and table.rows[-1].cells[-1].text == hours
    assert [p.text for p in doc.paragraphs[-2:]] == ["XX市供电公司工会（盖章）", "2026年11月26日"]


def test_reveal_shows_the_full_id_number(store, volunteer, tmp_path, fake_id):
    assert f"身份证号：{fake_id()}" in text_of(reopen(build_certificate(store, volunteer, reveal=True), tmp_path))


def test_period_filters_the_activities(store, volunteer, tmp_path):
    doc = reopen(build_certificate(store, volunteer, date_from="2026-09-01", date_to="2026-09-30", today=TODAY),
                 tmp_path)
    record = sr.member_record(store, volunteer, date_from="2026-09-01", date_to="2026-09-30")
    text = text_of(doc)
    assert "于2026年9月1日至2026年9月30日期间参加志愿服务活动5次" in text
    assert len(doc.tables[0].rows) == 2 + record.activity_count == 7
    assert f"累计服务时长{record.total_hours}小时" in text


def test_a_member_without_service_is_refused_and_nothing_is_written(store, team_values, tmp_path):
    team = store.insert("team", team_values)
    member = store.insert("member", {"team_id": team, "name": "王芳"})
    out = tmp_path / "证明" / "证明.docx"
    out.parent.mkdir()
    with pytest.raises(UserError) as refused:
        export_certificate(store, member, out, today=TODAY)
    message = str(refused.value)
    assert message.startswith("王芳（供电公司职工志愿服务队）没有志愿服务记录") and "不能出具" in message
    assert message.count("。") == 1 and not out.exists() and list(out.parent.iterdir()) == []


def test_no_service_in_the_period_is_refused_naming_the_period(store, volunteer, tmp_path):
    expected = "张伟（供电公司职工志愿服务队）在2026年1月1日至2026年3月31日期间没有志愿服务记录"
    with pytest.raises(UserError, match=expected):
        build_certificate(store, volunteer, date_from="2026-01-01", date_to="2026-03-31", today=TODAY)


def test_the_contact_person_and_phone_of_the_office_are_printed(store, volunteer, tmp_path):
    store.settings.set({"operator": "刘敏", "leader": "陈主席", "contact_phone": "0571-87001234"})
    assert contact_line(store) == "（联系人：刘敏，联系电话：0571-87001234）"
    doc = reopen(build_certificate(store, volunteer, today=TODAY), tmp_path)
    assert [p.text for p in doc.paragraphs[-3:]] == ["XX市供电公司工会（盖章）", "2026年11月26日",
                                                     "（联系人：刘敏，联系电话：0571-87001234）"]
    assert doc.paragraphs[-2].paragraph_format.keep_with_next
    store.settings.set({"operator": ""})
    assert contact_line(store) == "（联系人：陈主席，联系电话：0571-87001234）"   # the 负责人 when no 操作员
    store.settings.set({"leader": "", "contact_phone": ""})
    assert contact_line(store) == ""
    doc = reopen(build_certificate(store, volunteer, today=TODAY), tmp_path, "d.docx")
    assert doc.paragraphs[-1].text == "2026年11月26日"


def test_every_cjk_run_has_its_east_asian_font_and_the_language_is_zh_cn(store, volunteer, tmp_path):
    doc = reopen(build_certificate(store, volunteer, today=TODAY), tmp_path)
    parts = [doc.element.body] + [s.footer._element for s in doc.sections] + \
        [s.even_page_footer._element for s in doc.sections]
    runs = [r for part in parts for r in part.iter(qn("w:r")) if CJK.search("".join(t.text or "" for t in
                                                                                  r.iter(qn("w:t"))))]
    assert len(runs) > 20
    for run in runs:
        assert east_asia(doc, run), run.xml[:200]     # its own or its paragraph style's
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(
        qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    assert doc.paragraphs[0].runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == d.XIAOBIAOSONG


def test_table_header_repeats_rows_never_split_and_page_numbers(store, volunteer, tmp_path):
    doc = reopen(build_certificate(store, volunteer, today=TODAY), tmp_path)
    rows = doc.tables[0].rows
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    footer = doc.sections[0].footer._element
    assert " PAGE " in "".join(t.text for t in footer.iter(qn("w:instrText")))
    assert doc.settings.odd_and_even_pages_header_footer


def test_hostile_titles_round_trip(store, volunteer, tmp_path):
    aid = store.rows("activity", limit=1)[0]["id"]
    store.db.execute("UPDATE activity SET title = ? WHERE id = ?", ["义诊\x07<b>&amp;“引号”", aid])
    doc = reopen(build_certificate(store, volunteer, today=TODAY), tmp_path)
    assert "义诊<b>&amp;“引号”" in [r.cells[2].text for r in doc.tables[0].rows]


def test_export_is_atomic_and_names_the_file(store, volunteer, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    path = export_certificate(store, volunteer, out / "证明.docx", today=TODAY)
    assert [p.name for p in out.iterdir()] == ["证明.docx"] and path.read_bytes()[:2] == b"PK"
    record = sr.member_record(store, volunteer)
    assert certificate_filename(record) == "志愿服务记录证明_张伟_供电公司职工志愿服务队.docx"
    with pytest.raises(ValueError, match="找不到该队员"):
        export_certificate(store, "gone", out / "x.docx")
    assert [p.name for p in out.iterdir()] == ["证明.docx"]


@pytest.mark.parametrize("latin", list(LATIN_FONTS))
def test_libreoffice_prints_twelve_activities_on_one_a4_page(store, volunteer, tmp_path, latin):
    store.settings.set({"operator": "刘敏", "contact_phone": "0571-87001234"})
    path = export_certificate(store, volunteer, tmp_path / "证明.docx", today=TODAY)
    pdf = to_pdf(path, tmp_path, latin=latin)
    pages, width, height = pdf_info(pdf)
    assert pages == 1
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1
    text = page_texts(pdf)[0].replace(" ", "")
    assert "联系人：刘敏，联系电话：0571-87001234" in text


@pytest.mark.parametrize("latin", list(LATIN_FONTS))
def test_libreoffice_long_record_runs_over_pages_with_the_seal_block_beside_the_total(store, volunteer, tmp_path,
                                                                                       latin):
    store.settings.set({"operator": "刘敏", "contact_phone": "0571-87001234"})
    member = store.get("member", volunteer)
    for n in range(30):
        day = dt.date(2026, 3, 1) + dt.timedelta(days=5 * n)
        title = f"春季志愿服务第{n + 1}场" + "（义务理发、家电维修、健康咨询进社区）" * (n % 4 == 0)
        sr.save_activity(store, None, {"title": title,
                                       "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00", "category": "便民利民",
                                       "team_id": member["team_id"]}, [{"member_id": volunteer, "minutes": 120}])
    pdf = to_pdf(export_certificate(store, volunteer, tmp_path / "长.docx", today=TODAY), tmp_path, latin=latin)
    pages, width, height = pdf_info(pdf)
    assert pages >= 2 and abs(width - 595.3) < 1 and abs(height - 841.9) < 1
    last = page_texts(pdf)[-1].replace(" ", "")
    assert "序号" in last and "合计" in last and "（盖章）" in last   # header repeated; total and seal together
    assert "联系电话：0571-87001234" in last


def test_a_long_activity_title_wraps_without_a_lone_character(store, volunteer, tmp_path):
    title = "“文明餐桌”倡议宣传进幸福里社区"
    sr.save_activity(store, None, {"title": title, "starts_at": "2026-11-01T09:00", "ends_at": "2026-11-01T11:00",
                                   "category": "文明礼仪"}, [{"member_id": volunteer, "minutes": 60}])
    doc = reopen(build_certificate(store, volunteer, today=TODAY), tmp_path)
    cell = next(r.cells[2] for table in doc.tables for r in table.rows if r.cells[2].text.replace("\n", "") == title)
    lines = cell.text.split("\n")
    assert len(lines) == 2 and all(len(line) > 1 for line in lines), lines
