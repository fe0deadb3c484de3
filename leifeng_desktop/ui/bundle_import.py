"""导入数据包… and 导入活动设置… (issue 17): one file after another — its manifest read, the passphrase asked when it is
encrypted (a wrong one said beside the field, the dialog stays), the preview on a worker (progress, 取消), the
preview dialog (bundle_preview), then the merge on a worker; each file ends in one line (its result, or the one
sentence of its refusal), and the lines are shown together at the end. A refused or cancelled file leaves the
database as it was (core.bundle_merge checks before writing and applies all or nothing)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLayout, QMessageBox, QVBoxLayout, QWidget

from ..core import bundle_file
from ..core.bundle_checks import check_kind
from ..core.store import Store
from .bundle_dialogs import Outcome, ask_open_bundles, ok_cancel, store_task, wait_for
from .bundle_preview import BundlePreviewDialog, SettingsPreviewDialog
from .password_fields import error_label, field_cell, password_edit
from .workers import Task, failure_message

log = logging.getLogger(__name__)

DATA_TITLE, SETTINGS_TITLE = "导入数据包", "导入活动设置"
READ_ONLY = "本数据库以只读方式打开，不能导入；请关闭其他打开它的窗口后重新打开。"


@dataclass
class Line:
    """One file's end: what happened, and whether it was refused or failed."""
    text: str
    ok: bool = True


class PassphraseDialog(QDialog):
    """The passphrase of an encrypted bundle. 确定 runs `make_task(passphrase, self)` (the preview, on a worker, its
    progress dialog over this one); a wrong passphrase is said beside the field and the dialog stays. Any other end
    closes the dialog with `outcome` set."""

    def __init__(self, parent: QWidget | None, path: Path, make_task: Callable[[str, QWidget], Task]):
        super().__init__(parent)
        self.setWindowTitle("输入口令")
        self.make_task = make_task
        self.outcome = Outcome("cancelled")
        self.passphrase_used: str | None = None
        intro = QLabel(f"数据包“{path.name}”已加密，请输入发送单位另行告知的口令。")
        intro.setObjectName("intro")
        intro.setWordWrap(True)
        self.passphrase = password_edit("passphrase", "口令")
        self.error = error_label("passphrase_error")
        self.passphrase.textEdited.connect(lambda *_a: self.show_error(""))
        label = QLabel("口令(&P)：")
        label.setBuddy(self.passphrase)
        form = QFormLayout()
        form.addRow(label, field_cell(self.passphrase, self.error))
        self.buttons = ok_cancel(self, "确定")
        self.buttons.accepted.connect(self.check)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.passphrase.setFocus()
        self.setMinimumWidth(460)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)   # wrapped lines keep their height

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        if text:
            self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
            self.passphrase.selectAll()

    def check(self) -> None:
        text = self.passphrase.text()
        if not text:
            self.show_error("请输入口令")
            return
        self.buttons.setEnabled(False)
        try:
            outcome = wait_for(self.make_task(text, self))
        finally:
            self.buttons.setEnabled(True)
        if outcome.kind == "failed" and isinstance(outcome.value, bundle_file.WrongPassphrase):
            self.show_error(str(outcome.value))
            return
        self.outcome, self.passphrase_used = outcome, text
        (self.accept if outcome.kind == "done" else self.reject)()

    @classmethod
    def ask(cls, parent: QWidget | None, path: Path,
            make_task: Callable[[str, QWidget], Task]) -> tuple[Outcome, str | None]:
        dialog = cls(parent, path, make_task)
        dialog.exec()
        return dialog.outcome, dialog.passphrase_used


def _read(parent: QWidget, store: Store, path: Path, kind: str,
          job: Callable[[Store, str | None, Any, Any], Any]) -> tuple[Outcome, str | None]:
    """The manifest, the passphrase when it is encrypted, and `job(own, passphrase, progress, cancelled)` (the
    preview) on a read-only worker."""
    try:
        manifest = bundle_file.read_manifest(path)
        check_kind(manifest, kind, path)   # before a passphrase is asked for
    except bundle_file.BundleRefused as exc:
        return Outcome("failed", exc), None

    def task(passphrase: str | None, owner: QWidget) -> Task:
        return store_task(owner, store, lambda own, progress, cancelled: job(own, passphrase, progress, cancelled),
                          title=f"读取“{path.name}”", label=f"正在检查并读取“{path.name}”…", read_only=True)

    if manifest.encrypted:
        return PassphraseDialog.ask(parent, path, task)
    return wait_for(task(None, parent)), None


def _ended(path: Path, outcome: Outcome, what: str) -> Line:
    if outcome.kind == "failed":
        return Line(failure_message(outcome.value), ok=False)
    return Line(f"“{path.name}”：已取消，{what}")


def import_one(parent: QWidget, store: Store, path: Path) -> Line:
    """One data bundle through preview, decisions and merge; its line."""
    from ..core import bundle_merge

    def preview(own: Store, passphrase: str | None, progress, cancelled) -> Any:
        return bundle_merge.preview(own, path, passphrase=passphrase, progress=progress, cancelled=cancelled)

    outcome, passphrase = _read(parent, store, path, bundle_file.DATA, preview)
    if outcome.kind != "done":
        return _ended(path, outcome, "未导入。")
    plan = outcome.value
    if plan.already_imported:   # the merge's own line for it (nothing to preview or write)
        return Line(bundle_merge.MergeResult(path, plan.manifest, {}, None, plan.already_imported).line())
    decisions = BundlePreviewDialog.ask(parent, plan)
    if decisions is None:
        return Line(f"“{path.name}”：未导入。")

    def apply(own: Store, progress, cancelled) -> Any:
        return bundle_merge.apply(own, plan, passphrase=passphrase, decisions=decisions, progress=progress,
                                  cancelled=cancelled)

    outcome = wait_for(store_task(parent, store, apply, title=DATA_TITLE, label=f"正在导入“{path.name}”…",
                                  read_only=False))
    if outcome.kind != "done":
        return _ended(path, outcome, "数据库未作任何改动。")
    return Line(outcome.value.line())


def show_lines(parent: QWidget, title: str, lines: list[Line]) -> None:
    text = "\n".join(line.text for line in lines)
    if all(line.ok for line in lines):
        QMessageBox.information(parent, title, text)
    else:
        QMessageBox.warning(parent, title, text)


def import_in_window(parent: QWidget, store: Store, paths: list[Path] | None = None) -> list[Line]:
    """导入数据包…: the files chosen (or given), each imported on its own; the lines shown at the end."""
    if store.read_only:
        QMessageBox.warning(parent, DATA_TITLE, READ_ONLY)
        return []
    paths = ask_open_bundles(parent, DATA_TITLE) if paths is None else paths
    lines = [import_one(parent, store, path) for path in paths]
    if lines:
        show_lines(parent, DATA_TITLE, lines)
    return lines


def import_settings_in_window(parent: QWidget, store: Store, path: Path | None = None) -> Line | None:
    """导入活动设置…: one settings bundle, its changes shown, then written (a backup first, core.bundle_settings)."""
    from ..core import bundle_settings
    if store.read_only:
        QMessageBox.warning(parent, SETTINGS_TITLE, READ_ONLY)
        return None
    if path is None:
        chosen = ask_open_bundles(parent, SETTINGS_TITLE, several=False)
        if not chosen:
            return None
        path = chosen[0]
    outcome, passphrase = _read(parent, store, path, bundle_file.SETTINGS,
                                lambda own, secret, _p, _c: bundle_settings.preview_settings(own, path,
                                                                                             passphrase=secret))
    if outcome.kind == "done" and SettingsPreviewDialog.ask(parent, outcome.value):
        plan = outcome.value
        task = store_task(parent, store, lambda own, _p, _c: bundle_settings.apply_settings(own, plan,
                                                                                            passphrase=passphrase),
                          title=SETTINGS_TITLE, label=f"正在导入“{path.name}”…", read_only=False)
        if task.dialog is not None:   # one short transaction: not cancelled half-way
            task.dialog.setCancelButton(None)
        outcome = wait_for(task)
        line = (Line(f"已导入活动设置“{path.name}”。") if outcome.kind == "done"
                else _ended(path, outcome, "设置未作任何改动。"))
    elif outcome.kind == "done":
        line = Line(f"“{path.name}”：未导入。")
    else:
        line = _ended(path, outcome, "未导入。")
    show_lines(parent, SETTINGS_TITLE, [line])
    return line
