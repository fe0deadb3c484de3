"""Bundles (issue 17) as a hostile outsider makes them: a plain bundle rewritten by hand (its parts changed, the
manifest's hashes, sizes and counts and the file tag recomputed, so every container check passes) carrying a
formula, control characters, huge or mistyped values, unknown columns, quotes in a unit name, odd ids, references
into the 回收站; a full disk while writing; a kill -9 between an attachment's copy and the commit. Each refusal is
one Chinese sentence naming the file, and leaves the database and the attachment folder byte for byte as they were.
Every finding of T's list (F1–F12) is fixed; its test names the entry where it helps."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bundle_cases import file_digest, folder_listing, make_office, table_rows

from leifeng_desktop.core import attachments, backup, bundle_merge, trash
from leifeng_desktop.core.bundle_export import export_bundle
from leifeng_desktop.core.bundle_file import BundleRefused
from leifeng_desktop.core.errors import UserError
from leifeng_desktop.core.store import Store

SUB_UNIT = "江城市青山区总工会"
FORMULA = "=cmd|' /C calc'!A0"
Rows = list[dict[str, Any]]


@pytest.fixture
def sub(tmp_path):
    (tmp_path / "青山 区").mkdir()
    store = make_office(tmp_path / "青山 区" / "区 县.db", SUB_UNIT, seed=3)
    yield store
    store.close()


@pytest.fixture
def city(tmp_path):
    (tmp_path / "市 总").mkdir()
    store = Store.open(tmp_path / "市 总" / "市 总工会.db")
    store.settings.set({"our_unit": "江城市总工会", "our_unit_kind": "市总工会"})
    source = tmp_path / "合影 一.jpg"
    source.write_bytes(b"\xff\xd8\xff city photo " * 50)
    activity = store.insert("activity", {"title": "宣讲", "starts_at": "2026-03-01T09:00",
                                         "ends_at": "2026-03-01T10:00", "category": "文明礼仪"})
    attachments.add_attachment(store, activity, source)
    yield store
    store.close()


@pytest.fixture
def plain(sub, tmp_path) -> Path:
    path = tmp_path / "青山 区" / "原样 数据包.lfx"
    export_bundle(sub, path, passphrase=None)
    return path


# -- the attacker's tools ------------------------------------------------------------------------------------------
def forge(source: Path, out: Path, change: Callable[[str, Rows], Rows] | None = None, *,
          manifest: Callable[[dict[str, Any]], None] | None = None, extra: dict[str, Rows] | None = None) -> Path:
    """`source` (a plain bundle) rewritten under a new bundle id: each records/deleted part's rows through
    `change(part, rows)`, then the manifest's parts, counts and the zip comment's SHA-256 file tag made to match, as
    anyone can without a key."""
    with zipfile.ZipFile(source) as z:
        meta = json.loads(z.read("manifest.json"))
        parts = {n: z.read(n) for n in z.namelist() if n != "manifest.json"}
    for name, rows in (extra or {}).items():
        parts[name] = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    for name in list(parts):
        if change and name.endswith(".jsonl"):
            rows = change(name, [json.loads(line) for line in parts[name].decode().splitlines()])
            parts[name] = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
            if not rows:
                del parts[name]
    meta["parts"], meta["bundle_id"] = {}, str(uuid.uuid4())     # a new bundle, not one imported before
    counts: dict[str, int] = {}
    for name, data in parts.items():
        spec = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        if name.endswith(".jsonl"):
            spec["rows"] = data.count(b"\n")
            if name.startswith("records/"):
                counts[name.split("/")[1]] = counts.get(name.split("/")[1], 0) + spec["rows"]
        meta["parts"][name] = spec
    meta["counts"] = counts
    meta["deleted"] = sum(v["rows"] for n, v in meta["parts"].items() if n.startswith("deleted/"))
    if manifest:
        manifest(meta)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.comment = b"lfx1:" + b"0" * 64
        for name, data in parts.items():
            z.writestr(name, data)
        z.writestr("manifest.json", json.dumps(meta, ensure_ascii=False))
    data = bytearray(buffer.getvalue())
    data[-64:] = hashlib.sha256(bytes(data[:-64])).hexdigest().encode()
    out.write_bytes(bytes(data))
    return out


def on(type_key: str, edit: Callable[[Rows], None]) -> Callable[[str, Rows], Rows]:
    """A `change` editing the first part of one record type."""
    def change(name: str, rows: Rows) -> Rows:
        if name == f"records/{type_key}/1.jsonl":
            edit(rows)
        return rows
    return change


def setting(**values: Any) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        rows[0].update(values)
    return edit


# -- what a clerk may read -----------------------------------------------------------------------------------------
def state(store: Store):
    files = [store.path, Path(f"{store.path}-wal")]
    return ([file_digest(p) for p in files if p.exists()], table_rows(store), folder_listing(store),
            backup.list_backups(store.path))


def clerk_sentence(message: str, file_name: str) -> None:
    """One Chinese sentence naming the file (or its path): no traceback, no exception name, no Python repr."""
    assert re.search(f"“[^”]*{re.escape(file_name)}”", message), message
    assert "\n" not in message and "Traceback" not in message and "Error" not in message
    assert not re.search(r"[\[{(]'|'[\]})]|\\x|\\u|<[a-z]", message), message
    assert re.search(r"[\u4e00-\u9fff]", message.replace(file_name, ""))


def refused(store: Store, path: Path, match: str = "", **kw: Any) -> str:
    before = state(store)
    with pytest.raises(BundleRefused, match=match) as caught:
        bundle_merge.import_bundle(store, path, **kw)
    assert state(store) == before
    clerk_sentence(str(caught.value), path.name)
    return str(caught.value)


# -- hostile values ------------------------------------------------------------------------------------------------
def test_a_formula_arrives_as_text_and_leaves_the_ledger_as_text(plain, city, tmp_path):
    from openpyxl import load_workbook

    from leifeng_desktop import cli
    titles = [FORMULA, "+1+1", "@SUM(A1:A9)", "-2+3"]

    def edit(rows: Rows) -> None:
        for row, title in zip(rows, titles):
            row["title"] = title
    bad = forge(plain, tmp_path / "公式 数据包.lfx", on("activity", edit))
    bundle_merge.import_bundle(city, bad)
    stored = {r["title"] for r in city.rows("activity")}
    assert set(titles) <= stored
    out = tmp_path / "台账 输出" / "活动台账.xlsx"
    out.parent.mkdir()
    city.close()
    assert cli.main(["--db", str(city.path), "export", "ledger", "activities", "--out", str(out)]) == 0
    cells = [c for row in load_workbook(out).active.iter_rows() for c in row if c.value in titles]
    assert {c.value for c in cells} == set(titles)
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(out) as z:
        sheets = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheets and b"<f " not in sheets


@pytest.mark.parametrize("type_key, edit, match", [
    ("team", setting(name=12345), "队伍名称应为文字"),
    ("team", setting(leader_phone=13812345678), "队长电话应为文字"),
    ("team", setting(categories=["扶老助残", {"a": 1}]), "服务内容应为文字"),
    ("team", setting(unit=7), "应为文字"),
    ("team", setting(name="队\x00伍"), "不可见的控制字符"),
    ("team", setting(note="长" * 2001), "不能超过2000字"),
    ("team", setting(motto="奉献"), "不认识的字段（motto）"),
    ("team", setting(revision=99), "不认识的字段（revision）"),
    ("team", setting(__hmac="00"), "不认识的字段（__hmac）"),
    ("member", setting(phone="12345"), "电话应为11位手机号"),
    ("team", setting(id=""), "无效"),
    ("team", setting(updated_at=None), "无效"),
], ids=["number-as-text", "number-as-phone", "object-in-list", "unit-number", "nul", "too-long", "unknown-column",
        "revision", "shadow-column", "bad-phone", "empty-id", "no-updated-at"])
def test_a_hostile_value_refuses_the_whole_bundle(plain, city, tmp_path, type_key, edit, match):
    bad = forge(plain, tmp_path / "恶意 数据包.lfx", on(type_key, edit))
    message = refused(city, bad, match)
    assert message.endswith("已拒绝整个数据包")


@pytest.mark.parametrize("size_mb", [100, 20])
def test_a_huge_string_is_refused_before_it_fills_memory(plain, city, tmp_path, size_mb):
    """100 MB: more than a part may hold (or its ratio) — refused from the zip's directory; 20 MB of varied text
    fits in a part, and validation refuses the field."""
    text = (hashlib.sha256(b"x").hexdigest() * (size_mb * 1024 * 1024 // 64)) if size_mb == 100 else \
        "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(20 * 1024 * 1024 // 64))
    bad = forge(plain, tmp_path / "巨大 数据包.lfx", on("team", setting(note=text)))
    refused(city, bad, "不允许的内容" if size_mb == 100 else "备注不能超过2000字")


def test_a_unit_name_with_quotes_is_kept_as_sent(plain, city, tmp_path):
    odd = "青山'区\"工会\"); DROP TABLE team;--"

    def change(name: str, rows: Rows) -> Rows:
        if name.startswith(("records/unit/", "records/team/")):
            for row in rows[:1]:
                row["name" if "/unit/" in name else "unit"] = odd
        return rows
    bundle_merge.import_bundle(city, forge(plain, tmp_path / "引号 数据包.lfx", change))
    assert city.count("unit", where="name = ?", params=[odd]) == 1
    assert city.count("team", where="unit = ?", params=[odd]) == 1
    assert city.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_id_of_another_types_record_lives_beside_it(plain, city, tmp_path):
    """A honour sent with the id of this file's activity: two records, each deleted and restored on its own."""
    local = city.rows("activity")[0]["id"]

    def edit(rows: Rows) -> None:
        rows[0]["id"] = local
    bundle_merge.import_bundle(city, forge(plain, tmp_path / "同号 数据包.lfx", on("honor", edit)))
    assert city.count("honor", where="id = ?", params=[local]) == 1
    honour = city.delete("honor", local)
    assert city.count("activity", where="id = ?", params=[local]) == 1
    activity = city.delete("activity", local)
    trash.restore(city, honour)
    trash.restore(city, activity)
    assert city.count("honor", where="id = ?", params=[local]) == 1
    assert city.count("activity", where="id = ?", params=[local]) == 1


@pytest.mark.parametrize("odd_id", ["not-a-uuid", "../../etc/passwd", "x" * 64])
def test_an_id_that_is_not_a_uuid_is_refused(plain, city, tmp_path, odd_id):
    def edit(rows: Rows) -> None:
        rows[-1]["id"] = odd_id
    refused(city, forge(plain, tmp_path / "编号 数据包.lfx", on("honor", edit)), "无效")


@pytest.mark.parametrize("key", ["updated_at", "created_at"])
@pytest.mark.parametrize("stamp", ["9999-12-31", "yesterday", "2026-13-01T09:00:00+08:00", "2026-12-01T09:00\x1b"])
def test_a_time_that_is_not_one_is_refused(plain, city, tmp_path, stamp, key):
    message = refused(city, forge(plain, tmp_path / "时间 数据包.lfx", on("honor", setting(**{key: stamp}))), "无效")
    assert ("修改时间" if key == "updated_at" else "创建时间") in message


def test_an_uppercase_uuid_is_not_this_programs_id(plain, city, tmp_path):
    def edit(rows: Rows) -> None:
        rows[0]["id"] = rows[0]["id"].upper()
    refused(city, forge(plain, tmp_path / "大写 数据包.lfx", on("team", edit)), "编号无效")


@pytest.mark.parametrize("edit, match", [
    (setting(name="队\x1b[2J\x1b]0;x\x07伍"), "不可见的控制字符"),
    (setting(**{"备\x1b[2J注": "x"}), "不认识的字段"),
    (setting(name="队\x1b[2J", id="\x1b]0;title\x07"), "编号无效"),
], ids=["title", "column", "id"])
def test_a_refusal_never_carries_the_records_control_characters(plain, city, tmp_path, edit, match):
    bad = forge(plain, tmp_path / "控制 数据包.lfx", on("team", edit))
    message = refused(city, bad, match)
    assert not [c for c in message if unicodedata.category(c) == "Cc"]


@pytest.mark.parametrize("odd", ["青山\x1b[31m区.lfx", "换\n行.lfx"], ids=["escape", "newline"])
def test_a_file_name_with_a_control_character_does_not_break_the_import(plain, city, tmp_path, odd):
    path = tmp_path / odd
    path.write_bytes(plain.read_bytes())
    try:
        result = bundle_merge.import_bundle(city, path)
    except UserError as exc:
        raise AssertionError(str(exc)) from None
    assert result.counts["team"].new > 0
    clean = odd.replace("\x1b", "").replace("\n", "")
    [note] = [r["note"] for r in city.rows("submission", where="material = '数据包'")]
    written = [result.line(), note, city.db.execute("SELECT file_name FROM bundle_import").fetchone()[0],
               city.db.execute("SELECT title FROM oplog ORDER BY rowid DESC LIMIT 1").fetchone()[0]]
    assert all(clean in text and text.isprintable() for text in written), written


def test_a_refusal_names_a_file_without_its_control_characters(plain, city, tmp_path):
    path = tmp_path / "青山\x1b]0;x\x07区.lfx"
    path.write_bytes(plain.read_bytes()[:-200])
    with pytest.raises(BundleRefused) as caught:
        bundle_merge.import_bundle(city, path)
    assert str(caught.value).startswith("“青山]0;x区.lfx”不是完整的数据包文件")


@pytest.mark.parametrize("name", ["照片.jpg.exe", "打开我.lnk", "无后缀"])
def test_an_attachment_that_is_a_program_is_refused_by_name(sub, city, tmp_path, name):
    from bundle_cases import attach
    attach(sub, tmp_path, "合影.jpg", b"\xff\xd8\xff photo " * 40)
    with_files = tmp_path / "带附件.lfx"
    export_bundle(sub, with_files, passphrase=None, with_attachments=True)
    bad = forge(with_files, tmp_path / "程序 附件.lfx", on("attachment", setting(name=name)))
    refused(city, bad, f"附件“{name}”不是可导入的附件类型（只能是图片、PDF")


@pytest.mark.parametrize("when", ["zzz", "9999-12-31", None])
def test_a_deletion_whose_time_is_not_one_is_refused(plain, city, tmp_path, when):
    gone = {"type_key": "honor", "record_id": str(uuid.uuid4()), "deleted_at": when, "unit": SUB_UNIT}
    bad = forge(plain, tmp_path / "删除时间 数据包.lfx", extra={"deleted/1.jsonl": [gone]})
    refused(city, bad, "选树典型（编号 .*）的删除时间无效")


def test_a_deletion_never_reaches_a_record_the_sender_never_sent(plain, city, tmp_path):
    own = city.rows("activity")[0]
    gone = {"type_key": "activity", "record_id": own["id"], "deleted_at": "2099-01-01T00:00:00+08:00",
            "unit": SUB_UNIT}

    bad = forge(plain, tmp_path / "删除 数据包.lfx", extra={"deleted/1.jsonl": [gone]})
    result = bundle_merge.import_bundle(city, bad)     # ignored: never received from a bundle (the city's own)
    assert city.count("activity", where="id = ?", params=[own["id"]]) == 1
    assert result.counts["activity"].deleted == 0 and not trash.entries(city)


@pytest.mark.parametrize("field, value", [("sender_unit", "恶\x1b[2J意工会"), ("sender_unit", "长" * 5000),
                                          ("created_at", "昨天\x1b"), ("since", "\x1b"), ("since", "2026-12-01T08"),
                                          ("sender_kind", "类" * 21), ("sender_db", "\x07")],
                         ids=["control", "long", "created_at", "since", "since-time", "kind", "db"])
def test_a_manifest_text_that_is_not_one_is_refused(plain, city, tmp_path, field, value):
    bad = forge(plain, tmp_path / "清单 数据包.lfx", manifest=lambda meta: meta.update({field: value}))
    refused(city, bad, "清单|报送单位|发送单位")


# -- references into the 回收站 ---------------------------------------------------------------------------------------
def test_a_reference_to_a_record_in_this_recycle_bin_is_refused_by_name(sub, city, tmp_path):
    first = tmp_path / "第一次.lfx"
    export_bundle(sub, first, passphrase=None)
    bundle_merge.import_bundle(city, first)
    team = city.rows("team", where="id IN (SELECT team_id FROM member)", limit=1)[0]
    city.delete("team", team["id"])
    member = sub.rows("member", where="team_id = ?", params=[team["id"]], limit=1)[0]

    def only_member(name: str, rows: Rows) -> Rows:
        if name.startswith("records/member/"):
            return [r for r in rows if r["id"] == member["id"]]
        return [] if name.startswith(("records/", "deleted/")) and "/unit/" not in name else rows
    bad = forge(first, tmp_path / "回收站 数据包.lfx", only_member)
    refused(city, bad, f"队员“{member['name']}”的所在队伍不存在")


def test_a_record_taken_back_whose_parent_stays_in_this_recycle_bin(sub, city, tmp_path, monkeypatch):
    first = tmp_path / "第一次.lfx"
    export_bundle(sub, first, passphrase=None)
    bundle_merge.import_bundle(city, first)
    team = city.rows("team", where="id IN (SELECT team_id FROM member)", limit=1)[0]
    city.delete("team", team["id"])
    member = sub.rows("member", where="team_id = ?", params=[team["id"]], limit=1)[0]
    with sub.transaction():     # changed there after the city's deletion
        sub.db.execute("UPDATE member SET skills = '急救', updated_at = '2099-01-01T00:00:00+08:00' WHERE id = ?",
                       [member["id"]])
    second = tmp_path / "第二次.lfx"
    export_bundle(sub, second, passphrase=None)
    before = state(city)
    try:
        result = bundle_merge.import_bundle(city, second, on_conflict="theirs")
    except UserError as exc:
        assert state(city) == before
        clerk_sentence(str(exc), second.name)
        return
    except Exception as exc:   # a program error: the finding
        raise AssertionError(repr(exc)) from None
    assert result.counts["member"].new + result.counts["member"].changed >= 1
    assert not city.db.execute("PRAGMA foreign_key_check").fetchall()


# -- a full disk ---------------------------------------------------------------------------------------------------
@pytest.fixture
def full_disk(tmp_path):
    folder = tmp_path / "满 盘"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"a tiny tmpfs cannot be mounted here ({done.stderr.decode(errors='replace').strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_names_the_bundle_and_leaves_no_part_of_it(sub, full_disk, tmp_path):
    photo = tmp_path / "合影.jpg"
    photo.write_bytes(b"\xff\xd8" + os.urandom(300 * 1024))      # more than the disk holds, not compressible
    attachments.add_attachment(sub, sub.rows("activity", limit=1)[0]["id"], photo)
    path = full_disk / "青山区 数据包.lfx"
    with pytest.raises(UserError) as caught:
        export_bundle(sub, path, passphrase=None, with_attachments=True)
    clerk_sentence(str(caught.value), path.name)
    assert list(full_disk.iterdir()) == []


# -- kill -9 between an attachment's copy and the commit -----------------------------------------------------------
KILL_AT_REPLACE = """
import os, signal, sys
from leifeng_desktop.core import bundle_merge
from leifeng_desktop.core.store import Store
real, folder = os.replace, os.path.realpath(sys.argv[3])
def replace(a, b):
    mine = os.path.dirname(os.path.dirname(os.path.realpath(b))) == folder
    if mine and "{when}" == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    real(a, b)
    if mine:
        os.kill(os.getpid(), signal.SIGKILL)
bundle_merge.os.replace = replace
store = Store.open(sys.argv[1])
bundle_merge.import_bundle(store, sys.argv[2])
"""


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_kill_while_copying_an_attachment_leaves_no_file_once_swept(sub, city, tmp_path, when):
    """A kill -9 just before (a temporary copy) or just after (the file in place) an attachment's file is renamed
    into the folder, inside the transaction: the database has none of the bundle, and what the copy left is swept
    when the file is opened once the files are old enough (a younger one may be another process's save)."""
    source = tmp_path / "签到 表.docx"
    source.write_bytes(b"PK\x03\x04 sign-in " * 64)
    attachments.add_attachment(sub, sub.rows("activity", limit=1)[0]["id"], source)
    path = tmp_path / "附件 数据包.lfx"
    export_bundle(sub, path, passphrase=None, with_attachments=True)
    tables, listing, folder = table_rows(city), folder_listing(city), attachments.attachments_dir(city)
    city.close()
    script = KILL_AT_REPLACE.format(when=when)
    done = subprocess.run([sys.executable, "-c", script, str(city.path), str(path), str(folder)],
                          capture_output=True, timeout=120)
    assert done.returncode == -9, done.stderr.decode(errors="replace")[-2000:]
    for p in folder.rglob("*"):
        os.utime(p, (1_000_000_000, 1_000_000_000))       # as if a day went by
    with Store.open(city.path) as again:
        assert again.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert {k: v for k, v in table_rows(again).items() if k != "vault"} == \
            {k: v for k, v in tables.items() if k != "vault"}
        assert [name for name, _ in folder_listing(again)] == [name for name, _ in listing]


# -- a forged settings bundle -------------------------------------------------------------------------------------
def settings_bundle(city: Store, path: Path, *, campaign: dict[str, Any] | None = None,
                    unit: dict[str, Any] | None = None) -> Path:
    """The city's settings bundle as an attacker rewrites it: the campaign part and the first unit changed."""
    from leifeng_desktop.core.bundle_file import SETTINGS, BundleReader, BundleWriter
    from leifeng_desktop.core.bundle_settings import export_settings
    export_settings(city, path.with_name("原样 设置.lfx"), passphrase=None)
    with BundleReader(path.with_name("原样 设置.lfx")) as r:
        raw, units, groups = r.json("settings.json"), list(r.records("unit")), list(r.records("working_group"))
    raw["campaign"].update(campaign or {})
    units[0].update(unit or {})
    with BundleWriter(path, store=city, kind=SETTINGS, passphrase=None) as w:
        w.add_json("settings.json", raw)
        w.add_records("unit", units)
        w.add_records("working_group", groups)
    return path


@pytest.mark.parametrize("odd_id", ["../../x", "not-a-uuid", "", 7])
def test_a_settings_bundle_unit_whose_id_is_not_a_uuid_is_refused(sub, city, tmp_path, odd_id):
    """Fixed (T_findings F2, settings side): the city's ids are adopted as they come, so they must be UUIDs."""
    from leifeng_desktop.core.bundle_settings import preview_settings
    path = settings_bundle(city, tmp_path / "设置 数据包.lfx", unit={"id": odd_id, "name": "新单位甲"})
    before = state(sub)
    with pytest.raises(BundleRefused, match="^“设置 数据包.lfx”中的单位记录无法读取，已拒绝$"):
        preview_settings(sub, path)
    assert state(sub) == before


def test_a_settings_bundle_cannot_set_this_offices_own_settings(sub, city, tmp_path):
    from leifeng_desktop.core.bundle_settings import apply_settings, preview_settings
    path = settings_bundle(city, tmp_path / "设置 数据包.lfx",
                           campaign={"our_unit": "冒名工会", "operator": "冒名者", "contact_phone": "13800000000"})
    own = sub.settings.campaign()
    apply_settings(sub, preview_settings(sub, path))
    after = sub.settings.campaign()
    assert [after[k] for k in ("our_unit", "operator", "contact_phone")] == \
        [own[k] for k in ("our_unit", "operator", "contact_phone")]
