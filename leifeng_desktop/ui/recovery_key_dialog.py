"""The recovery key, shown once after the password is set (issue 19): large monospace, 复制, 打印…, 另存为文本…; 完成
only once 我已妥善保存 is ticked (Esc and the close box do nothing before: the key is never seen again)."""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QCloseEvent, QFont, QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core import private_files

log = logging.getLogger(__name__)


def key_lines(key: str) -> str:
    """The key in two lines of four groups: large, it still fits a 1366-pixel screen at 150 %."""
    groups = key.split("-")
    half = (len(groups) + 1) // 2
    return "-".join(groups[:half]) + "-\n" + "-".join(groups[half:]) if len(groups) > 4 else key


def key_text(key: str, db_name: str, day: dt.date | None = None) -> str:
    """What is printed or saved: what the key is for, the file, the day, the key."""
    made = day or dt.date.today()
    return (f"学雷锋职工志愿服务 工作台 — 恢复密钥\n\n数据库：{db_name}\n生成日期：{made:%Y年%m月%d日}\n\n{key}\n\n"
            "忘记密码时，用此恢复密钥可解锁加密的敏感信息并设置新密码。请妥善保管，不要与电脑放在一起。\n")


class RecoveryKeyDialog(QDialog):
    def __init__(self, key: str, db_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key, self.db_name = key, db_name
        self.setObjectName("recovery_key_dialog")
        self.setWindowTitle("恢复密钥（只显示这一次）")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        intro = QLabel(f"忘记密码时，只有这个恢复密钥能解锁“{db_name}”中的加密信息。它只显示这一次：请打印或另存为"
                       "文本后放在安全的地方（不要与电脑放在一起）。")
        intro.setObjectName("intro")
        intro.setWordWrap(True)
        self.shown = QLabel(key_lines(key))
        self.shown.setObjectName("recovery_key")
        self.shown.setAccessibleName("恢复密钥")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.6)
        font.setBold(True)
        self.shown.setFont(font)
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.shown.setFrameShape(QLabel.Shape.StyledPanel)
        self.shown.setMargin(12)
        self.copy_button = self._button("复制(&C)", "copy", self.copy)
        self.print_button = self._button("打印(&P)…", "print", self.print_key)
        self.save_button = self._button("另存为文本(&S)…", "save", self.save)
        actions = QHBoxLayout()
        for button in (self.copy_button, self.print_button, self.save_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.done_note = QLabel()
        self.done_note.setObjectName("done_note")
        self.done_note.setWordWrap(True)
        self.kept = QCheckBox("我已妥善保存恢复密钥(&I)")
        self.kept.setObjectName("kept")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.finish = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.finish.setText("完成(&F)")
        self.finish.setObjectName("finish")
        self.finish.setEnabled(False)
        self.kept.toggled.connect(self.finish.setEnabled)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.shown)
        layout.addLayout(actions)
        layout.addWidget(self.done_note)
        layout.addWidget(self.kept)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.copy_button.setFocus()

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _said(self, text: str) -> None:
        self.done_note.setText(text)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key)
        self._said("已复制到剪贴板；粘贴保存后，请清空剪贴板。")

    def print_key(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印恢复密钥")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        document = QTextDocument()
        document.setDefaultFont(QFont(self.font().family(), 14))
        document.setPlainText(key_text(self.key, self.db_name))
        document.print_(printer)
        self._said("已发送到打印机。")

    def save(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / f"{Path(self.db_name).stem}_恢复密钥.txt")
        path, _ = QFileDialog.getSaveFileName(self, "另存恢复密钥", suggested, "文本文件 (*.txt)")
        if not path:
            return
        try:
            private_files.write_text(path, key_text(self.key, self.db_name))
        except OSError as exc:
            log.warning("saving the recovery key to %s failed", path, exc_info=True)
            QMessageBox.warning(self, "未能保存", f"未能保存“{path}”：{exc.strerror or exc}")
            return
        self._said(f"已保存到“{path}”（仅本人可读）；请再复制到 U 盘等安全的地方。")

    def reject(self) -> None:
        if self.kept.isChecked():   # Esc closes only once the key is kept
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:   # noqa: N802 (Qt's name)
        if self.kept.isChecked():
            event.accept()
        else:
            event.ignore()
