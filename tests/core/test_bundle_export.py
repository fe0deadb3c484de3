"""Exporting a data bundle (issue 17): every record as stored (sensitive values decrypted inside the encrypted
bundle, none readable in the file's bytes), attachments only when asked, deletions always, `since` by updated_at,
a locked file refused, progress and cancel (a cancelled export leaves no file)."""
import shutil

import pytest

from leifeng_desktop.core import attachments as att
from leifeng_desktop.core import bundle_export as be
from leifeng_desktop.core import bundle_file as bf
from leifeng_desktop.core import crypto, device_keys, vault
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.errors import UserError
from leifeng_desktop.core.store import Store

PASS = "区总工会的口令"


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    real = crypto.password_key
    monkeypatch.setattr(crypto, "password_key", lambda pw, salt, n=0, r=8, p=1: real(pw, salt, n=2**10, r=r, p=p))


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "示例.db"
    with Store.open(path) as st:
        load_demo(st, seed=2026)
    return path


@pytest.fixture
def demo(demo_path, tmp_path):
    """A copy of the demo per test (with its attachment folder)."""
    path = tmp_path / "示例.db"
    shutil.copy(demo_path, path)
    shutil.copytree(demo_path.with_name("示例.附件"), tmp_path / "示例.附件")
    with Store.open(path) as st:
        yield st


def test_the_type_order_holds_every_record_type_after_what_it_references():
    assert sorted(be.TYPE_ORDER) == sorted(s.RECORD_TYPES)
    for i, key in enumerate(be.TYPE_ORDER):
        for f in s.record_type(key).fields:
            if f.type == s.REF and f.target != key:
                assert be.TYPE_ORDER.index(f.target) < i, (key, f.key)


def test_every_record_comes_back_as_stored_and_no_number_is_readable_in_the_file(demo, tmp_path):
    out = tmp_path / "out" / be.default_name(demo)
    out.parent.mkdir()
    seen = []
    m = be.export_bundle(demo, out, passphrase=PASS, progress=lambda done, total: seen.append((done, total)))
    assert out.name.startswith("数据包_") and out.suffix == ".lfx"
    assert oct(out.stat().st_mode & 0o777) == "0o600" and sorted(p.name for p in out.parent.iterdir()) == [out.name]
    counts = demo.counts()
    assert m.counts == {k: n for k, n in counts.items() if k != "attachment"} and "attachment" not in m.counts
    assert m.attachments == 0 and not m.with_attachments and m.encrypted and counts["attachment"] > 0
    assert seen[-1] == (m.total_records, m.total_records) and all(d <= t for d, t in seen)
    numbers = set()
    with bf.BundleReader(out, passphrase=PASS) as r:
        for key in m.counts:
            rt = s.record_type(key)
            rows = list(r.records(key))
            assert len(rows) == counts[key]
            for row in rows:
                assert set(row) == set(be.columns(key)) and "revision" not in row
                stored = demo.get(key, row["id"])
                assert demo.decode(rt, row) == {k: v for k, v in stored.items() if k != "revision"}
                numbers |= {row[k] for k in rt.sensitive_keys if isinstance(row[k], str) and len(row[k]) >= 11}
    assert any(len(n) == 18 for n in numbers)   # the 身份证号 are plain inside the bundle …
    raw = out.read_bytes()
    assert not [n for n in numbers if n.encode() in raw]   # … and none is in the file's bytes


def test_attachments_only_when_asked_with_their_files(demo, tmp_path):
    out = tmp_path / "附件.lfx"
    m = be.export_bundle(demo, out, passphrase=None, with_attachments=True)
    stored = demo.rows("attachment")
    assert m.with_attachments and m.counts["attachment"] == len(stored)
    assert m.attachments == len({a["sha256"] for a in stored})
    with bf.BundleReader(out) as r:
        assert sorted(a["id"] for a in r.records("attachment")) == sorted(a["id"] for a in stored)
        for a in stored[:3]:
            r.copy_attachment(a["sha256"], tmp_path / "copy")
            assert (tmp_path / "copy").read_bytes() == att.file_path(demo, a).read_bytes()
    att.file_path(demo, stored[0]).unlink()     # a file removed by hand: refused, naming it, no file left
    with pytest.raises(UserError, match=f"附件“{stored[0]['name']}”的文件已不在附件文件夹中"):
        be.export_bundle(demo, tmp_path / "再.lfx", passphrase=None, with_attachments=True)
    assert not (tmp_path / "再.lfx").exists()


def small_world(store, team_values) -> dict[str, str]:
    team = store.insert("team", team_values)
    old = store.insert("team", {**team_values, "name": "老队"})
    member = store.insert("member", {"team_id": team, "name": "张伟", "phone": "13900000001"})
    gone = store.insert("member", {"team_id": team, "name": "李娜"})
    store.delete("member", gone)
    store.db.execute("UPDATE team SET updated_at = '2026-03-01T09:00:00+08:00' WHERE id = ?", [old])
    return {"team": team, "old": old, "member": member, "gone": gone}


def test_since_takes_the_records_updated_and_deleted_since(store, team_values, tmp_path):
    ids = small_world(store, team_values)
    store.db.execute("UPDATE tombstone SET deleted_at = '2026-02-01T09:00:00+08:00'")
    m = be.export_bundle(store, tmp_path / "a.lfx", passphrase=None, since="2026-06-01")
    assert m.since == "2026-06-01" and m.deleted == 0 and m.counts["team"] == 1
    with bf.BundleReader(tmp_path / "a.lfx") as r:
        assert [t["id"] for t in r.records("team")] == [ids["team"]]
        assert [x["id"] for x in r.records("member")] == [ids["member"]]
    m = be.export_bundle(store, tmp_path / "b.lfx", passphrase=None)
    assert m.counts["team"] == 2 and m.deleted == 1
    with bf.BundleReader(tmp_path / "b.lfx") as r:
        assert list(r.deleted()) == [{"type_key": "member", "record_id": ids["gone"],
                                      "deleted_at": "2026-02-01T09:00:00+08:00", "unit": store.our_unit()}]


def test_a_deletion_travels_after_the_trash_forgot_it(store, team_values, tmp_path):
    from leifeng_desktop.core import trash
    ids = small_world(store, team_values)
    trash.purge(store)
    assert trash.entries(store) == []
    be.export_bundle(store, tmp_path / "a.lfx", passphrase=None)
    with bf.BundleReader(tmp_path / "a.lfx") as r:
        assert [d["record_id"] for d in r.deleted()] == [ids["gone"]]


def test_a_locked_file_cannot_export(store, db_path, fake_id, tmp_path):
    store.insert("household", {"name": "丁", "id_number": fake_id()})
    vault.set_password(store, "办公室的密码")
    store.close()
    with Store.open(db_path) as st:
        device_keys.delete(vault.database_id(st) or "")
    with Store.open(db_path) as st:
        assert st.locked
        with pytest.raises(UserError, match=f"“{db_path.name}”已加密，请先解锁（输入密码）后再导出数据包"):
            be.export_bundle(st, tmp_path / "a.lfx", passphrase=PASS)
    assert not (tmp_path / "a.lfx").exists()


def test_a_cancel_leaves_no_file(demo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2     # after the first chunk or two

    with pytest.raises(bf.BundleCancelled):
        be.export_bundle(demo, out / "a.lfx", passphrase=PASS, cancelled=cancelled)
    assert list(out.iterdir()) == []
    assert not demo.db.conn.in_transaction     # the read snapshot ended too


def test_rows_are_read_from_a_cursor_in_rowid_order(store, team_values):
    first = store.insert("team", team_values)
    second = store.insert("team", {**team_values, "name": "第二队"})
    rows = be.bundle_rows(store, "team")
    assert next(rows)["id"] == first and next(rows)["id"] == second
    rows.close()


def test_the_export_reads_one_snapshot_while_another_program_writes(store, db_path, team_values, tmp_path):
    """A team saved by the window while the export runs is not half in the bundle: every type comes from the state
    the export began with (one read transaction), and the writer is not blocked (WAL)."""
    store.insert("team", team_values)
    other = Store.open(db_path)
    written = []

    def progress(done, total):
        if not written:
            written.append(other.insert("team", {**team_values, "name": "导出时新建的队"}))

    try:
        m = be.export_bundle(store, tmp_path / "a.lfx", passphrase=None, progress=progress)
    finally:
        other.close()
    assert written and store.get("team", written[0]) is not None
    assert m.counts["team"] == 1
    with bf.BundleReader(tmp_path / "a.lfx") as r:
        assert [t["name"] for t in r.records("team")] == [team_values["name"]]
