"""Task: a job on its own thread, its progress dialog, and the three ways it can end."""
import threading

from PySide6.QtWidgets import QPushButton

from leifeng_desktop.exports import ExportCancelled
from leifeng_desktop.ui.app import create_application
from leifeng_desktop.ui.workers import Task


def test_result_comes_back_by_signal(qtbot):
    create_application()
    seen_threads = []

    def job(progress, cancelled):
        seen_threads.append(threading.current_thread())
        for i in range(5):
            progress(i + 1, 5)
        return 42
    task = Task(job, show_dialog=True, title="测试")
    with qtbot.waitSignal(task.done, timeout=10000) as signal:
        task.start()
    assert signal.args == [42]
    assert seen_threads[0] is not threading.main_thread()
    assert not task.is_running()


def test_cancel_from_the_dialog_stops_the_job(qtbot):
    create_application()
    started = threading.Event()

    def job(progress, cancelled):
        started.set()
        while not cancelled():
            progress(1, 10)
        raise ExportCancelled("已取消")
    task = Task(job, show_dialog=True, title="测试")
    task.start()
    started.wait(5)
    with qtbot.waitSignal(task.cancelled, timeout=10000):
        task.dialog.findChild(QPushButton).click()   # the dialog's 取消 button
    assert not task.is_running()


def test_an_error_is_reported_not_raised(qtbot):
    create_application()

    def job(progress, cancelled):
        raise OSError("磁盘已满")
    task = Task(job, show_dialog=False)
    with qtbot.waitSignal(task.failed, timeout=10000) as signal:
        task.start()
    assert signal.args == ["磁盘已满"]
