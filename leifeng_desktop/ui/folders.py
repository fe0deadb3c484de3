"""Where a file dialog starts: the folder used last time, else the clerk's 文档 (Documents) folder as Windows' own
programs do (C:\\Users\\张三\\Documents, also when it was moved); the home folder only when the system names none."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def documents_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def start_folder(last: object = "") -> Path:
    """`last` (a QSettings value: the folder used before, or empty) when it still exists, else documents_folder()."""
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    return documents_folder()
