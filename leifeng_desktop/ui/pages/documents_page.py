"""报送与导出 → 总结材料 / 实施方案: the text parts a clerk writes (kept in the database, drafts from the records),
the highlights picked per content area, the period and unit scope, then the Word document off the GUI thread."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QMessageBox, QPlainTextEdit, QPushButton, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)

from ...core import texts
from ...core.store import Store
from ...core.validation import ValidationError


class DocumentPage(QWidget):
    """One document's editor. `picture()` (optional) returns a PNG of the dashboard for the summary."""

    def __init__(self, store: Store, doc: str, *, picture: Callable[[], Path] | None = None, parent=None):
        super().__init__(parent)
        self.store, self.doc, self.picture = store, doc, picture
        self.parts = texts.PARTS[doc]
        self._texts: dict[str, str] = {}
        self._dirty = False
        self.unit = QComboBox()
        self.unit.setObjectName("unit")
        self.unit.setToolTip("以哪个单位的名义、统计哪个单位的数据")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("单位："))
        bar.addWidget(self.unit)
        if doc == "summary":
            year = store.settings.get("year") or QDate.currentDate().year()
            self.date_from, self.date_to = QDateEdit(QDate(year, 1, 1)), QDateEdit(QDate(year, 12, 31))
            for edit, name in ((self.date_from, "date_from"), (self.date_to, "date_to")):
                edit.setObjectName(name)
                edit.setCalendarPopup(True)
                edit.setDisplayFormat("yyyy-MM-dd")
                edit.dateChanged.connect(self.load_highlights)
            bar.addWidget(QLabel("期间："))
            bar.addWidget(self.date_from)
            bar.addWidget(QLabel("至"))
            bar.addWidget(self.date_to)
            self.with_picture = QCheckBox("附仪表盘图片")
            self.with_picture.setObjectName("with_picture")
            self.with_picture.setEnabled(picture is not None)
            bar.addWidget(self.with_picture)
        bar.addStretch(1)
        self.save_button = QPushButton("保存文字(&S)")
        self.save_button.setObjectName("save_texts")
        self.export_button = QPushButton("导出 Word(&W)…")
        self.export_button.setObjectName("export_document")

        self.part_list = QListWidget()
        self.part_list.setObjectName("parts")
        for part in self.parts:
            item = QListWidgetItem(part.title.replace("主要做法和成效：", "做法和成效："))
            item.setToolTip(part.title)
            self.part_list.addItem(item)
        self.part_list.setMaximumWidth(300)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("part_text")
        self.draft_button = QPushButton("恢复为草稿(&D)")
        self.draft_button.setObjectName("restore_draft")
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.editor, 1)
        side.addWidget(self.draft_button, 0, Qt.AlignmentFlag.AlignRight)
        split = QSplitter()
        split.addWidget(self.part_list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(split, "文字部分")
        if doc == "summary":
            self.tabs.addTab(self._highlights_tab(), "亮点与典型事迹")
        self.status = QLabel()
        self.status.setObjectName("document_status")
        bottom = QHBoxLayout()   # a second row: the page must fit a 150 % scaled laptop screen
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self._fill_units()
        self.part_list.currentRowChanged.connect(self._show_part)
        self.editor.textChanged.connect(self._edited)
        self.unit.currentIndexChanged.connect(self.load)
        self.save_button.clicked.connect(self.save)
        self.export_button.clicked.connect(self.export_dialog)
        self.draft_button.clicked.connect(self.restore_draft)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.load()

    def _highlights_tab(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        self.area_list = QListWidget()
        self.area_list.setObjectName("areas")
        self.area_list.setMaximumWidth(200)
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
        return page

    def _fill_units(self) -> None:
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(f"本单位（{self.store.our_unit()}）", None)
        for row in self.store.db.query("SELECT name FROM unit WHERE name <> ? ORDER BY name", [self.store.our_unit()]):
            self.unit.addItem(row["name"], row["name"])
        self.unit.blockSignals(False)

    # -- texts ---------------------------------------------------------------------------------------------
    def load(self, *args) -> None:
        self._texts = texts.load_texts(self.store, self.doc, unit=self.unit.currentData())
        self._dirty = False
        self.part_list.setCurrentRow(max(self.part_list.currentRow(), 0))
        self._show_part(self.part_list.currentRow())
        if self.doc == "summary":
            self.load_highlights()
        self.status.setText("")

    def _show_part(self, row: int) -> None:
        if 0 <= row < len(self.parts):
            self.editor.blockSignals(True)
            self.editor.setPlainText(self._texts.get(self.parts[row].key, ""))
            self.editor.blockSignals(False)

    def _edited(self) -> None:
        row = self.part_list.currentRow()
        if 0 <= row < len(self.parts):
            self._texts[self.parts[row].key] = self.editor.toPlainText()
            self._dirty = True
            self.status.setText("有未保存的修改。")

    def restore_draft(self) -> None:
        row = self.part_list.currentRow()
        drafts = texts.draft_texts(self.store, self.doc, unit=self.unit.currentData())
        self.editor.setPlainText(drafts.get(self.parts[row].key, ""))

    @property
    def dirty(self) -> bool:
        return self._dirty

    def save(self) -> bool:
        values = dict(self._texts)
        if self.doc == "summary":
            values.update(self._picked)
        try:
            texts.save_texts(self.store, self.doc, values)
        except ValidationError as err:
            QMessageBox.warning(self, "无法保存", "\n".join(err.errors.values()))
            return False
        self._dirty = False
        self.status.setText("已保存。")
        return True

    # -- highlights ----------------------------------------------------------------------------------------
    def period(self) -> tuple[str, str]:
        return self.date_from.date().toString("yyyy-MM-dd"), self.date_to.date().toString("yyyy-MM-dd")

    def load_highlights(self, *args) -> None:
        start, end = self.period()
        unit = self.unit.currentData()
        self._candidates = texts.summary_highlights(self.store, date_from=start, date_to=end, unit=unit)
        chosen = texts.chosen_highlights(self.store, date_from=start, date_to=end, unit=unit)
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
        self._dirty = True
        self.status.setText("有未保存的修改。")

    # -- export --------------------------------------------------------------------------------------------
    def export_to(self, target: Path):
        """Save the texts, then write the document on a worker thread (same inputs, same document)."""
        from ..export_dialog import run_export
        if self._dirty and not self.save():
            return None
        unit = self.unit.currentData()
        if self.doc == "summary":
            from ...exports.summary import export_summary
            start, end = self.period()
            picture = None
            if self.with_picture.isChecked() and self.picture is not None:
                picture = Path(tempfile.mkdtemp()) / "仪表盘.png"
                self.picture(picture)
            job = lambda st, progress, cancelled: [export_summary(  # noqa: E731
                st, target, date_from=start, date_to=end, unit=unit, picture=picture)]
            title = "导出总结材料"
        else:
            from ...exports.plan import export_plan
            job = lambda st, progress, cancelled: [export_plan(st, target, unit=unit)]  # noqa: E731
            title = "导出实施方案"
        return run_export(self, self.store, job, title=title, folder=target.parent)

    def export_dialog(self):
        year = self.store.settings.get("year")
        name = f"{year}年学雷锋职工志愿服务活动总结.docx" if self.doc == "summary" else f"{year}年学雷锋职工志愿服务活动实施方案.docx"
        from ..export_dialog import ask_save_path
        target = ask_save_path(self, "导出 Word", name)
        return self.export_to(target) if target else None
