"""Where the app keeps its files by default (the database, the log, the keys): known without the store's modules,
so the log is set up before anything else is imported (issue 18)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "LeifengDesktop"


def default_db_path() -> Path:
    """Qt's AppDataLocation equivalent, without Qt: %APPDATA%, ~/Library/Application Support or XDG data home."""
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME / "leifeng.db"
