"""文件 → 开始新年度: what the next year's file keeps and what starts empty (with counts), the year and where the
new file goes; the file is written on a worker (core.new_year) and then offered for opening. The open file is only
read, so last year's reports stay exactly reproducible, and it stays in 最近打开."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core import new_year as ny
from ..core.errors import UserError
from ..core.settings import CAMPAIGN
from ..core.store import Store
from .workers import Task, show_failure

TITLE = "开始新年度"


def _lines_box(title: str, name: str) -> tuple[QGroupBox, QLabel]:
    box = QGroupBox(title)
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    QVBoxLayout(box).addWidget(label)
    return box, label


class NewYearDialog(QDialog):
    """Shows core.new_year.plan for the chosen year; 开始新年度 writes the file on a worker. `created` carries the
    NewYearPlan of the written file (its `path` set), and the dialog is then accepted."""

    created = Signal(object)

    def __init__(self, parent: QWidget | None, store: Store):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.store = store
        self.result_plan: ny.NewYearPlan | None = None
        self.task: Task | None = None
        first = ny.plan(store)
        self.intro = QLabel(f"为新的活动年度另建一个数据库文件。本年度的数据库“{store.path.name}”不作任何改动，"
                            f"仍在“最近打开”中，{first.old_year}年度的报表以后仍可原样导出。")
        self.intro.setWordWrap(True)
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(first.year, CAMPAIGN.field("year").maximum or 2100)
        self.year.setValue(first.year)
        self.year.setSuffix(" 年")
        self.year.setAccessibleName("新年度")
        self.path = QLineEdit(str(ny.default_path(store.path, first.year)))
        self.path.setObjectName("path")
        self.path.setAccessibleName("新年度的数据库文件")
        self._auto_path = self.path.text()   # follows the year until the clerk types or browses another
        browse = QPushButton("浏览(&B)…")
        browse.setAutoDefault(False)   # Enter means 开始新年度
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        year_row = QHBoxLayout()   # four digits need no full-width box
        year_row.addWidget(self.year)
        year_row.addStretch(1)
        form = QFormLayout()
        year_label, path_label = QLabel("新年度(&Y)："), QLabel("保存为(&S)：")
        year_label.setBuddy(self.year)
        path_label.setBuddy(self.path)
        form.addRow(year_label, year_row)
        form.addRow(path_label, row)
        kept_box, self.kept = _lines_box("保留（编号不变，两个年度的数据仍可合并）", "kept")
        emptied_box, self.emptied = _lines_box("从空开始", "emptied")
        boxes = QHBoxLayout()
        boxes.addWidget(kept_box, 1)
        boxes.addWidget(emptied_box, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.start_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("开始新年度(&N)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(boxes, 1)
        layout.addWidget(buttons)
        self.year.valueChanged.connect(self._show_plan)
        self._show_plan()
        self.year.setFocus()
        self.resize(min(860, max(self.sizeHint().width(), 720)), self.sizeHint().height())

    def _show_plan(self) -> None:
        plan = ny.plan(self.store, self.year.value())
        self.kept.setText("\n".join([*plan.kept_lines(), *(f"　{line}" for line in plan.deadline_lines())]))
        self.emptied.setText("\n".join(plan.emptied_lines()))
        if self.path.text() == self._auto_path:
            self._auto_path = str(ny.default_path(self.store.path, plan.year))
            self.path.setText(self._auto_path)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "新年度的数据库保存为", self.path.text(), "数据库文件 (*.db)")
        if path:
            self.path.setText(path)

    def target(self) -> Path:
        """The chosen file, ending .db even if the clerk left it off."""
        path = Path(self.path.text().strip()).expanduser()
        return path if path.suffix.lower() == ".db" else path.with_name(path.name + ".db")

    def start(self) -> None:
        target, year = self.target(), self.year.value()
        if not self.path.text().strip():
            QMessageBox.warning(self, TITLE, "请填写新年度数据库文件的保存位置。")
            return
        if target.exists():
            QMessageBox.warning(self, TITLE, f"“{target}”已存在；开始新年度不会覆盖已有文件，请另选文件名。")
            return

        def job(store, progress, cancelled):
            return ny.start_new_year(store, target, year=year, progress=progress, cancelled=cancelled)

        self.start_button.setEnabled(False)
        self.task = Task(job, db_path=self.store.path, read_only=True, parent=self, title=TITLE,
                         label=f"正在生成{year}年度的数据库“{target.name}”…")
        self.task.done.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.cancelled.connect(self._cancelled)
        self.task.start()

    def _done(self, plan: ny.NewYearPlan) -> None:
        self.result_plan = plan
        self.created.emit(plan)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.start_button.setEnabled(True)
        show_failure(self, f"{TITLE}失败", exc)

    def _cancelled(self) -> None:
        self.start_button.setEnabled(True)
        QMessageBox.information(self, TITLE, "已取消，没有生成新年度的数据库，也未留下任何文件。")

    def reject(self) -> None:
        if self.task is not None and self.task.is_running():
            return   # the progress dialog's 取消 stops the work; the dialog waits for it
        super().reject()

    @classmethod
    def ask(cls, parent: QWidget, store: Store) -> ny.NewYearPlan | None:
        """Show the dialog; the written file's plan, or None when the clerk cancelled."""
        dialog = cls(parent, store)
        dialog.exec()
        return dialog.result_plan


def ask_open(parent: QWidget, plan: ny.NewYearPlan) -> bool:
    """After the file is written: open it now? (The old file stays in 最近打开 either way.)"""
    text = (f"已生成{plan.year}年度的数据库：\n{plan.path}\n\n现在打开它吗？本年度的数据库“{plan.source.name}”"
            "未作任何改动，仍可从“文件 → 最近打开”打开。")
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    answer = QMessageBox.question(parent, TITLE, text, buttons, QMessageBox.StandardButton.Yes)
    return answer == QMessageBox.StandardButton.Yes


def start_new_year(window) -> bool:
    """文件 → 开始新年度 of the main window: the dialog, then the new file opened if the clerk says so."""
    try:
        plan = NewYearDialog.ask(window, window.current_store)
    except UserError as exc:   # a year at the end of the range: no next year to start
        QMessageBox.warning(window, TITLE, str(exc))
        return False
    if plan is None or plan.path is None or not ask_open(window, plan):
        return False
    return bool(window.open_path(plan.path))
