"""总结材料: every figure from campaign_stats, the user's texts and highlights, sections, fonts, page numbers,
determinism, the picture, and how LibreOffice prints it."""
import datetime as dt
import re
import shutil
import struct
import zipfile
import zlib

import docx
import pytest
from docx.oxml.ns import qn

from leifeng_desktop.core import texts as tx
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.stats import campaign_stats
from leifeng_desktop.core.store import Store
from leifeng_desktop.core.validation import fen_to_yuan, minutes_to_hours
from leifeng_desktop.exports import document as d
from leifeng_desktop.exports.files import save_atomic
from leifeng_desktop.exports.summary import (
    build_summary,
    export_summary,
    figure_rows,
    summary_title,
)

from docx_styles import east_asia, without_file_times
from libreoffice import pdf_info, to_pdf

TODAY = dt.date(2026, 11, 26)
SUB = "XX市供电公司工会"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("summary") / "demo.db"
    with Store.open(path) as st:
        load_demo(st)
    return path


@pytest.fixture
def demo(demo_db, tmp_path):
    """A private copy: tests that save texts do not disturb the others."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_db, path)
    st = Store.open(path)
    yield st
    st.close()


def reopen(doc, tmp_path, name="s.docx"):
    return docx.Document(str(save_atomic(doc, tmp_path / name)))


def paragraphs(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def body_text(doc) -> str:
    return "\n".join(paragraphs(doc))


def cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def by_appendix(doc) -> dict[str, list[list[list[str]]]]:
    """The tables of each 附表, by its title (the paragraph after the 附表n label)."""
    out: dict[str, list] = {}
    title, label_seen = None, False
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if label_seen and text:
                title, label_seen = text, False
                out[title] = []
            elif re.fullmatch(r"附表\d+", text):
                label_seen = True
        elif child.tag == qn("w:tbl") and title:
            out[title].append([[c.text for c in row.cells] for row in docx.table.Table(child, doc).rows])
    return out


def test_every_figure_comes_from_campaign_stats(demo, tmp_path):
    st = campaign_stats(demo, year=2026, today=TODAY)
    doc = reopen(build_summary(demo, today=TODAY), tmp_path)
    text = body_text(doc)
    a, t, v, aid = st["activities"], st["teams"], st["visits"], st["aid"]
    # a figure checked by hand too, so both cannot be wrong the same way
    assert a["total"] == demo.db.execute("SELECT COUNT(*) FROM activity WHERE starts_at LIKE '2026%'").fetchone()[0]
    for phrase in (f"共组建学雷锋职工志愿服务队{t['total']}支，登记队员{t['members']}名",
                   f"共开展志愿服务活动{a['total']}场，{a['volunteers']}名志愿者参加志愿服务{a['participants']}人次",
                   f"服务总时长{minutes_to_hours(a['total_minutes'])}小时，受益群众{a['beneficiaries']}人次",
                   f"走访企业{v['enterprise_visits']}次，覆盖企业{st['targets']['enterprises']['done']}家（目标不少于40家）",
                   f"收集职工诉求{st['demands']['total']}条，已办结{st['demands']['done']}条",
                   f"走访困难职工{v['household_visits']}户次，走访并帮扶困难职工{st['targets']['households']['done']}户",
                   f"帮扶困难职工{aid['households']}户，发放帮扶资金{tx.yuan(aid['total_fen'])}元",
                   f"开展宣传和职工文化活动{st['publicity']['total']}次",
                   f"推荐选树先进典型{st['honors']['total']}个"):
        assert phrase in text, phrase
    for k in t["by_kind"]:
        assert f"{k['kind']}{k['count']}支" in text
    main = cells(doc.tables[0])
    shown = {row[0]: row[1] for row in main[1:]} | {row[2]: row[3] for row in main[1:] if row[2]}
    assert shown == {label: str(value) for label, value in figure_rows(st)}
    tables = by_appendix(doc)
    by_category = tables["志愿服务活动分类统计表"][0]
    assert [(r[1], r[2], r[3]) for r in by_category[1:-1]] == [
        (c["category"], str(c["count"]), minutes_to_hours(c["minutes"]) or "0") for c in a["by_category"]]
    assert by_category[-1][-2:] == [str(a["total"]), minutes_to_hours(a["total_minutes"])]
    programmes = tables["困难职工帮扶项目统计表"][0]
    assert [(r[1], r[2], r[3], r[4]) for r in programmes[1:-1]] == [
        (p["programme"], str(p["count"]), str(p["households"]), fen_to_yuan(p["amount_fen"]))
        for p in aid["by_programme"]]
    assert programmes[-1][-3:] == [str(aid["count"]), str(aid["households"]), fen_to_yuan(aid["total_fen"])]
    units = tables["各单位志愿服务队及材料报送情况表"][0]
    # a long unit name is broken into balanced lines (the date columns are as wide as a date: no lone 日)
    assert {r[1].replace("\n", ""): r[2] for r in units[1:-1]} == {u["unit"]: str(u["count"]) for u in t["by_unit"]}
    assert all(len(line) > 1 for r in units[1:-1] for cell in r[1:] if "\n" in cell for line in cell.split("\n"))
    assert units[-1][2] == str(t["total"])
    sent = {m["material"]: m["sent"] for m in st["reporting"]["materials"]}
    assert units[-1][3:] == [f"{sent[m]}个单位" for m in units[0][3:]]


def test_unit_scope_counts_and_signs_for_that_unit(demo, tmp_path):
    st = campaign_stats(demo, year=2026, unit=SUB, today=TODAY)
    doc = reopen(build_summary(demo, unit=SUB, today=TODAY), tmp_path)
    text = body_text(doc)
    assert paragraphs(doc)[2] == "XX市总工会："
    a = st["activities"]
    assert f"共开展志愿服务活动{a['total']}场，{a['volunteers']}名志愿者参加志愿服务{a['participants']}人次" in text
    assert "走访企业" not in text.split("二、")[0]      # the city's visits are not the unit's
    shown = {r[0]: r[1] for r in cells(doc.tables[0])[1:]}
    assert shown["志愿服务活动（场）"] == str(a["total"])
    assert st["aid"]["count"] == st["visits"]["enterprise_visits"] == 0
    assert "帮扶资金（元）" not in body_text(doc) + str(cells(doc.tables[0]))   # no rows of zeros
    labels = [p for p in paragraphs(doc) if p.startswith("附表")]
    assert labels == ["附表1", "附表2", "附表3"] and "困难职工帮扶项目统计表" not in paragraphs(doc)
    assert list(by_appendix(doc)) == ["志愿服务活动分类统计表", "选树典型分类统计表", "志愿服务队及材料报送情况表"]
    ps = paragraphs(doc)
    sign = ps.index(SUB, ps.index("三、存在问题和下步打算") if "三、存在问题和下步打算" in ps else
                    ps.index("四、存在问题和下步打算"))
    assert ps[sign + 1] == "2026年11月26日"
    chosen = tx.chosen_highlights(demo, date_from="2026-01-01", date_to="2026-12-31", unit=SUB)
    assert all(demo.get(c["type"], c["id"])["unit"] == SUB for items in chosen.values() for c in items)


def test_structure_title_sections_and_signature(demo, tmp_path):
    doc = reopen(build_summary(demo, today=TODAY), tmp_path)
    ps = paragraphs(doc)
    assert ps[0] == "\n".join(summary_title(2026)) == "关于2026年学雷锋职工志愿服务\n活动开展情况的总结"
    assert ps[2] == "XX市精神文明建设委员会办公室："
    heads = [p for p in ps if re.match(r"^[一二三四五六七八九十]、", p)]
    assert heads == ["一、基本情况", "二、主要做法和成效", "三、典型事迹", "四、存在问题和下步打算"]
    subs = [p for p in ps if p.startswith("（")][:5]
    assert subs == [f"（{n}）{title}" for n, (_, title) in zip("一二三四五", tx.AREAS)]
    sign = ps.index("XX市总工会", ps.index("四、存在问题和下步打算"))
    assert ps[sign + 1] == "2026年11月26日"
    labels = [f"附表{n}" for n in range(1, 9)]
    assert [p for p in ps if p.startswith("附表")] == labels
    for label in labels:
        assert doc.paragraphs[ps.index(label)].paragraph_format.page_break_before
    awarded = demo.rows("honor", where="status = '表彰' AND recommended_on LIKE '2026%'")
    for h in awarded:
        assert h["deeds"] in ps


def test_saved_texts_and_highlights_appear(demo, tmp_path):
    acts = tx.summary_highlights(demo, date_from="2026-01-01", date_to="2026-12-31")["service"]
    tx.save_texts(demo, "summary", {
        "addressee": "XX市总工会宣教部：", "opening": "今年以来，我们做了很多工作。",
        "area.values": "第一方面的做法。\n第二段做法。", "problems": "经费不足。", "next_steps": "明年再接再厉。",
        "highlights.service": [acts[-1]["id"]], "highlights.deeds": [], "highlights.values": []})
    doc = reopen(build_summary(demo, today=TODAY), tmp_path)
    ps = paragraphs(doc)
    for text in ("XX市总工会宣教部：", "今年以来，我们做了很多工作。", "第一方面的做法。", "第二段做法。", "经费不足。",
                 "明年再接再厉。"):
        assert text in ps
    assert f"其中，{acts[-1]['sentence']}。" in ps
    assert not any(acts[0]["sentence"] in p for p in ps)
    heads = [p for p in ps if re.match(r"^[一二三四五六七八九十]、", p)]
    assert heads == ["一、基本情况", "二、主要做法和成效", "三、存在问题和下步打算"]   # no deeds, no gap


def test_same_inputs_same_document(demo, tmp_path):
    a = export_summary(demo, tmp_path / "a.docx", date_from="2026-03-01", date_to="2026-11-30", today=TODAY)
    b = export_summary(demo, tmp_path / "b.docx", date_from="2026-03-01", date_to="2026-11-30", today=TODAY)
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        for name in ("word/document.xml", "word/footer1.xml", "docProps/core.xml"):
            assert without_file_times(za.read(name)) == without_file_times(zb.read(name)), name


def test_cjk_runs_have_east_asian_fonts_and_footers_have_page_numbers(demo, tmp_path):
    doc = reopen(build_summary(demo, today=TODAY), tmp_path)
    parts = [doc.element.body] + [f._element for s in doc.sections for f in (s.footer, s.even_page_footer)]
    for part in parts:
        for r in part.iter(qn("w:r")):
            text = "".join(t.text or "" for t in r.iter(qn("w:t")))
            if CJK.search(text):
                assert east_asia(doc, r), text     # its own or its paragraph style's
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN" and lang.get(qn("w:val")) == "en-US"   # numbers never split
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (doc.sections[0].footer, doc.sections[0].even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in "".join(t.text for t in footer._element.iter(qn("w:instrText")))
        assert 'w:fldCharType="begin"' in xml and "— " in xml and " —" in xml


def tiny_png(width: int, height: int) -> bytes:
    """A plain red PNG, written by hand (no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xc8\x28\x28" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_picture_goes_under_basic_situation(demo, tmp_path):
    png = tmp_path / "dash.png"
    png.write_bytes(tiny_png(800, 450))
    doc = reopen(build_summary(demo, picture=png, chart=False, today=TODAY), tmp_path)
    assert len(doc.inline_shapes) == 1
    assert doc.inline_shapes[0].width <= docx.shared.Mm(d.TEXT_W)
    ps = paragraphs(doc)
    assert ps.index("学雷锋职工志愿服务活动数据概览") < ps.index("二、主要做法和成效")
    with pytest.raises(ValueError, match="找不到图片"):
        export_summary(demo, tmp_path / "x.docx", picture=tmp_path / "none.png", today=TODAY)
    assert not (tmp_path / "x.docx").exists()


def test_a_period_across_years_is_refused(demo, tmp_path):
    with pytest.raises(ValueError, match="同一年度"):
        build_summary(demo, date_from="2025-12-01", date_to="2026-01-31", today=TODAY)


def test_libreoffice_prints_it_on_a4(demo, tmp_path):
    path = export_summary(demo, tmp_path / "总结.docx", today=TODAY)
    pages, w, h = pdf_info(to_pdf(path, tmp_path))
    assert pages >= 5
    assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2
