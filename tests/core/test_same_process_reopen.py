"""Opening the database a second time in the same process (a worker's Store, the daily backup's checks) must not
drop this process's SQLite locks: POSIX releases them when ANY descriptor of the file closes, and another program
then deletes the WAL this process still writes through, and its writes are lost."""
import subprocess
import sys
import textwrap

from leifeng_desktop.core.store import Store

OUTSIDE = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1])
    conn.execute("INSERT INTO unit (id, name, unit, created_at, updated_at) "
                 "VALUES (lower(hex(randomblob(16))), '外部写入的单位', 'x', '2026-12-01', '2026-12-01')")
    conn.commit()
    conn.close()
""")


def test_a_second_open_in_this_process_keeps_the_first_ones_wal(db_path):
    window = Store.open(db_path)
    before = window.count("unit")
    Store.open(db_path, create=False).close()          # a worker's store, opened and closed
    Store.open(db_path, create=False, read_only=True).close()
    subprocess.run([sys.executable, "-c", OUTSIDE, str(db_path)], check=True, timeout=60)   # the last to close
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists()                                 # not deleted under the open window
    assert window.count("unit") == before + 1           # the window sees the outside write
    window.insert("unit", {"name": "窗口中新增的单位"})
    window.close()
    with Store.open(db_path, create=False) as again:    # and its own write is in the file
        assert again.count("unit", where="name = ?", params=["窗口中新增的单位"]) == 1
