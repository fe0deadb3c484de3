"""出错了: the dialog of ui/crash.py (imported when a crash is shown: its widgets cost every start otherwise)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

WHAT_HAPPENED = ("程序内部错误：刚才的操作没有完成。窗口和您已填写的内容都还在，可以继续工作；"
                 "如果问题反复出现，请点“复制详细信息”，把内容发给负责维护的同事。")
FATAL = "程序遇到无法继续运行的严重错误，点“关闭”后程序将退出；已保存的数据不受影响。"


class CrashDialog(QDialog):
    """出错了: what happened in one sentence, where the log is, the traceback to copy."""

    def __init__(self, details: str, log_line: str, parent: QWidget | None = None, *, fatal: bool = False):
        super().__init__(parent)
        self.setObjectName("crash_dialog")
        self.setWindowTitle("出错了")
        self.details = details
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        text = QLabel(FATAL if fatal else WHAT_HAPPENED)
        text.setObjectName("crash_text")
        text.setWordWrap(True)
        self.log_label = QLabel(log_line)
        self.log_label.setObjectName("crash_log")
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view = QPlainTextEdit(details)
        self.view.setObjectName("crash_details")
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.view.setMinimumHeight(120)
        self.copy_button = QPushButton("复制详细信息(&C)")
        self.copy_button.setObjectName("copy_details")
        self.copy_button.clicked.connect(self.copy_details)
        buttons = QDialogButtonBox()
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.AcceptRole)
        close.setDefault(True)
        buttons.accepted.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(icon)
        words = QVBoxLayout()
        words.addWidget(text)
        words.addWidget(self.log_label)
        top.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("已复制")
