"""实施方案: the seed's sections, settings in the drafts, the unit's teams, saved texts, fonts, page numbers,
determinism, the CLI and how LibreOffice prints it."""
import datetime as dt
import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from leifeng_desktop import cli
from leifeng_desktop.core import texts as tx
from leifeng_desktop.exports.files import save_atomic
from leifeng_desktop.exports.plan import TEAM_HEADERS, build_plan, export_plan

from docx_styles import east_asia
from libreoffice import pdf_info, to_pdf

TODAY = dt.date(2026, 8, 20)
SUB = "XX市供电公司工会"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture
def sub_union(store, team_values):
    """A sub-union with two teams (one with three members) and a city federation with its defaults."""
    store.insert("unit", {"name": SUB, "kind": "基层工会"})
    team = store.insert("team", team_values)
    for name in ("张三", "李四", "王五"):
        store.insert("member", {"team_id": team, "name": name})
    store.insert("team", {**team_values, "name": "供电公司职工维权志愿服务团", "kind": "职工维权志愿服务团",
                          "founded_on": None})
    store.insert("team", {**team_values, "name": "别家的服务队", "unit": "XX市财贸工会"})
    return team


def reopen(doc, tmp_path, name="p.docx"):
    return docx.Document(str(save_atomic(doc, tmp_path / name)))


def texts_of(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_sections_follow_the_seed_plan(store, sub_union, tmp_path):
    doc = reopen(build_plan(store, unit=SUB, today=TODAY), tmp_path)
    ps = texts_of(doc)
    assert ps[0] == "XX市供电公司工会关于开展\n学雷锋职工志愿服务活动的实施方案"
    assert [p for p in ps if re.match(r"^[一二三四]、", p)] == ["一、指导思想", "二、活动内容", "三、实施步骤",
                                                              "四、工作要求"]
    items = [p.split("。")[0] for p in ps if p.startswith("（")]
    assert items == [f"（{n}）{title}" for n, (_, title) in zip("一二三四五", tx.AREAS)] + [
        "（一）动员部署", "（二）推进实施", "（三）总结回顾",
        "（一）加强组织领导", "（二）营造良好氛围", "（三）注重工作实效"]
    first = doc.paragraphs[ps.index(next(p for p in ps if p.startswith("（一）动员部署")))]
    assert first.runs[0].text == "（一）动员部署。" and "楷体" in east_asia(doc, first.runs[0]._r)
    assert "仿宋" in east_asia(doc, first.runs[1]._r)
    sign = ps.index(SUB, ps.index("四、工作要求"))
    assert ps[sign + 1] == "2026年8月20日"
    assert ps[sign - 2] == f"附件：{SUB}学雷锋职工志愿服务队名单"


def test_drafts_carry_the_settings(store, sub_union, tmp_path):
    store.settings.set({"plan_deadline": "2026-08-28", "registration_deadline": "2026-08-22",
                        "summary_deadline": "2026-12-15", "city": "广州市"})
    text = "\n".join(texts_of(reopen(build_plan(store, unit=SUB, today=TODAY), tmp_path)))
    assert "于2026年8月28日前报广州市总工会宣教部" in text
    assert "各志愿服务队于8月22日前成立（名单见附件）" in text and "报广州市总工会组宣部" in text
    assert "总结材料于2026年12月15日前报送广州市总工会宣教部" in text
    city = "\n".join(texts_of(reopen(build_plan(store, today=TODAY), tmp_path, "c.docx")))
    assert "分成4个工作组" in city and "走访企业不少于40家，走访帮扶困难职工不少于80户" in city


def test_the_units_teams_are_listed(store, sub_union, tmp_path):
    doc = reopen(build_plan(store, unit=SUB, today=TODAY), tmp_path)
    assert len(doc.tables) == 1
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert tuple(rows[0]) == TEAM_HEADERS
    assert sorted(r[1:5] + [r[5]] for r in rows[1:]) == [
        ["供电公司职工志愿服务队", "职工志愿服务队", "王建国", "3", "2026.08.01"],
        ["供电公司职工维权志愿服务团", "职工维权志愿服务团", "王建国", "0", ""]]
    city = reopen(build_plan(store, today=TODAY), tmp_path, "c.docx")
    assert len(city.tables[0].rows) == 4      # every team of every unit
    store.insert("unit", {"name": "XX市空单位工会"})
    bare = reopen(build_plan(store, unit="XX市空单位工会", today=TODAY), tmp_path, "b.docx")
    assert not bare.tables and not any(p.startswith("附件") for p in texts_of(bare))


def test_saved_texts_appear_and_drafts_come_back(store, sub_union, tmp_path):
    tx.save_texts(store, "plan", {"guiding": "以新思想为指导。", "steps.review": "年底前总结。\n另附照片。"})
    ps = texts_of(reopen(build_plan(store, unit=SUB, today=TODAY), tmp_path))
    assert "以新思想为指导。" in ps and "（三）总结回顾。年底前总结。" in ps and "另附照片。" in ps
    tx.save_texts(store, "plan", {"guiding": ""})
    ps = texts_of(reopen(build_plan(store, unit=SUB, today=TODAY), tmp_path))
    assert tx.draft_texts(store, "plan", unit=SUB)["guiding"] in ps


def test_fonts_page_numbers_and_determinism(store, sub_union, tmp_path):
    a = export_plan(store, tmp_path / "a.docx", unit=SUB, today=TODAY)
    b = export_plan(store, tmp_path / "b.docx", unit=SUB, today=TODAY)
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.read("word/document.xml") == zb.read("word/document.xml")
    doc = docx.Document(str(a))
    for r in doc.element.body.iter(qn("w:r")):
        text = "".join(t.text or "" for t in r.iter(qn("w:t")))
        if CJK.search(text):
            assert east_asia(doc, r), text     # its own or its paragraph style's
    for footer in (doc.sections[0].footer, doc.sections[0].even_page_footer):
        assert "PAGE" in "".join(t.text for t in footer._element.iter(qn("w:instrText")))


def test_cli_exports_plan_and_summary(store, sub_union, db_path, tmp_path, capsys):
    store.close()
    out = tmp_path / "方案.docx"
    assert cli.main(["--db", str(db_path), "export", "plan", "--unit", SUB, "--today", "2026-08-20",
                     "--out", str(out)]) == 0
    assert "XX市供电公司工会关于开展" in docx.Document(str(out)).paragraphs[0].text
    summary = tmp_path / "总结.docx"
    assert cli.main(["--db", str(db_path), "export", "summary", "--from", "2026-01-01", "--to", "2026-12-31",
                     "--unit", SUB, "--out", str(summary)]) == 0
    assert docx.Document(str(summary)).paragraphs[0].text.startswith(f"{SUB}\n关于2026年")   # the unit in the title
    assert cli.main(["--db", str(db_path), "export", "plan", "--unit", "没有的单位", "--out", str(out)]) == 2
    assert "找不到单位“没有的单位”" in capsys.readouterr().err
    assert cli.main(["--db", str(db_path), "export", "summary", "--out", str(tmp_path / "x.txt")]) == 2
    assert cli.main(["--db", str(db_path), "export", "summary", "--from", "2025-12-01", "--to", "2026-01-05",
                     "--out", str(summary)]) == 2
    assert "同一年度" in capsys.readouterr().err


def test_libreoffice_prints_it_on_a4(store, sub_union, tmp_path):
    path = export_plan(store, tmp_path / "方案.docx", unit=SUB, today=TODAY)
    pages, w, h = pdf_info(to_pdf(path, tmp_path))
    assert pages >= 4 and abs(w - 595.3) < 2 and abs(h - 841.9) < 2
