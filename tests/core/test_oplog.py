"""操作日志 (core.oplog): every kind of write leaves one entry with the right action, record and changed fields, in
the write's own transaction; sensitive values are never in it whole; the filters and the export read it back."""
import json
import re

import openpyxl
import pytest
from stdnum.cn import ric

from leifeng_desktop.core import oplog, service_record, teams, texts, visits
from leifeng_desktop.core import xlsx_import as xi
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.validation import ValidationError
from leifeng_desktop.exports.oplog_ledger import export_oplog

ID_LIKE = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])")


def full_ids(text: str) -> list[str]:
    """Every checksum-valid 18-digit 身份证号 in `text`."""
    return [m for m in ID_LIKE.findall(text) if ric.is_valid(m)]


def table_text(store) -> str:
    return "\n".join(" ".join(str(v) for v in row) for row in store.db.execute("SELECT * FROM oplog"))


def newest(store, **filters) -> oplog.Entry:
    return next(oplog.entries(store, **filters))


def fields(entry: oplog.Entry) -> dict[str, tuple[str, str]]:
    return {c["field"]: (c["old"], c["new"]) for c in entry.changes}


@pytest.fixture
def team_id(store, team_values):
    return store.insert("team", team_values)


# -- each kind of write ---------------------------------------------------------------------------------------
def test_insert_update_delete_each_leave_one_entry(store, team_values, fake_id):
    store.settings.set({"operator": "王小红"})
    team = store.insert("team", team_values)
    entry = newest(store)
    assert (entry.action, entry.type_key, entry.record_id, entry.title, entry.operator) == \
        ("insert", "team", team, team_values["name"], "王小红")
    assert fields(entry)["队伍名称"] == ("", team_values["name"])
    assert fields(entry)["服务内容"] == ("", "扶老助残、便民利民")
    member = store.insert("member", {"team_id": team, "name": "张伟", "id_number": fake_id(), "phone": "13912345678"})
    assert fields(newest(store))["所在队伍"] == ("", team_values["name"])   # a reference by its title

    before = oplog.count(store)
    store.update("member", member, {"name": "张伟", "work": "供电所 电工"})
    entry = newest(store)
    assert oplog.count(store) == before + 1
    assert (entry.action, entry.record_id, entry.action_label, entry.type_label) == ("update", member, "修改", "队员")
    assert fields(entry) == {"工作单位及职务": ("", "供电所 电工")}   # only what changed

    store.update("member", member, {"name": "张伟"})   # nothing changed: nothing to say
    assert oplog.count(store) == before + 1

    store.delete("member", member)
    entry = newest(store)
    assert (entry.action, entry.record_id, entry.title) == ("delete", member, "张伟")
    assert fields(entry)["身份证号"][0] == fake_id()[:6] + "********" + fake_id()[-4:]


def test_a_refused_write_leaves_no_entry(store, team_values):
    before = oplog.count(store)
    with pytest.raises(ValidationError):
        store.insert("team", {**team_values, "leader_phone": "12"})
    with pytest.raises(ValidationError):
        teams.save_team(store, None, team_values, [{"name": ""}])   # the team would be written, the roster fails
    assert oplog.count(store) == before
    assert store.count("team") == 0


def test_a_team_saved_with_its_roster_is_one_entry(store, team_values):
    team = teams.save_team(store, None, team_values, [{"name": "李四", "phone": "13912345678"}, {"name": "王五"}])
    entry = newest(store)
    assert (entry.action, entry.type_key, entry.record_id) == ("insert", "team", team)
    lines = [c["new"] for c in entry.changes if c["field"] == "队员"]
    assert lines == ["新增 李四（联系电话：139****5678）", "新增 王五"]

    li, wang = store.rows("member", where="team_id = ?", params=[team])
    count = oplog.count(store)
    teams.save_team(store, team, {**team_values, "leader": "王建设"},
                    [{"id": li["id"], "name": "李四", "phone": "13912345670"}, {"name": "赵六", "gender": "男"}])
    assert oplog.count(store) == count + 1
    entry = newest(store)
    assert entry.action == "update" and entry.record_id == team
    assert fields(entry)["队长姓名"] == ("王建国", "王建设")
    assert fields(entry)["队员“李四”的联系电话"] == ("139****5678", "139****5670")
    assert [c["new"] for c in entry.changes if c["field"] == "队员"] == ["删除 王五", "新增 赵六（性别：男）"]
    assert "王五" in entry.changes_text and "13912345670" not in table_text(store)


def test_an_activity_with_participants_and_a_visit_with_demands(store, team_id):
    member = store.insert("member", {"team_id": team_id, "name": "张伟"})
    activity = service_record.save_activity(
        store, None, {"title": "敬老院义诊", "starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T11:00",
                      "category": "扶老助残"}, [{"member_id": member, "minutes": 90}])
    entry = newest(store)
    assert (entry.action, entry.type_key, entry.record_id, entry.title) == \
        ("insert", "activity", activity, "敬老院义诊")
    assert ("参加人员", ("", "新增 张伟（服务时长：1.5 小时）")) in fields(entry).items()
    participant = store.rows("participant")[0]["id"]
    service_record.save_activity(store, activity, {"title": "敬老院义诊"},
                                 [{"id": participant, "member_id": member, "minutes": 60}])
    assert fields(newest(store)) == {"参加人员“张伟”的服务时长": ("1.5 小时", "1 小时")}

    group = store.rows("working_group")[0]["id"]
    visit = visits.save_enterprise_visit(store, None, {"date": "2026-05-10", "group_id": group, "enterprise": "甲公司"},
                                         [{"content": "加班费"}])
    entry = newest(store)
    assert (entry.type_key, entry.record_id) == ("enterprise_visit", visit)
    assert fields(entry)["工作组"] == ("", "第一工作组")
    assert any(c["field"] == "职工诉求" and c["new"].startswith("新增 加班费") for c in entry.changes)


def test_a_household_keeps_income_health_and_bank_card_out(store, fake_id):
    household = visits.save_household(
        store, None, {"name": "张三", "id_number": fake_id(seq=2), "income": 123456, "health": "肾病",
                      "bank_account": "6222021234567890123", "phone": "13700001111"},
        [{"name": "张小三", "relation": "子女", "income": 50000, "health": "良好"}])
    entry = newest(store)
    got = fields(entry)
    assert got["家庭月人均收入"] == ("", "（已填写）") and got["银行卡号"] == ("", "（已填写）")
    assert got["身份证号"] == ("", fake_id(seq=2)[:6] + "********" + fake_id(seq=2)[-4:])
    visits.save_household(store, household, {"name": "张三", "income": 2000, "bank_account": "6222020000000000001"},
                          [{"id": store.rows("family_member")[0]["id"], "name": "张小三", "health": "住院"}])
    got = fields(newest(store))
    assert got["家庭月人均收入"] == ("（已隐去）", "（已修改）")
    assert got["家庭成员“张小三”的健康状况"] == ("（已隐去）", "（已修改）")
    text = table_text(store)
    for secret in ("1234.56", "肾病", "住院", "6222021234567890123", "622202", "13700001111", fake_id(seq=2)):
        assert secret not in text


def test_free_text_with_numbers_is_masked(store, team_values, fake_id):
    store.insert("team", {**team_values, "note": f"队长身份证 {fake_id()}，手机13812345678，卡号6222021234567890123"})
    note = fields(newest(store))["备注"][1]
    assert fake_id() not in note and "13812345678" not in note and "6222021234567890123" not in note
    assert "110101********" in note and "138****5678" in note


def test_settings_and_texts(store):
    store.settings.set({"operator": "小李", "city": "广州市", "choices.gender": ["男", "女", "其他"]})
    entry = newest(store)
    assert (entry.action, entry.type_key, entry.operator) == ("settings", "settings", "小李")
    got = fields(entry)
    assert got["操作员"] == ("", "小李") and got["城市名称"] == ("XX市", "广州市")
    assert got["选项表“性别”"] == ("男、女", "男、女、其他")
    count = oplog.count(store)
    store.settings.set({"city": "广州市"})   # the same value again
    assert oplog.count(store) == count
    texts.save_texts(store, "summary", {"problems": "还有不足。"})
    entry = newest(store)
    assert (entry.action, entry.title) == ("settings", "总结材料")
    assert list(fields(entry).values()) == [("", "还有不足。")]


def test_xlsx_import_is_one_summary_and_each_row(tmp_path, store, team_id, fake_id):
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号", "联系电话"])
    for n in range(1, 41):
        wb.active.append([f"队员{n}", fake_id(seq=n), f"139{n:08d}"])
    wb.save(tmp_path / "名单.xlsx")
    preview = xi.read_workbook(tmp_path / "名单.xlsx", "member", choices=store.settings.choices())
    statements = []
    store.db.conn.set_trace_callback(statements.append)
    ids = xi.import_rows(store, preview, parent_values={"team_id": team_id})
    store.db.conn.set_trace_callback(None)
    summary = newest(store)
    assert (summary.action, summary.type_key, summary.title, summary.record_id) == \
        ("import", "member", "名单.xlsx", None)
    assert fields(summary) == {"队员": ("", "新增 40 条")}
    rows = list(oplog.entries(store, action="import", type_key="member"))[1:]
    assert sorted(e.record_id for e in rows) == sorted(ids)
    assert fields(rows[-1])["所在队伍"] == ("", "供电公司职工志愿服务队")
    # one look-up of the team's name for all 40 rows, not one per row
    assert sum(1 for sql in statements if sql.startswith('SELECT id, "name" FROM "team"')) == 1
    assert full_ids(table_text(store)) == []


def test_demo_is_one_entry_with_counts(store):
    counts = load_demo(store)
    entry = newest(store)
    assert (entry.action, entry.action_label) == ("demo", "载入演示数据")
    assert fields(entry)["志愿服务队"] == ("", f"新增 {counts['team']} 条")
    assert oplog.count(store, action="demo") == 1


def test_no_full_id_number_anywhere_after_demo_edits_and_export(tmp_path, store, fake_id):
    load_demo(store)
    member = store.rows("member", limit=1)[0]
    store.update("member", member["id"], {"id_number": fake_id(seq=7)})
    household = store.rows("household", limit=1)[0]
    visits.save_household(store, household["id"], {"name": household["name"], "id_number": fake_id(seq=8)}, [])
    store.delete("household", household["id"])
    assert full_ids(table_text(store)) == []
    path, count = export_oplog(store, tmp_path / "操作日志.xlsx")
    ws = openpyxl.load_workbook(path).active
    cells = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    assert full_ids(cells) == []
    assert count == oplog.count(store) and ws.cell(3, 1).value == "序号"
    assert ws.cell(4, 4).value == "新建数据文件" and ws.cell(3 + count, 4).value == "删除"


# -- reading --------------------------------------------------------------------------------------------------
def test_filters(store, team_values):
    store.settings.set({"operator": "甲"})
    team = store.insert("team", team_values)
    store.settings.set({"operator": "乙"})
    store.update("team", team, {"leader": "李四"})
    store.db.execute("UPDATE oplog SET at = '2026-01-05T10:00:00+08:00' WHERE action = 'insert' AND type_key = 'team'")
    assert [e.record_id for e in oplog.entries(store, type_key="team")] == [team, team]
    assert [e.action for e in oplog.entries(store, type_key="team", operator="乙")] == ["update"]
    assert oplog.count(store, operator="甲", action="insert") == 1
    assert [e.action for e in oplog.entries(store, type_key="team", date_from="2026-01-05",
                                            date_to="2026-01-05")] == ["insert"]
    assert oplog.count(store, type_key="team", date_to="2026-01-04") == 0
    assert [e.action for e in oplog.entries(store, text="李四")] == ["update"]
    assert oplog.count(store, text="100%_") == 0
    first, second = oplog.entries(store, limit=1), oplog.entries(store, limit=1, offset=1)
    assert next(first).id > next(second).id   # newest first, paged
    choices = oplog.filter_choices(store)
    assert ("志愿服务队", "team") in choices["types"] and ("设置", "settings") in choices["types"]
    assert [v for _l, v in choices["actions"]][:2] == ["insert", "update"]
    assert {v for _l, v in choices["operators"]} == {"", "甲", "乙"}


def test_the_changes_column_is_json_with_labels(store, team_values):
    store.insert("team", team_values)
    raw = store.db.execute("SELECT changes FROM oplog ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert json.loads(raw)[0] == {"field": "队伍名称", "old": "", "new": team_values["name"]}
    assert "\\u" not in raw   # readable in the file itself


def test_record_appends_an_entry_as_given(store):
    oplog.record(store, "purge", "trash", None, title="回收站", changes=[oplog.change("志愿服务队", "甲队", "")])
    entry = newest(store)
    assert (entry.action_label, entry.type_label, entry.changes_text) == ("彻底删除", "回收站", "志愿服务队：甲队")



def test_an_attachment_added_and_removed(tmp_path, store):
    from leifeng_desktop.core import attachments
    activity = store.insert("activity", {"title": "义诊", "starts_at": "2026-09-01T09:00",
                                         "ends_at": "2026-09-01T11:00", "category": "扶老助残"})
    photo = tmp_path / "签到表.docx"
    photo.write_bytes(b"PK not really a docx")
    attachment = attachments.add_attachment(store, activity, photo, note="现场签到")
    entry = newest(store)
    assert (entry.action, entry.type_key, entry.record_id, entry.title) == ("insert", "attachment", attachment,
                                                                            "签到表.docx")
    assert fields(entry)["活动"] == ("", "义诊") and fields(entry)["说明"] == ("", "现场签到")
    attachments.remove_attachment(store, attachment)
    assert (newest(store).action, newest(store).record_id) == ("delete", attachment)


def test_a_rolled_back_change_of_operator_does_not_sign_later_entries(store, team_values):
    store.settings.set({"operator": "甲"})
    with pytest.raises(RuntimeError), store.transaction():
        store.settings.set({"operator": "乙"})
        raise RuntimeError("the save failed after the setting was written")
    store.insert("team", team_values)
    assert newest(store).operator == "甲"
    assert {v for _l, v in oplog.filter_choices(store)["operators"]} == {"", "甲"}
