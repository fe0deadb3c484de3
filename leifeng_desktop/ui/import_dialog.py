"""Importing rows from an .xlsx workbook: the core reads and checks every row (core.xlsx_import), this dialog
shows each row with its problems, and only the valid rows go on when the clerk confirms."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import schema as s
from ..core.formatting import display
from ..core.xlsx_import import Preview, XlsxImportError, read_workbook
from ..core.xlsx_template import write_template

BAD = QColor("#fde2e1")


class ImportPreviewDialog(QDialog):
    def __init__(self, preview: Preview, *, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview = preview
        rt = s.record_type(preview.record_type)
        self.setWindowTitle(f"导入{rt.label}：{preview.path.name}")
        keys = list(preview.columns)
        summary = QLabel()
        summary.setObjectName("summary")
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        lines = [f"工作表“{preview.sheet}”，表头在第 {preview.header_row} 行。",
                 f"已识别的列：{'、'.join(rt.field(k).label for k in keys)}"]
        if preview.unknown_columns:
            lines.append(f"未识别的列（不导入）：{'、'.join(preview.unknown_columns)}")
        lines.append(f"共 {len(preview.rows)} 行：可导入 {preview.valid} 行，有问题 {preview.invalid} 行"
                     + ("（有问题的行不会导入，可在 Excel 中改正后再导入）" if preview.invalid else "。"))
        summary.setText("\n".join(lines))

        self.table = QTableWidget(len(preview.rows), 2 + len(keys))
        self.table.setObjectName("preview")
        self.table.setHorizontalHeaderLabels(["行号", "问题"] + [rt.field(k).label for k in keys])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for r, row in enumerate(preview.rows):
            problems = "；".join(row.errors.values()) or "；".join(row.warnings)
            cells = [str(row.row), problems or "可导入"]
            cells += [display(rt.field(k), row.values.get(k)) for k in keys]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c >= 2 and keys[c - 2] in row.errors:
                    item.setBackground(QBrush(BAD))
                    item.setToolTip(row.errors[keys[c - 2]])
                elif c == 1 and row.errors:
                    item.setForeground(QBrush(QColor("#c0392b")))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, min(self.table.columnWidth(1), 320))
        self.table.setWordWrap(True)   # a row's problems read in full: they wrap in their column
        self.table.resizeRowsToContents()
        self.table.setProperty("key_columns", [0, 1])   # 行号 and 问题 (the elision test holds them whole)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(f"导入 {preview.valid} 行有效数据(&I)")
        self.ok_button.setEnabled(preview.valid > 0)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(860, 480)


def read_with_message(parent: QWidget, path: Path, type_key: str, *, choices: Mapping[str, list[str]],
                      existing=()) -> Preview | None:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return read_workbook(path, type_key, choices=choices, existing=existing)
    except XlsxImportError as err:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.warning(parent, "无法导入", f"{path.name}：{err}\n\n未导入任何数据。")
        return None
    finally:
        if QGuiApplication.overrideCursor() is not None:
            QGuiApplication.restoreOverrideCursor()


def run_import(parent: QWidget, path: Path, type_key: str, *, choices: Mapping[str, list[str]],
               existing=()) -> list[dict]:
    """The valid rows' values once the clerk confirms the preview; [] when the file is refused or cancelled."""
    preview = read_with_message(parent, path, type_key, choices=choices, existing=existing)
    if preview is None:
        return []
    dialog = ImportPreviewDialog(preview, parent=parent)
    if not dialog.exec():
        return []
    return [dict(row.values) for row in preview.valid_rows]


def save_template(parent: QWidget, type_key: str, default_name: str, *, choices=None) -> Path | None:
    from .export_dialog import ask_save_path
    target = ask_save_path(parent, "保存导入模板", default_name)
    if target is None:
        return None
    try:
        write_template(target, type_key, choices=choices)
    except OSError as exc:
        QMessageBox.warning(parent, "无法保存模板", f"无法写入“{target}”：{exc.strerror or exc}")
        return None
    QMessageBox.information(parent, "已保存模板", f"模板已保存到：\n{target}\n\n按表头填写后，用“从 Excel 导入”导入。")
    return target
