"""数据包 in the window (issue 17), the export side and what the import side shares: the passphrase (new, with its
confirmation, or 不加密 after a warning), the .lfx file dialogs starting in 文档, a worker waited for in a local event
loop (the import goes file by file), and the export dialog itself (core.bundle_export on a worker, then the folder
and a reminder to send the passphrase another way). The import is bundle_import.py, its preview bundle_preview.py."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEventLoop, QSettings, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core import vault
from ..core.store import Store
from .folders import start_folder
from .password_fields import error_label, field_cell, password_edit
from .workers import Task, failure_message

SUFFIX = ".lfx"
FILTER = "数据包 (*.lfx);;所有文件 (*)"
FOLDER_KEY = "bundle/folder"
PLAIN_WARNING = ("不加密的数据包里身份证号、电话等都是完整号码，任何拿到文件的人都能读取，且无法发现文件被改动。"
                 "确定不加密吗？")
SEND_APART = "请把口令用电话或短信另行告知接收单位，不要与数据包放在同一封邮件或同一个U盘里。"


# -- files ---------------------------------------------------------------------------------------------------------
def ask_save_bundle(parent: QWidget, title: str, default_name: str) -> Path | None:
    """Where to write a bundle: a save dialog in the folder used last, else 文档; .lfx kept even if left off."""
    folder = start_folder(QSettings().value(FOLDER_KEY, ""))
    path, _ = QFileDialog.getSaveFileName(parent, title, str(folder / default_name), FILTER)
    if not path:
        return None
    target = Path(path) if path.lower().endswith(SUFFIX) else Path(path + SUFFIX)
    QSettings().setValue(FOLDER_KEY, str(target.parent))
    return target


def ask_open_bundles(parent: QWidget, title: str, *, several: bool = True) -> list[Path]:
    """The bundles to import (one or more), from the folder used last, else 文档."""
    folder = str(start_folder(QSettings().value(FOLDER_KEY, "")))
    if several:
        paths, _ = QFileDialog.getOpenFileNames(parent, title, folder, FILTER)
    else:
        one, _ = QFileDialog.getOpenFileName(parent, title, folder, FILTER)
        paths = [one] if one else []
    if paths:
        QSettings().setValue(FOLDER_KEY, str(Path(paths[0]).parent))
    return [Path(p) for p in paths]


# -- workers -------------------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """How a task waited for ended: "done" (value = the result), "failed" (value = the exception), "cancelled"."""
    kind: str
    value: Any = None


def wait_for(task: Task) -> Outcome:
    """Start `task` and wait for its end in a local event loop (the window stays responsive and repaints, the
    progress dialog's 取消 works), so a flow over several files reads top to bottom."""
    loop = QEventLoop()
    outcome = Outcome("cancelled")

    def end(kind: str, value: Any = None) -> None:
        outcome.kind, outcome.value = kind, value
        loop.quit()

    task.done.connect(lambda value: end("done", value))
    task.failed.connect(lambda exc: end("failed", exc))
    task.cancelled.connect(lambda: end("cancelled"))
    task.start()
    loop.exec()   # its end comes by a queued signal, so never before the loop runs
    task.deleteLater()   # its thread has ended (Task._stop waited for it)
    return outcome


def store_task(parent: QWidget, store: Store, job: Callable[..., Any], *, title: str, label: str,
               read_only: bool) -> Task:
    """`job(own, progress, cancelled)` on a connection of the window's file made on the worker thread, with the
    window's key (a file unlocked by typing its password opens locked on the worker thread otherwise) and a
    progress dialog with 取消."""
    return Task(job, db_path=store.path, read_only=read_only, parent=parent, title=title, label=label,
                keys=store.keys)


# -- the passphrase ------------------------------------------------------------------------------------------------
class NewPassphrase:
    """口令 + 再次输入 with a message under each, and 不加密 (asked for again: the file then holds full numbers),
    added to `form`."""

    def __init__(self, parent: QWidget, form: QFormLayout):
        self.parent = parent
        self.passphrase = password_edit("passphrase", "口令")
        self.repeat = password_edit("repeat_passphrase", "再次输入口令")
        self.errors = {"passphrase": error_label("passphrase_error"), "repeat": error_label("repeat_error")}
        for key, text, edit in (("passphrase", "口令(&P)：", self.passphrase),
                                ("repeat", "再次输入(&R)：", self.repeat)):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, field_cell(edit, self.errors[key]))
            edit.textEdited.connect(lambda *_a, k=key: self.show_error(k, ""))
        self.passphrase.setToolTip(f"至少 {vault.MIN_PASSWORD} 个字符；接收单位导入时需要输入同一口令")
        self.plain = QCheckBox("不加密(&N)")
        self.plain.setObjectName("no_encryption")
        self.plain.setToolTip("不建议：不加密的数据包含完整的身份证号和电话")
        form.addRow("", self.plain)
        self.plain.clicked.connect(self._plain_clicked)

    def _plain_clicked(self, checked: bool) -> None:
        if checked and not confirm_plain(self.parent):
            self.plain.setChecked(False)
        for edit in (self.passphrase, self.repeat):
            edit.setEnabled(not self.plain.isChecked())
        for key in self.errors:
            self.show_error(key, "")

    def show_error(self, key: str, text: str) -> None:
        self.errors[key].setText(text)
        self.errors[key].setVisible(bool(text))
        if text:
            edit = self.passphrase if key == "passphrase" else self.repeat
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            edit.selectAll()

    def checked(self) -> str | None | bool:
        """The passphrase, None for 不加密, or False when refused (the message shown beside its field)."""
        if self.plain.isChecked():
            return None
        text, repeat = self.passphrase.text(), self.repeat.text()
        if not text:
            self.show_error("passphrase", "请输入口令（或勾选“不加密”）")
            return False
        try:
            vault.check_new_password(text)
        except vault.WeakPassword as err:
            self.show_error("passphrase", str(err).replace("密码", "口令"))
            return False
        if text != repeat:
            self.show_error("repeat", "两次输入的口令不一致，请重新输入")
            return False
        return text


def confirm_plain(parent: QWidget) -> bool:
    """不加密 is asked for once more; 否 is the default (tests patch this)."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    return QMessageBox.question(parent, "不加密", PLAIN_WARNING, buttons,
                                QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes


def ok_cancel(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setObjectName("ok")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.rejected.connect(dialog.reject)
    return buttons


# -- the export dialog ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportChoice:
    since: str | None            # ISO date, or None for every record
    with_attachments: bool
    passphrase: str | None       # None: 不加密 (confirmed)


class BundleExportDialog(QDialog):
    """The options of a data bundle: every record or those changed since a date, attachments, the passphrase.
    Accepted with `choice` set; the file is asked for after (ask_save_bundle)."""

    def __init__(self, parent: QWidget | None, store: Store, *, settings_only: bool = False):
        super().__init__(parent)
        self.choice: ExportChoice | None = None
        self.settings_only = settings_only
        self.setWindowTitle("导出活动设置" if settings_only else "导出数据包")
        unit = store.settings.campaign().get("our_unit") or "本单位"
        intro = QLabel(
            "把活动年度、目标、截止日期、工作组、选项列表和应报送单位导出为一个文件，下发给各单位导入；"
            "各单位自己的单位名称和填表人等不受影响。" if settings_only else
            f"把“{unit}”的记录导出为一个数据包文件（.lfx），交给上级工会导入合并。")
        intro.setObjectName("intro")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if not settings_only:
            self._range_rows(form)
        self.secret = NewPassphrase(self, form)
        buttons = ok_cancel(self, "导出(&E)…")
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        (self.secret.passphrase if settings_only else self.every).setFocus()
        self.resize(max(self.sizeHint().width(), 520), self.sizeHint().height())

    def _range_rows(self, form: QFormLayout) -> None:
        self.every = QRadioButton("全部记录(&A)")
        self.every.setObjectName("all_records")
        self.every.setChecked(True)
        self.since_button = QRadioButton("某日以来新增或修改的记录(&S)：")
        self.since_button.setObjectName("since_records")
        group = QButtonGroup(self)
        group.addButton(self.every)
        group.addButton(self.since_button)
        self.since = QDateEdit(QDate.currentDate().addMonths(-1))
        self.since.setObjectName("since")
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setAccessibleName("起始日期")
        self.since.setEnabled(False)
        self.since_button.toggled.connect(self.since.setEnabled)
        since_row = QHBoxLayout()
        since_row.addWidget(self.since_button)
        since_row.addWidget(self.since)
        since_row.addStretch(1)
        form.addRow("范围：", self.every)
        form.addRow("", since_row)
        self.attachments = QCheckBox("包含活动附件（照片、文件）(&T)")
        self.attachments.setObjectName("with_attachments")
        self.attachments.setToolTip("附件会使文件变大；不含附件时，对方收到的活动没有附件")
        form.addRow("", self.attachments)

    def _accept(self) -> None:
        passphrase = self.secret.checked()
        if passphrase is False:
            return
        since = None
        if not self.settings_only and self.since_button.isChecked():
            day = self.since.date()
            since = dt.date(day.year(), day.month(), day.day()).isoformat()
        self.choice = ExportChoice(since, not self.settings_only and self.attachments.isChecked(),
                                   passphrase if isinstance(passphrase, str) else None)
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget, store: Store, *, settings_only: bool = False) -> ExportChoice | None:
        dialog = cls(parent, store, settings_only=settings_only)
        return dialog.choice if dialog.exec() else None


class BundleDoneBox(QMessageBox):
    """导出完成: the file, what it holds, the passphrase reminder, 打开所在文件夹."""

    def __init__(self, parent: QWidget | None, path: Path, summary: str, encrypted: bool):
        text = f"已导出：\n{path}\n\n{summary}" + (f"\n\n{SEND_APART}" if encrypted else "")
        super().__init__(QMessageBox.Icon.Information, "导出完成", text, parent=parent)
        self.setObjectName("bundle_done")
        self.path = path
        self.open_folder_button = self.addButton("打开所在文件夹(&O)", QMessageBox.ButtonRole.AcceptRole)
        self.open_folder_button.setObjectName("open_folder")
        self.open_folder_button.setToolTip(str(path.parent))
        self.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.open_folder_button)
        self.open_folder_button.clicked.connect(self.open_folder)

    def open_folder(self) -> None:
        from .export_dialog import open_url
        open_url(self, self.path.parent)

    @classmethod
    def show_done(cls, parent: QWidget | None, path: Path, summary: str, encrypted: bool) -> None:
        cls(parent, path, summary, encrypted).exec()


def manifest_summary(manifest: Any) -> str:
    """What a written bundle holds, in one sentence."""
    if manifest.kind == "settings":
        return "活动设置已导出。"
    parts = [f"共 {manifest.total_records} 条记录"]
    if manifest.deleted:
        parts.append(f"另含已删除记录 {manifest.deleted} 条（对方也将删除）")
    if manifest.with_attachments:
        parts.append(f"附件 {manifest.attachments} 个")
    scope = f"（{manifest.since} 以来新增或修改的）" if manifest.since else ""
    return "，".join(parts) + scope + "。"


def export_in_window(parent: QWidget, store: Store, *, settings_only: bool = False) -> Path | None:
    """导出数据包… / 导出活动设置（下发）…: options, the file, the export on a worker, the result. The path written, or
    None (cancelled, refused: said to the clerk)."""
    from ..core import bundle_export, bundle_settings
    title = "导出活动设置" if settings_only else "导出数据包"
    choice = BundleExportDialog.ask(parent, store, settings_only=settings_only)
    if choice is None:
        return None
    name = settings_name(store) if settings_only else bundle_export.default_name(store)
    target = ask_save_bundle(parent, title, name)
    if target is None:
        return None

    def job(own: Store, progress, cancelled):
        if settings_only:
            return bundle_settings.export_settings(own, target, passphrase=choice.passphrase)
        return bundle_export.export_bundle(own, target, since=choice.since, with_attachments=choice.with_attachments,
                                           passphrase=choice.passphrase, progress=progress, cancelled=cancelled)

    task = store_task(parent, store, job, title=title, label=f"正在导出“{target.name}”…", read_only=True)
    if settings_only and task.dialog is not None:   # quick and not cancellable half-way
        task.dialog.setCancelButton(None)
    outcome = wait_for(task)
    if outcome.kind == "done":
        BundleDoneBox.show_done(parent, target, manifest_summary(outcome.value), choice.passphrase is not None)
        return target
    if outcome.kind == "failed":
        QMessageBox.warning(parent, f"{title}失败", failure_message(outcome.value))
    else:
        QMessageBox.information(parent, title, "已取消，未留下任何文件。")
    return None


def settings_name(store: Store) -> str:
    """活动设置_<本单位>_<year>.lfx (a file name the sender recognises when it comes back)."""
    from ..exports.files import file_name
    campaign = store.settings.campaign()
    return file_name("活动设置", campaign.get("our_unit") or "本单位", campaign.get("year"), suffix=SUFFIX)
