"""总结材料 against the records (issue 14): every number in it and its 附表 equals `stats --json` for the same period
and unit; the draft sentences claim only what the records show; a sub-union's title names it; the 附件说明 lists
exactly the 附表 that follow; the period is stated; the 主送机关 from 设置. LibreOffice prints the city's and every
sub-union's summary with no page holding only the signature."""
import datetime as dt
import json
import re
import shutil

import docx
import pytest
from docx.oxml.ns import qn

from leifeng_desktop import cli
from leifeng_desktop.core import texts as tx
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store
from leifeng_desktop.core.validation import fen_to_yuan, minutes_to_hours
from leifeng_desktop.exports.summary import build_summary, export_summary
from leifeng_desktop.exports.summary_tables import BLANK

from libreoffice import page_texts, to_pdf

TODAY = dt.date(2026, 12, 20)
SUB = "XX市供电公司工会"
H1 = ("2026-01-01", "2026-06-30")
PLAN_SENTENCE = "制定了具体实施方案并报送"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("summary_records") / "demo.db"
    with Store.open(path) as st:
        load_demo(st)
    return path


@pytest.fixture
def demo(demo_db, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copy(demo_db, path)
    st = Store.open(path)
    yield st
    st.close()


def stats_json(db, capsys, *args) -> dict:
    """What `stats --json` prints for these options."""
    capsys.readouterr()
    assert cli.main(["--db", str(db), "stats", "--json", "--today", TODAY.isoformat(), *args]) == 0
    return json.loads(capsys.readouterr().out)


def saved(doc, tmp_path, name="s.docx"):
    path = tmp_path / name
    doc.save(str(path))
    return docx.Document(str(path))


def paragraphs(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def appendix_tables(doc) -> dict[str, list[list[list[str]]]]:
    """Each 附表's tables (rows of cell texts) by its title, in print order."""
    out: dict[str, list] = {}
    title, label = None, False
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if label and text:
                title, label = text, False
                out[title] = []
            elif re.fullmatch(r"附表\d+", text):
                label = True
        elif child.tag == qn("w:tbl") and title:
            out[title].append([[c.text for c in row.cells] for row in docx.table.Table(child, doc).rows])
    return out


def hours(minutes):
    return minutes_to_hours(minutes) or "0"


def check_against_stats(doc, js):
    """Every table of the summary and the key sentences, figure by figure, from the JSON of `stats`."""
    text = "\n".join(paragraphs(doc))
    a, t = js["activities"], js["teams"]
    assert f"共组建学雷锋职工志愿服务队{t['total']}支，登记队员{t['members']}名" in text
    assert (f"共开展志愿服务活动{a['total']}场，{a['volunteers']}名志愿者参加志愿服务{a['participants']}人次，"
            f"服务总时长{hours(a['total_minutes'])}小时，受益群众{a['beneficiaries']}人次") in text
    main = doc.tables[0].rows
    shown = {r.cells[0].text: r.cells[1].text for r in main[1:]} | {r.cells[2].text: r.cells[3].text for r in main[1:]}
    assert shown["志愿服务活动（场）"] == str(a["total"]) and shown["服务总时长（小时）"] == hours(a["total_minutes"])
    assert shown["登记队员（名）"] == str(t["members"]) and shown["推荐先进典型（个）"] == str(js["honors"]["total"])
    tables = appendix_tables(doc)
    by_content, by_form = tables["志愿服务活动分类统计表"]
    assert [r[1:] for r in by_content[1:-1]] == [[c["category"], str(c["count"]), hours(c["minutes"])]
                                                 for c in a["by_category"]]
    assert [r[1:] for r in by_form[1:-1]] == [[f["form"], str(f["count"]), hours(f["minutes"])] for f in a["by_form"]]
    assert by_content[-1][-2:] == by_form[-1][-2:] == [str(a["total"]), hours(a["total_minutes"])]
    units = {u["unit"]: u for u in js["units"]}
    if "各单位志愿服务情况统计表" in tables:
        (rows,) = tables["各单位志愿服务情况统计表"]
        for r in rows[1:-1]:
            u = units[r[1]]
            assert r[2:] == [str(u["teams"]), str(u["volunteers"]), str(u["activities"]), str(u["participants"]),
                             hours(u["minutes"]), str(u["beneficiaries"])]
        assert rows[-1][-6:] == [str(t["total"]), str(a["volunteers"]), str(a["total"]), str(a["participants"]),
                                 hours(a["total_minutes"]), str(a["beneficiaries"])]
    if "各单位走访帮扶情况统计表" in tables:
        (rows,) = tables["各单位走访帮扶情况统计表"]
        for r in rows[1:-1]:
            u = units[r[1]]
            assert r[2:] == [str(u["enterprise_visits"]), str(u["households_visited"]), str(u["aid_households"]),
                             fen_to_yuan(u["aid_fen"])]
        assert rows[-1][-4:] == [str(js["visits"]["enterprise_visits"]), str(js["visits"]["households_visited"]),
                                 str(js["aid"]["households"]), fen_to_yuan(js["aid"]["total_fen"])]
    if "工作组走访企业情况统计表" in tables:
        (rows,) = tables["工作组走访企业情况统计表"]
        ent = js["targets"]["enterprises"]
        assert [r[1:5] for r in rows[1:-1]] == [[g["group"], str(g["visits"]), str(g["done"]), str(g["share"])]
                                                for g in ent["by_group"]]
        assert rows[-1][2:5] == [str(js["visits"]["enterprise_visits"]), str(ent["done"]), str(ent["target"])]
    if "困难职工帮扶项目统计表" in tables:
        (rows,) = tables["困难职工帮扶项目统计表"]
        assert [r[1:] for r in rows[1:-1]] == [[p["programme"], str(p["count"]), str(p["households"]),
                                                fen_to_yuan(p["amount_fen"])] for p in js["aid"]["by_programme"]]
    if "职工诉求办理情况统计表" in tables:
        (rows,) = tables["职工诉求办理情况统计表"]
        dm = js["demands"]
        assert rows[-1][-4:] == [str(dm["total"]), str(dm["done"]), str(dm["open"]), str(dm["overdue"])]
        for r in rows[1:-1]:
            u = units[r[1]]
            assert r[2:] == [str(u["demands"]), str(u["demands_done"]), str(u["demands_open"]),
                             str(u["demands_overdue"])]
    if "选树典型分类统计表" in tables:
        (rows,) = tables["选树典型分类统计表"]
        assert [r[1:] for r in rows[1:-1]] == [[k["kind"], str(k["count"]), str(k["awarded"])]
                                               for k in js["honors"]["by_kind"]]
        assert rows[-1][-2] == str(js["honors"]["total"])
    return tables


@pytest.mark.parametrize("unit", [None, SUB])
@pytest.mark.parametrize("period", [H1, ("2026-01-01", "2026-12-31")])
def test_every_number_equals_stats_for_the_same_period_and_unit(demo_db, tmp_path, capsys, unit, period):
    args = ["--from", period[0], "--to", period[1], *(["--unit", unit] if unit else [])]
    js = stats_json(demo_db, capsys, *args)
    with Store.open(demo_db) as st:
        doc = saved(build_summary(st, date_from=period[0], date_to=period[1], unit=unit, today=TODAY), tmp_path)
    tables = check_against_stats(doc, js)
    assert ("各单位志愿服务情况统计表" in tables) == (unit is None)
    if unit is None:
        assert {"工作组走访企业情况统计表", "职工诉求办理情况统计表", "困难职工帮扶项目统计表"} <= set(tables)


def test_the_period_is_stated_and_a_half_year_counts_less(demo, tmp_path):
    doc = saved(build_summary(demo, date_from=H1[0], date_to=H1[1], today=TODAY), tmp_path)
    ps = paragraphs(doc)
    assert ps[ps.index("一、基本情况") + 1].startswith("本材料统计时段：2026年1月1日至2026年6月30日。")
    assert any(p.startswith("2026年1月1日至6月30日，共开展志愿服务活动") for p in ps)
    assert ps.count("统计时段：2026年1月1日至2026年6月30日") == len(appendix_tables(doc))   # under every 附表 title


def test_a_sub_unions_title_names_it_and_the_city_keeps_its_own(demo, tmp_path):
    sub = saved(build_summary(demo, unit=SUB, today=TODAY), tmp_path, "sub.docx")
    assert paragraphs(sub)[0] == f"{SUB}\n关于2026年学雷锋职工志愿服务\n活动开展情况的总结"
    assert sub.core_properties.title.startswith(SUB) and sub.core_properties.author == SUB
    city = saved(build_summary(demo, today=TODAY), tmp_path, "city.docx")
    assert paragraphs(city)[0] == "关于2026年学雷锋职工志愿服务\n活动开展情况的总结"


def test_the_attachment_note_lists_exactly_the_appendices(demo, tmp_path):
    for unit in (None, SUB, "XX市中医院工会"):
        doc = saved(build_summary(demo, unit=unit, today=TODAY), tmp_path)
        ps = paragraphs(doc)
        first = next(i for i, p in enumerate(ps) if p.startswith("附件："))
        titles = list(appendix_tables(doc))
        note = [re.sub(r"\s", "", p) for p in [ps[first].removeprefix("附件："), *ps[first + 1:first + len(titles)]]]
        assert note == [f"{n}.{t}" for n, t in enumerate(titles, start=1)]
        sign = first + len(titles)
        assert ps[sign:sign + 3] == ["", unit or "XX市总工会", "2026年12月20日"]   # then the signature
        assert [p for p in ps if re.fullmatch(r"附表\d+", p)] == [f"附表{n}" for n in range(1, len(titles) + 1)]


def test_statistics_tables_carry_the_office_signature_line(demo, tmp_path):
    doc = saved(build_summary(demo, today=TODAY), tmp_path, "blank.docx")
    lines = [p for p in paragraphs(doc) if p.startswith("填表人：")]
    assert len(lines) == len(appendix_tables(doc))
    assert lines[0] == f"填表人：{BLANK}　　负责人：{BLANK}　　联系电话：{BLANK}"
    demo.settings.set({"operator": "王芳", "leader": "李明", "contact_phone": "0571-88888888"})
    doc = saved(build_summary(demo, today=TODAY), tmp_path, "named.docx")
    assert "填表人：王芳　　负责人：李明　　联系电话：0571-88888888" in paragraphs(doc)


def test_the_addressee_from_the_settings_for_our_own_unit(demo, tmp_path):
    demo.settings.set({"addressee": "XX市文明办"})
    assert paragraphs(saved(build_summary(demo, today=TODAY), tmp_path))[2] == "XX市文明办："
    assert paragraphs(saved(build_summary(demo, unit=SUB, today=TODAY), tmp_path))[2] == "XX市总工会："
    tx.save_texts(demo, "summary", {"addressee": "XX市总工会办公室："})     # a clerk's text is kept as written
    assert paragraphs(saved(build_summary(demo, today=TODAY), tmp_path))[2] == "XX市总工会办公室："


# -- the drafts' claims follow the records ---------------------------------------------------------------------
def drafts(store, unit, period=(None, None)):
    return tx.load_texts(store, "summary", unit=unit, date_from=period[0], date_to=period[1])


def test_the_plan_sentence_only_with_the_plan_submission(demo):
    sent = demo.rows("submission", where="unit = ? AND material = '实施方案'", params=[SUB])
    assert sent and PLAN_SENTENCE in drafts(demo, SUB)["basic"]
    for row in sent:
        demo.delete("submission", row["id"])
    assert PLAN_SENTENCE not in drafts(demo, SUB)["basic"]
    assert "实施方案" not in drafts(demo, SUB)["basic"]


def test_the_registration_sentence_only_when_the_form_was_sent(demo):
    assert not demo.rows("submission", where="unit = ? AND material = '登记表'", params=[SUB])
    assert "登记表" not in drafts(demo, SUB)["basic"]
    demo.insert("submission", {"unit": SUB, "material": "登记表", "date": "2026-08-20"})
    assert "将服务队登记表报送XX市总工会" in drafts(demo, SUB)["basic"]


def test_visits_aid_and_kinds_only_when_recorded(demo):
    sub = drafts(demo, SUB)
    assert "走访" not in sub["area.visits"].replace("本期间内没有走访企业、走访困难职工和帮扶的记录", "")
    city = drafts(demo, None)
    assert "大走访活动相结合" in city["area.visits"] and "“送温暖”" in city["area.visits"]
    assert "帮助职工解难" in city["area.visits"]
    kinds = {r[0] for r in demo.db.execute("SELECT DISTINCT category FROM honor WHERE unit = ?", [SUB])}
    for kind in ("工人先锋号", "金牌工人", "节能减排标兵"):
        assert (kind in sub["area.models"].split("等先进典型")[0]) == (kind in kinds), kind
    used = {r[0] for r in demo.db.execute("SELECT DISTINCT category FROM activity WHERE unit = ?", [SUB])}
    for category in demo.settings.choices()["service_category"]:
        assert (category in sub["area.service"]) == (category in used), category
    kinds = {r[0] for r in demo.db.execute("SELECT DISTINCT kind FROM publicity WHERE unit = ?", [SUB])}
    assert ("媒体宣传报道" in sub["area.publicity"]) == ("媒体报道" in kinds)
    assert ("通过演讲" in sub["area.values"]) == ("演讲" in kinds)


def test_an_empty_database_claims_nothing(store):
    texts = drafts(store, None)
    assert texts["basic"].startswith("本期间内尚无")
    for area in ("values", "models", "visits", "service", "publicity"):
        assert texts[f"area.{area}"].startswith("本期间内没有"), area
    assert "开展职工志愿服务活动" not in texts["opening"]


def test_a_period_without_activities_says_so(demo):
    texts = drafts(demo, SUB, ("2026-01-01", "2026-01-31"))
    assert texts["area.service"] != drafts(demo, SUB)["area.service"]
    assert "开展职工志愿服务活动" not in texts["opening"]


# -- printed ------------------------------------------------------------------------------------------------------
def test_libreoffice_prints_every_summary_without_a_lonely_signature(demo, tmp_path):
    units = [None, *(r[0] for r in demo.db.execute("SELECT DISTINCT unit FROM team ORDER BY unit"))]
    for n, unit in enumerate(units):
        path = export_summary(demo, tmp_path / f"s{n}.docx", unit=unit, today=TODAY)
        pages = [[re.sub(r"\s+", "", line) for line in p.splitlines() if line.strip()]
                 for p in page_texts(to_pdf(path, tmp_path))]    # pdftotext spaces CJK from digits
        sign = next(i for i, p in enumerate(pages) if "2026年12月20日" in p)
        closing = {"2026年12月20日", unit or "XX市总工会"}
        note = re.compile(r"(附件：)?\d+\..+|—\d+—")     # the 附件说明's items, the page number
        words = [line for line in pages[sign] if line not in closing and not note.fullmatch(line)]
        assert words, f"{unit}: the signature stands alone on page {sign + 1}"
        assert pages[sign + 1][0] == "附表1"
