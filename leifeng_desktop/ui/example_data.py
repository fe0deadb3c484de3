"""帮助 → 打开示例数据: the demo data set lives in a file of its own, `<data folder>/示例数据.db`, never in the clerk's.
The first time (or after a cancelled fill) it is made and filled on a worker with progress; then the window switches
to it like to any other file (文件 → 最近打开 lists it, and goes back to the clerk's file the same way)."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from ..core import private_files
from ..core.errors import UserError
from ..core.store import Store, default_db_path
from .workers import Task, show_failure

log = logging.getLogger(__name__)
EXAMPLE_NAME = "示例数据.db"


def example_path() -> Path:
    return default_db_path().parent / EXAMPLE_NAME


def open_example(window) -> Task | None:
    """Switch the window to the example file, filling it first when it holds no records. Returns the filling task
    (None when the file was ready, or is already open)."""
    path = example_path()
    if path.exists() and window.current_store.path.resolve() == path.resolve():
        window.statusBar().showMessage("已打开示例数据", 5000)
        return None
    try:
        needs_filling = _needs_filling(path)
    except UserError as err:   # a damaged or foreign file under our name: open_path says what is wrong with it
        log.warning("example file: %s", err)
        needs_filling = False
    if not needs_filling:
        window.open_path(path)
        return None
    return fill_example(window, path)


def _needs_filling(path: Path) -> bool:
    """A new example file is made (with the seed's settings) here; one without records gets the demo data."""
    private_files.make_dir(path.parent)   # the data folder, owner-only when this makes it
    with Store.open(path) as store:
        return store.is_empty()


def fill_example(window, path: Path) -> Task:
    """The demo data set written by a worker with its own connection to the example file, then opened."""
    from ..core.demo import load_demo
    task = Task(lambda own, progress, cancelled: load_demo(own, progress=progress, cancelled=cancelled),
                db_path=path, parent=window, title="打开示例数据", label="正在生成示例数据（首次打开时需要一点时间）…")
    task.done.connect(lambda counts: window.open_path(path))
    task.failed.connect(lambda exc: show_failure(window, "未能生成示例数据", exc))
    task.cancelled.connect(lambda: QMessageBox.information(window, "打开示例数据",
                                                           f"已取消，“{path.name}”中没有写入示例数据。"))
    window._demo_task = task   # the window waits for it when it closes
    return task.start()
