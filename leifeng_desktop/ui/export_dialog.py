"""Exports from the window: choose a folder and options, run the core's export on a worker thread with a
progress dialog (cancel leaves no file), then offer to open the file or its folder."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.store import Store
from .folders import start_folder
from .workers import Task, show_failure

REVEAL_WARNING = "导出的文件会离开本程序：除非确有需要（如上级要求报送完整信息），请保持隐藏。"


FILE_KINDS = {".xlsx": "Excel 工作簿 (*.xlsx)", ".docx": "Word 文档 (*.docx)", ".png": "PNG 图片 (*.png)"}


def ask_save_path(parent: QWidget, title: str, default_name: str) -> Path | None:
    """A save dialog in the last export folder; the suffix of `default_name` is kept even if the clerk drops it,
    and the folder is remembered for the next export."""
    suffix = Path(default_name).suffix.lower()
    folder = str(start_folder(QSettings().value("export/folder", "")))
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / default_name), FILE_KINDS.get(suffix, ""))
    if not path:
        return None
    target = Path(path) if path.lower().endswith(suffix) else Path(path + suffix)
    QSettings().setValue("export/folder", str(target.parent))
    return target


class ExportOptionsDialog(QDialog):
    """Folder, 完整号码 or masked, any extra checkboxes the export has and, given `date_label`, a date printed on the
    document (default today; options()["day"])."""

    def __init__(self, parent: QWidget, *, title: str, summary: str, extras: dict[str, tuple[str, bool]] | None = None,
                 date_label: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.folder = QLineEdit(str(start_folder(QSettings().value("export/folder", ""))))
        self.folder.setObjectName("folder")
        browse = QPushButton("浏览(&B)…")
        browse.setAutoDefault(False)   # Enter means 导出
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.reveal = QCheckBox("身份证号和电话导出完整号码(&F)")
        self.reveal.setObjectName("reveal")
        self.reveal.setToolTip(REVEAL_WARNING)
        self.extras = {}
        form = QFormLayout()
        form.addRow(QLabel(summary))
        form.addRow("保存到文件夹：", row)
        self.day: QDateEdit | None = None
        if date_label:
            self.day = QDateEdit(QDate.currentDate())
            self.day.setObjectName("day")
            self.day.setCalendarPopup(True)
            self.day.setDisplayFormat("yyyy-MM-dd")
            label = QLabel(date_label)
            label.setBuddy(self.day)     # its &-key reaches the field
            form.addRow(label, self.day)
        for key, (text, checked) in (extras or {}).items():
            box = QCheckBox(text)
            box.setObjectName(key)
            box.setChecked(checked)
            self.extras[key] = box
            form.addRow("", box)
        form.addRow("", self.reveal)
        note = QLabel(REVEAL_WARNING)
        note.setWordWrap(True)
        note.setObjectName("pageNote")
        form.addRow("", note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("导出(&E)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择保存位置", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _accept(self) -> None:
        folder = Path(self.folder.text().strip()).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            QMessageBox.warning(self, "无法使用该文件夹", f"无法创建或写入“{folder}”：{exc.strerror or exc}")
            return
        QSettings().setValue("export/folder", str(folder))
        self.accept()

    def options(self) -> dict:
        day = self.day.date() if self.day is not None else None
        return {"folder": Path(self.folder.text().strip()).expanduser(), "reveal": self.reveal.isChecked(),
                **({"day": dt.date(day.year(), day.month(), day.day())} if day is not None else {}),
                **{k: box.isChecked() for k, box in self.extras.items()}}


def run_export(parent: QWidget, store: Store, job, *, title: str, folder: Path) -> Task:
    """`job(store, progress, cancelled)` runs on its own read-only connection to the same file (an export never
    writes the database, so a writer elsewhere does not hold it up) and returns the written paths."""
    task = Task(job, db_path=store.path, read_only=True, parent=parent, title=title, label=f"正在{title}…",
                keys=store.keys)
    task.done.connect(lambda paths: offer_open(parent, folder, paths))
    task.failed.connect(lambda exc: show_failure(parent, f"{title}失败", exc))
    task.cancelled.connect(lambda: QMessageBox.information(parent, title, "已取消，未留下任何文件。"))
    setattr(parent, "_export_task", task)  # noqa: B010 -- keeps the task alive until it ends; QWidget declares no such attribute
    return task.start()


class ExportDoneBox(QMessageBox):
    """导出完成: 打开文件 (the one file, or the combined document of several) and 打开所在文件夹."""

    def __init__(self, parent: QWidget | None, folder: Path, paths: list[Path]):
        count = f"已导出 {len(paths)} 个文件到：" if len(paths) != 1 else "已导出文件："
        shown = paths[0] if len(paths) == 1 else folder
        super().__init__(QMessageBox.Icon.Information, "导出完成", f"{count}\n{shown}", parent=parent)
        self.setObjectName("export_done")
        self.folder, self.paths = folder, paths
        self.file = main_file(paths)
        self.open_file_button = self.addButton("打开文件(&F)", QMessageBox.ButtonRole.AcceptRole)
        self.open_file_button.setObjectName("open_file")
        self.open_file_button.setToolTip(f"用默认程序打开“{self.file.name}”" if self.file
                                         else "导出了多个文件，请打开所在文件夹查看")
        self.open_file_button.setEnabled(self.file is not None)
        self.open_folder_button = self.addButton("打开所在文件夹(&O)", QMessageBox.ButtonRole.AcceptRole)
        self.open_folder_button.setObjectName("open_folder")
        self.open_folder_button.setToolTip(str(self.folder))
        self.close_button = self.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.open_file_button if self.file else self.open_folder_button)
        self.open_file_button.clicked.connect(self.open_file)
        self.open_folder_button.clicked.connect(self.open_folder)

    def open_file(self) -> None:
        if self.file is not None:
            open_url(self, self.file)

    def open_folder(self) -> None:
        open_url(self, self.folder)


def main_file(paths: list[Path]) -> Path | None:
    """The file 打开文件 opens: the only one, else the combined document of several (登记表_汇总_…), else none."""
    if len(paths) == 1:
        return paths[0]
    return next((p for p in paths if "_汇总_" in p.stem), None)


def open_url(parent: QWidget, path: Path) -> bool:
    """Open a file or folder with the system's program; one Chinese sentence when nothing could open it."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    QMessageBox.warning(parent, "无法打开", f"系统没有能打开“{path}”的程序，请在文件管理器中找到它打开。")
    return False


def offer_open(parent: QWidget, folder: Path, paths) -> ExportDoneBox:
    """After every export in the window (run_export): say where the files went and offer to open them."""
    box = ExportDoneBox(parent, Path(folder), [Path(p) for p in (paths or [])])
    box.exec()
    return box


def export_registration(page, team_ids: list[str]) -> Task | None:
    """登记表 of the given teams: one .docx each and, for several, one combined document."""
    if not team_ids:
        QMessageBox.information(page, "导出登记表", "请先在列表中选择要导出的队伍（可按住 Ctrl 或 Shift 多选）。")
        return None
    dialog = ExportOptionsDialog(page, title="导出登记表", summary=f"将导出 {len(team_ids)} 支队伍的登记表（Word）。",
                                 extras={"combined": ("另生成一份合并文档（各队之间分页），便于一次打印", True)},
                                 date_label="填报日期(&D)：")
    if not dialog.exec():
        return None
    opts = dialog.options()

    def job(store, progress, cancelled):
        from ..exports.registration import export_registration as export
        return export(store, team_ids, opts["folder"], reveal=opts["reveal"], combined=opts["combined"],
                      day=opts.get("day"), progress=progress, cancelled=cancelled)

    task = run_export(page, page.store, job, title="导出登记表", folder=opts["folder"])
    from .pages.first_steps import mark_registration_exported  # the dashboard's step 3
    task.done.connect(lambda _paths, path=page.store.path: mark_registration_exported(path))
    return task
