"""设置: the campaign settings (forms/campaign.ui), working groups, units expected to report, and choice lists.

load()/save() are symmetric in the manner of Picard's option pages: load() puts the database's values into the
widgets, save() validates them in the core and writes them in one transaction."""
from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import UserError, read_only_message
from ...core.settings import CAMPAIGN, FIXED_CHOICES
from ...core.store import Store
from ...core.validation import ValidationError
from ..binder import FormBinder, load_form
from ..password_panel import PasswordPanel
from ..qt import shortcut
from .choice_lists import ChoiceListsEditor
from .record_page import RecordListPage


class SettingsPage(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settings_tabs")

        self.form = load_form("campaign")
        self.binder = FormBinder(self.form, CAMPAIGN, choices=self._choices(), parent=self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.tabs.addTab(scroll, "活动设置")
        self.groups = RecordListPage(store, "working_group", description="市总机关由领导带队，"
                                                                         "分成若干工作组开展大走访。")
        self.tabs.addTab(self.groups, "工作组")
        self.units = RecordListPage(store, "unit", description="“应报送”的单位会出现在仪表盘的未报送名单中。")
        self.tabs.addTab(self.units, "单位")
        self.choice_lists = ChoiceListsEditor()
        self.tabs.addTab(self.choice_lists, "选项表")
        self.tabs.addTab(PasswordPanel(store), "密码")   # issue 19: ui/password_panel.py

        self.status = QLabel()
        self.status.setObjectName("settings_status")
        self.save_button = QPushButton("保存设置(&S)")
        self.save_button.setObjectName("save_button")
        self.revert_button = QPushButton("还原(&R)")
        self.revert_button.setObjectName("revert_button")
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        title = QLabel("设置")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bar)

        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)
        shortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.binder.dirtyChanged.connect(self._show_dirty)
        self.choice_lists.changed.connect(self._choices_changed)
        self._listener = self._on_store_change
        store.subscribe(self._listener)
        self.destroyed.connect(lambda *_a, st=store, li=self._listener: st.unsubscribe(li))
        self.load()

    def _choices(self) -> dict[str, list[str]]:
        return {**self.store.settings.choices(), **FIXED_CHOICES}

    @property
    def dirty(self) -> bool:
        return self.binder.dirty or self._choices_dirty

    def load(self) -> None:
        self.binder.set_choices(self._choices())
        self.binder.load(self.store.settings.campaign())
        self.choice_lists.load(self.store.settings.choices())
        self._choices_dirty = False
        self.status.setText(read_only_message(self.store.path) + "。" if self.store.read_only else "")
        self.save_button.setEnabled(not self.store.read_only)

    def _on_store_change(self, key: str) -> None:
        """Settings saved elsewhere (another program, the CLI) show at once, unless the clerk is editing them."""
        if key in ("settings", "*") and not self.dirty:
            self.load()

    def save(self) -> bool:
        if self.binder.validate():
            self.tabs.setCurrentIndex(0)
            self.status.setText("有填写不正确的项目，请按红字提示修改。")
            return False
        values = {**self.binder.values(), **self.choice_lists.values()}
        try:
            self.store.settings.set(values)
        except ValidationError as err:
            self.binder.show_errors({k: v for k, v in err.errors.items() if not k.startswith("choices.")})
            for key, message in err.errors.items():
                if key.startswith("choices."):
                    self.tabs.setCurrentWidget(self.choice_lists)
                    self.choice_lists.show_error(key.removeprefix("choices."), message)
            self.status.setText("设置未保存：" + "；".join(err.errors.values()))
            return False
        except UserError as err:   # busy, read-only, disk full: the edits stay on the page for a retry
            self.status.setText("设置未保存。")
            QMessageBox.warning(self, "设置未保存", str(err))
            return False
        self.load()
        self.status.setText("设置已保存。")
        return True

    def _show_dirty(self, dirty: bool) -> None:
        if dirty:
            self.status.setText("有未保存的修改。")

    def _choices_changed(self) -> None:
        self._choices_dirty = True
        self._show_dirty(True)

    def confirm_leave(self) -> bool:
        """Asked before the window closes or another database opens."""
        if not self.dirty:
            return True
        answer = QMessageBox.question(self, "设置未保存", "设置有未保存的修改，是否保存？",
                                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                                      | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard
