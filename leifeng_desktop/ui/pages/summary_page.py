"""总结材料: the text parts, the period it reports on (figures, drafts and highlights all follow it), the
highlights picked per content area, and whether the document carries its statistics charts (附统计图)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import texts
from ...core.store import Store
from ..fitting import wrap_list
from .documents_page import DocumentPage


class SummaryPage(DocumentPage):
    doc = "summary"
    export_title = "导出总结材料"
    file_name = "{year}年学雷锋职工志愿服务活动总结.docx"

    def __init__(self, store: Store, *, parent: QWidget | None = None):
        self._candidates: dict[str, list] = {}
        self._picked: dict[str, list] = {}
        self._highlights_stale = True   # read when their tab is shown (or the texts are saved), not before
        super().__init__(store, parent)
        self.tabs.currentChanged.connect(lambda *_: self._highlights_on_show())

    def add_to_bar(self, bar: QHBoxLayout) -> None:
        year = self.store.settings.get("year") or QDate.currentDate().year()
        self.date_from, self.date_to = QDateEdit(QDate(year, 1, 1)), QDateEdit(QDate(year, 12, 31))
        for edit, name in ((self.date_from, "date_from"), (self.date_to, "date_to")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._period_changed)
        bar.addWidget(QLabel("期间："))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.date_to)
        self.with_chart = QCheckBox("附统计图")
        self.with_chart.setObjectName("with_chart")
        self.with_chart.setToolTip("在“基本情况”下附按服务内容、按月份统计的活动场次图（Word 图表，可在 Word 中编辑）")
        self.with_chart.setChecked(True)
        bar.addWidget(self.with_chart)

    def extra_tabs(self) -> list[tuple[str, QWidget]]:
        page = QWidget()
        layout = QHBoxLayout(page)
        self.area_list = QListWidget()
        self.area_list.setObjectName("areas")
        self.area_list.setMaximumWidth(200)
        wrap_list(self.area_list)
        for _key, title in texts.HIGHLIGHT_AREAS:
            item = QListWidgetItem(title)
            item.setToolTip(title)
            self.area_list.addItem(item)
        self.candidates = QListWidget()
        self.candidates.setObjectName("candidates")
        self.candidates.setWordWrap(True)
        note = QLabel("勾选要写进总结材料的事例（按列表顺序）；未改动过的栏目默认选取前几项。")
        note.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(note)
        right.addWidget(self.candidates, 1)
        layout.addWidget(self.area_list)
        layout.addLayout(right, 1)
        self.area_list.currentRowChanged.connect(self._show_area)
        self.candidates.itemChanged.connect(self._pick_changed)
        self.highlights_tab = page
        return [("亮点与典型事迹", page)]

    def draft_scope(self) -> dict:
        start, end = self.period()
        return {"unit": self.unit.currentData(), "date_from": start, "date_to": end}

    def _period_changed(self, *args) -> None:
        """The drafts follow the period's records (unless the clerk is editing); the highlights always do."""
        if self.dirty:
            self._highlights_changed()
        else:
            self.load()

    def extra_values(self) -> dict:
        if self._highlights_stale:   # never shown: the picks saved with the texts are read first
            self.load_highlights()
        return dict(self._picked)

    def loaded(self) -> None:
        self._highlights_changed()

    def _highlights_changed(self) -> None:
        """The period or unit changed: the highlights are read again now if on show, else when next shown."""
        self._highlights_stale = True
        self._highlights_on_show()

    def _highlights_on_show(self) -> None:
        if self._highlights_stale and self.tabs.currentWidget() is self.highlights_tab:
            self.load_highlights()

    # -- highlights ------------------------------------------------------------------------------------------
    def period(self) -> tuple[str, str]:
        return self.date_from.date().toString("yyyy-MM-dd"), self.date_to.date().toString("yyyy-MM-dd")

    def load_highlights(self, *args) -> None:
        start, end = self.period()
        unit = self.unit.currentData()
        self._candidates = texts.summary_highlights(self.store, date_from=start, date_to=end, unit=unit)
        chosen = texts.chosen_highlights(self.store, date_from=start, date_to=end, unit=unit,
                                         candidates=self._candidates)   # read once, not twice
        self._highlights_stale = False
        self._picked = {f"highlights.{a}": [c["id"] for c in items] for a, items in chosen.items()}
        self.area_list.setCurrentRow(max(self.area_list.currentRow(), 0))
        self._show_area(self.area_list.currentRow())

    def _show_area(self, row: int) -> None:
        if not 0 <= row < len(texts.HIGHLIGHT_AREAS):
            return
        area = texts.HIGHLIGHT_AREAS[row][0]
        picked = set(self._picked.get(f"highlights.{area}", []))
        self.candidates.blockSignals(True)
        self.candidates.clear()
        for c in self._candidates.get(area, []):
            item = QListWidgetItem(f"{c['date']}　{c['sentence']}")
            item.setData(Qt.ItemDataRole.UserRole, c["id"])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c["id"] in picked else Qt.CheckState.Unchecked)
            self.candidates.addItem(item)
        if not self._candidates.get(area):
            self.candidates.addItem("（所选期间和单位内没有可选的记录）")
        self.candidates.blockSignals(False)

    def _pick_changed(self, *args) -> None:
        area = texts.HIGHLIGHT_AREAS[self.area_list.currentRow()][0]
        self._picked[f"highlights.{area}"] = [
            self.candidates.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.candidates.count())
            if self.candidates.item(i).checkState() == Qt.CheckState.Checked]
        self.touched()

    # -- export ----------------------------------------------------------------------------------------------
    def export_job(self, target: Path, unit: str | None):
        from ...exports.summary import export_summary
        start, end = self.period()
        chart = self.with_chart.isChecked()
        return lambda st, progress, cancelled: [export_summary(
            st, target, date_from=start, date_to=end, unit=unit, chart=chart)]
