"""仪表盘: the plan's targets and deadlines for the campaign year and a unit scope. Every figure comes from
core.stats (computed off the GUI thread) and is a way in: clicking it lists the records behind it."""
from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core import lookups
from ...core import stats as st
from ...core.filters import Filter
from ...core.start_check import interrupt
from ...core.stats_shape import CampaignStats
from ...core.store import Store
from ..fitting import fit_combo
from ..workers import Cancelled, Task, failure_message
from . import dashboard_boxes as boxes
from .dashboard_boxes import Figure, list_key
from .first_steps import FirstStepsPanel, before_teams_box

FIGURE_STYLE = ("QPushButton#figure { color: #1a5fb4; font-weight: bold; border: none; padding: 0 6px;"
                " text-align: right; min-width: 3em; }"
                " QPushButton#figure:hover { text-decoration: underline; }")
WATCHED = {"team", "member", "activity", "participant", "publicity", "enterprise_visit", "demand", "household",
           "household_visit", "aid", "honor", "submission", "unit", "working_group", "settings", "*"}


class FigureListDialog(QDialog):
    """The records behind one figure, as a list that opens each record's editor."""

    def __init__(self, store: Store, figure: st.FigureFilter, parent=None):
        super().__init__(parent)
        from .record_page import RecordListPage  # its list machinery is imported when a figure is opened
        self.setWindowTitle(figure.label)
        self.page = RecordListPage(store, figure.record_type, description=f"仪表盘：{figure.label}")
        self.page.base_filter = Filter(figure.label, figure.where, tuple(figure.params))
        self.page.apply_filters()
        layout = QVBoxLayout(self)
        layout.addWidget(self.page)
        self.resize(900, 520)


class DashboardPage(QWidget):
    figureOpened = Signal(object)   # the FigureFilter of a clicked figure
    figuresShown = Signal()   # each time counted figures are on show

    def __init__(self, store: Store, parent: QWidget | None = None, *, count: bool = True):
        """`count` False: the first count waits for refresh() (the window's start: after its first paint)."""
        super().__init__(parent)
        self.store = store
        self.stats: CampaignStats | None = None
        self._task: Task | None = None
        self._counting: Store | None = None   # the worker's store while it counts (interrupted at shutdown)
        self._stopping = False
        self._count_lock = threading.Lock()
        self.dialogs: list[QDialog] = []
        self.unit = QComboBox()
        self.unit.setObjectName("unit_scope")
        self.unit.setToolTip("统计范围")
        self.status = QLabel()
        self.status.setObjectName("dashboard_status")
        save = QPushButton("保存为图片(&P)…")
        save.setObjectName("save_png")
        save.clicked.connect(self.save_png_dialog)
        title = QLabel("仪表盘")
        title.setObjectName("pageTitle")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.unit)
        top.addWidget(self.status, 1)
        top.addWidget(save)

        self.body = QWidget()
        self.body.setObjectName("dashboard_body")
        self.body.setStyleSheet(FIGURE_STYLE)
        self.grid = QGridLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.first_steps = FirstStepsPanel(store)   # a new database: 设置 → 登记服务队 → 导出登记表 → 记录活动
        layout.addWidget(self.first_steps)
        layout.addWidget(scroll, 1)
        self._fill_units()
        fit_combo(self.unit)   # as wide as the longest unit name, the popup too (once filled: 300 units at a city)
        self.unit.currentIndexChanged.connect(self.refresh)
        self._timer = QTimer(self, singleShot=True, interval=400)   # many edits in a row: one recount
        self._timer.timeout.connect(self.refresh)
        self._listener = self._records_changed
        store.subscribe(self._listener)
        self.destroyed.connect(lambda *_a, s=store, li=self._listener: s.unsubscribe(li))
        if count:
            self.refresh()

    def _records_changed(self, key: str) -> None:
        if key in WATCHED:
            self._timer.start()

    def shutdown(self) -> None:
        """Stop recounting; a count in progress is interrupted (seconds at city scale) and its thread waited for
        (it must not outlive the page)."""
        self._timer.stop()
        self.store.unsubscribe(self._listener)
        with self._count_lock:
            self._stopping = True
        while True:   # between two statements an interrupt is lost: repeat it until the count has stopped
            with self._count_lock:
                own = self._counting
            if own is None:
                break
            interrupt(own)
            time.sleep(0.002)
        if self._task is not None:
            self._task.stop_and_wait()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

    def _fill_units(self) -> None:
        names = lookups.unit_names(self.store)
        if self.unit.count() and [self.unit.itemData(i) for i in range(1, self.unit.count())] == names:
            return   # unchanged: refilling 300 units costs the popup's fitting a pass per unit
        self.unit.blockSignals(True)
        current = self.unit.currentData()
        self.unit.clear()
        self.unit.addItem("全部单位", None)
        for name in names:
            self.unit.addItem(name, name)
        self.unit.setCurrentIndex(max(self.unit.findData(current), 0))
        self.unit.blockSignals(False)

    # -- computing -----------------------------------------------------------------------------------------
    def refresh(self, *args) -> None:
        """Recount on a worker thread with its own connection; the window stays responsive on a large file."""
        if self._stopping:
            return
        if self._task is not None and self._task.is_running():
            self._timer.start()
            return
        unit = self.unit.currentData()
        self.status.setText("正在统计…")
        self._task = Task(lambda own, progress, cancelled: self._count(own, unit),
                          db_path=self.store.path, read_only=True, parent=self, show_dialog=False)
        self._task.done.connect(self.show_stats)
        self._task.failed.connect(lambda exc: self.status.setText(f"统计失败：{failure_message(exc)}"))
        self._task.start()

    def _count(self, own: Store, unit: str | None) -> CampaignStats:
        """On the worker: the figures, unless the page is going away."""
        with self._count_lock:
            if self._stopping:
                raise Cancelled
            self._counting = own
        try:
            return st.campaign_stats(own, unit=unit)
        finally:
            with self._count_lock:
                self._counting = None

    def refresh_now(self) -> CampaignStats:
        """Count on this thread (tests, the summary export)."""
        stats = st.campaign_stats(self.store, unit=self.unit.currentData())
        self.show_stats(stats)
        return stats

    # -- showing -------------------------------------------------------------------------------------------
    def open_figure(self, key: tuple) -> FigureListDialog:
        """The records behind a figure; a sum opens the records it adds up (list_key)."""
        shown = self.stats
        assert shown is not None, "a figure is on show only once its statistics are"
        behind, caption = list_key(tuple(key))
        figure = st.filters_for(self.store, behind, year=shown["year"], unit=shown["unit"], today=shown["today"])
        if caption:
            figure = figure._replace(label=caption)
        self.figureOpened.emit(figure)
        dialog = FigureListDialog(self.store, figure, parent=self)
        self.dialogs.append(dialog)
        dialog.show()
        return dialog

    def _fig(self, key: tuple, value: int, *, text: str | None = None, part_of: tuple | None = None,
             label: str = "") -> Figure:
        figure = Figure(key, str(value) if text is None else text, self.open_figure, value=value, part_of=part_of,
                        label=label)
        self.figures.append(figure)
        return figure

    def show_stats(self, stats: CampaignStats) -> None:
        self.stats = stats
        self.figures: list[Figure] = []   # those on show now (old ones wait for deleteLater)
        self._fill_units()
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()   # Qt owns it: never setParent(None) here, Python would delete it twice
        scope = stats["unit"] or "全部单位"
        self.status.setText(f"{stats['year']}年 · {scope} · 统计至 {stats['today']}")
        self.grid.addWidget(self._targets(stats), 0, 0)
        self.first_steps.update_steps()   # no team yet: no deadline counts against the file
        self.grid.addWidget(self._reporting(stats) if self.first_steps.has_team else before_teams_box(), 0, 1)
        self.grid.addWidget(self._teams(stats), 1, 0)
        self.grid.addWidget(self._activity_figures(stats), 1, 1)
        from .dashboard_charts import charts_row  # QtCharts is loaded with the first figures, after the first paint
        self.grid.addWidget(charts_row(stats, self.open_figure), 2, 0, 1, 2)
        self.grid.addWidget(self._aid(stats), 3, 0)
        self.grid.addWidget(self._others(stats), 3, 1)
        self.grid.addWidget(self._teams_by_unit(stats), 4, 0, 1, 2)
        self._arrivals(stats)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        for i in range(self.grid.count()):   # now, not on the next turn of the event loop (a picture may be next)
            item = self.grid.itemAt(i)
            box = item.widget() if item is not None else None
            layout = box.layout() if isinstance(box, QGroupBox) else None
            if isinstance(layout, QGridLayout):   # spare height goes below the rows, not between them
                layout.setRowStretch(layout.rowCount(), 1)
            if box is not None:
                box.show()
        self.figuresShown.emit()

    def _box(self, title: str, name: str) -> tuple[QGroupBox, QGridLayout]:
        return boxes.box(title, name)

    def _targets(self, s: Mapping[str, Any]) -> QGroupBox:
        return boxes.targets_box(s, self._fig)

    def _reporting(self, s: Mapping[str, Any]) -> QGroupBox:
        box, grid = self._box("报送情况（未报送）", "reporting")
        for m in s["reporting"]["materials"]:
            if m["days_left"] is not None:
                when = f"截止 {m['deadline']}，还有 {m['days_left']} 天"
            elif m["days_overdue"] is not None:
                when = f"截止 {m['deadline']}，已过 {m['days_overdue']} 天"
            else:
                when = "未设截止日期"
            row = grid.rowCount()
            grid.addWidget(QLabel(f"{m['material']}：已报 "), row, 0)
            grid.addWidget(self._fig(("reporting", "materials", m["material"], "sent"), m["sent"]), row, 1)
            grid.addWidget(QLabel("未报"), row, 2)
            grid.addWidget(self._fig(("reporting", "materials", m["material"], "missing"), len(m["missing"])), row, 3)
            note = QLabel(when + ("；未报：" + "、".join(m["missing"][:6]) + ("等" if len(m["missing"]) > 6 else "")
                                  if m["missing"] else ""))
            note.setWordWrap(True)
            grid.addWidget(note, row + 1, 0, 1, 4)
        return box

    def _teams(self, s: Mapping[str, Any]) -> QGroupBox:
        return boxes.teams_box(s, self._fig)

    def _teams_by_unit(self, s: Mapping[str, Any]) -> QGroupBox:
        box, grid = self._box("各单位服务队（尚未组建的类型）", "teams_by_unit")
        for u in s["teams"]["by_unit"]:
            row = grid.rowCount()
            grid.addWidget(QLabel(u["unit"]), row, 0)
            grid.addWidget(self._fig(("teams", "by_unit", u["unit"]), u["count"]), row, 1)
            missing = QLabel("、".join(u["missing_kinds"]) if u["missing_kinds"] else "各类均已组建")
            missing.setWordWrap(True)
            grid.addWidget(missing, row, 2, 1, 3)
        grid.setColumnStretch(2, 1)
        return box

    def _arrivals(self, s: Mapping[str, Any]) -> None:
        """Per unit, its last data bundle merged here (issue 17); nothing on a file that merged none."""
        from ...core.bundle_merge import arrivals
        expected = [u["unit"] for u in s["reporting"]["units"] if u["unit"] != self.store.our_unit()]
        made = boxes.arrivals_box(arrivals(self.store), expected, s["unit"])
        if made is not None:
            self.grid.addWidget(made, 5, 0, 1, 2)

    def _activity_figures(self, s: Mapping[str, Any]) -> QGroupBox:
        return boxes.activities_box(s, self._fig)

    def _aid(self, s: Mapping[str, Any]) -> QGroupBox:
        return boxes.aid_box(s, self._fig)

    def _others(self, s: Mapping[str, Any]) -> QGroupBox:
        return boxes.others_box(s, self._fig)

    # -- picture -------------------------------------------------------------------------------------------
    def save_png(self, path: Path) -> Path:
        """The dashboard as a picture (the summary materials can include it)."""
        if not self.body.grab().save(str(path), "PNG"):
            raise OSError(f"无法保存图片“{path}”")
        return Path(path)

    def save_png_dialog(self) -> None:
        from ..export_dialog import ask_save_path
        path = ask_save_path(self, "保存仪表盘图片", f"仪表盘_{QDate.currentDate().toString('yyyyMMdd')}.png")
        if path:
            self.save_png(path)
