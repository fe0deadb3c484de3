"""The 实施方案's team list: widths from the longest values, 队长 never split, no character alone on a line."""
import docx
import pytest
from docx.shared import Mm

from leifeng_desktop.exports import document as d
from leifeng_desktop.exports import table_fit as tf
from leifeng_desktop.exports.files import save_atomic
from leifeng_desktop.exports.plan import TEAM_HEADERS, build_plan

from libreoffice import LATIN_FONTS, page_texts, to_pdf

SUB = "XX市供电公司工会"
LONG_NAMES = ["国网XX市供电公司职工业余文化志愿服务团", "供电公司职工维权志愿服务团", "供电公司抢修志愿队"]
LEADERS = ["欧阳建国", "王建国", "李娜"]


@pytest.fixture
def teams(store, team_values):
    store.insert("unit", {"name": SUB, "kind": "基层工会"})
    kinds = store.settings.choices()["team_kind"]
    for name, leader, kind in zip(LONG_NAMES, LEADERS, kinds):
        store.insert("team", {**team_values, "name": name, "leader": leader, "kind": kind})
    return store


def cell_lines(table):
    return [(i, line) for row in table.rows for i, cell in enumerate(row.cells) for line in cell.text.split("\n")]


def test_balance_breaks_evenly_and_never_leaves_one_character():
    text = "国网XX市供电公司职工业余文化志愿服务团"
    for width in (20, 25, 30, 35, 40, 50, 60):
        out = tf.balance(text, width, d.SIZE_5)
        lines = out.split("\n")
        assert out.replace("\n", "") == text
        assert all(len(line) > 1 for line in lines), (width, lines)
        assert all(d.text_width_mm(line, d.SIZE_5) <= width - tf.CELL_PAD_MM for line in lines), (width, lines)
    assert tf.balance("王建国", 30, d.SIZE_5) == "王建国"
    assert not tf.balance("服务团（第一）", 14, d.SIZE_5).split("\n")[-1].startswith("）")


def test_widths_take_the_longest_value_and_fill_the_text_block():
    rows = [(1, "甲" * 20, "乙" * 8, "欧阳建国", 12, "2026.08.01")]
    widths = tf.column_widths(TEAM_HEADERS, rows, size=d.SIZE_5, total_mm=d.TEXT_W, whole={0, 3, 4, 5})
    assert abs(sum(widths) - d.TEXT_W) < 0.01
    for i in (0, 3, 4, 5):
        assert widths[i] >= tf.longest_mm([TEAM_HEADERS[i], rows[0][i]], d.SIZE_5) + tf.CELL_PAD_MM
    assert widths[1] > widths[2]      # the longer names get more room


def test_the_team_list_keeps_leaders_whole_and_no_lone_characters(teams, tmp_path):
    doc = docx.Document(str(save_atomic(build_plan(teams, unit=SUB), tmp_path / "p.docx")))
    table = doc.tables[0]
    leader_col = TEAM_HEADERS.index("队长")
    assert sorted(r.cells[leader_col].text for r in table.rows[1:]) == sorted(LEADERS)
    width = table.columns[leader_col].width
    assert width >= Mm(d.text_width_mm("欧阳建国", d.SIZE_5) + tf.CELL_PAD_MM) - Mm(0.1)
    wrapped = [c.text.split("\n") for r in table.rows for c in r.cells if "\n" in c.text]
    assert wrapped and all(len(line) > 1 for lines in wrapped for line in lines), wrapped
    assert any("\n" in r.cells[1].text for r in table.rows[1:])     # the longest name is balanced over two lines


@pytest.mark.parametrize("latin", list(LATIN_FONTS))
def test_libreoffice_prints_names_whole_and_lines_as_balanced(teams, tmp_path, latin):
    path = save_atomic(build_plan(teams, unit=SUB), tmp_path / "p.docx")
    lines = cell_lines(docx.Document(str(path)).tables[0])
    text = "".join(page_texts(to_pdf(path, tmp_path, latin=latin)))
    for leader in LEADERS:
        assert leader in text
    for _, line in lines:     # every line of every cell printed as one piece: nothing wrapped again
        assert line.replace(" ", "") in text.replace(" ", ""), line
