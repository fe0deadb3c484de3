"""`bundle export|import` (issue 17) used as a new user and as an attacker would: the program itself (a process)
carries a sub-union's demo file, attachments and a `--since` bundle into the city's file through folders and file
names with Chinese characters and spaces and a Chinese passphrase; every bad file of the issue is refused on one line
naming it, with the database, its attachment folder and its backups byte for byte as they were; a kill -9 in the middle
of an import leaves all or nothing of the bundle; a second writer makes the busy sentence, not a hang; the window's
store stays open while the command line imports."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from leifeng_desktop import cli
from leifeng_desktop.core import attachments
from leifeng_desktop.core.store import Store

from cli_helpers import ROOT, files_of

PASSPHRASE = "电话里说的口令，2026年 学雷锋"
SUB, CITY = "江城市青山区总工会", "江城市总工会"


def run(*args: Any) -> tuple[int, str, str]:
    """The CLI in this process (fast); the tests that need a process of its own start one."""
    with CliRunner().isolation() as (out, err, _):
        code = cli.main([str(a) for a in args])
        sys.stdout.flush()
        sys.stderr.flush()
    return code, out.getvalue().decode(), err.getvalue().decode()


def program(*args: Any, timeout: float = 120, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The program in a process of its own; `home`: the user's folder (and the data folder within) to use."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if home is not None:
        env.update(HOME=str(home), XDG_DATA_HOME=str(home / "数据 文件夹"), APPDATA=str(home / "数据 文件夹"))
    return subprocess.run([sys.executable, "-m", "leifeng_desktop", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=timeout)


def everything(db: Path) -> tuple[Any, ...]:
    """The database's files, its attachment folder and its backup folder, byte for byte."""
    def listing(folder: Path) -> list[tuple[str, str]]:
        return sorted((str(p.relative_to(folder)), hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "")
                      for p in folder.rglob("*")) if folder.exists() else []
    return files_of(db), listing(db.parent / f"{db.stem}.附件"), listing(db.parent / "备份")


def counts(db: Path) -> dict[str, int]:
    with Store.open(db) as st:
        return {k: st.count(k) for k in ("team", "member", "activity", "participant", "attachment", "aid")}


@pytest.fixture(scope="module")
def offices(tmp_path_factory):
    """A sub-union's demo file (attachments included) and an empty city file, each in a folder with a Chinese name
    and a space; bundles made from the sub-union's file by the program: encrypted with attachments, and plain."""
    root = tmp_path_factory.mktemp("bundles")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_DATA_HOME", str(root / "data-home"))
        sub = root / "青山 区总工会" / "区 县 台账.db"
        city = root / "市 总工会" / "市 总 台账.db"
        for db, unit, level in ((sub, SUB, "区县总工会"), (city, CITY, "市总工会")):
            db.parent.mkdir()
            assert run("--db", db, "init", "--city", "江城市", "--unit", unit, "--level", level, "--year", "2026",
                       "--operator", "李 丽")[0] == 0
        assert run("--db", sub, "demo")[0] == 0
        secret = root / "口令 文件.txt"
        secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
        full = sub.parent / "数据包 全部（含附件）.lfx"
        plain = sub.parent / "明文 数据包.lfx"
        for out, how in ((full, ["--passphrase-file", secret, "--with-attachments"]),
                         (plain, ["--no-encryption", "--yes"])):
            code, _, err = run("--db", sub, "bundle", "export", "--out", out, *how)
            assert code == 0, err
    return {"root": root, "sub": sub, "city": city, "secret": secret, "full": full, "plain": plain}


@pytest.fixture
def city(offices, tmp_path) -> Path:
    """A fresh copy of the city's empty file, in a folder of its own."""
    folder = tmp_path / "市 总工会 副本"
    folder.mkdir()
    db = folder / offices["city"].name
    shutil.copy(offices["city"], db)
    return db


# -- the program as a clerk uses it ---------------------------------------------------------------------------
def test_a_sub_unions_file_reaches_the_city_through_the_program(offices, tmp_path):
    """Processes of the program itself, run by a user whose folders have Chinese names and spaces: the encrypted
    bundle with its attachments, then a --since bundle."""
    home = tmp_path / "张 三 的 用户文件夹"
    home.mkdir()
    db = tmp_path / "市 总 工会" / "市 总.db"
    db.parent.mkdir()
    shutil.copy(offices["city"], db)
    done = program("--db", db, "bundle", "import", offices["full"], "--passphrase-file", offices["secret"], home=home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"“{offices['full'].name}”（{SUB}）：新增 ") and done.stderr == ""
    here, there = counts(db), counts(offices["sub"])
    assert here == there and here["attachment"] > 0
    with Store.open(db) as st:
        assert all(attachments.exists(st, row) for row in st.rows("attachment"))
    sub = tmp_path / "区 县 副本.db"
    shutil.copy(offices["sub"], sub)
    shutil.copytree(offices["sub"].parent / f"{offices['sub'].stem}.附件", tmp_path / f"{sub.stem}.附件")
    with Store.open(sub) as st:
        member = st.rows("member", limit=1)[0]
        st.update("member", member["id"], {"skills": "心肺复苏"})
    since = tmp_path / "本月 以来.lfx"
    yesterday = time.strftime("%Y-%m-%d", time.localtime(time.time() - 86400))
    done = program("--db", sub, "bundle", "export", "--out", since, "--since", yesterday,
                   "--passphrase-file", offices["secret"], home=home)
    assert done.returncode == 0, done.stderr
    done = program("--db", db, "bundle", "import", since, "--passphrase-file", offices["secret"], home=home)
    assert done.returncode == 0, done.stderr
    assert "更新 1 条" in done.stdout
    with Store.open(db) as st:
        assert st.get("member", member["id"])["skills"] == "心肺复苏"
    assert (home / "数据 文件夹" / "LeifengDesktop" / "leifeng.log").is_file()     # the user's folders were used


# -- every bad file: one line, nothing changed ----------------------------------------------------------------
def rezip(source: Path, out: Path, *, manifest: Any = None, extra: dict[str, bytes] | None = None,
          part: Any = None) -> Path:
    """`source` rewritten by hand: the manifest changed (`manifest(meta)`), a part's bytes changed (`part(name,
    data)` → bytes, the manifest's hash and size made to match), parts added; the plain file tag recomputed."""
    with zipfile.ZipFile(source) as z:
        meta = json.loads(z.read("manifest.json"))
        parts = {n: z.read(n) for n in z.namelist() if n != "manifest.json"}
    for name in list(parts):
        if part is not None and name in meta["parts"]:
            parts[name] = part(name, parts[name])
            meta["parts"][name].update(sha256=hashlib.sha256(parts[name]).hexdigest(), size=len(parts[name]))
    if manifest is not None:
        manifest(meta)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.comment = b"lfx1:" + b"0" * 64
        for name, data in {**parts, **(extra or {})}.items():
            z.writestr(name, data)
        z.writestr("manifest.json", json.dumps(meta, ensure_ascii=False))
    data = bytearray(buffer.getvalue())
    data[-64:] = hashlib.sha256(bytes(data[:-64])).hexdigest().encode()
    out.write_bytes(bytes(data))
    return out


def _set(**values: Any):
    return lambda meta: meta.update(values)


def _one_more_team(meta: dict[str, Any]) -> None:
    meta["counts"]["team"] += 1


def _first_team_row(name: str, data: bytes) -> bytes:
    if not name.startswith("records/member/"):
        return data
    lines = data.decode().splitlines()
    row = json.loads(lines[0])
    row["phone"] = "12345"
    return "\n".join([json.dumps(row, ensure_ascii=False), *lines[1:]]).encode() + b"\n"


def _bomb(out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.comment = b"lfx1:" + b"0" * 64      # looks whole: the limits are what refuse it
        z.writestr("manifest.json", b"{}")
        z.writestr("records/team/1.jsonl", b"\n" * (50 * 1024 * 1024))
    return out


def _climb(out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as z:
        z.comment = b"lfx1:" + b"0" * 64
        z.writestr("manifest.json", b"{}")
        z.writestr("../../区 县.db", b"x")
    return out


def _changed_byte(source: Path, out: Path, where: float) -> Path:
    data = bytearray(source.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    out.write_bytes(bytes(data))
    return out


BAD = {
    "截断 一半.lfx": (lambda o, out: out.write_bytes(o["full"].read_bytes()[: o["full"].stat().st_size // 2]),
                    "不是完整的数据包文件"),
    "不是 压缩包.lfx": (lambda o, out: out.write_text("我只是一个文本文件", encoding="utf-8"), "不是完整的数据包文件"),
    "空 文件.lfx": (lambda o, out: out.write_bytes(b""), "不是完整的数据包文件"),
    "改了 一字节.lfx": (lambda o, out: _changed_byte(o["full"], out, 0.4), "已被改动或损坏"),
    "改了 末尾.lfx": (lambda o, out: _changed_byte(o["plain"], out, 0.999),
                  "已被改动或损坏|不是完整的数据包|不允许的内容"),
    "新格式.lfx": (lambda o, out: rezip(o["plain"], out, manifest=_set(format=2)), "格式版本 2）.*请先升级程序"),
    "新结构.lfx": (lambda o, out: rezip(o["plain"], out, manifest=_set(schema_version=999)),
                "数据结构版本 999）.*请先升级程序"),
    "2025 年度.lfx": (lambda o, out: rezip(o["plain"], out, manifest=_set(year=2025)), "是 2025 年度的数据包"),
    "记录数 不符.lfx": (lambda o, out: rezip(o["plain"], out, manifest=_one_more_team),
                    "已被改动或损坏（志愿服务队的记录数校验不符）"),
    "摘要 不符.lfx": (lambda o, out: rezip(o["plain"], out, manifest=lambda m: m["parts"]["records/team/1.jsonl"]
                                          .update(sha256="0" * 64)), "已被改动或损坏"),
    "多出 部件.lfx": (lambda o, out: rezip(o["plain"], out, extra={"records/team/9.jsonl": b"{}\n"}),
                  "已被改动或损坏（部件“records/team/9.jsonl”校验不符）"),
    "压缩 炸弹.lfx": (lambda o, out: _bomb(out), "不允许的内容（“records/team/1.jsonl”的压缩比异常）"),
    "上级 路径.lfx": (lambda o, out: _climb(out), "不允许的内容（路径“../../区 县.db”）"),
    "无效 记录.lfx": (lambda o, out: rezip(o["plain"], out, part=_first_team_row), "的联系电话：.*已拒绝整个数据包"),
}


def test_every_bad_file_is_one_line_naming_it_and_changes_nothing(offices, city, tmp_path):
    folder = tmp_path / "坏 文件"
    folder.mkdir()
    files = []
    for name, (make, _match) in BAD.items():
        make(offices, folder / name)
        files.append(folder / name)
    wrong = folder / "口令 错误.txt"
    wrong.write_text("别的口令，不对\n", encoding="utf-8")
    before = everything(city)
    code, stdout, err = run("--db", city, "bundle", "import", *files, "--passphrase-file", offices["secret"])
    assert code == 1 and err == "", err
    lines = stdout.splitlines()
    assert len(lines) == len(files), stdout
    for line, (name, (_make, match)) in zip(lines, BAD.items()):
        assert line.startswith(f"未导入：“{name}”"), line
        assert re.search(match, line), line
        assert not re.search(r"Traceback|Error|\\x|'\)|\('", line), line
    assert everything(city) == before
    code, stdout, err = run("--db", city, "bundle", "import", offices["full"], "--passphrase-file", wrong)
    assert (code, stdout.strip(), err) == (1, f"未导入：“{offices['full'].name}”的口令不正确", "")
    assert everything(city) == before


def test_the_citys_own_bundle_comes_back_refused(city, tmp_path):
    out = tmp_path / "自己的 数据包.lfx"
    assert run("--db", city, "bundle", "export", "--out", out, "--no-encryption", "--yes")[0] == 0
    before = everything(city)
    code, stdout, err = run("--db", city, "bundle", "import", out)
    assert (code, err) == (1, "") and stdout.splitlines() == [stdout.strip()]
    assert stdout.startswith(f"未导入：“{out.name}”是本数据库自己导出的数据包")
    assert everything(city) == before


# -- kill -9, two writers, the window open --------------------------------------------------------------------
def _merge_backup(db: Path) -> bool:
    folder = db.parent / "备份"
    return folder.is_dir() and any(p.name.endswith("_merge.db") for p in folder.iterdir())


@pytest.mark.parametrize("delay", [0.2, 1.0])
def test_a_kill_in_the_middle_of_an_import_leaves_all_or_nothing(offices, city, delay):
    """SIGKILL a delay after the 合并前 backup appears (the merge's transaction runs then): the file opens, passes
    integrity_check and holds none or all of the bundle; no attachment file is left that no record names (swept at
    the next open once old enough)."""
    empty = counts(city)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "leifeng_desktop", "--db", str(city), "bundle", "import",
                             str(offices["full"]), "--passphrase-file", str(offices["secret"])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 120
        while not _merge_backup(city) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.communicate(timeout=60)
    folder = city.parent / f"{city.stem}.附件"
    for p in folder.rglob("*") if folder.exists() else []:
        os.utime(p, (1_000_000_000, 1_000_000_000))        # as if a day went by before the next open
    with Store.open(city) as st:
        assert st.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        named = {attachments.stored_name(r["sha256"], r["name"]) for r in st.rows("attachment")}
        left = {p.name for p in attachments.stored_files(st)} | {p.name for p in folder.rglob(".tmp-*")}
    assert counts(city) in (empty, counts(offices["sub"]))
    assert left <= named


HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")     # the write lock, as another program's save holds it
print("holding", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def test_a_second_writer_makes_the_busy_sentence_not_a_hang(offices, city):
    before = everything(city)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(city)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        done = program("--db", city, "bundle", "import", offices["plain"], timeout=60)
    finally:
        holder.communicate("\n", timeout=30)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith(f"错误：数据库“{city.name}”正被其他程序") and "Traceback" not in done.stderr
    assert everything(city)[:2] == before[:2]
    assert counts(city)["team"] == 0


def test_the_windows_store_stays_open_while_the_command_line_imports(offices, city):
    with Store.open(city) as window:
        assert window.count("team") == 0
        done = program("--db", city, "bundle", "import", offices["plain"])
        assert done.returncode == 0, done.stderr
        assert window.count("team") == counts(offices["sub"])["team"]
        window.insert("unit", {"name": "窗口里新增的单位", "kind": "基层工会"})
    assert counts(city) == {**counts(offices["sub"]), "attachment": 0}     # a bundle without attachments


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_a_device_is_refused_not_waited_on(city, tmp_path, kind):
    path = tmp_path / "管道.lfx"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    done = program("--db", city, "bundle", "import", path, timeout=8)
    assert done.returncode == 1 and done.stdout.startswith(f"未导入：“{path.name}”")
