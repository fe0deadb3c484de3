"""The pieces of the password's forms (issue 19): the strength hint, a password field, the message under a field,
and PasswordFields (新密码 + 再次输入) as the setup wizard's page lays them out."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..core import vault

MAX_LENGTH = 128
REASON = "身份证号、银行卡号等敏感信息加密保存，电脑或文件丢失时他人无法读取。"


def strength_hint(password: str) -> str:
    """A hint under the new password (the core decides what is refused: only what is too short)."""
    if not password:
        return f"至少 {vault.MIN_PASSWORD} 个字符；建议混合字母、数字和符号"
    if len(password) < vault.MIN_PASSWORD:
        return f"太短：至少 {vault.MIN_PASSWORD} 个字符，还差 {vault.MIN_PASSWORD - len(password)} 个"
    kinds = sum(any(test(ch) for ch in password) for test in
                (str.islower, str.isupper, str.isdigit, lambda ch: not ch.isascii() or not ch.isalnum()))
    if len(password) >= 12 and kinds >= 3:
        return "强度：强"
    if len(password) >= 8 and kinds >= 2:
        return "强度：中（再长一些或加入符号更好）"
    return "强度：弱（建议更长，并混合字母、数字和符号）"


def password_edit(name: str, label: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(label)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(MAX_LENGTH)
    edit.setMinimumWidth(260)
    return edit


def error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.hide()
    return label


def field_cell(edit: QWidget, *below: QLabel) -> QWidget:
    """The field with its message (and hint) under it, as one cell of a form."""
    cell = QWidget()
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(edit)
    for label in below:
        column.addWidget(label)
    return cell


def monospace(size_factor: float = 1.0) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    if size_factor != 1.0:
        font.setPointSizeF(max(font.pointSizeF(), 10) * size_factor)
    return font


class PasswordFields:
    """新密码 + 再次输入 with the strength hint and a message under each, laid out on `page` (the wizard's page)."""

    def __init__(self, page: QWidget, *, optional: bool = False):
        self.optional = optional
        self.new = password_edit("new_password", "新密码")
        self.repeat = password_edit("repeat_password", "再次输入新密码")
        self.hint = QLabel(strength_hint(""))
        self.hint.setObjectName("strength")
        self.hint.setWordWrap(True)
        self.new.textChanged.connect(lambda text: self.hint.setText(strength_hint(text)))
        self.errors = {"new": error_label("new_error"), "repeat": error_label("repeat_error")}
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, text, edit, extra in (("new", "密码(&W)：", self.new, [self.hint]),
                                       ("repeat", "再次输入(&A)：", self.repeat, [])):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, field_cell(edit, self.errors[key], *extra))
            edit.textEdited.connect(lambda *_a, k=key: self.show_error(k, ""))

    def show_error(self, key: str, text: str) -> None:
        self.errors[key].setText(text)
        self.errors[key].setVisible(bool(text))
        if text:
            edit = self.new if key == "new" else self.repeat
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            edit.selectAll()

    def checked(self) -> str | None:
        """The password to set ('' for none, when optional), or None when refused (the message shown)."""
        new, repeat = self.new.text(), self.repeat.text()
        if self.optional and not new and not repeat:
            return ""
        try:
            vault.check_new_password(new)
        except vault.WeakPassword as err:
            self.show_error("new", str(err))
            return None
        if new != repeat:
            self.show_error("repeat", "两次输入的密码不一致，请重新输入")
            return None
        return new
