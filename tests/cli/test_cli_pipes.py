"""Output piped into `head`: the reader going away never stops what a command writes or changes its exit code."""
import os
import subprocess
import sys

import openpyxl

from leifeng_desktop.core.store import Store

from cli_helpers import ROOT


def _closed_pipe_run(*args: str) -> tuple[int, bytes]:
    """The CLI with stdout into a pipe whose reader is already gone (as `… | head -1` after its line)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {k: v for k, v in os.environ.items() if k != "LEIFENG_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    try:
        proc = subprocess.run([sys.executable, "-m", "leifeng_desktop", *args], stdout=write_end,
                              stderr=subprocess.PIPE, env=env, timeout=120)
    finally:
        os.close(write_end)
    return proc.returncode, proc.stderr


def test_an_import_piped_into_head_still_imports_its_good_rows(tmp_path, team_values):
    db = tmp_path / "库.db"
    with Store.open(db) as store:
        store.insert("team", team_values, unit=team_values["unit"])
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "性别", "联系电话"])
    for i in range(400):   # a report of ~20 KB: more than Python buffers before the first write
        wb.active.append([f"队员{i}", "男", "12345" if i % 2 else f"139{i:08d}"])
    wb.save(tmp_path / "名单.xlsx")

    code, stderr = _closed_pipe_run("--db", str(db), "import", "members", "--team", team_values["name"],
                                    str(tmp_path / "名单.xlsx"))

    assert code == 1, stderr.decode()   # some rows refused, as without the pipe
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr
    with Store.open(db) as store:
        assert store.count("member") == 200

