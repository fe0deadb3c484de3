"""The dashboard's two charts: activities by service category and by month. Each bar or point opens the records
behind it through the page's opener (a figure key → its list)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter

Opener = Callable[[tuple], object]


def chart_view(chart: QChart, name: str) -> QChartView:
    view = QChartView(chart)
    view.setObjectName(name)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(230)
    chart.legend().setVisible(False)
    chart.setBackgroundRoundness(0)
    chart.setMargins(chart.margins().__class__(4, 4, 4, 4))
    return view


def _bar_chart(title: str, name: str, labels: list[str], values: list[float], keys: list[tuple],
               opener: Opener) -> QChartView:
    bars = QBarSet(title)
    bars.append(values)
    series = QBarSeries()
    series.append(bars)
    bars.clicked.connect(lambda index: opener(keys[index]))
    chart = QChart()
    chart.setTitle(title)
    chart.addSeries(series)
    axis_x, axis_y = QBarCategoryAxis(), QValueAxis()
    axis_x.append(labels)
    axis_y.setLabelFormat("%d")
    axis_y.setRange(0, max(values + [4]) * 1.15)
    axis_y.applyNiceNumbers()   # whole-number ticks, also on an empty database
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    series.setLabelsVisible(True)
    return chart_view(chart, name)


def category_chart(s: Mapping[str, Any], opener: Opener) -> QChartView:
    cats = s["activities"]["by_category"]
    return _bar_chart("按服务内容的活动场次（点击柱子查看）", "category_chart", [c["category"] for c in cats],
                      [c["count"] for c in cats], [("activities", "by_category", c["category"]) for c in cats], opener)


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
    axis_x, axis_y = QBarCategoryAxis(), QValueAxis()
    axis_x.append([f"{int(m['month'][5:])}月" for m in months])
    axis_y.setLabelFormat("%d")
    axis_y.setRange(0, max([m["count"] for m in months] + [4]) * 1.15)
    axis_y.applyNiceNumbers()
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_line = QValueAxis()
    axis_line.setRange(-0.5, len(months) - 0.5)
    axis_line.setVisible(False)
    chart.addAxis(axis_line, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_line)
    return chart_view(chart, "month_chart")
