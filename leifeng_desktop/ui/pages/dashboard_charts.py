"""The dashboard's two charts: activities by service category (horizontal bars, so a long category name reads in
full) and by month ("1月" … "12月"). Each bar or point opens the records behind it through the page's opener (a
figure key → its list). ChartsRow sets them side by side, or one above the other where the window is too narrow
for twelve month labels in half its width (1366×768 at 150 %)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QBoxLayout, QLayout, QWidget

Opener = Callable[[tuple], object]
BAR_HEIGHT = 1.6      # a category's row, in lines of the axis font
MONTH_ROOM = 1.25     # a month's slot, in widths of its widest label ("12月"), so none is elided


def chart_view(chart: QChart, name: str) -> QChartView:
    view = QChartView(chart)
    view.setObjectName(name)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(230)
    chart.legend().setVisible(False)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    return view


def _value_axis(values: list[int]) -> QValueAxis:
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setRange(0, max(values + [4]) * 1.15)
    axis.applyNiceNumbers()   # whole-number ticks, also on an empty database
    return axis


def category_chart(s: Mapping[str, Any], opener: Opener) -> QChartView:
    """One horizontal bar per service category, the first on top, the count beside each bar."""
    cats = list(reversed(s["activities"]["by_category"]))   # a horizontal bar axis runs bottom-up
    title = "按服务内容的活动场次（点击柱子查看）"
    bars = QBarSet(title)
    bars.append([c["count"] for c in cats])
    keys = [("activities", "by_category", c["category"]) for c in cats]
    bars.clicked.connect(lambda index: opener(keys[index]))
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    bars.setLabelColor(QColor("#222222"))   # beside the bar, on white: the default white would not show
    chart = QChart()
    chart.setTitle(title)
    chart.addSeries(series)
    axis_y, axis_x = QBarCategoryAxis(), _value_axis([c["count"] for c in cats])
    axis_y.append([c["category"] for c in cats])
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_y)
    series.attachAxis(axis_x)
    view = chart_view(chart, "category_chart")
    line = QFontMetrics(axis_y.labelsFont()).height()
    view.setMinimumHeight(max(230, round(len(cats) * line * BAR_HEIGHT) + 4 * line))
    return view


def month_labels(months: list[Mapping[str, Any]]) -> list[str]:
    return [f"{int(m['month'][5:])}月" for m in months]


def month_chart(s: Mapping[str, Any], opener: Opener) -> QChartView:
    months = s["activities"]["by_month"]
    series = QLineSeries()
    series.setName("活动场次")
    for i, m in enumerate(months):
        series.append(QPointF(i, m["count"]))
    series.setPointsVisible(True)
    series.clicked.connect(lambda point: opener(
        ("activities", "by_month", months[min(max(round(point.x()), 0), len(months) - 1)]["month"])))
    chart = QChart()
    chart.setTitle("各月活动场次")
    chart.addSeries(series)
    axis_x, axis_y = QBarCategoryAxis(), _value_axis([m["count"] for m in months])
    axis_x.append(month_labels(months))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_line = QValueAxis()
    axis_line.setRange(-0.5, len(months) - 0.5)
    axis_line.setVisible(False)
    chart.addAxis(axis_line, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_line)
    view = chart_view(chart, "month_chart")
    metrics = QFontMetrics(axis_x.labelsFont())
    widest = max((metrics.horizontalAdvance(t) for t in month_labels(months) or ["12月"]), default=0)
    view.setMinimumWidth(round(len(months) * widest * MONTH_ROOM) + 6 * metrics.height())
    return view


class ChartsRow(QWidget):
    """Both charts: side by side when each gets the width it needs, else one above the other."""

    def __init__(self, s: Mapping[str, Any], opener: Opener, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("charts")
        self.category = category_chart(s, opener)
        self.month = month_chart(s, opener)
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)   # narrower than two charts: stack them
        self.row.addWidget(self.category, 1)
        self.row.addWidget(self.month, 1)

    def side_by_side_width(self) -> int:
        return 2 * max(self.category.minimumWidth(), self.month.minimumWidth()) + self.row.spacing()

    def resizeEvent(self, event) -> None:
        wide = event.size().width() >= self.side_by_side_width()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.row.direction() != direction:
            self.row.setDirection(direction)
        super().resizeEvent(event)

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        hint.setWidth(max(self.category.minimumWidth(), self.month.minimumWidth()))
        return hint


def charts_row(s: Mapping[str, Any], opener: Opener) -> ChartsRow:
    return ChartsRow(s, opener)
