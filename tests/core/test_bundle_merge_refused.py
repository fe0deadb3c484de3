"""Bundles the merge refuses (issue 17), each with one Chinese sentence naming the file and the record, the database
and the attachment folder byte for byte as they were, and no backup made: a bundle from this very file, of another
campaign year, a settings bundle given as data, a record failing validation, a reference to nothing, an attachment
row without its file, a field this program does not know, a locked receiver. (The container's own refusals —
truncated, changed, wrong passphrase, zip bombs … — are core.bundle_file's, tested beside it.)"""
import uuid
from pathlib import Path

import pytest
from bundle_cases import file_digest, folder_listing, table_rows

from leifeng_desktop.core import attachments, backup, bundle_merge
from leifeng_desktop.core.bundle_export import bundle_rows, export_bundle
from leifeng_desktop.core.bundle_file import DATA, SETTINGS, BundleRefused, BundleWriter, NeedsPassphrase
from leifeng_desktop.core.store import Store

SUB_UNIT = "XX市青山区总工会"


@pytest.fixture
def sub(tmp_path):
    (tmp_path / "sub").mkdir()
    store = Store.open(tmp_path / "sub" / "sub.db")
    store.settings.set({"our_unit": SUB_UNIT, "our_unit_kind": "区县总工会"})
    team = store.insert("team", {"name": "青山区职工志愿服务队", "kind": "职工志愿服务队", "unit": SUB_UNIT,
                                 "leader": "王建国", "leader_phone": "13812345678"})
    store.insert("member", {"team_id": team, "name": "张三", "phone": "13700001111"})
    activity = store.insert("activity", {"title": "义诊", "starts_at": "2026-03-05T09:00",
                                         "ends_at": "2026-03-05T11:00", "category": "扶老助残"})
    source = tmp_path / "签到表.docx"
    source.write_bytes(b"PK\x03\x04 sheet " * 50)
    attachments.add_attachment(store, activity, source)
    yield store
    store.close()


@pytest.fixture
def city(tmp_path):
    """The city's file, with an attachment of its own (the folder exists and must stay as it is)."""
    (tmp_path / "city").mkdir()
    store = Store.open(tmp_path / "city" / "city.db")
    activity = store.insert("activity", {"title": "宣讲", "starts_at": "2026-03-01T09:00",
                                         "ends_at": "2026-03-01T10:00", "category": "文明礼仪"})
    source = tmp_path / "合影.jpg"
    source.write_bytes(b"\xff\xd8\xff city photo " * 80)
    attachments.add_attachment(store, activity, source)
    yield store
    store.close()


def state(store):
    files = [store.path, Path(f"{store.path}-wal")]
    return ([file_digest(p) for p in files if p.exists()], table_rows(store), folder_listing(store),
            backup.list_backups(store.path))


def refused(store, path, match, **kw):
    before = state(store)
    with pytest.raises(BundleRefused, match=match) as caught:
        bundle_merge.import_bundle(store, path, **kw)
    assert state(store) == before
    assert "\n" not in str(caught.value) and f"“{Path(path).name}”" in str(caught.value)
    return str(caught.value)


def rows_of(store, type_key):
    return list(bundle_rows(store, type_key))


def written(sub, path, *, kind=DATA, records=None, files=(), deleted=()):
    """A bundle as the writer makes it, with the records given ({type: rows}) instead of the file's own."""
    with BundleWriter(path, store=sub, kind=kind, passphrase=None, with_attachments=bool(files)) as w:
        for key, rows in (records or {}).items():
            w.add_records(key, rows)
        for sha, source in files:
            w.add_attachment(sha, source)
        if deleted:
            w.add_deleted(deleted)
    return path


def good_records(sub, *skip):
    return {k: rows_of(sub, k) for k in ("unit", "working_group", "team", "member", "activity")
            if k not in skip}


def test_a_bundle_from_this_very_file(city, tmp_path):
    path = tmp_path / "self.lfx"
    export_bundle(city, path, passphrase=None)
    refused(city, path, "^“self.lfx”是本数据库自己导出的数据包")


def test_a_bundle_of_another_campaign_year(city, tmp_path):
    (tmp_path / "old").mkdir()
    with Store.open(tmp_path / "old" / "old.db") as old:
        old.settings.set({"our_unit": SUB_UNIT, "our_unit_kind": "区县总工会", "year": 2025})
        old.insert("team", {"name": "老队伍", "kind": "职工志愿服务队", "unit": SUB_UNIT, "leader": "王建国",
                            "leader_phone": "13812345678"})
        path = tmp_path / "2025.lfx"
        export_bundle(old, path, passphrase=None)
    refused(city, path, "^“2025.lfx”是 2025 年度的数据包，本数据库是 2026 年度$")


def test_a_settings_bundle_given_as_data(sub, city, tmp_path):
    path = written(sub, tmp_path / "settings.lfx", kind=SETTINGS)
    refused(city, path, "^“settings.lfx”是活动设置数据包，不是数据包")


def test_a_record_failing_validation(sub, city, tmp_path):
    records = good_records(sub)
    records["member"][0]["phone"] = "12345"
    path = written(sub, tmp_path / "bad.lfx", records=records)
    message = refused(city, path, "已拒绝整个数据包$")
    assert message.startswith("“bad.lfx”中队员“张三”的联系电话：电话应为11位手机号")


def test_a_missing_required_field(sub, city, tmp_path):
    records = good_records(sub)
    records["team"][0]["leader"] = None
    path = written(sub, tmp_path / "bad.lfx", records=records)
    refused(city, path, "^“bad.lfx”中志愿服务队“青山区职工志愿服务队”的队长姓名：请填写队长姓名，已拒绝整个数据包$")


def test_a_reference_to_a_record_neither_in_the_bundle_nor_here(sub, city, tmp_path):
    records = good_records(sub, "team")
    path = written(sub, tmp_path / "orphan.lfx", records=records)
    refused(city, path,
            "^“orphan.lfx”中队员“张三”的所在队伍不存在（既不在数据包中，也不在本数据库中），已拒绝整个数据包$")
    records["member"][0]["team_id"] = str(uuid.uuid4())
    records["team"] = rows_of(sub, "team")
    path = written(sub, tmp_path / "orphan2.lfx", records=records)
    refused(city, path, "所在队伍不存在")


def test_an_attachment_row_without_its_file(sub, city, tmp_path):
    records = {**good_records(sub), "attachment": rows_of(sub, "attachment")}
    path = written(sub, tmp_path / "nofile.lfx", records=records)
    refused(city, path, "^“nofile.lfx”中附件“签到表.docx”的文件不在数据包中，已拒绝整个数据包$")


def test_a_bad_row_after_the_attachments_leaves_the_folder_alone(sub, city, tmp_path):
    rows = rows_of(sub, "attachment")
    source = attachments.file_path(sub, rows[0])
    records = {**good_records(sub), "attachment": rows,
               "submission": [{"id": str(uuid.uuid4()), "unit": SUB_UNIT, "created_at": "2026-03-01T09:00:00+08:00",
                               "updated_at": "2026-03-01T09:00:00+08:00", "material": "登记表", "date": "2026-13-01",
                               "methods": None, "note": None}]}
    path = written(sub, tmp_path / "late.lfx", records=records, files=[(rows[0]["sha256"], source)])
    refused(city, path, "^“late.lfx”中报送记录“登记表”的报送日期：")


def test_a_field_this_program_does_not_know(sub, city, tmp_path):
    records = good_records(sub)
    records["team"][0]["motto"] = "奉献"
    path = written(sub, tmp_path / "newer.lfx", records=records)
    refused(city, path, "含有本程序不认识的字段（motto）")


def test_a_locked_receiver(sub, city, tmp_path):
    path = tmp_path / "ok.lfx"
    export_bundle(sub, path, passphrase=None)
    keys, city.keys = city.keys, None        # as on a PC without the key and no password given
    try:
        assert city.locked
        refused(city, path, "^“city.db”已加密，请先解锁（输入密码）后再导入数据包“ok.lfx”$")
    finally:
        city.keys = keys


def test_an_encrypted_bundle_without_its_passphrase(sub, city, tmp_path):
    path = tmp_path / "secret.lfx"
    export_bundle(sub, path, passphrase="口令")
    before = state(city)
    with pytest.raises(NeedsPassphrase):
        bundle_merge.preview(city, path)
    assert state(city) == before
    assert bundle_merge.import_bundle(city, path, passphrase="口令").counts["member"].new == 1


def test_a_bundle_since_a_date_into_a_file_that_never_had_the_rest(sub, city, tmp_path):
    with sub.transaction():
        for key in ("team", "member", "activity", "attachment"):
            sub.db.execute(f'UPDATE "{key}" SET updated_at = ?', ["2026-05-01T09:00:00+08:00"])
    member = sub.rows("member")[0]["id"]
    sub.update("member", member, {"skills": "急救"})
    path = tmp_path / "since.lfx"
    export_bundle(sub, path, passphrase=None, since="2026-06-01")
    refused(city, path, "^“since.lfx”中队员“张三”的所在队伍不存在（既不在数据包中，也不在本数据库中）；"
                        "请对方导出全部记录（不限起始日期）后再导入，已拒绝整个数据包$")
