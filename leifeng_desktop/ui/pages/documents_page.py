"""报送与导出 → 总结材料 / 实施方案: what both pages share. The text parts a clerk writes (kept in the database, drafts
from the records) for a unit, saved together, then the Word document written off the GUI thread. SummaryPage
(summary_page.py) adds the period, the highlights and the dashboard picture; PlanPage (plan_page.py) the plan's file."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core import lookups, texts
from ...core.errors import UserError
from ...core.store import Store
from ...core.validation import ValidationError
from ..fitting import wrap_list
from ..qt import shortcut


class DocumentPage(QWidget):
    """One document's text parts for a unit. A subclass names its `doc` (core.texts.DOCS), its export title and
    file name, and may add widgets to the top bar, tabs, values saved with the texts and its export job."""

    doc = ""
    export_title = ""
    file_name = "{year}.docx"   # formatted with the campaign year

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.parts = texts.PARTS[self.doc]
        self._texts: dict[str, str] = {}
        self._dirty = False
        self.unit = QComboBox()
        self.unit.setObjectName("unit")
        self.unit.setToolTip("以哪个单位的名义、统计哪个单位的数据")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("单位："))
        bar.addWidget(self.unit)
        self.add_to_bar(bar)
        bar.addStretch(1)
        self.save_button = QPushButton("保存文字(&S)")
        self.save_button.setObjectName("save_texts")
        self.export_button = QPushButton("导出 Word(&W)…")
        self.export_button.setObjectName("export_document")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._parts_tab(), "文字部分")
        for title, widget in self.extra_tabs():
            self.tabs.addTab(widget, title)
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
        shortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.load()

    # -- what a document adds --------------------------------------------------------------------------------
    def add_to_bar(self, bar: QHBoxLayout) -> None:
        """Widgets after the unit in the top bar."""

    def extra_tabs(self) -> list[tuple[str, QWidget]]:
        return []

    def extra_values(self) -> dict:
        """Values saved with the texts (core.texts.save_texts keys)."""
        return {}

    def loaded(self) -> None:
        """After the texts of a unit were loaded."""

    def draft_scope(self) -> dict:
        """What the drafts are built for (core.texts.load_texts/draft_texts keywords): the unit, and what the
        document adds (the summary's period)."""
        return {"unit": self.unit.currentData()}

    def export_job(self, target: Path, unit: str | None):
        """`job(store, progress, cancelled)` writing the document to `target` (on a worker thread)."""
        raise NotImplementedError

    # -- the parts ---------------------------------------------------------------------------------------------
    def _parts_tab(self) -> QWidget:
        self.part_list = QListWidget()
        self.part_list.setObjectName("parts")
        for part in self.parts:
            item = QListWidgetItem(part.title.replace("主要做法和成效：", "做法和成效："))
            item.setToolTip(part.title)
            self.part_list.addItem(item)
        self.part_list.setMaximumWidth(300)
        wrap_list(self.part_list)   # a long part title wraps: no horizontal scroll bar
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
        return split

    def _fill_units(self) -> None:
        self.unit.blockSignals(True)
        self.unit.clear()
        ours = self.store.our_unit()
        self.unit.addItem(f"本单位（{ours}）", None)
        for name in lookups.unit_names(self.store, exclude=ours):
            self.unit.addItem(name, name)
        self.unit.blockSignals(False)

    def load(self, *args) -> None:
        self._texts = texts.load_texts(self.store, self.doc, **self.draft_scope())
        self._dirty = False
        self.part_list.setCurrentRow(max(self.part_list.currentRow(), 0))
        self._show_part(self.part_list.currentRow())
        self.loaded()
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
            self.touched()

    def touched(self) -> None:
        self._dirty = True
        self.status.setText("有未保存的修改。")

    def restore_draft(self) -> None:
        row = self.part_list.currentRow()
        drafts = texts.draft_texts(self.store, self.doc, **self.draft_scope())
        self.editor.setPlainText(drafts.get(self.parts[row].key, ""))

    @property
    def dirty(self) -> bool:
        return self._dirty

    def save(self) -> bool:
        """Keep the texts (and what the document adds); a refusal is shown and what was typed stays."""
        try:
            texts.save_texts(self.store, self.doc, {**self._texts, **self.extra_values()},   # a draft stays a draft
                             drafts=texts.draft_texts(self.store, self.doc, **self.draft_scope()))
        except ValidationError as err:
            QMessageBox.warning(self, "无法保存", "\n".join(err.errors.values()))
            return False
        except UserError as err:   # the database is busy or read-only: the texts stay on the page
            QMessageBox.warning(self, "无法保存", str(err))
            return False
        self._dirty = False
        self.status.setText("已保存。")
        return True

    # -- export ------------------------------------------------------------------------------------------------
    def export_to(self, target: Path):
        """Save the texts, then write the document on a worker thread (same inputs, same document)."""
        from ..export_dialog import run_export
        if self._dirty and not self.save():
            return None
        job = self.export_job(target, self.unit.currentData())
        return run_export(self, self.store, job, title=self.export_title, folder=target.parent)

    def export_dialog(self):
        from ..export_dialog import ask_save_path
        target = ask_save_path(self, "导出 Word", self.file_name.format(year=self.store.settings.get("year")))
        return self.export_to(target) if target else None
