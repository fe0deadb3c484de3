"""Settings bundles (issue 17): the city office's campaign settings sent down to a sub-union — what travels (targets,
deadlines, choice lists, units, working groups), what stays (本单位, 填表人 …), the city's group ids adopted with the
visits re-pointed, and the refusals (wrong kind, another year on a file with records, this very file, a bad value)
with the database byte-for-byte unchanged."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from leifeng_desktop.core import backup, bundle_file, crypto, oplog
from leifeng_desktop.core import bundle_settings as bs
from leifeng_desktop.core.errors import UserError
from leifeng_desktop.core.first_run import first_setup
from leifeng_desktop.core.store import Store

SUB_UNIT = "青山区总工会"


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    real = crypto.password_key
    monkeypatch.setattr(crypto, "password_key", lambda pw, salt, n=0, r=8, p=1: real(pw, salt, n=2**10, r=r, p=p))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def city(tmp_path):
    with Store.open(tmp_path / "市总.db") as st:
        first_setup(st, {"city": "江城市", "year": 2026, "our_unit": "江城市总工会", "our_unit_kind": "市总工会",
                         "operator": "市总的填表人"})
        st.settings.set({"leader": "市总领导", "enterprise_target": 55,
                         "household_target": 90, "registration_deadline": "2026-08-20",
                         "plan_deadline": "2026-08-28", "summary_deadline": "2026-12-20", "demand_reply_days": 5,
                         "trash_days": 30})
        team_kinds = st.settings.choices()["team_kind"] + ["青年突击队"]
        st.settings.set_choices("team_kind", team_kinds)
        st.insert("unit", {"name": SUB_UNIT, "kind": "区县工会", "expected": 1, "contact": "赵六",
                           "phone": "13912345678"})
        st.insert("unit", {"name": "江城钢铁公司工会", "kind": "基层工会", "expected": 1})
        first = st.rows("working_group", where="name = ?", params=["第一工作组"])[0]
        st.update("working_group", first["id"], {"leader": "王副主席"})
        st.insert("working_group", {"name": "第五工作组", "leader": "陈部长"})
    return tmp_path / "市总.db"


@pytest.fixture
def sub(tmp_path):
    with Store.open(tmp_path / "青山区.db") as st:
        first_setup(st, {"year": 2026, "our_unit": SUB_UNIT, "our_unit_kind": "区县总工会", "operator": "李丽"})
        st.settings.set({"leader": "区总领导", "contact_phone": "027-88886666", "trash_days": 60})
        mine = st.rows("unit", where="name = ?", params=[SUB_UNIT])[0]
        st.update("unit", mine["id"], {"note": "本单位"})
    return tmp_path / "青山区.db"


def export(path: Path, out: Path, passphrase: str | None = "城里的口令123") -> Path:
    with Store.open(path) as st:
        manifest = bs.export_settings(st, out, passphrase=passphrase)
    assert manifest.kind == bundle_file.SETTINGS and manifest.sender_unit == "江城市总工会"
    return out


def add_visit(st: Store, group_name: str) -> str:
    group = st.rows("working_group", where="name = ?", params=[group_name])[0]
    return st.insert("enterprise_visit", {"date": "2026-09-02", "group_id": group["id"], "enterprise": "江城机床厂"})


def test_round_trip_city_to_sub_union(city, sub, tmp_path):
    bundle = export(city, tmp_path / "设置.lfx")
    with Store.open(sub) as st:
        visit = add_visit(st, "第一工作组")
        plan = bs.preview_settings(st, bundle, passphrase="城里的口令123")
        assert ("走访企业目标（家）", "40", "55") in plan.changes
        assert sorted(plan.units_added) == sorted(["江城市总工会", "江城钢铁公司工会"])
        assert plan.units_changed == [SUB_UNIT]
        assert plan.groups_added == ["第五工作组"]
        assert plan.groups_changed == ["第一工作组", "第二工作组", "第三工作组", "第四工作组"]   # the city's ids
        assert st.settings.campaign()["enterprise_target"] == 40   # preview writes nothing
        done = bs.apply_settings(st, plan)
        assert done.backup is not None and done.backup.is_file() and backup.IMPORT in backup.read_backup(
            done.backup).reason
        campaign = st.settings.campaign()
        assert {k: campaign[k] for k in ("city", "enterprise_target", "household_target", "registration_deadline",
                                          "plan_deadline", "summary_deadline", "demand_reply_days")} == {
            "city": "江城市", "enterprise_target": 55, "household_target": 90,
            "registration_deadline": "2026-08-20", "plan_deadline": "2026-08-28", "summary_deadline": "2026-12-20",
            "demand_reply_days": 5}
        # this office's own settings stay
        assert {k: campaign[k] for k in ("our_unit", "our_unit_kind", "operator", "leader", "contact_phone",
                                          "trash_days")} == {
            "our_unit": SUB_UNIT, "our_unit_kind": "区县总工会", "operator": "李丽", "leader": "区总领导",
            "contact_phone": "027-88886666", "trash_days": 60}
        assert "青年突击队" in st.settings.choices()["team_kind"]
        units = {u["name"]: u for u in st.rows("unit")}
        assert set(units) == {SUB_UNIT, "江城市总工会", "江城钢铁公司工会"}
        assert units[SUB_UNIT]["expected"] == 1 and units[SUB_UNIT]["contact"] == "赵六"
        assert units[SUB_UNIT]["note"] == "本单位"   # nothing came for it: this office's note stays
        assert units[SUB_UNIT]["phone"] == "13912345678"
        with Store.open(city) as c:
            city_groups = {g["name"]: g["id"] for g in c.rows("working_group")}
        groups = {g["name"]: g for g in st.rows("working_group")}
        assert {name: g["id"] for name, g in groups.items()} == city_groups
        assert groups["第一工作组"]["leader"] == "王副主席"
        assert st.get("enterprise_visit", visit)["group_id"] == city_groups["第一工作组"]
        assert st.integrity_check() == []
        summary = [e for e in oplog.entries(st) if e.action == "import"]
        assert summary and "设置.lfx" in summary[0].title


def test_importing_again_changes_nothing(city, sub, tmp_path):
    bundle = export(city, tmp_path / "设置.lfx", passphrase=None)
    with Store.open(sub) as st:
        bs.apply_settings(st, bs.preview_settings(st, bundle))
        again = bs.preview_settings(st, bundle)
        assert again.empty and again.lines() == ["设置与本数据库相同，没有需要修改的内容"]
        rows = {t: st.rows(t) for t in ("unit", "working_group")}
        assert bs.apply_settings(st, again).backup is None   # nothing to change: no copy either
        assert {t: st.rows(t) for t in rows} == rows
        assert st.db.execute("SELECT count(*) FROM bundle_import WHERE kind = 'settings'").fetchone()[0] == 1


def test_a_new_file_takes_the_citys_year(city, tmp_path):
    bundle = export(city, tmp_path / "设置.lfx")
    with Store.open(tmp_path / "新.db") as st:
        first_setup(st, {"year": 2025, "our_unit": "青山机械厂工会", "our_unit_kind": "基层工会"})
        plan = bs.apply_settings(st, bs.preview_settings(st, bundle, passphrase="城里的口令123"))
        assert ("活动年度", "2025", "2026") in plan.changes
        assert st.settings.get("year") == 2026


def refused(path: Path, bundle: Path, *fragments: str, passphrase: str | None = "城里的口令123") -> None:
    """Refused naming the file, the database byte-for-byte as it was."""
    before = digest(path)
    with Store.open(path) as st:
        with pytest.raises(UserError) as caught:
            bs.preview_settings(st, bundle, passphrase=passphrase)
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)
    assert digest(path) == before


def test_another_year_on_a_file_with_records_is_refused(city, sub, tmp_path):
    bundle = export(city, tmp_path / "设置.lfx")
    with Store.open(sub) as st:
        st.settings.set({"year": 2025})
        add_visit(st, "第二工作组")
    refused(sub, bundle, "设置.lfx", "2026 年度", "2025 年度", "请先开始新年度")
    with Store.open(sub) as st:
        st.settings.set({"year": 2027})
    refused(sub, bundle, "设置.lfx", "请向上级索取 2027 年度")


def test_refusals(city, sub, tmp_path):
    bundle = export(city, tmp_path / "设置.lfx")
    refused(city, bundle, "本数据库自己导出")
    refused(sub, bundle, "设置.lfx", "口令", passphrase=None)
    refused(sub, bundle, "设置.lfx", "口令不正确", passphrase="不对的口令")
    # a sub-union's settings do not go up to the city
    sub_bundle = tmp_path / "区里的设置.lfx"
    with Store.open(sub) as st:
        bs.export_settings(st, sub_bundle, passphrase=None)
    refused(city, sub_bundle, "区里的设置.lfx", "市总工会的数据库不导入下级单位的设置")


def test_a_data_bundle_is_not_a_settings_bundle(city, sub, tmp_path):
    out = tmp_path / "数据.lfx"
    with Store.open(city) as st, bundle_file.BundleWriter(out, store=st, kind=bundle_file.DATA,
                                                            passphrase=None) as writer:
        writer.add_records("unit", [])
    refused(sub, out, "数据.lfx", "不是设置数据包", "bundle import")


def test_a_value_that_fails_validation_refuses_the_whole_bundle(city, sub, tmp_path):
    with Store.open(city) as st:   # written behind the validation's back, as another program could
        st.db.execute("UPDATE unit SET kind = '外星工会' WHERE name = ?", ["江城钢铁公司工会"])
    bundle = export(city, tmp_path / "设置.lfx", passphrase=None)
    refused(sub, bundle, "设置.lfx", "单位“江城钢铁公司工会”的单位类型", "外星工会", "已拒绝整个数据包")


def test_a_locked_file_neither_exports_nor_imports(city, sub, tmp_path, monkeypatch):
    bundle = export(city, tmp_path / "设置.lfx")
    with Store.open(sub) as st:
        monkeypatch.setattr(Store, "locked", property(lambda self: True))
        with pytest.raises(UserError, match="请先解锁"):
            bs.preview_settings(st, bundle, passphrase="城里的口令123")
        with pytest.raises(UserError, match="请先解锁"):
            bs.export_settings(st, tmp_path / "x.lfx", passphrase=None)
    assert not (tmp_path / "x.lfx").exists()


def test_local_keys_never_travel(city, tmp_path):
    assert set(bs.SHARED_KEYS).isdisjoint(bs.LOCAL_KEYS)
    bundle = export(city, tmp_path / "设置.lfx")
    with bundle_file.BundleReader(bundle, passphrase="城里的口令123") as reader:
        sent = reader.json(bs.SETTINGS_PART)
    assert set(sent["campaign"]) == set(bs.SHARED_KEYS)
    assert "市总的填表人" not in str(sent) and "our_unit_kind" not in sent["choices"]


def test_a_visit_in_the_trash_comes_back_on_the_citys_group(city, sub, tmp_path):
    from leifeng_desktop.core import trash

    bundle = export(city, tmp_path / "设置.lfx")
    with Store.open(sub) as st:
        entry = st.delete("enterprise_visit", add_visit(st, "第二工作组"))
        bs.apply_settings(st, bs.preview_settings(st, bundle, passphrase="城里的口令123"))
        trash.restore(st, entry)
        group = st.get("working_group", st.rows("enterprise_visit")[0]["group_id"])
        assert group is not None and group["name"] == "第二工作组"
    with Store.open(city) as c:
        assert c.get("working_group", group["id"]) is not None


@pytest.mark.parametrize("content, fragment", [
    ({"campaign": {"year": "明年"}, "choices": {}}, "活动设置：活动年度"),
    ({"campaign": {"year": 2026}, "choices": {"team_kind": []}}, "队伍类型不能有空白选项"),
    ({"campaign": {"year": 2026}, "choices": {"没有的表": ["甲"]}}, "没有名为 没有的表 的选项表"),
    ({"campaign": {"year": 2026}, "choices": {"team_kind": [str(i) for i in range(200_000)]}},
     "队伍类型最多 200 个选项"),
    ({"year": 2026}, "设置内容无法读取"),
    ([], "设置内容无法读取"),
])
def test_settings_that_are_not_ours_are_refused(city, sub, tmp_path, content, fragment):
    out = tmp_path / "改过的.lfx"
    with Store.open(city) as st, bundle_file.BundleWriter(out, store=st, kind=bundle_file.SETTINGS,
                                                            passphrase=None) as writer:
        writer.add_records("unit", [{"id": "6f1c5d2e-0000-4000-8000-000000000001", "name": "某单位", "kind": "基层工会",
                                     "expected": 1}])
        writer.add_json(bs.SETTINGS_PART, content)
    refused(sub, out, "改过的.lfx", fragment)


def test_a_read_only_file_previews_but_is_not_written(city, sub, tmp_path):
    bundle = export(city, tmp_path / "设置.lfx")
    before = digest(sub)
    with Store.open(sub, read_only=True) as st:
        plan = bs.preview_settings(st, bundle, passphrase="城里的口令123")
        assert plan.units_added
        with pytest.raises(UserError, match="只读"):
            bs.apply_settings(st, plan)
    assert digest(sub) == before and not backup.list_backups(sub)
