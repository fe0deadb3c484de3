"""Nothing a clerk must read is cut off on a 1366×768 screen at 100 % and at 150 %: elision_walk.py opens every page,
every tab and every dialog a page or a menu opens on the demo database, in a process of its own with Qt's own scale
(QT_SCALE_FACTOR), and elision_checks.py measures labels, buttons, combos and their popups, key columns of lists,
chart labels, tabs and scroll areas. The checks themselves are tested first on widgets cut on purpose."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from elision_checks import check_all, check_chart, check_table
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.fitting import fit_columns, fit_combo
from leifeng_desktop.ui.main_window import MainWindow

WALK = Path(__file__).with_name("elision_walk.py")
# what the walk must have seen, beyond every page: the editors with child lists, the export and import dialogs
DIALOGS = ("编辑志愿服务队", "编辑志愿服务活动", "编辑走访企业", "编辑困难职工", "导出登记表", "导入困难职工",
           "新建帮扶记录", "输入密码", "使用恢复密钥", "设置密码", "恢复密钥")   # the password's dialogs (issue 19)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("elision") / "demo.db"
    store = Store.open(path)
    load_demo(store)
    store.close()
    return path


@pytest.mark.parametrize(("scale", "data"), [("1", "demo"), ("1.5", "demo"), ("1.5", "empty")])
def test_nothing_is_cut_off(demo_db, tmp_path, scale, data):
    """On the demo data (full lists, every dialog) and on a new file (the first steps, the setup wizard)."""
    db = tmp_path / "leifeng.db"
    if data == "demo":
        db.write_bytes(demo_db.read_bytes())
    out = tmp_path / "walk.json"
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, str(WALK), str(db), str(out)], env=env, capture_output=True, text=True,
                          timeout=300, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr[-3000:]
    walk = json.loads(out.read_text(encoding="utf-8"))
    width, height = walk["size"]
    assert width <= round(1366 / float(scale)) + 1 and height <= round(768 / float(scale))
    assert not walk["problems"], f"at {scale}× on the {data} data, cut off:\n" + "\n".join(walk["problems"])
    visited = "\n".join(walk["visited"])
    for page in MainWindow.PAGES:
        assert page in walk["visited"], f"the walk never showed {page}"
    for title in DIALOGS if data == "demo" else ("首次使用",):
        assert f"“{title}" in visited, f"the walk never opened {title}"
    assert "› " in visited   # the tabs inside pages and dialogs


# -- the checks find what is cut --------------------------------------------------------------------------------
@pytest.fixture
def shown(qtbot):
    create_application()
    box = QWidget()
    qtbot.addWidget(box)
    return box


def test_checks_find_a_cut_label_button_combo_and_list(shown):
    row = QHBoxLayout(shown)
    label = QLabel("一段很长很长的说明文字不会换行")
    label.setFixedWidth(40)
    button = QPushButton("出具志愿服务记录证明")
    button.setFixedWidth(50)
    combo = QComboBox()
    combo.addItems(["全部队伍类型", "职工业余文化志愿服务团"])
    combo.setFixedWidth(60)
    fitted = fit_combo(QComboBox())
    fitted.addItems(["全部（按期与逾期）", "逾期"])
    parts = QListWidget()
    parts.addItem("做法和成效：深入开展社会主义核心价值体系教育" * 2)
    parts.setFixedWidth(120)
    for widget in (label, button, combo, fitted, parts):
        row.addWidget(widget)
    shown.show()
    problems = "\n".join(check_all(shown))
    assert "QLabel" in problems and "QPushButton" in problems and "QListWidget" in problems
    assert "职工业余文化志愿服务团" in problems   # the combo narrower than its longest entry
    assert "全部（按期与逾期）" not in problems   # fit_combo: as wide as its entries
    assert fitted.view().minimumWidth() >= fitted.view().sizeHintForColumn(0)


def test_table_check_finds_a_key_column_out_of_view(shown):
    table = QTableWidget(3, 6, shown)
    table.setHorizontalHeaderLabels(["姓名", "所在队伍", "备注一", "备注二", "备注三", "服务时长（小时）"])
    for r in range(3):
        for c in range(6):
            table.setItem(r, c, QTableWidgetItem("公交集团职工业余文化志愿服务团" if c else "张斌"))
    table.resize(400, 200)
    shown.show()
    table.setProperty("key_columns", [0, 5])
    for c in range(6):
        table.setColumnWidth(c, 150)
    assert any("服务时长" in p and "out of" in p for p in check_table(table))
    fit_columns(table, [0, 5])   # the name and the hours first
    assert check_table(table) == []
    assert table.horizontalHeader().visualIndex(5) == 1


def test_chart_check_finds_elided_axis_labels(shown):
    bars = QBarSet("场次")
    bars.append([3, 4, 5, 6])
    series = QBarSeries()
    series.append(bars)
    chart = QChart()
    chart.addSeries(series)
    axis = QBarCategoryAxis()
    axis.append(["扶老助残服务", "帮困解难服务", "应急救助服务", "便民利民服务"])
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis)
    view = QChartView(chart, shown)
    view.resize(180, 200)
    shown.show()
    assert any("elided" in p for p in check_chart(view))
    view.resize(900, 300)
    view.chart().resize(900, 300)
    assert not any("elided" in p for p in check_chart(view))
