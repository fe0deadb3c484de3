"""Undo and redo in the window: one QUndoStack per open database, shown in the 编辑 menu (撤销“删除队伍 …”).

An editor's save and a list's delete push a step built from core.snapshots: undoing a save writes the previous
values back through the record's own save function, undoing a new record or redoing a delete sends it to the 回收站,
and undoing a delete gives it back from there. A step that would overwrite a change made elsewhere is refused (and
dropped: it can never apply again); a busy database leaves it in place for another try.

The keys belong to the main window: an open editor is a window of its own, so Ctrl+Z there never reaches these
actions, and a focused text field in the window keeps Ctrl+Z for its own typing (Qt's shortcut override).
"""
from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6 import QtCore  # its Qt namespace when first used, not before the first paint (issue 18)
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QMessageBox, QWidget

from ..core.errors import StoreBusy, UserError

if TYPE_CHECKING:   # the store's modules wait for a file to be opened (the window's 编辑 menu comes before it)
    from ..core.snapshots import Snapshot
    from ..core.store import Store

UNDO_LIMIT = 100
NOUNS = {"team": "队伍", "activity": "活动"}   # as a menu names them; other types by their label
_histories: weakref.WeakKeyDictionary[Store, UndoHistory] = weakref.WeakKeyDictionary()


def _snapshots():
    from ..core import snapshots
    return snapshots


def step_text(verb: str, type_key: str, title: str) -> str:
    from ..core import schema as s
    title = title if len(title) <= 30 else title[:29] + "…"
    return f"{verb}{NOUNS.get(type_key, s.record_type(type_key).label)} {title}".strip()


# -- steps -----------------------------------------------------------------------------------------------------
class Step(QUndoCommand):
    """One undoable write. UndoHistory runs undo_step/redo_step (which may raise) and only then moves the stack,
    so QUndoStack's own undo()/redo() calls have nothing left to do."""

    def __init__(self, store: Store, text: str):
        super().__init__(text)
        self.store = store

    def undo(self) -> None:
        pass

    def redo(self) -> None:   # also called by push(): the write was done before the step was pushed
        pass

    def undo_step(self) -> None:
        raise NotImplementedError

    def redo_step(self) -> None:
        raise NotImplementedError


class SaveStep(Step):
    """An editor's save: `before` is None for a new record."""

    def __init__(self, store: Store, before: Snapshot | None, after: Snapshot):
        super().__init__(store, step_text("新建" if before is None else "修改", after.type_key, after.title))
        self.before, self.after = before, after
        self.current = after          # the state the last step left
        self.entry: str | None = None

    def undo_step(self) -> None:
        if self.before is None:
            self.entry = _snapshots().delete(self.store, self.current)
        else:
            self.current = _snapshots().write_back(self.store, self.before, expected=self.current)

    def redo_step(self) -> None:
        if self.before is None:
            assert self.entry is not None, "undo_step put the new record in the 回收站 first"
            self.current = _snapshots().restore(self.store, self.entry, self.current)
        else:
            self.current = _snapshots().write_back(self.store, self.after, expected=self.current)


class DeleteStep(Step):
    """A list's delete to the 回收站; `remove(record_id)` is the page's own delete, used again for redo."""

    def __init__(self, store: Store, gone: Snapshot, entry: str, remove: Callable[[str], object]):
        super().__init__(store, step_text("删除", gone.type_key, gone.title))
        self.current, self.entry, self.remove = gone, entry, remove

    def undo_step(self) -> None:
        self.current = _snapshots().restore(self.store, self.entry, self.current)

    def redo_step(self) -> None:
        self.entry = _snapshots().delete(self.store, self.current, remove=self.remove)


# -- the history of one open database --------------------------------------------------------------------------
class UndoHistory(QObject):
    stepped = Signal(str)   # "已撤销“…”", for the status bar

    def __init__(self, store: Store, parent: QWidget):
        super().__init__(parent)
        self.store = store
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(UNDO_LIMIT)
        _histories[store] = self

    def close(self) -> None:
        if _histories.get(self.store) is self:
            del _histories[self.store]
        self.stack.clear()

    def push(self, step: Step) -> None:
        self.stack.push(step)

    def delete(self, type_key: str, record_id: str, remove: Callable[[str], object]) -> None:
        """Delete through the page's `remove` (a UserError goes to the caller); undoable when the record went to
        the 回收站."""
        gone = _snapshots().take(self.store, type_key, record_id)
        remove(record_id)
        entry = _snapshots().trash_entry(self.store, type_key, record_id) if gone else None
        if gone is not None and entry is not None:
            self.push(DeleteStep(self.store, gone, entry, remove))

    def undo(self) -> bool:
        if not self.stack.canUndo():
            return False
        step = self.stack.command(self.stack.index() - 1)   # the Step pushed (PySide6 hands back the object)
        return isinstance(step, Step) and self._move(step, undo=True)

    def redo(self) -> bool:
        if not self.stack.canRedo():
            return False
        step = self.stack.command(self.stack.index())
        return isinstance(step, Step) and self._move(step, undo=False)

    def _move(self, step: Step, *, undo: bool) -> bool:
        verb, text = ("撤销" if undo else "重做"), step.text()
        move = self.stack.undo if undo else self.stack.redo
        QGuiApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)   # a busy database is waited for seconds
        try:
            if undo:
                step.undo_step()
            else:
                step.redo_step()
        except _snapshots().StaleRecord as exc:
            step.setObsolete(True)   # the stack drops it instead of calling it
            move()
            return self._refuse(verb, text, exc)
        except UserError as exc:     # busy, read-only, a check refused: the step stays for another try
            return self._refuse(verb, text, exc)
        finally:
            QGuiApplication.restoreOverrideCursor()
        move()
        self.stepped.emit(f"已{verb}“{text}”")
        return True

    def _refuse(self, verb: str, text: str, exc: UserError) -> bool:
        reason = str(exc).rstrip("。")
        if isinstance(exc, StoreBusy):   # its own words ask to save again; here nothing was typed
            reason = f"数据库“{self.store.path.name}”正被其他程序写入，未作任何改动，请稍后再{verb}"
        window = self.parent()
        QMessageBox.warning(window if isinstance(window, QWidget) else None, f"不能{verb}",
                            f"未能{verb}“{text}”：{reason}。")
        return False


def history_for(store: Store) -> UndoHistory | None:
    return _histories.get(store)


# -- hooks for editors and lists (no-ops where no window keeps a history, e.g. a page on its own) -------------
@dataclass(frozen=True)
class PendingSave:
    type_key: str
    before: Snapshot | None


def before_save(store: Store, type_key: str, record_id: str | None) -> PendingSave | None:
    """The record as a save is about to change it (None for a new record inside)."""
    if history_for(store) is None:
        return None
    return PendingSave(type_key, _snapshots().take(store, type_key, record_id) if record_id else None)


def after_save(store: Store, pending: PendingSave | None, record_id: str) -> None:
    """Push the save's undo step; a save that changed nothing gets none."""
    history = history_for(store)
    if history is None or pending is None:
        return
    after = _snapshots().take(store, pending.type_key, record_id)
    if after is not None and not after.same_as(pending.before):
        history.push(SaveStep(store, pending.before, after))


def delete(store: Store, type_key: str, record_id: str, remove: Callable[[str], object]) -> None:
    """Delete a record through `remove(record_id)` as an undoable step; a UserError goes to the caller."""
    history = history_for(store)
    if history is None:
        remove(record_id)
    else:
        history.delete(type_key, record_id, remove)


# -- the 编辑 menu -------------------------------------------------------------------------------------------------
def _menu_text(text: str) -> str:
    return text.replace("&", "&&")


class EditMenu(QMenu):
    """撤销/重做 naming the step, then 新建, 删除 and 查找 on the list the clerk is on. The window owns these keys
    (the lists inside it hand theirs over), so no key has two owners."""

    def __init__(self, window: QMainWindow):
        super().__init__("编辑(&E)", window)
        self.setObjectName("edit_menu")
        self.main_window = window
        self.history: UndoHistory | None = None
        action = lambda text, name, keys, slot: self._action(text, name, keys, slot)  # noqa: E731
        self.undo_action = action("撤销(&U)", "undo", [QKeySequence("Ctrl+Z")], self.undo)
        self.redo_action = action("重做(&R)", "redo", [QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")],
                                  self.redo)
        self.addSeparator()
        self.new_action = action("新建(&N)", "new", [QKeySequence.StandardKey.New], self.new_record)
        self.delete_action = action("删除(&D)", "delete", [QKeySequence("Del")], self.delete_record)
        self.addSeparator()
        self.find_action = action("查找(&F)", "find", [QKeySequence.StandardKey.Find], self.find_in_list)
        self.aboutToShow.connect(self._show_page_actions)
        self.aboutToHide.connect(self._enable_page_actions)   # the keys work wherever the menu was last shown

    def _action(self, text: str, name: str, keys: list, slot) -> QAction:
        action = QAction(text, self.main_window)
        action.setObjectName(f"{name}_action")
        action.setShortcuts(keys)
        action.triggered.connect(lambda checked=False: slot())
        self.addAction(action)
        return action

    def set_history(self, history: UndoHistory) -> None:
        """The history of the database the window now shows (the previous one is closed)."""
        if self.history is not None:
            self.history.close()
            self.history.deleteLater()
        self.history = history
        history.stack.indexChanged.connect(self._show_steps)
        history.stack.canUndoChanged.connect(self._show_steps)
        history.stack.canRedoChanged.connect(self._show_steps)
        self._show_steps()

    def _show_steps(self, *args) -> None:
        if self.history is None:
            return
        stack = self.history.stack
        for action, can, verb, key, text in ((self.undo_action, stack.canUndo(), "撤销", "U", stack.undoText()),
                                             (self.redo_action, stack.canRedo(), "重做", "R", stack.redoText())):
            action.setEnabled(can)
            action.setText(f"{verb}“{_menu_text(text)}”(&{key})" if can else f"{verb}(&{key})")

    def undo(self) -> bool:
        return self.history.undo() if self.history else False

    def redo(self) -> bool:
        return self.history.redo() if self.history else False

    # -- the list page the clerk is on ---------------------------------------------------------------------
    def adopt_shortcuts(self, root: QWidget) -> None:
        """The lists inside the window stop answering Ctrl+F and Del themselves: the menu's actions do."""
        from .pages.record_page import RecordListPage
        for page in root.findChildren(RecordListPage):
            page.release_shortcuts()

    def current_page(self):
        """The visible list holding the focus, else the first visible list of the page on show."""
        from .pages.record_page import RecordListPage
        current = getattr(self.main_window, "stack", None)
        current = current.currentWidget() if current is not None else None
        if current is None:
            return None
        pages = [p for p in [current, *current.findChildren(RecordListPage)]
                 if isinstance(p, RecordListPage) and p.isVisible()]
        focus = QApplication.focusWidget()
        return next((p for p in pages if focus is not None and p.isAncestorOf(focus)), pages[0] if pages else None)

    def new_record(self) -> None:
        page = self.current_page()
        if page is not None and page.editable:
            page.new_record()

    def delete_record(self) -> None:
        page = self.current_page()
        if page is not None:
            page.delete_current()

    def find_in_list(self) -> None:
        page = self.current_page()
        if page is not None:
            page.search.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
            page.search.selectAll()

    def _show_page_actions(self) -> None:
        page = self.current_page()
        self.find_action.setEnabled(page is not None)
        self.new_action.setEnabled(page is not None and page.editable)
        self.delete_action.setEnabled(page is not None and page.editable and page.current_id() is not None)

    def _enable_page_actions(self) -> None:
        for action in (self.find_action, self.new_action, self.delete_action):
            action.setEnabled(True)
