"""migrations.upgrade_pending: whether opening a file will upgrade it (the window says so before the long wait).
It reads only: the file is left byte for byte as it was."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from leifeng_desktop.core.migrations import upgrade_pending
from leifeng_desktop.core.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_older_release_file_is_pending_and_left_as_it_was(tmp_path):
    folder = shutil.copytree(FIXTURES / "schema_v3", tmp_path / "v3")
    db_file = folder / "leifeng.db"
    before = digest(db_file)
    assert upgrade_pending(db_file)
    assert digest(db_file) == before
    Store.open(db_file, create=False).close()   # upgraded now
    assert not upgrade_pending(db_file)


def test_a_current_file_is_not_pending(store):
    path = store.path
    store.close()
    assert not upgrade_pending(path)


def test_what_is_not_an_old_file_of_ours_is_not_pending(tmp_path):
    assert not upgrade_pending(tmp_path / "missing.db")
    (tmp_path / "empty.db").write_bytes(b"")
    assert not upgrade_pending(tmp_path / "empty.db")
    (tmp_path / "text.db").write_text("不是数据库", encoding="utf-8")
    assert not upgrade_pending(tmp_path / "text.db")
    assert not upgrade_pending(tmp_path)   # a folder


def test_a_chinese_path_with_spaces(tmp_path):
    folder = shutil.copytree(FIXTURES / "schema_v2", tmp_path / "用户 张三" / "数据 文件")
    assert upgrade_pending(folder / "leifeng.db")
