"""The 登记表 as LibreOffice prints it, once with a Times-metric Latin font (Liberation Serif) and once with a wider
one (DejaVu Serif): one page up to 15 members, no number split over two lines, a second page that names the team,
第 n 页 共 m 页 on every page, each form of a combined file counted on its own."""
import datetime as dt
import re

import pytest
import test_registration
import test_registration_layout

from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store
from leifeng_desktop.exports.registration import build_registration, export_registration
from leifeng_desktop.exports.registration_roster import cell_value

from libreoffice import page_texts, pdf_fonts, pdf_info, to_pdf

TODAY, add_team = test_registration.TODAY, test_registration.add_team
full_team = test_registration.full_team          # the same fixture: a team with every field filled
FONTS = ("Liberation Serif", "DejaVu Serif")
NUMBERS = ("birth_month", "phone", "id_number")
FACE = {"Liberation Serif": "LiberationSerif", "DejaVu Serif": "DejaVuSerif"}


def page_of(text: str) -> tuple[int, int]:
    """(n, m) of the page's 第 n 页 共 m 页."""
    found = re.search(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", text)
    assert found, text[-300:]
    return int(found[1]), int(found[2])


def forms(pages: list[str]) -> list[list[str]]:
    """The pages of a combined file, grouped by form (a form's first page has the 填报单位 line)."""
    grouped: list[list[str]] = []
    for text in pages:
        if "填报单位（盖章）" in text:
            grouped.append([])
        grouped[-1].append(text)
    return grouped


def numbers_whole(members, text: str, *, reveal: bool = False) -> list[str]:
    """The roster's birth months, phones and 身份证号 that no line of `text` holds whole (split, or missing)."""
    lines = text.splitlines()
    wanted = [cell_value(s.MEMBER.field(k), m[k], reveal=reveal) for m in members for k in NUMBERS if m.get(k)]
    return [v for v in wanted if not any(v in line for line in lines)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    st = Store.open(tmp_path_factory.mktemp("demo") / "demo.db")
    load_demo(st)
    yield st
    st.close()


@pytest.mark.parametrize("latin", FONTS)
def test_the_demos_30_forms_print_one_page_each_with_every_number_whole(demo, tmp_path, latin):
    teams = demo.rows("team", order_by="unit, name")
    rosters = [demo.rows("member", where="team_id = ?", params=[t["id"]]) for t in teams]
    assert len(teams) == 30 and max(map(len, rosters)) <= 15
    path = tmp_path / "demo.docx"
    build_registration(demo, [t["id"] for t in teams], day=TODAY).save(str(path))
    pdf = to_pdf(path, tmp_path, latin)
    assert FACE[latin] in pdf_fonts(pdf)           # the Latin face the test pins is the one printed
    printed = forms(page_texts(pdf))
    assert len(printed) == 30
    for team, members, pages in zip(teams, rosters, printed):
        assert len(pages) == 1, (team["name"], len(members), latin)
        assert team["name"] in pages[0] and page_of(pages[0]) == (1, 1)
        assert numbers_whole(members, pages[0]) == [], team["name"]


@pytest.mark.parametrize("latin", FONTS)
def test_a_long_roster_runs_onto_a_second_page_that_names_the_team(store, full_team, tmp_path, latin):
    short, long = add_team(store, full_team, 15), add_team(store, {**full_team, "name": "第二支队"}, 30)
    paths = export_registration(store, [short, long], tmp_path / "out", day=TODAY)
    for path, count in zip(paths, (1, 2)):
        pages = page_texts(to_pdf(path, tmp_path, latin))
        assert len(pages) == count, (path.name, latin)
        assert [page_of(p) for p in pages] == [(n, count) for n in range(1, count + 1)]
    pages = page_texts(to_pdf(paths[1], tmp_path, latin))
    assert "填报单位（盖章）" not in pages[1]
    assert "登记表（续）" in pages[1] and "队伍名称：第二支队" in pages[1] and "登记表（续）" not in pages[0]
    assert "序号" in pages[1] and "单位意见" in pages[1]       # the header row repeats; the opinion box follows
    members = store.rows("member", where="team_id = ?", params=[long])
    assert numbers_whole(members, "\n".join(pages)) == []
    # the combined file: each form counts its own pages (the second form's 共 2 页 is the estimate written for
    # SECTIONPAGES, which Word recounts and LibreOffice shows as written)
    combined = page_texts(to_pdf(paths[2], tmp_path, latin))
    assert [page_of(p) for p in combined] == [(1, 1), (1, 2), (2, 2)]
    assert [len(f) for f in forms(combined)] == [1, 2]


@pytest.mark.parametrize("latin", FONTS)
def test_a_crowded_roster_of_15_still_prints_on_one_page(store, full_team, tmp_path, latin):
    team = add_team(store, full_team, 15)
    store.db.execute("UPDATE member SET work = ?, skills = ? WHERE team_id = ?",
                     [*test_registration_layout.CROWDED, team])
    path = tmp_path / "crowded.docx"
    build_registration(store, [team], day=TODAY).save(str(path))
    pages = page_texts(to_pdf(path, tmp_path, latin))
    assert len(pages) == 1 and page_of(pages[0]) == (1, 1)
    assert numbers_whole(store.rows("member", where="team_id = ?", params=[team]), pages[0]) == []


@pytest.mark.parametrize("latin", FONTS)
def test_full_numbers_are_set_smaller_but_never_split(store, full_team, tmp_path, latin):
    team = add_team(store, {**full_team, "contact_phone": "0755-12345678"}, 15)
    path = tmp_path / "full.docx"
    build_registration(store, [team], reveal=True, day=TODAY).save(str(path))
    pdf = to_pdf(path, tmp_path, latin)
    pages, width, height = pdf_info(pdf)
    assert pages == 1 and abs(width - 595.3) < 1 and abs(height - 841.9) < 1      # one A4 page
    members = store.rows("member", where="team_id = ?", params=[team])
    assert numbers_whole(members, page_texts(pdf)[0], reveal=True) == []


def test_today_is_the_default_filling_date(store, full_team):
    team = add_team(store, full_team, 1)
    text = "\n".join(p.text for p in build_registration(store, [team]).paragraphs)
    today = dt.date.today()
    assert f"填报日期：{today.year}年{today.month}月{today.day}日" in text
