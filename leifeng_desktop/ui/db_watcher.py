"""Notices writes made elsewhere (a CLI import, another program, this window's own worker threads): SQLite's
`data_version` changes when another connection commits, and the store's listeners then hear "*" so lists, the
status bar counts and the dashboard show the new state within about a second."""
from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import QItemSelectionModel, QObject, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView

from ..core.errors import StoreError
from ..core.store import Store
from .record_model import RecordListModel

log = logging.getLogger(__name__)

INTERVAL_MS = 700


class DatabaseWatcher(QObject):
    changedElsewhere = Signal()

    def __init__(self, store: Store, parent: QObject | None = None, *, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.store = store
        self._version = self._read()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def _read(self) -> int | None:
        try:
            return self.store.data_version()
        except (sqlite3.Error, StoreError):   # a file gone or damaged: the next write explains it, not the timer
            log.warning("data_version of %s could not be read", self.store.path, exc_info=True)
            return None

    def check(self) -> bool:
        """True (and "*" to every listener) when another connection committed since the last look."""
        version = self._read()
        if version is None or version == self._version:
            return False
        self._version = version
        self.store.notify("*")
        self.changedElsewhere.emit()
        return True

    def pause(self) -> None:
        """While this window's own worker writes (the demo data set): it announces the end itself."""
        self.timer.stop()

    def resume(self) -> None:
        self._version = self._read()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()


def keep_selection(view: QAbstractItemView) -> None:
    """A list refreshed under the clerk's eyes (a notice from elsewhere) keeps its selected records and current
    row by record id; the scroll position survives a reset by itself."""
    model = view.model()
    if not isinstance(model, RecordListModel):   # only a record list knows its rows by record id
        return
    kept: dict = {}

    def remember() -> None:
        selection = view.selectionModel()
        kept["ids"] = [model.record_id(i.row()) for i in selection.selectedRows()] if selection else []
        current = view.currentIndex()
        kept["current"] = (model.record_id(current.row()), current.column()) if current.isValid() else None

    def restore() -> None:
        selection = view.selectionModel()
        if selection is None:
            return
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for record_id in kept.get("ids") or []:
            row = model.row_of(record_id) if record_id else None
            if row is not None:
                selection.select(model.index(row, 0), flags)
        current = kept.get("current")
        row = model.row_of(current[0]) if current and current[0] else None
        if current and row is not None:
            selection.setCurrentIndex(model.index(row, current[1]), QItemSelectionModel.SelectionFlag.NoUpdate)

    model.modelAboutToBeReset.connect(remember)
    model.modelReset.connect(restore)
