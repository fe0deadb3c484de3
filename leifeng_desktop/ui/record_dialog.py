"""A dialog that edits one record through its forms/<type>.ui and the binder: Enter saves, Esc cancels, errors
appear beside their fields and nothing typed is lost when a save is refused."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core import schema as s
from ..core.errors import RecordConflict, UserError, read_only_message
from ..core.store import Store
from ..core.validation import ValidationError
from . import undo
from .binder import FormBinder, load_form
from .conflict_dialog import KEEP_MINE, TAKE_THEIRS, ConflictDialog


def tool_button(text: str, name: str) -> QPushButton:
    """A button inside an editor (添加队员, 删除附件 …) that Enter never presses: Enter means 保存."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAutoDefault(False)
    return button


def ref_options(store: Store):
    """(id, title) pairs for a REF combo, in the record type's own order."""
    def options(type_key: str) -> list[tuple[str, str]]:
        rt = s.record_type(type_key)
        return [(r["id"], str(r.get(rt.title) or "")) for r in store.rows(type_key)]
    return options


def unit_names(store: Store) -> list[str]:
    names = [r["name"] for r in store.rows("unit")]
    ours = store.our_unit()
    return names if ours in names else [ours, *names]


class RecordDialog(QDialog):
    def __init__(self, store: Store, type_key: str, record_id: str | None = None, *, parent: QWidget | None = None,
                 defaults: dict | None = None):
        super().__init__(parent)
        self.store = store
        self.rt = s.record_type(type_key)
        self.record_id = record_id
        self.setWindowTitle(("编辑" if record_id else "新建") + self.rt.label)
        self.form = load_form(type_key)
        self.binder = FormBinder(self.form, self.rt, choices=store.settings.choices(),
                                 ref_options=ref_options(store), unit_options=unit_names(store), parent=self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存(&S)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.build_body(scroll), 1)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        if store.read_only:   # the core refuses the write anyway; say so before anything is typed
            note = QLabel(read_only_message(store.path) + "。")
            note.setObjectName("read_only_note")
            note.setProperty("role", "error")
            note.setWordWrap(True)
            layout.addWidget(note)
            self.save_button.setEnabled(False)
        layout.addWidget(buttons)
        # only once the button is inside the dialog does Qt keep it as the default that Enter presses
        self.save_button.setDefault(True)
        record = store.get(type_key, record_id) if record_id else {
            **{f.key: f.default for f in self.rt.fields if f.default is not None}, **(defaults or {})}
        self.revision = (record or {}).get("revision") if record_id else None   # what a save checks against
        self.binder.load(record or {})
        self.resize(fitting_size(self, self.form.sizeHint()))

    # -- hooks for editors with more than one form (a team and its roster) -----------------------------------
    extra_dirty = False   # set (via touched()) when something beside the bound form changed
    tabs: QTabWidget | None = None

    def extra_tabs(self) -> list[tuple[str, QWidget]]:
        """(title, page) of further tabs after 基本信息; none by default."""
        return []

    def build_body(self, form_area: QWidget) -> QWidget:
        pages = self.extra_tabs()
        if not pages:
            return form_area
        self.tabs = QTabWidget()
        self.tabs.setObjectName(f"{self.rt.key}_tabs")
        for number, (title, page) in enumerate([("基本信息", form_area), *pages], start=1):
            self.tabs.addTab(page, f"{title}(&{number})")
        return self.tabs

    @property
    def tab_widget(self) -> QTabWidget:
        """The editor's tabs; only an editor with extra_tabs() has them."""
        if self.tabs is None:
            raise RuntimeError(f"{type(self).__name__} has no tabs")
        return self.tabs

    def reveal_form(self) -> None:
        """Bring the form with the messages into view (an editor with tabs switches to it)."""
        if self.tabs is not None and self.tabs.currentIndex() != 0:
            self.tabs.setCurrentIndex(0)
            self.binder.validate()   # again, now visible, so focus lands on the first bad field

    def touched(self, *args) -> None:
        self.extra_dirty = True

    def check_more(self) -> bool:
        """Further checks before writing; show why and return False to refuse."""
        return True

    def write(self, values: dict) -> str:
        """Write the record (one transaction) and return its id; an update checks `self.revision` (RecordConflict
        when the record changed elsewhere since it was loaded)."""
        if self.record_id:
            self.store.update(self.rt.key, self.record_id, values, expected_revision=self.revision)
            return self.record_id
        return self.store.insert(self.rt.key, values)

    def renew_missing_rows(self) -> None:
        """Before keeping the clerk's version after a conflict: child rows deleted elsewhere become new rows."""

    def reload(self, record: dict) -> None:
        """Show the stored record instead of what was typed (the clerk took the other side of a conflict);
        editors with child rows reload those too."""
        self.revision = record.get("revision")
        self.binder.load(record)
        self.mark_clean()

    @property
    def dirty(self) -> bool:
        return self.binder.dirty or self.extra_dirty

    def mark_clean(self) -> None:
        self.binder.mark_clean()
        self.extra_dirty = False

    # -- saving --------------------------------------------------------------------------------------------
    def save(self) -> bool:
        if self.binder.validate():
            self.reveal_form()
            return False
        if not self.check_more():
            return False
        pending = undo.before_save(self.store, self.rt.key, self.record_id)
        try:
            self.record_id = self._write_waiting(self.binder.values())
        except ValidationError as err:
            unshown = self.binder.show_errors(err.errors)
            if unshown:
                QMessageBox.warning(self, "无法保存", "\n".join(unshown.values()))
            return False
        except RecordConflict as conflict:
            return self.resolve_conflict(conflict)
        except UserError as err:   # busy, read-only, deleted elsewhere, disk full …: what was typed stays
            QMessageBox.warning(self, "无法保存", str(err))
            return False
        undo.after_save(self.store, pending, self.record_id)   # the window's 撤销 step
        self.mark_clean()
        self.accept()
        return True

    def _write_waiting(self, values: dict) -> str:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)   # a busy database is waited for seconds
        try:
            return self.write(values)
        finally:
            QGuiApplication.restoreOverrideCursor()

    def resolve_conflict(self, conflict: RecordConflict) -> bool:
        """Keep mine: save again over the newer revision. Take theirs: show the stored record, nothing saved."""
        choice = ConflictDialog.ask(self, conflict)
        if choice == KEEP_MINE:
            self.revision = conflict.current.get("revision")
            self.renew_missing_rows()
            return self.save()
        if choice == TAKE_THEIRS:
            self.reload(conflict.current)
        return False

    def reject(self) -> None:
        if self.dirty and not confirm_discard(self):
            return
        super().reject()


def fitting_size(dialog: QWidget, content: QSize) -> QSize:
    """The form's own size plus room for the scroll bar and buttons, never more than the screen allows."""
    screen = dialog.screen().availableGeometry() if dialog.screen() else None
    width, height = content.width() + 60, content.height() + 90
    if screen is not None:
        width, height = min(width, screen.width() - 40), min(height, screen.height() - 60)
    return QSize(max(width, 480), max(height, 240))


def confirm_discard(parent: QWidget) -> bool:
    answer = QMessageBox.question(parent, "放弃修改", "有尚未保存的修改，确定放弃吗？",
                                  QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Discard
