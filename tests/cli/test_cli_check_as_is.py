"""`check` looks at a file as it is: it never upgrades an older file, purges the 回收站 or sweeps attachments."""
import shutil
import sqlite3
from pathlib import Path

from leifeng_desktop import cli
from leifeng_desktop.core import migrations as mig
from leifeng_desktop.core.store import Store

from cli_helpers import digest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_check_leaves_an_older_schema_as_it_was(tmp_path, capsys):
    for version in ("schema_v2", "schema_v3"):
        folder = tmp_path / version
        shutil.copytree(FIXTURES / version, folder)
        db = folder / "leifeng.db"
        before = digest(db)

        assert cli.main(["--db", str(db), "check"]) == 0

        out = capsys.readouterr().out
        old = version[-1]
        assert f"数据结构版本：{old}（本程序为 {mig.SCHEMA_VERSION}" in out, out
        assert "完整性检查：正常" in out and "team" in out
        assert digest(db) == before
        assert not (folder / "备份").exists()   # no 升级前 copy: nothing was upgraded


def test_check_purges_nothing_from_the_回收站(tmp_path, capsys):
    db = tmp_path / "库.db"
    with Store.open(db) as store:
        household = store.insert("household", {"name": "李梅"})
        store.delete("household", household)
    conn = sqlite3.connect(db)   # deleted long ago: the next open for writing would purge it
    conn.execute("UPDATE trash SET deleted_at = '2000-01-01T00:00:00+08:00'")
    conn.commit()
    conn.close()

    assert cli.main(["--db", str(db), "check"]) == 0

    capsys.readouterr()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM trash").fetchone()[0] == 1
    conn.close()
