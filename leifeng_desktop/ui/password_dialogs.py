"""The office's password in the window (issue 19): unlocking a file at open, unlocking with the recovery key, setting
and changing the password. The rules (length, tries, the wait) are core.vault's; these dialogs ask and show its
one-sentence messages beside the field concerned. The recovery key shown once is recovery_key_dialog.py's.

unlock_if_locked(store, parent) is what opening a file calls: a file whose key this PC does not keep asks for the
password; 取消 leaves it open locked (sensitive values read 已加密, full-number exports refused)."""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core import schema as s
from ..core import vault
from ..core.errors import UserError
from ..core.store import Store
from .password_fields import REASON, error_label, field_cell, monospace, password_edit, strength_hint
from .recovery_key_dialog import RecoveryKeyDialog

__all__ = ["REASON", "PasswordDialog", "RecoveryUnlockDialog", "UnlockDialog", "after_open", "remember",
           "strength_hint", "unlock_if_locked"]

log = logging.getLogger(__name__)


class _Form(QDialog):
    """A small dialog: a sentence, a form of fields each with its message, OK/取消."""

    def __init__(self, title: str, intro: str, ok_text: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.errors: dict[str, QLabel] = {}
        self.intro = QLabel(intro)
        self.intro.setObjectName("intro")
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.ok.setObjectName("ok")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.intro)
        self.layout_.addLayout(self.form)

    def add_field(self, key: str, label: str, edit: QLineEdit, hint: QLabel | None = None) -> QLineEdit:
        self.errors[key] = error_label(f"{key}_error")
        row = QLabel(f"{label}：")
        row.setBuddy(edit)
        self.form.addRow(row, field_cell(edit, self.errors[key], *([hint] if hint else [])))
        edit.textEdited.connect(lambda *_a, k=key: self.show_error(k, ""))
        return edit

    def finish_layout(self, *extra: QWidget) -> None:
        for widget in extra:
            self.layout_.addWidget(widget)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def show_error(self, key: str, text: str, edit: QLineEdit | None = None) -> None:
        label = self.errors[key]
        label.setText(text)
        label.setVisible(bool(text))
        if text and edit is not None:
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            edit.selectAll()

    def new_pair(self, new_label: str = "新密码(&N)") -> tuple[QLineEdit, QLineEdit]:
        """The new password, its strength hint, and the repeat."""
        new = password_edit("new_password", new_label.split("(")[0])
        repeat = password_edit("repeat_password", "再次输入新密码")
        self.hint = QLabel(strength_hint(""))
        self.hint.setObjectName("strength")
        self.hint.setWordWrap(True)
        new.textChanged.connect(lambda text: self.hint.setText(strength_hint(text)))
        self.add_field("new", new_label, new, self.hint)
        self.add_field("repeat", "再次输入(&A)", repeat)
        return new, repeat

    def check_pair(self, new: QLineEdit, repeat: QLineEdit) -> bool:
        """The new password acceptable to the core and typed twice alike; messages beside the fields."""
        try:
            vault.check_new_password(new.text())
        except vault.WeakPassword as err:
            self.show_error("new", str(err), new)
            return False
        if new.text() != repeat.text():
            self.show_error("repeat", "两次输入的新密码不一致，请重新输入", repeat)
            return False
        return True


class UnlockDialog(_Form):
    """The password for a file this PC keeps no key of. Five wrong tries: the wait, counted down, 解锁 disabled."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__("输入密码", f"“{store.path.name}”中的身份证号、银行卡号等敏感信息已加密保存，"
                                    "请输入本单位设置的密码解锁。", "解锁(&U)", parent)
        self.setObjectName("unlock_dialog")
        self.store = store
        self.password = self.add_field("password", "密码(&P)", password_edit("password", "密码"))
        self.remember = QCheckBox("记住密码（本机）(&R)")
        self.remember.setObjectName("remember")
        self.remember.setToolTip("密钥保存在本机的凭据存储中，以后在这台电脑上打开此文件不再询问密码")
        self.recovery = QPushButton("使用恢复密钥(&K)…")
        self.recovery.setObjectName("use_recovery")
        self.recovery.setAutoDefault(False)
        self.recovery.clicked.connect(self.use_recovery)
        self.buttons.addButton(self.recovery, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消(&C)")
        note = QLabel("取消则以锁定方式打开：其他内容照常可用，敏感信息显示为“已加密”，不能导出完整号码。")
        note.setObjectName("cancel_note")
        note.setWordWrap(True)
        self.finish_layout(self.remember, note)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)
        self.tick()   # a wait from earlier tries (kept in the file) shows at once

    def tick(self) -> None:
        """The wait left (core.vault keeps it): the message counts down and 解锁 stays disabled until it ends."""
        left = vault.state(self.store).wait_seconds
        self.ok.setEnabled(left <= 0)
        self.password.setEnabled(left <= 0)
        if left <= 0:
            if self.timer.isActive():
                self.timer.stop()
                self.show_error("password", "")
                self.password.setFocus()
            return
        minutes, seconds = divmod(left, 60)
        wait = f"{minutes} 分 {seconds:02d} 秒" if minutes else f"{seconds} 秒"
        self.show_error("password", f"密码已连续输错 {vault.FREE_TRIES} 次，请等待 {wait}后再试")
        if not self.timer.isActive():
            self.timer.start()

    def accept(self) -> None:
        if not self.password.text():
            self.show_error("password", "请输入密码", self.password)
            return
        try:
            with wait_cursor():
                vault.unlock(self.store, self.password.text())
        except vault.TooManyTries:
            self.password.clear()
            self.tick()
            return
        except UserError as err:   # WrongPassword (the tries left said), NoPassword, busy …
            self.show_error("password", str(err), self.password)
            return
        self.unlocked()

    def unlocked(self) -> None:
        if self.remember.isChecked():
            remember(self.store, self)
        log.info("unlocked %s", self.store.path.name)
        for rt in s.RECORD_TYPES.values():   # lists and pages already showing 已加密 read the values again
            if rt.sensitive_keys:
                self.store.notify(rt.key)
        super().accept()

    def done(self, result: int) -> None:
        self.timer.stop()   # the countdown ends with the dialog (the store may close right after)
        super().done(result)

    def use_recovery(self) -> None:
        if RecoveryUnlockDialog(self.store, self).exec() == QDialog.DialogCode.Accepted:
            self.unlocked()


class RecoveryUnlockDialog(_Form):
    """The password forgotten: the recovery key printed at setting it unlocks, and a new password replaces it."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__("使用恢复密钥", f"忘记密码时，输入设置密码时打印或保存的恢复密钥（8 组字母和数字），"
                                       f"并为“{store.path.name}”设置新密码。", "解锁并设置新密码(&U)", parent)
        self.setObjectName("recovery_unlock_dialog")
        self.store = store
        key = QLineEdit()
        key.setObjectName("recovery_key")
        key.setAccessibleName("恢复密钥")
        key.setFont(monospace())
        key.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        key.setMaxLength(80)
        self.key = self.add_field("key", "恢复密钥(&K)", key)
        self.new, self.repeat = self.new_pair()
        self.finish_layout()

    def accept(self) -> None:
        if not self.key.text().strip():
            self.show_error("key", "请输入恢复密钥", self.key)
            return
        if not self.check_pair(self.new, self.repeat):
            return
        try:
            with wait_cursor():
                vault.unlock_with_recovery(self.store, self.key.text(), self.new.text())
        except vault.WeakPassword as err:
            self.show_error("new", str(err), self.new)
            return
        except UserError as err:   # WrongRecoveryKey, NoPassword, busy …
            self.show_error("key", str(err), self.key)
            return
        log.info("unlocked %s with the recovery key, new password set", self.store.path.name)
        super().accept()


class PasswordDialog(_Form):
    """设置密码 (a file without one: the recovery key is shown once after) or 修改密码 (old, new, repeat)."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        self.store = store
        self.changing = vault.state(store).has_password
        title = "修改密码" if self.changing else "设置密码"
        intro = (f"为“{store.path.name}”换一个新密码；恢复密钥不变，仍然有效。" if self.changing
                 else f"为“{store.path.name}”设置密码：{REASON}设置后会显示一次恢复密钥，请打印或保存。")
        super().__init__(title, intro, "确定(&O)", parent)
        self.setObjectName("password_dialog")
        self.old = self.add_field("old", "原密码(&D)", password_edit("old_password", "原密码")) \
            if self.changing else None
        self.new, self.repeat = self.new_pair()
        self.finish_layout()
        self.recovery_key: str | None = None

    def accept(self) -> None:
        if self.old is not None and not self.old.text():
            self.show_error("old", "请输入原密码", self.old)
            return
        if not self.check_pair(self.new, self.repeat):
            return
        try:
            with wait_cursor():
                if self.old is not None:
                    vault.change_password(self.store, self.old.text(), self.new.text())
                else:
                    self.recovery_key = vault.set_password(self.store, self.new.text())
        except vault.WeakPassword as err:
            self.show_error("new", str(err), self.new)
            return
        except UserError as err:   # WrongPassword / TooManyTries (the old one), Locked, busy, read-only …
            if self.old is not None:
                self.show_error("old", str(err), self.old)
            else:
                self.show_error("new", str(err), self.new)
            return
        log.info("password %s for %s", "changed" if self.changing else "set", self.store.path.name)
        if self.recovery_key:
            RecoveryKeyDialog(self.recovery_key, self.store.path.name, self).exec()
        super().accept()


def remember(store: Store, parent: QWidget | None) -> bool:
    """Keep the key on this PC; a refusal is said in a message box (the file stays unlocked this time)."""
    from .recovery import Notice
    try:
        vault.remember(store)
    except (UserError, OSError) as err:
        log.warning("remembering the key of %s failed", store.path.name, exc_info=True)
        text = str(err) if isinstance(err, UserError) else (err.strerror or str(err))
        Notice.show(parent, "未能记住密码", f"未能在本机记住“{store.path.name}”的密码：{text}；下次打开时仍需输入密码",
                    error=True)
        return False
    return True


def unlock_if_locked(store: Store, parent: QWidget | None = None) -> bool:
    """At open: a file with a password whose key this PC does not keep asks for it. True when it is unlocked (or
    was never locked); 取消 leaves it open locked."""
    if not store.locked or not vault.state(store).has_password:
        return not store.locked
    UnlockDialog(store, parent).exec()
    return not store.locked


def after_open(store: Store, parent: QWidget | None = None) -> None:
    """What opening a file in the window says about its encryption: the notice of a file just encrypted (the plain
    upgrade copy removed), then the password when needed."""
    if store.notice:
        from .recovery import Notice
        Notice.show(parent, "敏感信息已加密", store.notice)
    unlock_if_locked(store, parent)


@contextlib.contextmanager
def wait_cursor() -> Iterator[None]:
    """The busy cursor while scrypt runs (a fraction of a second): the window does not look hung."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
