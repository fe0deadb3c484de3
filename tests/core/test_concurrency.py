"""Two programs writing one database: writers wait for the lock, and one that cannot get it is told so in Chinese
with nothing written."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from leifeng_desktop.core import errors
from leifeng_desktop.core.errors import StoreBusy
from leifeng_desktop.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
WRITER = """
import sys
from leifeng_desktop.core.store import Store
store = Store.open(sys.argv[1], create=False)
print("ready", flush=True)
sys.stdin.readline()                      # both start together
for i in range(int(sys.argv[3])):
    store.insert("household", {"name": f"{sys.argv[2]}{i}"})
store.close()
print("done", flush=True)
"""


def test_two_processes_inserting_2000_records_each_lose_nothing(db_path):
    Store.open(db_path).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), tag, "2000"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for tag in ("甲", "乙")]
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0 and out.strip() == "done", err
    with Store.open(db_path, create=False) as st:
        assert st.count("household") == 4000
        for tag in ("甲", "乙"):
            assert st.count("household", where="name LIKE ?", params=[f"{tag}%"]) == 2000


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setattr(errors, "BUSY_TIMEOUT_S", 0.3)


@pytest.fixture
def holder(db_path):
    """Another program in the middle of a write transaction (opened after the store, so the file exists)."""
    conns = []

    def hold():
        conn = sqlite3.connect(db_path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO settings (key, value) VALUES ('other.program', '1')")
        conns.append(conn)
        return conn
    yield hold
    for conn in conns:
        conn.close()


def test_the_default_wait_is_five_seconds():
    assert errors.BUSY_TIMEOUT_S == 5


def test_a_write_that_cannot_get_the_lock_is_explained_and_writes_nothing(db_path, short_wait, holder,
                                                                            team_values):
    store = Store.open(db_path)
    team_id = store.insert("team", team_values)
    seen = []
    store.subscribe(seen.append)
    other = holder()
    with pytest.raises(StoreBusy) as err:
        store.insert("team", {**team_values, "name": "第二队"})
    message = str(err.value)
    assert "leifeng.db" in message and "正被其他程序写入" in message and "没有写入任何内容" in message
    with pytest.raises(StoreBusy):
        store.update("team", team_id, {"leader": "李四"})
    with pytest.raises(StoreBusy):
        store.settings.set({"city": "YY市"})
    with pytest.raises(StoreBusy):
        with store.transaction():
            store.insert("household", {"name": "李梅"})
    assert not store.db.conn.in_transaction and seen == []
    other.execute("COMMIT")
    store.insert("team", {**team_values, "name": "第二队"})   # the same write once the other program commits
    store.update("team", team_id, {"leader": "李四"})
    assert store.count("team") == 2 and store.get("team", team_id)["leader"] == "李四"
    assert store.count("household") == 0 and store.settings.get("city") != "YY市"
    assert store.settings.get("other.program") == 1
    store.close()


def test_reading_goes_on_while_another_program_writes(db_path, short_wait, holder, team_values):
    with Store.open(db_path) as store:
        store.insert("team", team_values)
        holder()
        assert store.count("team") == 1 and store.quick_check() == []


def test_opening_while_another_program_holds_the_lock_says_so(db_path, short_wait, holder):
    Store.open(db_path).close()
    holder()
    with pytest.raises(StoreBusy, match="锁定"):
        Store.open(db_path)
    with Store.open(db_path, read_only=True) as ro:   # reading needs no lock
        assert ro.count("team") == 0
