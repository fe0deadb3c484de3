"""The store's change notices as a Qt signal, so lists and the status bar refresh after any edit."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..core.store import Store


class StoreSignals(QObject):
    changed = Signal(str)   # record type key, or "settings", or "*" for everything (a new file, demo data)

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self._listener = self.changed.emit
        store.subscribe(self._listener)

    def close(self) -> None:
        self.store.unsubscribe(self._listener)
