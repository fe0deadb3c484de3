"""The bundle file (.lfx, issue 17): what goes in comes out (encrypted or not, in chunks, with attachments), the file
is owner-only and appears whole or not at all, and every bad input at the container level is refused with its own
sentence naming the file — before any row is handed out."""
import errno
import hashlib
import io
import json
import os
import struct
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leifeng_desktop.core import bundle_checks, bundle_crypto, bundle_read, crypto
from leifeng_desktop.core import bundle_file as bf
from leifeng_desktop.core.errors import UserError

PASS = "青山区口令2026"


@pytest.fixture
def db_path(tmp_path_factory):
    """The database in a folder of its own: tmp_path holds only the bundles."""
    return tmp_path_factory.mktemp("db") / "leifeng.db"


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    """The manifest records n: a bundle written with a small one opens with it (the real n costs 0.1 s a key)."""
    monkeypatch.setattr(crypto, "SCRYPT_N", 2**10)


def team_rows(n: int, start: int = 0) -> list[dict]:
    return [{"id": f"00000000-0000-4000-8000-{i:012d}", "unit": "青山区总工会",
             "created_at": "2026-09-01T08:00:00+08:00", "updated_at": "2026-09-02T08:00:00+08:00",
             "name": f"第{i}队", "categories": '["扶老助残"]', "leader_phone": "13800000000", "members": None}
            for i in range(start, start + n)]


def deletions() -> list[dict]:
    return [{"type_key": "member", "record_id": "m-1", "deleted_at": "2026-09-03T08:00:00+08:00", "unit": "甲"},
            {"type_key": "team", "record_id": "t-1", "deleted_at": "2026-09-04T08:00:00+08:00", "unit": None}]


def write(path, store, *, passphrase=PASS, teams=3, files=(), settings_json=None, kind=bf.DATA):
    with bf.BundleWriter(path, store=store, kind=kind, passphrase=passphrase) as w:
        w.add_records("team", team_rows(teams))
        w.add_records("member", [])
        w.add_deleted(deletions())
        for data in files:
            source = path.parent / f"src-{hashlib.sha256(data).hexdigest()[:8]}"
            source.write_bytes(data)
            w.add_attachment(hashlib.sha256(data).hexdigest(), source)
        if settings_json is not None:
            w.add_json("settings.json", settings_json)
    return w.manifest


def refused(path, passphrase=PASS) -> str:
    with pytest.raises(bf.BundleRefused) as caught:
        bf.BundleReader(path, passphrase=passphrase).close()
    assert f"“{path.name}”" in str(caught.value)
    return str(caught.value)


# -- rebuilding a bundle with one thing changed ------------------------------------------------------------------
def entries(path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def retag(path) -> None:
    """Recompute the plain file tag (what an unencrypted bundle's zip comment holds) after a change."""
    data = bytearray(path.read_bytes())
    end = len(data) - 64
    data[end:] = hashlib.sha256(bytes(data[:end])).hexdigest().encode()
    path.write_bytes(bytes(data))


def rebuild(path, out, *, manifest=None, drop=(), add=(), rename=None) -> None:
    """A copy of the bundle with the manifest changed by `manifest(dict)`, entries dropped or added, then
    re-tagged (plain tag), so the check under test is the one that speaks."""
    with zipfile.ZipFile(out, "w") as zf:
        for info, data in entries(path):
            if info.filename in drop:
                continue
            if info.filename == "manifest.json" and manifest is not None:
                raw = json.loads(data)
                manifest(raw)
                data = json.dumps(raw, ensure_ascii=False).encode()
            info = zipfile.ZipInfo(rename.get(info.filename, info.filename) if rename else info.filename,
                                   info.date_time) if rename else info
            zf.writestr(info, data)
        for name, data in add:
            zf.writestr(name, data)
        zf.comment = bundle_crypto.PLACEHOLDER
    retag(out)


# -- round trip ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("passphrase", [PASS, None])
def test_every_row_attachment_and_json_comes_back_as_written(tmp_path, store, passphrase):
    path = tmp_path / "青山区.lfx"
    photo, doc = os.urandom(3000), b"a document" * 100
    with bf.BundleWriter(path, store=store, kind=bf.DATA, passphrase=passphrase) as w:
        assert w.add_records("team", team_rows(bf.CHUNK_ROWS + 7)) == bf.CHUNK_ROWS + 7
        assert w.add_records("team", team_rows(3, start=bf.CHUNK_ROWS + 7)) == 3    # a second call goes on
        assert w.add_records("member", iter([])) == 0
        assert w.add_deleted(iter(deletions())) == 2
        for data in (photo, doc, photo):     # the same content twice is stored once
            (tmp_path / "src").write_bytes(data)
            w.add_attachment(hashlib.sha256(data).hexdigest(), tmp_path / "src")
        w.add_json("settings.json", {"year": 2026, "名称": "青山区"})
    m = w.manifest
    assert m.counts == {"team": bf.CHUNK_ROWS + 10, "member": 0} and m.total_records == bf.CHUNK_ROWS + 10
    assert (m.deleted, m.attachments, m.encrypted) == (2, 2, passphrase is not None)
    assert sorted(n for n in m.parts if n.startswith("records/")) == \
        ["records/team/1.jsonl", "records/team/2.jsonl", "records/team/3.jsonl"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert bf.read_manifest(path) == m
    with bf.BundleReader(path, passphrase=passphrase) as r:
        assert r.manifest == m
        assert list(r.records("team")) == team_rows(bf.CHUNK_ROWS + 10)
        assert list(r.records("member")) == [] and list(r.records("household")) == []
        assert list(r.deleted()) == deletions()
        assert r.json("settings.json") == {"year": 2026, "名称": "青山区"}
        assert r.attachment_hashes() == sorted(hashlib.sha256(d).hexdigest() for d in (photo, doc))
        r.copy_attachment(hashlib.sha256(photo).hexdigest(), tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == photo
    with zipfile.ZipFile(path) as zf:   # encrypted parts hide every value; plain ones are deflated JSON lines
        assert (b"13800000000" in zf.read("records/team/1.jsonl")) == (passphrase is None)


def test_the_manifest_says_who_sent_it(tmp_path, store):
    from leifeng_desktop.core import vault
    store.settings.set({"our_unit": "青山区总工会", "year": 2026})
    m = write(tmp_path / "a.lfx", store)
    assert (m.sender_unit, m.year, m.sender_db, m.kind, m.format) == (
        "青山区总工会", 2026, vault.database_id(store), bf.DATA, bf.FORMAT)
    assert m.schema_version == store.schema_version and m.encryption["n"] == 2**10 and m.since is None
    plain = json.loads(zipfile.ZipFile(tmp_path / "a.lfx").read("manifest.json"))
    assert plain["sender_unit"] == "青山区总工会" and "encrypted" not in plain and plain["encryption"]["salt"]


def test_an_error_or_a_cancel_inside_the_block_leaves_no_file(tmp_path, store):
    path = tmp_path / "a.lfx"
    path.write_bytes(b"the old file")
    with pytest.raises(bf.BundleCancelled):
        with bf.BundleWriter(path, store=store, kind=bf.DATA, passphrase=PASS) as w:
            w.add_records("team", team_rows(10))
            raise bf.BundleCancelled()
    assert path.read_bytes() == b"the old file"     # an existing file stays as it was
    with pytest.raises(UserError, match="已不存在"):
        with bf.BundleWriter(tmp_path / "b.lfx", store=store, kind=bf.DATA, passphrase=PASS) as w:
            w.add_attachment("0" * 64, tmp_path / "gone.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.lfx"]


def test_an_attachment_changed_on_disk_or_an_empty_passphrase_is_refused(tmp_path, store):
    (tmp_path / "src").write_bytes(b"changed")
    with pytest.raises(UserError, match="内容与记录不符"):
        with bf.BundleWriter(tmp_path / "a.lfx", store=store, kind=bf.DATA, passphrase=None) as w:
            w.add_attachment(hashlib.sha256(b"original").hexdigest(), tmp_path / "src")
    with pytest.raises(UserError, match="输入口令"):
        bf.BundleWriter(tmp_path / "a.lfx", store=store, kind=bf.DATA, passphrase="  ")
    before = store.path.read_bytes()
    with pytest.raises(UserError, match=f"不能把数据包保存为正在使用的数据库“{store.path.name}”"):
        bf.BundleWriter(store.path, store=store, kind=bf.DATA, passphrase=None)
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]


# -- refused: the container ---------------------------------------------------------------------------------------
def test_a_truncated_an_empty_a_missing_or_a_non_zip_file_is_refused(tmp_path, store):
    path = tmp_path / "a.lfx"
    write(path, store)
    whole = path.read_bytes()
    for data in (whole[:len(whole) // 2], whole[:-30], b"", b"PK\x03\x04 not really", "数据".encode() * 100):
        path.write_bytes(data)
        assert "不是完整的数据包文件" in refused(path)
    docx = tmp_path / "报告.lfx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    assert "不是完整的数据包文件" in refused(docx)
    with pytest.raises(bf.BundleRefused, match="^“不在.lfx”不存在$"):
        bf.read_manifest(tmp_path / "不在.lfx")
    folder = tmp_path / "文件夹.lfx"
    folder.mkdir()
    with pytest.raises(bf.BundleRefused, match="^无法读取“文件夹.lfx”（这是一个文件夹）$"):
        bf.read_manifest(folder)


def test_os_failures_are_said_without_the_systems_english():
    from pathlib import Path

    from leifeng_desktop.core.bundle_checks import os_reason, unreadable
    for code in (errno.ENOENT, errno.EISDIR, errno.EACCES, errno.EPERM, errno.EIO, None):
        said = str(unreadable(Path("a.lfx"), OSError(code, "Some English strerror")))
        assert "English" not in said and "a.lfx" in said, said
    assert os_reason(OSError(errno.EIO, "Input/output error")) == f"系统错误代码 {errno.EIO}"


def test_the_passphrase_missing_or_wrong(tmp_path, store):
    path = tmp_path / "a.lfx"
    write(path, store)
    for missing in (None, ""):
        with pytest.raises(bf.NeedsPassphrase, match="“a.lfx”已加密，请输入口令"):
            bf.BundleReader(path, passphrase=missing)
    with pytest.raises(bf.WrongPassphrase, match="“a.lfx”的口令不正确"):
        bf.BundleReader(path, passphrase=PASS + "x")
    assert bf.read_manifest(path).total_records == 3    # the manifest reads without it


def test_one_changed_byte_in_a_part_or_the_manifest_of_an_encrypted_bundle(tmp_path, store):
    path = tmp_path / "a.lfx"
    write(path, store)
    original = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("records/team/1.jsonl")
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + 40
    path.write_bytes(original[:at] + bytes([original[at] ^ 1]) + original[at + 1:])
    assert "已被改动或损坏（部件“records/team/1.jsonl”校验不符）" in refused(path)
    path.write_bytes(original)
    out = tmp_path / "b.lfx"
    rebuild(path, out, manifest=lambda m: m["counts"].update(team=4))
    assert "已被改动或损坏（清单校验不符）" in refused(out)


def test_a_part_moved_to_another_name_does_not_open_even_with_a_resealed_manifest(tmp_path, store):
    """Someone with the passphrase renames a part and rewrites the manifest, its seal and the file tag: the part
    was sealed with its own name (associated data), so it does not open under another."""
    path, out = tmp_path / "a.lfx", tmp_path / "b.lfx"
    write(path, store)
    parts = dict((info.filename, data) for info, data in entries(path))
    manifest = json.loads(parts.pop("manifest.json"))
    parts.pop("seal")
    parts["records/member/1.jsonl"] = parts.pop("records/team/1.jsonl")
    manifest["parts"]["records/member/1.jsonl"] = manifest["parts"].pop("records/team/1.jsonl")
    manifest["counts"] = {"member": 3}
    key = bundle_crypto.derive(PASS, manifest["encryption"])
    text = json.dumps(manifest).encode()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        zf.writestr("seal", bundle_crypto.manifest_seal(key, manifest["bundle_id"], text))
        zf.writestr("manifest.json", text)
        zf.comment = bundle_crypto.PLACEHOLDER
    data = bytearray(out.read_bytes())
    hasher = bundle_crypto.file_hasher(key)
    hasher.update(bytes(data[:-64]))
    data[-64:] = bundle_crypto.tag(hasher)[5:]
    out.write_bytes(bytes(data))
    assert "已被改动或损坏（部件“records/member/1.jsonl”校验不符）" in refused(out)


def test_a_zip_directory_asking_for_an_unknown_zip_version_is_damage(tmp_path, store):
    path = tmp_path / "a.lfx"
    write(path, store)
    data = bytearray(path.read_bytes())
    at = central_entry(data, "records/team/1.jsonl")
    data[at + 6] ^= 0x80     # its "version needed to extract": zipfile raises NotImplementedError, not BadZipFile
    path.write_bytes(bytes(data))
    assert "不是完整的数据包文件（可能已损坏或未传输完整）" in refused(path)


def test_a_bundle_of_a_newer_format_or_schema(tmp_path, store):
    path, out = tmp_path / "a.lfx", tmp_path / "b.lfx"
    write(path, store, passphrase=None)
    rebuild(path, out, manifest=lambda m: m.update(format=2, kind="新东西"))
    assert "由更新版本的程序生成（格式版本 2），请先升级程序" in refused(out)
    rebuild(path, out, manifest=lambda m: m.update(schema_version=m["schema_version"] + 1))
    assert "（数据结构版本" in refused(out)


@pytest.mark.parametrize("change, part", [
    (lambda m: m["counts"].update(team=2), "志愿服务队的记录数"),
    (lambda m: m["parts"]["records/team/1.jsonl"].update(rows=2), "部件“records/team/1.jsonl”"),
    (lambda m: m.update(deleted=3), "删除记录数"),
    (lambda m: m["parts"]["deleted/1.jsonl"].update(sha256="0" * 64), "部件“deleted/1.jsonl”"),
    (lambda m: m["parts"]["deleted/1.jsonl"].update(size=1), "部件“deleted/1.jsonl”"),
])
def test_manifest_counts_or_hashes_that_do_not_match(tmp_path, store, change, part):
    path, out = tmp_path / "a.lfx", tmp_path / "b.lfx"
    write(path, store, passphrase=None)
    rebuild(path, out, manifest=change)
    assert f"已被改动或损坏（{part}校验不符），已拒绝" in refused(out)


def test_an_extra_or_a_missing_part(tmp_path, store):
    path, out = tmp_path / "a.lfx", tmp_path / "b.lfx"
    write(path, store, passphrase=None)
    rebuild(path, out, add=[("records/team/2.jsonl", b"{}\n")])
    assert "（部件“records/team/2.jsonl”校验不符）" in refused(out)
    rebuild(path, out, drop=["deleted/1.jsonl"])
    assert "（部件“deleted/1.jsonl”校验不符）" in refused(out)
    write(path, store)
    rebuild(path, out, drop=["seal"])     # an encrypted bundle without its seal
    assert "（封签校验不符）" in refused(out)


@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "records/../../evil", "records\\team\\1.jsonl",
                                  "records/team/", "records/nosuchtype/1.jsonl", "attachments/abc", "x.exe"])
def test_a_path_outside_or_unknown_is_refused(tmp_path, store, name):
    path, out = tmp_path / "a.lfx", tmp_path / "b.lfx"
    write(path, store, passphrase=None)
    rebuild(path, out, add=[(name, b"x")])
    assert f"含有不允许的内容（路径“{name}”），已拒绝" in refused(out)
    assert not (tmp_path / "evil").exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, store):
    path, out = tmp_path / "a.lfx", tmp_path / "b.lfx"
    write(path, store, passphrase=None)
    rebuild(path, out)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf:    # 8 MB of one byte deflate to 8 KB
        zf.writestr("records/member/1.jsonl", b"\n" * (8 * 1024 * 1024))
    assert "含有不允许的内容（“records/member/1.jsonl”的压缩比异常）" in refused(out)


def central_entry(data: bytes, name: str) -> int:
    """Where the zip's central directory entry of `name` starts."""
    at = data.index(b"PK\x01\x02")
    while data[at + 46:at + 46 + len(name)] != name.encode():
        at = data.index(b"PK\x01\x02", at + 4)
    return at


def test_a_declared_size_over_the_limit(tmp_path, store):
    path, out = tmp_path / "a.lfx", tmp_path / "b.lfx"
    write(path, store, passphrase=None)
    rebuild(path, out)
    data = bytearray(out.read_bytes())
    at = central_entry(data, "deleted/1.jsonl")
    data[at + 24:at + 28] = struct.pack("<I", 65 * 1024 * 1024)    # uncompressed size
    out.write_bytes(bytes(data))
    assert "含有不允许的内容（“deleted/1.jsonl”解压后超过 64 MB）" in refused(out)
    fake = io.BytesIO(b"PK\x05\x06" + b"\0" * 6 + struct.pack("<H", 60000) + b"\0" * 10)
    assert bundle_checks.declared_entries(fake) == 60000


def test_too_many_entries_are_refused_from_the_directory_record(tmp_path, store, monkeypatch):
    path = tmp_path / "a.lfx"
    write(path, store, passphrase=None)
    monkeypatch.setattr(bundle_checks, "MAX_ENTRIES", 2)
    monkeypatch.setattr(bundle_read, "MAX_ENTRIES", 2)
    assert "含有不允许的内容（条目超过 2 个）" in refused(path)


def test_a_manifest_too_large_is_refused(tmp_path, store):
    path, out = tmp_path / "a.lfx", tmp_path / "b.lfx"
    write(path, store, passphrase=None)
    big = 17 * 1024 * 1024
    rebuild(path, out, manifest=lambda m: m.update(app_version="1" * big))
    assert "含有不允许的内容（“manifest.json”解压后超过 16 MB）" in refused(out)


def test_a_size_that_lies_never_unpacks_more_than_declared(tmp_path):
    """The directory says 100 bytes; the deflated data is 5 MB: the read stops at 100 and the CRC fails."""
    path = tmp_path / "a.lfx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("records/team/1.jsonl", b"{}\n" * (5 * 1024 * 1024 // 3))
    data = bytearray(path.read_bytes())
    for sig, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.index(sig)
        data[start + at:start + at + 4] = struct.pack("<I", 100)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("records/team/1.jsonl")
        assert info.file_size == 100
        with pytest.raises(bf.BundleRefused, match="“a.lfx”已被改动或损坏（部件“records/team/1.jsonl”校验不符）"):
            bundle_checks.read_entry(path, zf, info)


@pytest.mark.parametrize("passphrase", [PASS, None])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(min_value=0, max_value=1, exclude_max=True), xor=st.integers(min_value=1, max_value=255))
def test_any_single_changed_byte_is_found(tmp_path, store, passphrase, where, xor):
    """Encrypted: the keyed file tag (a change cannot be hidden). Plain: its SHA-256 finds damage anywhere too."""
    path = tmp_path / "flip.lfx"
    if not path.exists():
        write(path, store, passphrase=passphrase, files=[b"photo bytes" * 20], settings_json={"a": 1})
    original = path.read_bytes()
    at = int(where * len(original))
    flipped = tmp_path / "flipped.lfx"
    flipped.write_bytes(original[:at] + bytes([original[at] ^ xor]) + original[at + 1:])
    refused(flipped)


def test_memory_stays_flat_writing_and_reading_many_rows(tmp_path, store, monkeypatch):
    """Rows go through a part at a time: four times the rows (10 parts against 40) take no more memory to write
    or to read (chunks made small so the test stays quick under tracemalloc)."""
    import tracemalloc
    monkeypatch.setattr(bf, "CHUNK_ROWS", 250)
    write(tmp_path / "warm.lfx", store)    # the modules a first write imports are not the rows' memory

    def peaks(rows: int) -> tuple[int, int]:
        path = tmp_path / f"{rows}.lfx"
        tracemalloc.start()
        try:
            with bf.BundleWriter(path, store=store, kind=bf.DATA, passphrase=PASS) as w:
                for i in range(0, rows, 500):
                    w.add_records("team", team_rows(500, start=i))
            written = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            with bf.BundleReader(path, passphrase=PASS) as r:
                assert sum(1 for _row in r.records("team")) == rows
            return written, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    few, many = peaks(2_500), peaks(10_000)
    grown = 7_500 * len(json.dumps(team_rows(1)[0]))     # what holding the extra rows would cost: about 2 MB
    assert many[0] - few[0] < grown / 10 and many[1] - few[1] < grown / 10, (few, many, grown)
