"""The dashboard's boxes of figures. Every number is a Figure (one style, one way in: it opens the records behind
it); a breakdown indented under a figure adds up to it (Figure.part_of names that figure), and a grouping that
need not add up (working groups, where one enterprise may count for two) stands apart under its own heading."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QGroupBox, QLabel, QProgressBar, QPushButton

from ...core.validation import fen_to_yuan, minutes_to_hours

INDENT = "　"


class Figure(QPushButton):
    """A number that opens the records behind it. `value` is the number as counted (minutes, fen: what the text
    shows in hours or yuan); `part_of` is the key of the figure this one is a share of."""

    def __init__(self, key: tuple, text: str, opener: Callable[[tuple], object], *, value: int = 0,
                 part_of: tuple | None = None, label: str = "", parent=None):
        super().__init__(text, parent)
        self.key, self.value, self.part_of = key, value, part_of
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setObjectName("figure")
        self.setToolTip("点击（或按空格）查看这些记录")
        self.setAccessibleName(f"{label.strip()} {text}".strip())
        self.clicked.connect(lambda: opener(key))


class MakeFigure(Protocol):
    def __call__(self, key: tuple, value: int, *, text: str | None = None, part_of: tuple | None = None,
                 label: str = "") -> Figure: ...


def list_key(key: tuple) -> tuple[tuple, str | None]:
    """The figure whose list a figure opens, and a caption when it is not its own: a sum (服务时长, 受益群众, an
    amount) opens the records it sums, an aid programme's households its aid records."""
    if key in (("activities", "total_minutes"), ("activities", "beneficiaries")):
        return ("activities", "total"), f"计入{'服务时长' if key[1] == 'total_minutes' else '受益群众'}的志愿服务活动"
    if key == ("aid", "total_fen"):
        return ("aid", "count"), "计入帮扶金额的帮扶记录"
    if key[:2] == ("aid", "by_programme") and len(key) == 4:
        return key[:3], f"帮扶项目：{key[2]}（计入{'户数' if key[3] == 'households' else '金额'}的帮扶记录）"
    return key, None


def box(title: str, name: str) -> tuple[QGroupBox, QGridLayout]:
    made = QGroupBox(title)
    made.setObjectName(name)
    grid = QGridLayout(made)   # no layout alignment: it would break the wrapped labels' heightForWidth
    grid.setColumnStretch(4, 1)
    grid.setVerticalSpacing(2)
    return made, grid


def row(grid: QGridLayout, fig: MakeFigure, label: str, key: tuple, value: int, suffix: str = "", *,
        text: str | None = None, part_of: tuple | None = None) -> Figure:
    """label · figure · unit on a new row; a share of another figure is indented under it."""
    at = grid.rowCount()
    shown = f"{INDENT}{label}" if part_of else label
    grid.addWidget(QLabel(shown), at, 0)
    made = fig(key, value, text=text, part_of=part_of, label=label)
    grid.addWidget(made, at, 1)
    if suffix:
        grid.addWidget(QLabel(suffix), at, 2)
    return made


def heading(grid: QGridLayout, text: str) -> None:
    """A grouping of its own under a rule: what follows is not a share of the rows above."""
    rule = QFrame()
    rule.setFrameShape(QFrame.Shape.HLine)
    rule.setFrameShadow(QFrame.Shadow.Sunken)
    grid.addWidget(rule, grid.rowCount(), 0, 1, 5)
    if text:
        label = QLabel(text)
        label.setObjectName("figureHeading")
        label.setWordWrap(True)
        grid.addWidget(label, grid.rowCount(), 0, 1, 5)


def targets_box(s: Mapping[str, Any], fig: MakeFigure) -> QGroupBox:
    made, grid = box("目标完成情况", "targets")
    for key, label in (("enterprises", "走访企业（家）"), ("households", "走访帮扶困难职工（户）")):
        t = s["targets"][key]
        bar = QProgressBar()
        bar.setObjectName(f"{key}_progress")
        bar.setRange(0, max(t["target"], 1))
        bar.setValue(min(t["done"], t["target"]))
        bar.setFormat(f"{t['done']}/{t['target']} {round(100 * t['done'] / max(t['target'], 1))}%")
        bar.setMinimumWidth(bar.fontMetrics().horizontalAdvance(bar.format()) + 24)
        at = grid.rowCount()
        grid.addWidget(QLabel(label), at, 0)
        grid.addWidget(bar, at, 1)
        grid.addWidget(fig(("targets", key), t["done"], label=label), at, 2)
    grid.setColumnStretch(1, 3)   # the progress bars take the width
    if s["targets"]["enterprises"]["by_group"]:
        heading(grid, "各工作组走访的企业（一家企业由几个组走访时各组都计，故不与上面的总数相加）")
    for g in s["targets"]["enterprises"]["by_group"]:
        row(grid, fig, g["group"], ("targets", "enterprises", "by_group", g["group_id"]), g["done"], "家")
    return made


def teams_box(s: Mapping[str, Any], fig: MakeFigure) -> QGroupBox:
    t = s["teams"]
    made, grid = box("志愿服务队", "teams")
    total = ("teams", "total")
    row(grid, fig, "服务队总数", total, t["total"], "支")
    for k in t["by_kind"]:
        row(grid, fig, k["kind"] or "未填类型", ("teams", "by_kind", k["kind"]), k["count"], "支", part_of=total)
    heading(grid, "")
    row(grid, fig, "逾期成立", ("teams", "late"), t["late"], "支").setToolTip(
        "成立日期晚于设置中登记截止日的服务队（已计入上面的总数）；点击查看")
    if t["undated"]:
        row(grid, fig, "未填成立日期", ("teams", "undated"), t["undated"], "支")
    row(grid, fig, "队员", ("teams", "members"), t["members"], "人")
    return made


def activities_box(s: Mapping[str, Any], fig: MakeFigure) -> QGroupBox:
    a, p = s["activities"], s["publicity"]
    made, grid = box("志愿服务活动与宣传", "activities")
    row(grid, fig, "活动", ("activities", "total"), a["total"], "场")
    row(grid, fig, "参加志愿者", ("activities", "volunteers"), a["volunteers"], "人")
    row(grid, fig, "参与人次", ("activities", "participants"), a["participants"], "人次")
    row(grid, fig, "服务时长", ("activities", "total_minutes"), a["total_minutes"], "小时",
        text=minutes_to_hours(a["total_minutes"]) or "0")
    row(grid, fig, "受益群众", ("activities", "beneficiaries"), a["beneficiaries"], "人次")
    row(grid, fig, "宣传与文化活动", ("publicity", "total"), p["total"], "项")
    return made


def aid_box(s: Mapping[str, Any], fig: MakeFigure) -> QGroupBox:
    """项目 · 次数 · 户数 · 金额, then 合计: 次数 and 金额 add up; 户数 counts each household once."""
    aid = s["aid"]
    made, grid = box("帮扶", "aid")
    for col, text in enumerate(("项目", "次数", "户数", "金额（元）")):
        header = QLabel(f"<b>{text}</b>")
        header.setAlignment(Qt.AlignmentFlag.AlignRight if col else Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(header, 0, col)
    count, amount = ("aid", "count"), ("aid", "total_fen")
    for p in aid["by_programme"]:
        key = ("aid", "by_programme", p["programme"])
        at = grid.rowCount()
        grid.addWidget(QLabel(f"{INDENT}{p['programme'] or '未填项目'}"), at, 0)
        grid.addWidget(fig(key, p["count"], part_of=count, label=f"{p['programme']} 次数"), at, 1)
        grid.addWidget(fig((*key, "households"), p["households"], label=f"{p['programme']} 户数"), at, 2)
        grid.addWidget(fig((*key, "amount_fen"), p["amount_fen"], text=fen_to_yuan(p["amount_fen"]), part_of=amount,
                           label=f"{p['programme']} 金额"), at, 3)
    heading(grid, "")
    at = grid.rowCount()
    grid.addWidget(QLabel("合计"), at, 0)
    grid.addWidget(fig(count, aid["count"], label="帮扶合计次数"), at, 1)
    grid.addWidget(fig(("aid", "households"), aid["households"], label="受帮扶户数"), at, 2)
    grid.addWidget(fig(amount, aid["total_fen"], text=fen_to_yuan(aid["total_fen"]), label="帮扶合计金额"), at, 3)
    note = QLabel("一户可受多项帮扶，合计户数按户计一次。")
    note.setObjectName("pageNote")
    note.setWordWrap(True)
    grid.addWidget(note, grid.rowCount(), 0, 1, 5)
    return made


def others_box(s: Mapping[str, Any], fig: MakeFigure) -> QGroupBox:
    made, grid = box("走访、诉求与选树典型", "others")
    v, d, h = s["visits"], s["demands"], s["honors"]
    row(grid, fig, "走访企业", ("visits", "enterprise_visits"), v["enterprise_visits"], "次")
    row(grid, fig, "走访困难职工", ("visits", "household_visits"), v["household_visits"], "次")
    row(grid, fig, "职工诉求", ("demands", "total"), d["total"], "件")
    row(grid, fig, "其中逾期未办结", ("demands", "overdue"), d["overdue"], "件")
    heading(grid, "")
    row(grid, fig, "选树典型", ("honors", "total"), h["total"], "个")
    for status in h["by_status"]:
        row(grid, fig, status["status"] or "未填状态", ("honors", "by_status", status["status"]), status["count"], "个",
            part_of=("honors", "total"))
    return made


def arrivals_box(arrived: Mapping[str, Any], expected: list[str], scope: str | None) -> QGroupBox | None:
    """各单位数据包: per unit, its last bundle merged here (core.bundle_merge.arrivals: when, how many records) and
    the units expected to report none came from yet. No box on a file that has merged no bundle."""
    if not arrived:
        return None
    from ..bundle_preview import when
    names = [scope] if scope else [*expected, *sorted(set(arrived) - set(expected))]
    made, grid = box("各单位数据包（最近一次导入）", "arrivals")
    for name in names:
        a = arrived.get(name)
        at = grid.rowCount()
        grid.addWidget(QLabel(name), at, 0)
        text = f"{when(a.imported_at)} 导入，{a.records} 条记录" if a else "尚未收到数据包"
        shown = QLabel(text)
        shown.setToolTip(f"文件“{a.file_name}”，生成于 {when(a.bundle_created_at)}" if a else "")
        grid.addWidget(shown, at, 1, 1, 4)
    return made
