"""core.applog: program errors go to leifeng.log with their traceback, the clerk reads one line saying where."""
import logging

import pytest

from leifeng_desktop.core import applog


@pytest.fixture(autouse=True)
def own_log(tmp_path, monkeypatch):
    """Each test logs into its own folder; the handler is put back as it was afterwards."""
    monkeypatch.setattr(applog, "_handler", None)
    logger = logging.getLogger(applog.ROOT)
    before = list(logger.handlers)
    yield
    for handler in logger.handlers:
        if handler not in before:
            logger.removeHandler(handler)
            handler.close()


def fail(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def test_internal_error_logs_the_traceback_and_says_where(tmp_path):
    path = applog.setup(tmp_path / "data")
    assert path == tmp_path / "data" / "leifeng.log" and applog.log_file() == path
    assert not path.exists()   # nothing is written (nor a folder made) until something is logged
    message = applog.internal_error(fail(KeyError("no such key")))
    assert message == f"程序内部错误（详情已记入日志 {path}）"
    text = path.read_text(encoding="utf-8")
    assert "Traceback" in text and "KeyError" in text and "no such key" in text and "fail" in text


def test_numbers_that_could_be_ids_or_phones_are_masked(tmp_path):
    path = applog.setup(tmp_path)
    applog.internal_error(fail(ValueError("身份证号 11010119850312001X，电话 13812345678，金额 12345")))
    text = path.read_text(encoding="utf-8")
    assert "11010119850312001X" not in text and "13812345678" not in text
    assert "110***" in text and "138***" in text and "12345" in text   # short numbers stay readable


def test_setup_again_keeps_one_handler_and_moves_to_a_new_folder(tmp_path):
    logger = logging.getLogger(applog.ROOT)
    first = applog.setup(tmp_path / "a")
    applog.setup(tmp_path / "a")
    ours = [h for h in logger.handlers if isinstance(h, applog._Handler)]
    assert len(ours) == 1
    second = applog.setup(tmp_path / "b")
    ours = [h for h in logger.handlers if isinstance(h, applog._Handler)]
    assert len(ours) == 1 and applog.log_file() == second != first


def test_a_log_that_cannot_be_written_never_raises(tmp_path, capsys):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    path = applog.setup(blocker)
    message = applog.internal_error(fail(RuntimeError("boom")))
    assert message.startswith(f"程序内部错误（日志文件 {path} 无法写入")
    assert "Traceback" not in capsys.readouterr().err   # logging's own complaint is not printed either
    logging.getLogger("leifeng_desktop.core.store").warning("still quiet")


def test_the_modules_loggers_reach_the_file(tmp_path):
    path = applog.setup(tmp_path)
    logging.getLogger("leifeng_desktop.core.store").warning("orphan attachments not swept in %s", "x.db")
    assert "orphan attachments not swept in x.db" in path.read_text(encoding="utf-8")
