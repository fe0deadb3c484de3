"""Task: a job on its own thread, its progress dialog, and the three ways it can end."""
import sqlite3
import threading

import pytest
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


def test_an_error_is_reported_not_raised_and_keeps_its_kind(qtbot):
    create_application()
    problem = OSError("磁盘已满")

    def job(progress, cancelled):
        raise problem
    task = Task(job, show_dialog=False)
    with qtbot.waitSignal(task.failed, timeout=10000) as signal:
        task.start()
    assert signal.args == [problem]   # the exception object itself, traceback and all
    assert signal.args[0].__traceback__ is not None


def test_a_clerks_error_is_shown_as_it_is_and_a_program_error_goes_to_the_log(qtbot, monkeypatch, tmp_path, caplog):
    from PySide6.QtWidgets import QMessageBox

    from leifeng_desktop.core import applog
    from leifeng_desktop.core.errors import StoreBusy
    from leifeng_desktop.ui.workers import failure_message, show_failure
    create_application()
    monkeypatch.setattr(applog, "log_file", lambda: tmp_path / "leifeng.log")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: shown.append((title, text))))
    busy = StoreBusy("数据库“leifeng.db”正被其他程序写入，已等待 5 秒仍未完成；您填写的内容未丢失，请稍后再点保存。")
    assert show_failure(None, "导出失败", busy) == str(busy)
    assert shown == [("导出失败", str(busy))]

    def job(progress, cancelled):
        return {}["no such key"]
    task = Task(job, show_dialog=False)
    with qtbot.waitSignal(task.failed, timeout=10000) as signal:
        task.start()
    with caplog.at_level("ERROR"):
        message = failure_message(signal.args[0])
    assert message == f"程序内部错误（详情已记入日志 {tmp_path / 'leifeng.log'}）"
    assert "no such key" not in message
    assert "KeyError" in caplog.text and "Traceback" in caplog.text and "no such key" in caplog.text


def test_a_job_with_a_database_gets_its_own_connection_on_its_thread(qtbot, store, team_values):
    create_application()
    store.insert("team", team_values)
    seen = {}

    def job(own, progress, cancelled):
        seen.update(store=own, thread=threading.current_thread(), teams=own.count("team"))
        return own.path
    task = Task(job, db_path=store.path, show_dialog=False)
    with qtbot.waitSignal(task.done, timeout=10000) as signal:
        task.start()
    assert signal.args == [store.path]
    assert seen["store"] is not store and seen["teams"] == 1
    assert seen["thread"] is not threading.main_thread()
    with pytest.raises(sqlite3.ProgrammingError):   # closed when the job ended
        seen["store"].count("team")


def test_a_task_on_a_missing_file_fails_with_a_sentence_and_creates_nothing(qtbot, tmp_path):
    from leifeng_desktop.core.errors import UserError
    create_application()
    gone = tmp_path / "已删除.db"
    task = Task(lambda own, progress, cancelled: None, db_path=gone, show_dialog=False)
    with qtbot.waitSignal(task.failed, timeout=10000) as signal:
        task.start()
    assert isinstance(signal.args[0], UserError) and "已删除.db" in str(signal.args[0])
    assert not gone.exists()


def test_a_reading_job_gets_a_read_only_store(qtbot, store, team_values):
    from leifeng_desktop.core.errors import StoreError
    create_application()

    def job(own, progress, cancelled):
        assert own.read_only
        with pytest.raises(StoreError):
            own.insert("team", team_values)
        return own.count("team")
    task = Task(job, db_path=store.path, read_only=True, show_dialog=False)
    with qtbot.waitSignal(task.done, timeout=10000) as signal:
        task.start()
    assert signal.args == [0] and store.count("team") == 0
