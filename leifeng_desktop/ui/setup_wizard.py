"""The first start of a database: a wizard asks for 城市, 本单位 and its level, 主送机关, 操作员, the campaign year and
its deadlines before any page is used, and writes them through core.first_run.first_setup (as `init` does).

It opens window-modal (open(), not exec()): the window stays behind it, and 取消 leaves the app usable with 设置 still
to fill (the dashboard's first steps say so)."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..core import first_run as fr
from ..core import vault
from ..core.errors import UserError
from ..core.settings import CAMPAIGN, FIXED_CHOICES
from ..core.store import Store
from ..core.validation import ValidationError
from .password_fields import REASON, PasswordFields
from .recovery_key_dialog import RecoveryKeyDialog

log = logging.getLogger(__name__)

PAGES = (
    ("本单位", "本单位的名称和类型决定总结材料、实施方案的写法和主送机关。",
     ("city", "our_unit", "our_unit_kind", "addressee")),
    ("填表人", "印在登记表、台账和统计表下方；可以以后再填。",
     ("operator", "leader", "contact_phone")),
    ("活动年度", "截止日期按活动方案预填，可按本年度的通知修改。",
     ("year", "registration_deadline", "plan_deadline")),
)
PLACEHOLDERS = {"city": "如：广州市", "our_unit": "如：广州市总工会", "operator": "填表人姓名",
                "leader": "负责人姓名", "contact_phone": "如：020-12345678"}
DATE_FORMAT = "yyyy-MM-dd"


class SetupPage(QWizardPage):
    """One page of fields; 下一步 checks them through the core first and shows each message under its field."""

    def __init__(self, wizard: SetupWizard, title: str, note: str, keys: tuple[str, ...]):
        super().__init__()
        self.setup = wizard
        self.keys = keys
        self.setTitle(title)
        self.setSubTitle(note)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key in keys:
            field = CAMPAIGN.field(key)
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(1)
            widget = wizard.widgets[key]
            column.addWidget(widget)
            error = QLabel()
            error.setObjectName(f"{key}_error")
            error.setProperty("role", "error")
            error.setWordWrap(True)
            error.hide()
            wizard.errors[key] = error
            column.addWidget(error)
            label = QLabel(f"{field.label}{'（必填）' if field.required else ''}：")
            label.setBuddy(widget)
            form.addRow(label, cell)

    def validatePage(self) -> bool:
        if self.setup.show_errors(self.setup.check(self.keys)):
            return False
        return self.setup.finish() if self.setup.nextId() == -1 else True


def wants_password(store: Store) -> bool:
    """The password page: a file that is encrypted, unlocked, writable and has no password yet."""
    state = vault.state(store)
    return state.encrypted and not state.has_password and not state.locked and not store.read_only


class PasswordPage(QWizardPage):
    """The last page: the office's password, optional but recommended (the reason shown). 完成 checks it, writes
    the settings, sets the password and shows the recovery key once."""

    def __init__(self, wizard: SetupWizard):
        super().__init__()
        self.setup = wizard
        self.setSubTitle(f"{REASON}留空则不设密码，以后可在“设置 → 密码”中设置。")
        self.fields = PasswordFields(self, optional=True)

    def validatePage(self) -> bool:
        password = self.fields.checked()
        if password is None or not self.setup.finish():
            return False
        if password:
            try:
                key = vault.set_password(self.setup.store, password)
            except UserError as err:   # busy, read-only …: the settings are saved; the password can wait
                QMessageBox.warning(self, "未能设置密码", f"设置已保存，但未能为“{self.setup.store.path.name}”设置"
                                    f"密码：{err}；可以稍后在“设置 → 密码”中设置")
                return True
            RecoveryKeyDialog(key, self.setup.store.path.name, self).exec()
        return True


class SetupWizard(QWizard):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.setObjectName("setup_wizard")
        self.setWindowTitle("首次使用：填写基本设置")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)   # no side picture: fits 910×512 at 150 %
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        for button, text in ((QWizard.WizardButton.NextButton, "下一步(&N) >"),
                             (QWizard.WizardButton.BackButton, "< 上一步(&B)"),
                             (QWizard.WizardButton.FinishButton, "完成(&F)"),
                             (QWizard.WizardButton.CancelButton, "以后再填(&L)")):
            self.setButtonText(button, text)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._build_widgets(store.settings.campaign())
        self.password_page = PasswordPage(self) if wants_password(store) else None
        total = len(PAGES) + (self.password_page is not None)
        for n, (title, note, keys) in enumerate(PAGES, start=1):
            self.addPage(SetupPage(self, f"第 {n} 步（共 {total} 步）：{title}", note, keys))
        if self.password_page is not None:
            self.password_page.setTitle(f"第 {total} 步（共 {total} 步）：密码（可不设，建议设置）")
            self.addPage(self.password_page)
        self.written: dict[str, Any] | None = None

    # -- the fields ----------------------------------------------------------------------------------------
    def _build_widgets(self, current: Mapping[str, Any]) -> None:
        for key in ("city", "our_unit", "addressee", "operator", "leader", "contact_phone"):
            field = CAMPAIGN.field(key)
            edit = QLineEdit()
            value = current.get(key) or ""
            edit.setText("" if value == field.default else str(value))   # the seed's "XX市" is no answer
            edit.setPlaceholderText(PLACEHOLDERS.get(key, ""))
            edit.setMaxLength(field.max_length or 200)
            self._add(key, edit)
        level = QComboBox()
        level.addItems(FIXED_CHOICES["our_unit_kind"])
        level.setCurrentText(str(current.get("our_unit_kind") or ""))
        self._add("our_unit_kind", level)
        year = QSpinBox()
        year.setRange(CAMPAIGN.field("year").minimum or 2000, CAMPAIGN.field("year").maximum or 2100)
        year.setValue(int(current.get("year") or QDate.currentDate().year()))
        year.setGroupSeparatorShown(False)
        self._add("year", year)
        for key in ("registration_deadline", "plan_deadline"):
            date = QDateEdit()
            date.setCalendarPopup(True)
            date.setDisplayFormat(DATE_FORMAT)
            date.setDate(QDate.fromString(str(current.get(key) or ""), DATE_FORMAT))
            self._add(key, date)
        self._auto_addressee = self.text("addressee") or self._suggested()
        self.widgets["addressee"].setText(self._auto_addressee)  # type: ignore[attr-defined]
        for key in ("city", "our_unit_kind"):
            signal = getattr(self.widgets[key], "textChanged" if key == "city" else "currentTextChanged")
            signal.connect(self._follow_level)
        year.valueChanged.connect(self._move_deadlines)

    def _add(self, key: str, widget: QWidget) -> None:
        field = CAMPAIGN.field(key)
        widget.setObjectName(key)
        widget.setAccessibleName(field.label)
        if field.help:
            widget.setToolTip(field.help)
        self.widgets[key] = widget

    def _suggested(self) -> str:
        city = self.text("city")
        return fr.default_addressee(city, self.text("our_unit_kind")) if city else ""

    def _follow_level(self, *_args) -> None:
        """主送机关 follows 城市 and the level until the clerk writes one of their own."""
        edit = self.widgets["addressee"]
        assert isinstance(edit, QLineEdit)
        if edit.text().strip() in ("", self._auto_addressee):
            self._auto_addressee = self._suggested()
            edit.setText(self._auto_addressee)

    def _move_deadlines(self, year: int) -> None:
        moved = fr.year_deadlines(year, {k: self.value(k) for k in fr.DEADLINES})
        for key in ("registration_deadline", "plan_deadline"):
            widget = self.widgets[key]
            assert isinstance(widget, QDateEdit)
            widget.setDate(QDate.fromString(str(moved[key]), DATE_FORMAT))

    def text(self, key: str) -> str:
        return str(self.value(key) or "")

    def value(self, key: str) -> Any:
        widget = self.widgets.get(key)
        if isinstance(widget, QLineEdit):
            return widget.text().strip()
        if isinstance(widget, QComboBox):
            return widget.currentText()
        if isinstance(widget, QSpinBox):
            return widget.value()
        if isinstance(widget, QDateEdit):
            return widget.date().toString(DATE_FORMAT)
        return None

    def values(self, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
        return {k: self.value(k) for k in (keys or tuple(self.widgets))}

    # -- checking and saving -------------------------------------------------------------------------------
    def check(self, keys: tuple[str, ...]) -> dict[str, str]:
        return {k: m for k, m in fr.check(self.store, self.values()).items() if k in keys}

    def show_errors(self, errors: Mapping[str, str]) -> bool:
        """Each message under its field, the first such field focused; True when there was any."""
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
        first = next((self.widgets[k] for k in self.widgets if k in errors), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        return bool(errors)

    def finish(self) -> bool:
        try:
            self.written = fr.first_setup(self.store, self.values())
        except ValidationError as err:
            self.show_errors(err.errors)
            return False
        except UserError as err:   # busy, read-only, set up meanwhile by another program
            QMessageBox.warning(self, "未能保存设置", f"设置未保存到“{self.store.path.name}”：{err}")
            return False
        log.info("first setup of %s done", self.store.path.name)
        return True


def offer_setup(window) -> SetupWizard | None:
    """On a database whose 设置 were never confirmed (and that holds no records), the wizard opens over the window."""
    store = window.current_store
    if store.read_only or fr.is_set_up(store):
        return None
    wizard = SetupWizard(store, window)
    window.setup_wizard = wizard
    wizard.open()
    return wizard
