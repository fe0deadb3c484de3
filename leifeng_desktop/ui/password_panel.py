"""设置 → 密码: where the file's encryption stands, 设置密码…/修改密码…, 解锁…, and 记住密码（本机）(the key kept in
this PC's credential store, so the password is not asked at every start). The rules are core.vault's."""
from __future__ import annotations

import logging

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..core import vault
from ..core.errors import UserError
from ..core.store import Store
from .password_dialogs import PasswordDialog, UnlockDialog, remember
from .password_fields import REASON
from .recovery import Notice

log = logging.getLogger(__name__)


def status_text(store: Store, state: vault.State) -> str:
    if not state.encrypted:
        return f"“{store.path.name}”尚未加密敏感信息（用本程序打开一次即会加密）。"
    if state.locked:
        return ("敏感信息已加密，本次打开未解锁：身份证号、银行卡号等显示为“已加密”，不能修改，也不能导出完整号码。"
                "请点“解锁…”输入密码。")
    if not state.has_password:
        return ("敏感信息已加密，密钥保存在本机；尚未设置密码，文件复制到别的电脑后将无法读取这些信息，本机故障时也无法"
                f"恢复。建议设置密码：{REASON}")
    where = "本机的凭据存储" if state.keeper == "keyring" else "本机的密钥文件（仅本人可读）"
    if state.remembered:
        return f"敏感信息已加密，已设置密码；密钥记在{where}中，在这台电脑上打开时不询问密码。"
    return "敏感信息已加密，已设置密码；本机不记住密码，每次打开时都要输入密码。"


class PasswordPanel(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.setObjectName("password_panel")
        self.status = QLabel()
        self.status.setObjectName("password_status")
        self.status.setWordWrap(True)
        self.password_button = QPushButton()
        self.password_button.setObjectName("password_button")
        self.password_button.clicked.connect(self.edit_password)
        self.unlock_button = QPushButton("解锁(&U)…")
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.clicked.connect(self.unlock)
        self.remember = QCheckBox("记住密码（本机）(&M)")
        self.remember.setObjectName("remember")
        self.remember.setToolTip("密钥保存在本机的凭据存储中，在这台电脑上打开此文件时不再询问密码；"
                                 "取消后每次打开都要输入密码")
        self.remember.clicked.connect(self.set_remembered)
        buttons = QHBoxLayout()
        buttons.addWidget(self.password_button)
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(self.remember)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        state = vault.state(self.store)
        self.status.setText(status_text(self.store, state))
        writable = state.encrypted and not self.store.read_only
        self.password_button.setText("修改密码(&W)…" if state.has_password else "设置密码(&W)…")
        self.password_button.setEnabled(writable and (state.has_password or not state.locked))
        self.unlock_button.setVisible(state.locked and state.has_password)
        self.remember.setChecked(state.remembered)
        self.remember.setEnabled(writable and state.has_password and not state.locked)

    def edit_password(self) -> None:
        PasswordDialog(self.store, self).exec()
        self.refresh()

    def unlock(self) -> None:
        UnlockDialog(self.store, self).exec()
        self.refresh()

    def set_remembered(self, on: bool) -> None:
        if on:
            remember(self.store, self)
        else:
            try:
                vault.forget(self.store)
            except UserError as err:
                Notice.show(self, "未能取消记住密码", str(err), error=True)
            except OSError as exc:
                log.warning("forgetting the key of %s failed", self.store.path.name, exc_info=True)
                Notice.show(self, "未能取消记住密码", f"未能删除本机保存的“{self.store.path.name}”的密钥："
                            f"{exc.strerror or exc}", error=True)
        self.refresh()
