"""The program's log file: program errors with their traceback, for whoever looks after the installation.

`setup()` once at start (the CLI's main, the window's app) sends the `leifeng_desktop` loggers to `leifeng.log`
in the app's data folder (beside the default database), rotating at 1 MB with three old files kept.
`internal_error(exc)` logs an unexpected exception with its traceback and returns the one line the clerk sees:
“程序内部错误（详情已记入日志 …）”. Qt-free; never raises, whatever the disk does.

No personal data: the program logs what it did, never field values, and runs of 11 or more digits (身份证号,
phone numbers) in any logged text, exception messages included, are masked.
"""
from __future__ import annotations

import io
import logging
import logging.handlers
import re
from pathlib import Path

LOG_NAME = "leifeng.log"
MAX_BYTES, BACKUPS = 1_000_000, 3
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
ROOT = "leifeng_desktop"
_DIGITS = re.compile(r"\d{6,}[\dXx]{5,}|\d{11,}")

_handler: _Handler | None = None


def mask(text: str) -> str:
    """`text` with runs of digits that could be an ID or a phone number masked, as the log writes it."""
    return _DIGITS.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 3), text)


class _Masking(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


class _Handler(logging.handlers.RotatingFileHandler):
    """Creates the data folder on the first record; a disk that refuses the log silences it (logged nowhere else:
    a failing log must not turn into an error the clerk sees)."""
    failed: str | None = None

    def _open(self) -> io.TextIOWrapper:
        # the log names files and records: the owner's only, like the database
        from . import private_files
        private_files.make_dir(Path(self.baseFilename).parent)
        if not private_files.create_file(self.baseFilename):
            private_files.restrict(self.baseFilename)   # an older version's 0644 log
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:
        import sys
        exc = sys.exc_info()[1]
        self.failed = getattr(exc, "strerror", None) or str(exc) or "无法写入"
        self.setLevel(logging.CRITICAL + 1)


def _default_dir() -> Path:
    from .data_folder import default_db_path
    return default_db_path().parent


def setup(data_dir: Path | None = None) -> Path:
    """Send the program's log records to `<data_dir>/leifeng.log` (default: the app's data folder); calling it
    again with another folder moves the log there. Returns the log file's path."""
    global _handler
    path = Path(data_dir or _default_dir()) / LOG_NAME
    if data_dir is None:   # the app's own data folder: an older version made it 0755
        from . import private_files
        private_files.restrict(path.parent)
    logger = logging.getLogger(ROOT)
    if _handler is not None and Path(_handler.baseFilename) == path.absolute() and _handler in logger.handlers:
        return path
    for old in [h for h in logger.handlers if isinstance(h, _Handler)] + ([_handler] if _handler else []):
        logger.removeHandler(old)   # every one of ours, also one a test or a reload left without the global
        old.close()
    _handler = _Handler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    _handler.setFormatter(_Masking(FORMAT))
    _handler.setLevel(logging.INFO)
    logger.addHandler(_handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    return path


def log_file() -> Path:
    """Where the log goes (setup() with the default folder first, if nobody called it)."""
    if _handler is None:
        return setup()
    return Path(_handler.baseFilename)


def internal_error(exc: BaseException) -> str:
    """Log `exc` with its traceback; the Chinese line to show instead of it."""
    path = log_file()
    logging.getLogger(ROOT).error("程序内部错误：%s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
    if _handler is not None and _handler.failed:
        return f"程序内部错误（日志文件 {path} 无法写入：{_handler.failed}）"
    return f"程序内部错误（详情已记入日志 {path}）"
