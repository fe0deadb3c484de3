"""Activity attachments: files beside the database under their content hash, records that name them, no orphans."""
import hashlib
import os

import pytest

from leifeng_desktop.core import attachments as att
from leifeng_desktop.core import trash
from leifeng_desktop.core.attachments import AttachmentError
from leifeng_desktop.core.migrations import SCHEMA_VERSION


@pytest.fixture
def activity(store):
    def make(title="社区义诊"):
        return store.insert("activity", {"title": title, "starts_at": "2026-09-01T09:00",
                                         "ends_at": "2026-09-01T11:00", "category": "扶老助残"})
    return make


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()

    def make(name, content=b"sign-in sheet"):
        path = folder / name
        path.write_bytes(content)
        return path
    return make


def test_the_folder_sits_beside_the_database(store, db_path):
    assert att.attachments_dir(store) == db_path.with_name("leifeng.附件")
    assert store.schema_version == SCHEMA_VERSION >= 3   # the attachment table came with step 3


def test_add_copies_under_the_content_hash(store, activity, files):
    aid = activity()
    source = files("现场照片.JPG", b"\xff\xd8\xff fake jpeg")
    record_id = att.add_attachment(store, aid, source, note="合影")
    record = store.get("attachment", record_id)
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert record["activity_id"] == aid and record["name"] == "现场照片.JPG" and record["note"] == "合影"
    assert record["sha256"] == sha and record["size"] == source.stat().st_size and record["kind"] == "图片"
    path = att.file_path(store, record)
    assert path == att.attachments_dir(store) / sha[:2] / f"{sha}.jpg"
    assert path.read_bytes() == source.read_bytes() and att.exists(store, record)
    assert source.exists()   # a copy, the original stays
    doc = store.get("attachment", att.add_attachment(store, aid, files("签到表.docx", b"PK docx")))
    assert doc["kind"] == "文档" and att.file_path(store, doc).suffix == ".docx"
    assert not list(att.attachments_dir(store).glob(f"{att.TEMP_PREFIX}*"))


def test_the_same_content_is_stored_once(store, activity, files):
    first, second = activity("一"), activity("二")
    a = att.add_attachment(store, first, files("a.png", b"same bytes"))
    b = att.add_attachment(store, second, files("b.png", b"same bytes"))
    c = att.add_attachment(store, first, files("a.png", b"same bytes"))   # the same file twice on one activity
    assert len({a, b, c}) == 3 and store.count("attachment") == 3
    assert len(att.stored_files(store)) == 1


@pytest.mark.parametrize("setup, message", [
    (lambda folder: folder / "nonesuch.jpg", "找不到文件"),
    (lambda folder: folder, "是一个文件夹"),
    (lambda folder: _written(folder / "empty.txt", b""), "空文件"),
])
def test_unusable_files_are_refused(store, activity, tmp_path, setup, message):
    with pytest.raises(AttachmentError, match=message):
        att.add_attachment(store, activity(), setup(tmp_path))
    assert store.count("attachment") == 0 and att.stored_files(store) == []


def test_over_twenty_megabytes_is_refused(store, activity, tmp_path):
    big = tmp_path / "现场视频截图.jpg"
    with open(big, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)   # sparse: nothing is really written
    with pytest.raises(AttachmentError) as err:
        att.add_attachment(store, activity(), big)
    assert str(err.value) == "“现场视频截图.jpg”有 21.0 MB，超过 20 MB 的上限，未添加"
    assert store.count("attachment") == 0 and att.stored_files(store) == []


def test_exactly_twenty_megabytes_is_accepted(store, activity, tmp_path):
    edge = tmp_path / "scan.pdf"
    with open(edge, "wb") as fh:
        fh.truncate(att.MAX_BYTES)
    record = store.get("attachment", att.add_attachment(store, activity(), edge))
    assert record["size"] == att.MAX_BYTES and att.exists(store, record)


def test_unreadable_file_is_refused(store, activity, files, monkeypatch):
    source = files("x.jpg")
    real_open = open

    def failing_open(path, *args, **kwargs):
        if str(path) == str(source):
            raise PermissionError(13, "权限不够")
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(AttachmentError, match="无法读取“x.jpg”"):
        att.add_attachment(store, activity(), source)
    monkeypatch.undo()
    assert att.stored_files(store) == [] and not list(att.attachments_dir(store).glob("*"))


def test_a_failing_insert_leaves_no_copied_file(store, activity, files, monkeypatch):
    aid = activity()
    kept = store.get("attachment", att.add_attachment(store, aid, files("kept.png", b"kept")))

    def broken_insert(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(store, "insert", broken_insert)
    with pytest.raises(RuntimeError):
        att.add_attachment(store, aid, files("new.png", b"new content"))
    with pytest.raises(RuntimeError):   # content already there for another record: that file stays
        att.add_attachment(store, aid, files("again.png", b"kept"))
    assert att.stored_files(store) == [att.file_path(store, kept)]
    assert not list(att.attachments_dir(store).glob(f"{att.TEMP_PREFIX}*"))


def test_an_activity_deleted_meanwhile(store, activity, files):
    aid = activity()
    store.delete("activity", aid)
    with pytest.raises(AttachmentError, match="活动已不存在"):
        att.add_attachment(store, aid, files("x.png"))
    assert att.stored_files(store) == []


def test_a_file_deleted_by_hand_is_reported_not_crashed_on(store, activity, files):
    record = store.get("attachment", att.add_attachment(store, activity(), files("a.png")))
    att.file_path(store, record).unlink()
    assert not att.exists(store, record)
    assert not att.exists(store, dict(record, sha256="../../etc/passwd"))
    att.remove_attachment(store, record["id"])   # removing it still works
    assert store.count("attachment") == 0


def test_adding_again_restores_a_file_deleted_by_hand(store, activity, files):
    aid = activity()
    record = store.get("attachment", att.add_attachment(store, aid, files("a.png", b"photo")))
    att.file_path(store, record).unlink()
    att.add_attachment(store, aid, files("a.png", b"photo"))
    assert att.exists(store, record)


def test_remove_keeps_a_file_another_record_shares(store, activity, files):
    first, second = activity("一"), activity("二")
    a = att.add_attachment(store, first, files("a.png", b"shared"))
    b = att.add_attachment(store, second, files("b.png", b"shared"))
    path = att.file_path(store, store.get("attachment", b))
    att.remove_attachment(store, a)
    assert store.get("attachment", a) is None and path.exists()
    trash.purge(store)   # a's entry in the 回收站 goes for good: b still names the file
    assert path.exists()
    att.remove_attachment(store, b)
    assert path.exists(), "b's record is in the 回收站 and still names the file"
    trash.purge(store)
    assert not path.exists() and att.stored_files(store) == []
    att.remove_attachment(store, b)   # already gone: nothing to do


def test_delete_activity_leaves_no_orphan_file_once_the_trash_is_purged(store, activity, files):
    doomed, kept = activity("删"), activity("留")
    att.add_attachment(store, doomed, files("only-here.docx", b"only here"))
    att.add_attachment(store, doomed, files("shared.png", b"shared"))
    att.add_attachment(store, kept, files("shared.png", b"shared"))
    store.insert("participant", {"activity_id": doomed, "member_id": _member(store), "minutes": 60})
    heard = []
    store.subscribe(heard.append)
    att.delete_activity(store, doomed)
    assert store.get("activity", doomed) is None
    assert store.count("attachment") == 1 and store.count("participant") == 0
    assert len(att.stored_files(store)) == 2   # the 回收站 keeps the activity, so its files too
    trash.purge(store)
    assert [p.name for p in att.stored_files(store)] == [hashlib.sha256(b"shared").hexdigest() + ".png"]
    assert "attachment" in heard and "activity" in heard
    assert att.purge_orphans(store) == []


def test_purge_orphans(store, activity, files):
    aid = activity()
    kept = store.get("attachment", att.add_attachment(store, aid, files("kept.png", b"kept")))
    orphan = store.get("attachment", att.add_attachment(store, aid, files("orphan.png", b"orphan")))
    store.delete("activity", activity("other"))
    with store.transaction():   # a plain SQL delete, as a cascade or an old version of the program would leave it
        store.db.execute("DELETE FROM attachment WHERE id = ?", [orphan["id"]])
    folder = att.attachments_dir(store)
    (folder / "readme.txt").write_text("a clerk's own note")          # not ours: never touched
    stale = folder / f"{att.TEMP_PREFIX}crash"
    stale.write_bytes(b"half")
    os.utime(stale, (1, 1))
    removed = att.purge_orphans(store)
    assert sorted(removed) == sorted([att.file_path(store, orphan), stale])
    assert att.stored_files(store) == [att.file_path(store, kept)]
    assert (folder / "readme.txt").exists()
    assert not att.file_path(store, orphan).parent.exists()   # its emptied subfolder too
    with store.transaction(), pytest.raises(RuntimeError):
        att.purge_orphans(store)


def test_a_store_without_attachments_purges_nothing(store):
    assert att.purge_orphans(store) == [] and att.stored_files(store) == []
    assert not att.attachments_dir(store).exists()


def test_cascade_then_purge(store, activity, files):
    aid = activity()
    record = store.get("attachment", att.add_attachment(store, aid, files("a.png")))
    store.delete("activity", aid)   # the record goes with its activity to the 回收站; its file stays
    assert store.count("attachment") == 0 and att.file_path(store, record).exists()
    assert att.purge_orphans(store) == []
    with store.transaction():   # purged inside an outer transaction: the file waits for the sweep
        trash.purge(store)
    assert att.file_path(store, record).exists()
    assert att.purge_orphans(store) == [att.file_path(store, record)]


def test_inside_an_outer_transaction_files_wait_for_the_commit(store, activity, files):
    aid = activity()
    record = store.get("attachment", att.add_attachment(store, aid, files("a.png")))
    with pytest.raises(ZeroDivisionError), store.transaction():
        att.remove_attachment(store, record["id"])
        raise ZeroDivisionError
    assert store.get("attachment", record["id"]) and att.exists(store, record)   # rolled back, file kept


def _member(store):
    team = store.insert("team", {"name": "队", "kind": store.settings.choices()["team_kind"][0], "unit": "工会",
                                 "leader": "王", "leader_phone": "13812345678"})
    return store.insert("member", {"team_id": team, "name": "李"})


def _written(path, content):
    path.write_bytes(content)
    return path


def age(path, seconds):
    past = path.stat().st_mtime - seconds
    os.utime(path, (past, past))


def test_opening_sweeps_only_old_orphans(db_path, activity, files, store):
    aid = activity()
    kept = store.get("attachment", att.add_attachment(store, aid, files("kept.png", b"kept")))
    old = store.get("attachment", att.add_attachment(store, aid, files("old.png", b"old")))
    young = store.get("attachment", att.add_attachment(store, aid, files("young.png", b"young")))
    with store.transaction():   # records gone, files left: as a killed save, import or demo leaves them
        store.db.execute("DELETE FROM attachment WHERE id IN (?, ?)", [old["id"], young["id"]])
    for record in (kept, old):
        age(att.file_path(store, record), 3600)
    store.close()
    from leifeng_desktop.core.store import Store
    with Store.open(db_path, read_only=True) as ro:   # a read-only window deletes nothing
        assert len(att.stored_files(ro)) == 3
    with Store.open(db_path) as st:
        # the young one may be another program's save between copying the file and committing its record
        assert sorted(att.stored_files(st)) == sorted([att.file_path(st, kept), att.file_path(st, young)])


def test_adding_content_that_is_already_there_makes_the_file_young_again(store, activity, files):
    aid = activity()
    first = store.get("attachment", att.add_attachment(store, aid, files("a.png", b"same")))
    path = att.file_path(store, first)
    age(path, 3600)
    with store.transaction():
        store.db.execute("DELETE FROM attachment WHERE id = ?", [first["id"]])
    att.add_attachment(store, aid, files("b.png", b"same"))   # an open elsewhere now must spare it
    assert att.purge_orphans(store, min_age_s=600) == [] and path.exists()


def test_an_attachment_refusal_is_a_user_error():
    from leifeng_desktop.core.errors import UserError
    assert issubclass(AttachmentError, UserError) and issubclass(AttachmentError, ValueError)


@pytest.mark.parametrize("name", ["照片.jpg.exe", "说明.bat", "快捷方式.lnk", "脚本.js", "页面.hta", "压缩包.zip",
                                  "无后缀"])
def test_a_program_or_an_archive_is_not_attached(store, activity, files, name):
    aid = activity()
    source = files(name, b"MZ not a photo")
    assert "不是可添加的附件类型" in att.check_file(source)
    with pytest.raises(AttachmentError, match=f"^“{name}”不是可添加的附件类型，只能添加图片、PDF"):
        att.add_attachment(store, aid, source)
    assert store.count("attachment") == 0 and not att.attachments_dir(store).exists()


@pytest.mark.parametrize("name", ["合影.JPEG", "扫描件.pdf", "通知.wps", "名单.et", "汇报.pptx", "清单.csv", "说明.txt",
                                  "公文.ofd", "表格.xls"])
def test_photos_and_documents_are_attached(store, activity, files, name):
    assert att.check_file(files(name)) is None and att.allowed(name)
    att.add_attachment(store, activity(), files(name))
    assert store.count("attachment") == 1
