"""The 登记表: content, masking, fonts, layout, hostile text, files, cancelling and the CLI; printed in
test_registration_print."""
import datetime as dt
import re

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Mm
from stdnum.cn import ric

from leifeng_desktop import cli
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.formatting import form_value
from leifeng_desktop.core.masking import mask_id_number, mask_phone
from leifeng_desktop.exports import ExportCancelled
from leifeng_desktop.exports.document import clean_text
from leifeng_desktop.exports.registration import build_registration, export_registration, registration_filename

from docx_styles import east_asia, size_pt

TODAY = dt.date(2026, 8, 20)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
SURNAMES, GIVEN = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
POSTS = ("运维检修部 班长", "营销部 客户经理", "城区供电所 所长", "办公室 主任", "财务部 会计")


def id_number(n: int) -> str:
    first17 = f"110101{1970 + n % 30}{1 + n % 12:02d}{1 + n % 28:02d}{n % 100:02d}{n % 10}"
    return first17 + ric.calc_check_digit(first17 + "0")


def add_team(store, values: dict, members: int) -> str:
    team_id = store.insert("team", values)
    for n in range(members):
        store.insert("member", {
            "team_id": team_id, "name": SURNAMES[n % 20] + GIVEN[(n * 7) % 20] + ("华" if n % 3 else ""),
            "gender": "男女"[n % 2], "birth_month": f"{1970 + n % 30}-{1 + n % 12:02d}",
            "politics": ("中共党员", "群众", "共青团员")[n % 3], "work": POSTS[n % len(POSTS)],
            "phone": f"139{n:08d}", "id_number": id_number(n), "skills": "电工"})
    return team_id


@pytest.fixture
def full_team(team_values):
    return {**team_values, "leader_title": "工会主席", "contact": "李红", "contact_phone": "13912345678",
            "area": "XX市城东区及周边社区",
            "intro": "供电公司职工志愿服务队由XX市供电公司工会组织成立，主要开展扶老助残、便民利民等志愿服务。"
                     "2026年计划每月至少开展一次上门服务活动，把服务送到职工群众身边。",
            "note": "队员均已在志愿服务平台注册。"}


@pytest.fixture
def team15(store, full_team):
    return add_team(store, full_team, 15)


def all_text(doc) -> str:
    return "\n".join(t.text for t in doc.element.body.iter(qn("w:t")))


def roster_table(doc):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "序号")


def reopen(doc, tmp_path, name="x.docx"):
    path = tmp_path / name
    doc.save(str(path))
    return docx.Document(str(path))


# -- content ----------------------------------------------------------------------------------------------------
def test_every_team_value_and_member_is_on_the_form_masked_by_default(store, team15, tmp_path):
    doc = reopen(build_registration(store, [team15], day=TODAY), tmp_path)
    text = all_text(doc)
    team = store.get("team", team15)
    for f in s.TEAM.fields:
        assert f.label in text, f.label
        shown = form_value(f, team[f.key])
        assert shown and shown in text, (f.key, shown)
    assert "扶老助残、便民利民" in text and "2026年8月1日" in text
    assert "13812345678" not in text and "138****5678" in text
    assert "填报单位（盖章）：XX市供电公司工会" in text and "填报日期：2026年8月20日" in text
    assert "队员人数：15 人" in text
    members = store.rows("member", where="team_id = ?", params=[team15])
    rows = roster_table(doc).rows
    assert [c.text for c in rows[0].cells] == ["序号"] + [s.MEMBER.field(k).label for k in
                                                       ("name", "gender", "birth_month", "politics", "work",
                                                        "phone")] + ["服务技能", "身份证号"]
    assert len(rows) == 16
    for n, (row, m) in enumerate(zip(rows[1:], members), start=1):
        cells = [re.sub(r"[\n ]", "", c.text) for c in row.cells]   # long text is broken into even lines
        assert cells[:4] == [str(n), m["name"], m["gender"], m["birth_month"].replace("-", ".")]
        assert cells[5:] == [m["work"].replace(" ", ""), mask_phone(m["phone"]), m["skills"],
                             mask_id_number(m["id_number"])]
        assert m["id_number"] not in text and m["phone"] not in text
    assert "单位意见" in text and "（盖章）" in text and "年　月　日" in text


def test_reveal_shows_full_numbers(store, team15, tmp_path):
    text = all_text(reopen(build_registration(store, [team15], reveal=True), tmp_path))
    for m in store.rows("member", where="team_id = ?", params=[team15]):
        assert m["id_number"] in text and m["phone"] in text
    assert "13812345678" in text


def test_every_cjk_run_names_its_east_asian_font_and_the_language_is_zh_cn(store, team15, tmp_path):
    doc = reopen(build_registration(store, [team15]), tmp_path)
    runs = list(doc.element.body.iter(qn("w:r")))
    assert runs
    for r in runs:
        text = "".join(t.text or "" for t in r.iter(qn("w:t")))
        if CJK.search(text):
            assert east_asia(doc, r), text     # its own or its paragraph style's
    title = next(p for p in doc.paragraphs if p.text == "学雷锋职工志愿服务队登记表")
    assert title.style.name == "Title"            # named styles: the navigation pane and restyling work
    assert east_asia(doc, title.runs[0]._r) == "方正小标宋简体" and size_pt(doc, title.runs[0]._r) == 22
    header = roster_table(doc).rows[0].cells[0].paragraphs[0]
    assert header.style.name == "表头" and east_asia(doc, header.runs[0]._r) == "黑体"
    assert {p.style.name for p in roster_table(doc).rows[1].cells[1].paragraphs} == {"表格文字"}
    assert doc.core_properties.title == "学雷锋职工志愿服务队登记表（供电公司职工志愿服务队）"
    assert doc.core_properties.author == "XX市供电公司工会"
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"


def test_page_set_up_header_repeat_and_unsplittable_rows(store, team15, tmp_path):
    doc = reopen(build_registration(store, [team15]), tmp_path)
    sec = doc.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(0.1) and abs(sec.page_height - Mm(297)) < Mm(0.1)
    assert abs(sec.top_margin - Mm(37)) < Mm(0.1) and abs(sec.left_margin - Mm(28)) < Mm(0.1)
    roster = roster_table(doc)
    assert roster.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in roster.rows)
    for table in doc.tables:      # every table fills the 156 mm text block exactly, never beyond
        widths = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        assert abs(sum(widths) - Mm(156).twips) < 10
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert len(borders) == 6 and {b.get(qn("w:val")) for b in borders} == {"single"}


def test_long_values_span_the_value_columns(store, team15):
    team_table = build_registration(store, [team15]).tables[0]
    spans = {row.cells[0].text: row._tr.tc_lst[1].grid_span for row in team_table.rows}
    for key in ("categories", "service_forms", "area", "intro", "note"):
        assert spans[s.TEAM.field(key).label] == 3


def test_several_teams_share_one_document_each_in_its_own_section(store, full_team, tmp_path):
    a = add_team(store, full_team, 3)
    b = add_team(store, {**full_team, "name": "第二支队"}, 2)
    doc = reopen(build_registration(store, [a, b]), tmp_path)
    titles = [p for p in doc.paragraphs if p.text == "学雷锋职工志愿服务队登记表"]
    assert len(titles) == 2 and len(doc.sections) == 2
    assert doc.sections[1].start_type == WD_SECTION.NEW_PAGE
    assert "第二支队" in all_text(doc)
    heads = [s.header.paragraphs[0].text for s in doc.sections]
    assert heads == ["学雷锋职工志愿服务队登记表（续）　队伍名称：供电公司职工志愿服务队",
                     "学雷锋职工志愿服务队登记表（续）　队伍名称：第二支队"]


def test_hostile_text_round_trips(store, full_team, tmp_path):
    long_intro = ("😀“引号”‘单引’<b>加粗</b> & ; \t" + "学雷锋" * 50 + "\r\n") * 20
    long_intro = (long_intro * 3)[:5000]
    sql = "<b>'; DROP TABLE team;--"
    team_id = add_team(store, {**full_team, "intro": long_intro.strip("\n\r "), "note": sql, "area": '"A" & <B>'}, 1)
    # control characters cannot come in through the store; an old file or a raw import could still hold them
    dirty = "前\x00\x01\x08\x0b\x0c\x1f后\n第二行😀"
    store.db.execute("UPDATE member SET work = ? WHERE team_id = ?", [dirty, team_id])
    paths = export_registration(store, [team_id], tmp_path / "out", day=TODAY)
    doc = docx.Document(str(paths[0]))
    cells = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert cells["队伍简介与活动计划"] == clean_text(long_intro.strip("\n\r "))
    assert len(cells["队伍简介与活动计划"]) > 4900
    assert cells["备注"] == sql and cells["服务区域/地点"] == '"A" & <B>'
    assert roster_table(doc).rows[1].cells[5].text == "前后\n第二行😀"


# -- files ------------------------------------------------------------------------------------------------------
def test_file_names_are_safe_for_windows():
    name = registration_filename({"unit": 'A/B\\C:D*E?F"G<H>I|J\x01K', "name": "队\t名"})
    assert name == "登记表_A_B_C_D_E_F_G_H_I_J_K_队_名.docx"
    long = registration_filename({"unit": "单" * 300, "name": "队"})
    assert long.endswith(".docx") and len(long) <= 130
    assert registration_filename({"unit": " .工会. ", "name": "队"}) == "登记表_工会_队.docx"


def test_export_writes_each_team_and_a_combined_file(store, full_team, tmp_path):
    a = add_team(store, full_team, 2)
    b = add_team(store, full_team, 1)            # same unit and name: a second file, not an overwrite
    c = add_team(store, {**full_team, "name": "文化/服务队"}, 0)
    calls = []
    out = tmp_path / "new" / "folder"
    paths = export_registration(store, [a, b, c], out, day=TODAY, progress=lambda *p: calls.append(p))
    names = [p.name for p in paths]
    assert names == ["登记表_XX市供电公司工会_供电公司职工志愿服务队.docx",
                     "登记表_XX市供电公司工会_供电公司职工志愿服务队 (2).docx",
                     "登记表_XX市供电公司工会_文化_服务队.docx", "登记表_汇总_20260820.docx"]
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    combined = docx.Document(str(paths[-1]))
    assert sum(p.text == "学雷锋职工志愿服务队登记表" for p in combined.paragraphs) == 3
    assert "（暂无队员）" in all_text(docx.Document(str(paths[2])))
    assert export_registration(store, [a, b], tmp_path / "two", combined=False)[-1].name.endswith("(2).docx")


def test_cancel_removes_every_file_of_the_call(store, full_team, tmp_path):
    ids = [add_team(store, {**full_team, "name": f"队{n}"}, 2) for n in range(3)]
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("not ours")
    done = []
    with pytest.raises(ExportCancelled):
        export_registration(store, ids, out, progress=lambda n, total: done.append(n),
                            cancelled=lambda: len(done) >= 2)
    assert done == [1, 2]
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_unknown_team_is_refused_before_anything_is_written(store, team15, tmp_path):
    with pytest.raises(ValueError, match="找不到"):
        export_registration(store, [team15, "no-such-id"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- the CLI ----------------------------------------------------------------------------------------------------
def test_cli_exports_all_and_one_team(store, full_team, tmp_path, capsys):
    add_team(store, full_team, 3)
    add_team(store, {**full_team, "name": "青年志愿服务队", "unit": "XX市自来水公司工会"}, 2)
    db = str(store.path)
    out = tmp_path / "登记表"
    assert cli.main(["--db", db, "export", "registration", "--all", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[-1].startswith("已导出 2 支服务队的登记表，共 3 个文件")
    assert len(list(out.glob("*.docx"))) == 3
    one = tmp_path / "一支" / "供电.docx"
    assert cli.main(["--db", db, "export", "registration", "--team", "供电公司职工志愿服务队", "--out", str(one),
                     "--full"]) == 0
    assert str(one) in capsys.readouterr().out
    assert "13812345678" in all_text(docx.Document(str(one)))


def test_cli_date_is_the_forms_filling_date(store, full_team, tmp_path, capsys):
    add_team(store, full_team, 2)
    db, out = str(store.path), tmp_path / "登记表.docx"
    assert cli.main(["--db", db, "export", "registration", "--all", "--out", str(out), "--date", "2026-08-21"]) == 0
    assert "填报日期：2026年8月21日" in all_text(docx.Document(str(out)))
    assert cli.main(["--db", db, "export", "registration", "--all", "--out", str(out), "--date", "8月21"]) == 2
    err = capsys.readouterr().err
    assert "--date" in err and "8月21" in err and "2026-08-20" in err
    assert cli.main(["--db", db, "export", "registration", "--all", "--out", str(tmp_path / "today.docx")]) == 0
    assert f"填报日期：{dt.date.today().year}年{dt.date.today().month}月{dt.date.today().day}日" in \
        all_text(docx.Document(str(tmp_path / "today.docx")))


def test_cli_team_name_shared_by_two_units(store, full_team, tmp_path, capsys):
    add_team(store, full_team, 1)
    add_team(store, {**full_team, "unit": "XX市自来水公司工会"}, 1)
    db, out = str(store.path), str(tmp_path / "o")
    assert cli.main(["--db", db, "export", "registration", "--team", "供电公司职工志愿服务队", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "XX市供电公司工会" in err and "XX市自来水公司工会" in err and "--unit" in err
    assert cli.main(["--db", db, "export", "registration", "--team", "供电公司职工志愿服务队",
                     "--unit", "XX市自来水公司工会", "--out", out]) == 0
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["登记表_XX市自来水公司工会_供电公司职工志愿服务队.docx"]
    assert cli.main(["--db", db, "export", "registration", "--all", "--out", str(tmp_path / "x.docx")]) == 2
    assert "文件夹" in capsys.readouterr().err
