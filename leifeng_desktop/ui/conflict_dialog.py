"""When a record changed elsewhere after its editor loaded it: each differing field (and each child list that
changed) with the clerk's value beside the stored one; the clerk keeps theirs or takes the other. Never a silent
overwrite."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import schema as s
from ..core.errors import Difference, RecordConflict
from ..core.formatting import display

KEEP_MINE, TAKE_THEIRS = "mine", "theirs"
HEADERS = ("项目", "我的修改", "别处保存的")


def shown(rt: s.RecordType, difference: Difference, *, reveal: bool) -> tuple[str, str]:
    """Both values as a clerk reads them; a child list's description is already text."""
    field = rt.field(difference.key) if difference.key in rt.keys else None
    if field is None:
        return ("" if difference.mine is None else str(difference.mine),
                "" if difference.theirs is None else str(difference.theirs))
    return display(field, difference.mine, reveal=reveal), display(field, difference.theirs, reveal=reveal)


class ConflictDialog(QDialog):
    def __init__(self, conflict: RecordConflict, parent: QWidget | None = None):
        super().__init__(parent)
        self.conflict = conflict
        self.choice: str | None = None
        self.rt = s.record_type(conflict.type_key)
        self.setWindowTitle(f"{self.rt.label}已在别处修改")
        self.setObjectName("conflict_dialog")
        title = str(conflict.current.get(self.rt.title) or "") if self.rt.title else ""
        intro = QLabel(f"{self.rt.label}“{title}”在您打开编辑之后，已在别处（另一个窗口或程序）保存了修改，"
                       "本次尚未保存。下表列出两边不同的内容，请选择保留哪一边：" if title else
                       f"这条{self.rt.label}在您打开编辑之后，已在别处保存了修改，本次尚未保存。请选择保留哪一边：")
        intro.setWordWrap(True)
        intro.setObjectName("conflict_intro")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("differences")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.reveal = QCheckBox("显示完整内容(&V)")
        self.reveal.setObjectName("reveal")
        self.reveal.setVisible(any(d.key in self.rt.keys and self.rt.field(d.key).sensitive
                                   for d in conflict.differences))
        self.reveal.toggled.connect(self.fill)
        note = QLabel("“保留我的修改”以您填写的内容覆盖别处的修改；“采用别处保存的”放弃您的修改，"
                      "编辑窗口改为显示已保存的内容。")
        note.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.mine_button = self._button(buttons, "保留我的修改(&K)", "keep_mine", KEEP_MINE)
        self.theirs_button = self._button(buttons, "采用别处保存的(&T)", "take_theirs", TAKE_THEIRS)
        cancel = buttons.addButton("返回编辑", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("back")
        cancel.setDefault(True)   # Enter, like Esc, only goes back: choosing a side takes a deliberate click
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reveal)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.fill()
        self.resize(680, self.sizeHint().height())

    def _button(self, box: QDialogButtonBox, text: str, name: str, choice: str) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        button.setObjectName(name)
        button.setAutoDefault(False)   # Enter must not pick a side by chance
        button.clicked.connect(lambda: self.choose(choice))
        return button

    def fill(self, *args) -> None:
        rows = self.conflict.differences
        self.table.setRowCount(len(rows))
        for r, difference in enumerate(rows):
            mine, theirs = shown(self.rt, difference, reveal=self.reveal.isChecked())
            for c, text in enumerate((difference.label, mine or "（空）", theirs or "（空）")):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        rows_height = self.table.verticalHeader().length() + self.table.horizontalHeader().height()
        self.table.setMinimumHeight(min(rows_height + 2 * self.table.frameWidth() + 2, 340))

    def choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, conflict: RecordConflict) -> str | None:
        """KEEP_MINE, TAKE_THEIRS, or None to go back to the editor with nothing decided. Tests patch this."""
        dialog = cls(conflict, parent)
        dialog.exec()
        return dialog.choice
