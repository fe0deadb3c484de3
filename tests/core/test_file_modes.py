"""Owner-only files (issue 19): everything holding personal data is 0600 (files) / 0700 (folders) whatever the
umask; an older version's 0644 files are tightened at open."""
import os
import stat
import sys
from pathlib import Path

import pytest

from leifeng_desktop.cli import main
from leifeng_desktop.core import applog, device_keys, private_files
from leifeng_desktop.core.attachments import add_attachment
from leifeng_desktop.core.backup import make_backup
from leifeng_desktop.core.store import Store

pytestmark = pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX modes; Windows: the profile is private")


@pytest.fixture(params=[0o022, 0o002], ids=["umask022", "umask002"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def loose(root: Path) -> list[str]:
    """Every file or folder under root (root too) that others may read: '<path> <mode>'."""
    found = []
    for path in [root, *root.rglob("*")]:
        wanted = private_files.PRIVATE_DIR if path.is_dir() else private_files.PRIVATE_FILE
        if mode(path) != wanted:
            found.append(f"{path.relative_to(root.parent)} {oct(mode(path))}")
    return found


def test_the_data_folder_after_demo_backup_attachment_log_and_full_export_is_owner_only(umask, tmp_path,
                                                                                       private_data_folder,
                                                                                       monkeypatch):
    monkeypatch.delenv("LEIFENG_KEYS_DIR")   # the key file where a clerk's PC keeps it, not the run's shared folder
    data = private_data_folder / "LeifengDesktop"
    db = data / "leifeng.db"
    assert main(["--db", str(db), "demo"]) == 0
    with Store.open(db) as store:
        activity = store.rows("activity", limit=1)[0]
        photo = tmp_path / "photo.jpg"
        photo.write_bytes(b"\xff\xd8 a photo")
        photo.chmod(0o644)
        add_attachment(store, activity["id"], photo)
        make_backup(db, reason="手动")
    applog.setup(data)
    applog.internal_error(RuntimeError("测试"))
    exports = tmp_path / "导出"   # the clerk's folder: only the files with full numbers are made private
    assert main(["--db", str(db), "export", "registration", "--all", "--full", "--out", str(exports)]) == 0

    names = {p.name for p in data.rglob("*")}
    assert {"leifeng.db", "leifeng.附件", "备份", "leifeng.log"} <= names
    assert "keys" in names or device_keys.keeper() == "keyring", "the device key file (core.device_keys)"
    assert any(p.suffix == ".jpg" for p in (data / "leifeng.附件").rglob("*"))
    assert any(p.suffix == ".db" for p in (data / "备份").iterdir())
    written = list(exports.iterdir())
    assert len(written) > 2 and all(p.suffix == ".docx" and mode(p) == 0o600 for p in written)
    assert loose(data) == []


def test_masked_export_keeps_the_usual_mode_and_a_full_one_over_it_becomes_private(umask, store, tmp_path,
                                                                                   team_values):
    from leifeng_desktop.exports.registration import export_registration
    team_id = store.insert("team", team_values)
    out = tmp_path / "out"
    (masked,) = export_registration(store, [team_id], out)
    assert mode(masked) == 0o666 & ~umask          # a masked export is an ordinary file
    (full,) = export_registration(store, [team_id], out, reveal=True)
    assert full == masked and mode(full) == 0o600   # written over a 0644 file: still owner-only


def test_new_year_file_and_its_folder_are_owner_only(umask, store, tmp_path):
    from leifeng_desktop.core.new_year import start_new_year
    target = tmp_path / "新建" / "2027.db"
    target.parent.mkdir()
    start_new_year(store, target)
    assert mode(target) == 0o600


def test_a_new_database_in_a_new_folder(umask, tmp_path, team_values):
    db = tmp_path / "a" / "b" / "x.db"
    with Store.open(db) as store:
        store.insert("team", team_values)
        assert Path(f"{db}-wal").exists()
        assert mode(Path(f"{db}-wal")) == 0o600 and mode(Path(f"{db}-shm")) == 0o600
    assert mode(db) == 0o600
    assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "b") == 0o700


def test_an_older_versions_loose_files_are_tightened_at_open(umask, tmp_path):
    db = tmp_path / "old.db"
    with Store.open(db):
        make_backup(db, reason="手动")
    loose_files = [db, *(tmp_path / "备份").rglob("*"), tmp_path / "备份"]
    attachments = tmp_path / "old.附件" / "ab"
    attachments.mkdir(parents=True)
    (attachments / ("ab" + "0" * 62 + ".jpg")).write_bytes(b"x")
    loose_files += [tmp_path / "old.附件", attachments, *attachments.iterdir()]
    for path in loose_files:
        path.chmod(0o755 if path.is_dir() else 0o644)
    with Store.open(db):
        pass
    assert [str(p) for p in loose_files if mode(p) & 0o077] == []


def test_read_only_open_changes_no_mode(umask, tmp_path):
    db = tmp_path / "ro.db"
    Store.open(db).close()
    db.chmod(0o644)
    with Store.open(db, read_only=True):
        assert mode(db) == 0o644


def test_an_existing_folder_chosen_by_the_clerk_is_left_as_it_is(umask, tmp_path):
    folder = tmp_path / "文档"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    Store.open(folder / "x.db").close()
    assert mode(folder) == 0o755 and mode(folder / "x.db") == 0o600


def test_the_apps_own_data_folder_of_an_older_version_is_tightened(umask, private_data_folder):
    folder = private_data_folder / "LeifengDesktop"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    try:
        applog.setup()
        assert mode(folder) == 0o700
    finally:
        applog.setup()


def test_the_log_of_an_older_version_is_tightened(umask, tmp_path):
    log = tmp_path / "logs" / applog.LOG_NAME
    log.parent.mkdir()
    log.write_text("old\n")
    log.chmod(0o644)
    applog.setup(log.parent)
    try:
        applog.internal_error(RuntimeError("测试"))
        assert mode(log) == 0o600 and "测试" not in log.read_text(encoding="utf-8").splitlines()[0]
    finally:
        applog.setup()
