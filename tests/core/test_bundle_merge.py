"""Merging a sub-union's data bundle at the city office (issue 17): the round trip keeps every record and attachment
(compared column by column, decrypted, both files encrypted under their own keys), the same bundle twice changes
nothing, twelve units' bundles add up to the city's figures, and deletions travel into this 回收站."""
from pathlib import Path

import pytest
from bundle_cases import PASSPHRASE, attach, file_digest, folder_listing, make_office, plain_rows, table_rows

from leifeng_desktop.core import attachments, backup, bundle_merge, crypto, oplog, sealed, trash
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.bundle_export import TYPE_ORDER, export_bundle
from leifeng_desktop.core.bundle_plan import summary_counts
from leifeng_desktop.core.stats import campaign_stats
from leifeng_desktop.core.store import Store

SUB_UNIT = "XX市青山区总工会"


@pytest.fixture
def sub(tmp_path):
    (tmp_path / "sub").mkdir()
    store = make_office(tmp_path / "sub" / "sub.db", SUB_UNIT, seed=7)
    attach(store, tmp_path, "签到表.docx", b"PK\x03\x04 sign-in sheet " * 40)
    attach(store, tmp_path, "合影.jpg", b"\xff\xd8\xff photo bytes " * 100)
    yield store
    store.close()


@pytest.fixture
def city(tmp_path):
    (tmp_path / "city").mkdir()
    store = Store.open(tmp_path / "city" / "city.db")
    yield store
    store.close()


def export(store, tmp_path, name="bundle.lfx", **kw):
    path = tmp_path / name
    kw.setdefault("passphrase", PASSPHRASE)
    export_bundle(store, path, **kw)
    return path


def by_group_name(store, rows):
    """Working-group references as the group's name: the city's groups of that name take the visits."""
    names = {r["id"]: r["name"] for r in store.rows("working_group")}
    return {i: {**r, "group_id": names.get(r.get("group_id"), r.get("group_id"))} if "group_id" in r else r
            for i, r in rows.items()}


def test_round_trip_keeps_every_record_and_attachment(sub, city, tmp_path):
    path = export(sub, tmp_path, with_attachments=True)
    result = bundle_merge.import_bundle(city, path, passphrase=PASSPHRASE)
    for key in TYPE_ORDER:
        if key in ("unit", "working_group"):
            continue
        theirs, mine = by_group_name(sub, plain_rows(sub, key)), by_group_name(city, plain_rows(city, key))
        if key == "submission":   # the import adds the sender's 数据包 submission
            mine = {i: r for i, r in mine.items() if r["material"] != "数据包" or i in theirs}
        assert mine == theirs, key
        assert result.counts[key].new == len(theirs), key
    assert {r["name"] for r in sub.rows("unit")} <= {r["name"] for r in city.rows("unit")}
    assert {r["name"] for r in city.rows("working_group")} == {r["name"] for r in sub.rows("working_group")}
    for row in sub.rows("attachment"):
        assert attachments.file_path(city, row).read_bytes() == attachments.file_path(sub, row).read_bytes()
    # each file keeps its sensitive values under its own key
    member = s.record_type("member")
    raw = city.db.execute("SELECT * FROM member WHERE id_number IS NOT NULL LIMIT 1").fetchone()
    row = dict(zip([d[0] for d in city.db.execute("SELECT * FROM member LIMIT 0").description], raw, strict=True))
    assert crypto.is_encrypted(row["id_number"])
    assert sealed.open_row(member, row, [sub.keys])["id_number"] == crypto.LOCKED
    assert sealed.open_row(member, row, [city.keys])["id_number"] == sub.get("member", row["id"])["id_number"]
    assert result.backup is not None and backup.read_backup(result.backup).reason == backup.MERGE


def test_a_duplicate_found_by_the_keyed_hash_after_the_merge(sub, city, tmp_path):
    from leifeng_desktop.core import teams
    bundle_merge.import_bundle(city, export(sub, tmp_path), passphrase=PASSPHRASE)
    member = sub.rows("member", where="id_number IS NOT NULL", limit=1)[0]
    assert member["id"] in teams.id_number_holders(city, "member", member["id_number"])


def test_the_same_bundle_twice_changes_nothing(sub, city, tmp_path):
    path = export(sub, tmp_path, with_attachments=True)
    first = bundle_merge.import_bundle(city, path, passphrase=PASSPHRASE)
    assert first.already_imported is None
    before, files = table_rows(city), folder_listing(city)
    digests = [file_digest(p) for p in (city.path, Path(f"{city.path}-wal")) if p.exists()]
    backups = backup.list_backups(city.path)
    again = bundle_merge.import_bundle(city, path, passphrase=PASSPHRASE)
    assert again.already_imported is not None and "已导入过" in again.line() and "没有变化" in again.line()
    assert table_rows(city) == before and folder_listing(city) == files
    assert [file_digest(p) for p in (city.path, Path(f"{city.path}-wal")) if p.exists()] == digests
    assert backup.list_backups(city.path) == backups
    plan = bundle_merge.preview(city, path, passphrase=PASSPHRASE)
    assert plan.already_imported and not plan.conflicts


def test_a_new_bundle_of_the_same_records_finds_them_unchanged(sub, city, tmp_path):
    bundle_merge.import_bundle(city, export(sub, tmp_path, "a.lfx"), passphrase=PASSPHRASE)
    records = {k: plain_rows(city, k) for k in TYPE_ORDER if k != "submission"}
    result = bundle_merge.import_bundle(city, export(sub, tmp_path, "b.lfx"), passphrase=PASSPHRASE)
    total = summary_counts(result.counts)
    assert total.new == total.changed == total.deleted == total.conflicts == 0 and total.unchanged > 0
    assert {k: plain_rows(city, k) for k in TYPE_ORDER if k != "submission"} == records
    assert city.db.execute("SELECT COUNT(*) FROM bundle_import").fetchone()[0] == 2


def test_the_import_is_recorded(sub, city, tmp_path):
    path = export(sub, tmp_path)
    result = bundle_merge.import_bundle(city, path, passphrase=PASSPHRASE)
    sent = city.rows("submission", where="material = '数据包'")
    assert [(r["unit"], r["methods"]) for r in sent] == [(SUB_UNIT, ["电子版"])]
    assert "bundle.lfx" in sent[0]["note"] and "新增" in sent[0]["note"]
    arrived = bundle_merge.arrivals(city)[SUB_UNIT]
    assert arrived.file_name == "bundle.lfx" and arrived.records == result.manifest.total_records
    log = list(oplog.entries(city, limit=5))
    assert log[0].action == "import" and "bundle.lfx" in log[0].title
    assert sum(1 for e in oplog.entries(city) if e.action == "import") == 1
    assert result.line().startswith("“bundle.lfx”（XX市青山区总工会）：新增 ")
    # the sender becomes a unit that must report
    assert city.rows("unit", where="name = ?", params=[SUB_UNIT])[0]["expected"] == 1


def test_reporting_knows_the_sender_once_its_bundle_arrived(sub, city, tmp_path):
    """What the dashboard counts: the sender joins the units expected to report, its 数据包 counted as sent
    (stats_filters.REPORT_DEADLINES has 数据包; tests/core/test_bundle_reporting.py); its arrival is arrivals()."""
    assert SUB_UNIT not in {u["unit"] for u in campaign_stats(city)["reporting"]["units"]}
    bundle_merge.import_bundle(city, export(sub, tmp_path), passphrase=PASSPHRASE)
    reporting = campaign_stats(city)["reporting"]
    [unit] = [u for u in reporting["units"] if u["unit"] == SUB_UNIT]
    assert next(m for m in unit["materials"] if m["material"] == "数据包")["sent"]
    assert SUB_UNIT not in next(m for m in reporting["materials"] if m["material"] == "数据包")["missing"]
    assert SUB_UNIT in bundle_merge.arrivals(city)


ADDITIVE = (("teams", "total"), ("teams", "members"), ("activities", "total"), ("activities", "total_minutes"),
            ("activities", "participants"), ("activities", "volunteers"), ("activities", "beneficiaries"),
            ("publicity", "total"), ("aid", "count"), ("aid", "total_fen"), ("aid", "households"),
            ("demands", "total"), ("demands", "done"), ("honors", "total"), ("visits", "enterprise_visits"),
            ("visits", "household_visits"), ("visits", "households_visited"))


def test_twelve_units_add_up_to_the_city(city, tmp_path):
    sums = dict.fromkeys(ADDITIVE, 0)
    by_group: dict[str, int] = {}
    for n in range(12):
        folder = tmp_path / f"u{n}"
        folder.mkdir()
        with make_office(folder / "u.db", f"XX市第{n + 1}基层工会", seed=100 + n, kind="基层工会") as office:
            figures = campaign_stats(office)
            for a, b in ADDITIVE:
                sums[(a, b)] += figures[a][b]
            for g in figures["targets"]["enterprises"]["by_group"]:
                by_group[g["group"]] = by_group.get(g["group"], 0) + g["visits"]
            path = export(office, folder, passphrase=None)
        result = bundle_merge.import_bundle(city, path)
        assert result.counts["team"].new == 4
    figures = campaign_stats(city)
    assert {k: figures[k[0]][k[1]] for k in ADDITIVE} == sums
    assert {g["group"]: g["visits"] for g in figures["targets"]["enterprises"]["by_group"]} == by_group
    assert len(bundle_merge.arrivals(city)) == 12
    assert city.count("working_group") == 4   # the units' 第一工作组 … landed on the city's


def test_a_deletion_travels_into_the_city_recycle_bin(sub, city, tmp_path):
    bundle_merge.import_bundle(city, export(sub, tmp_path, "a.lfx"), passphrase=PASSPHRASE)
    team = sub.rows("team", limit=1)[0]
    members = sub.count("member", where="team_id = ?", params=[team["id"]])
    sub.delete("team", team["id"])
    result = bundle_merge.import_bundle(city, export(sub, tmp_path, "b.lfx"), passphrase=PASSPHRASE)
    assert result.counts["team"].deleted == 1 and "删除 " in result.line()
    assert city.get("team", team["id"]) is None
    assert city.count("member", where="team_id = ?", params=[team["id"]]) == 0
    entry = next(e for e in trash.entries(city) if e["record_id"] == team["id"])
    trash.restore(city, entry["id"])
    assert city.get("team", team["id"])["name"] == team["name"]
    assert city.count("member", where="team_id = ?", params=[team["id"]]) == members


def test_a_cancel_rolls_back_and_takes_the_copied_files_away(sub, city, tmp_path):
    path = export(sub, tmp_path, with_attachments=True)
    plan = bundle_merge.preview(city, path, passphrase=PASSPHRASE)
    before, files = table_rows(city), folder_listing(city)
    calls = []

    def cancelled():
        calls.append(folder_listing(city))
        return len(calls) > 12   # after the attachment rows were written and their files copied

    with pytest.raises(bundle_merge.MergeCancelled, match="已取消导入数据包“bundle.lfx”"):
        bundle_merge.apply(city, plan, passphrase=PASSPHRASE, cancelled=cancelled)
    assert len([p for p in calls[-1] if p[1]]) == 2   # the two files were there when the clerk cancelled
    assert table_rows(city) == before and folder_listing(city) == files == []
    assert bundle_merge.import_bundle(city, path, passphrase=PASSPHRASE).counts["attachment"].new == 2


def test_progress_reaches_the_end(sub, city, tmp_path):
    path = export(sub, tmp_path)
    seen: list[tuple[int, int]] = []
    plan = bundle_merge.preview(city, path, passphrase=PASSPHRASE, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] and seen == sorted(seen)
    seen.clear()
    bundle_merge.apply(city, plan, passphrase=PASSPHRASE, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] == plan.manifest.total_records + plan.manifest.deleted


def test_a_dry_run_writes_nothing(sub, city, tmp_path):
    path = export(sub, tmp_path)
    before = table_rows(city)
    result = bundle_merge.import_bundle(city, path, passphrase=PASSPHRASE, dry_run=True)
    assert result.counts["member"].new == sub.count("member") and "未写入" in result.line()
    assert table_rows(city) == before and Path(result.path) == path



def test_a_bundle_since_a_date_finds_its_references_here(sub, city, tmp_path):
    """Only what changed since travels; units and working groups always whole (core.bundle_export.WHOLE), so the
    visits land on the city's groups, and a member's team merged before is found here."""
    with sub.transaction():
        for key in TYPE_ORDER:
            sub.db.execute(f'UPDATE "{key}" SET updated_at = ?', ["2026-05-01T09:00:00+08:00"])
    bundle_merge.import_bundle(city, export(sub, tmp_path, "all.lfx"), passphrase=PASSPHRASE)
    visit = sub.rows("enterprise_visit", limit=1)[0]
    member = sub.rows("member", limit=1)[0]
    sub.update("enterprise_visit", visit["id"], {"industry": "制造业"})
    sub.update("member", member["id"], {"skills": "急救"})
    path = export(sub, tmp_path, "since.lfx", since="2026-06-01")
    result = bundle_merge.import_bundle(city, path, passphrase=PASSPHRASE)
    assert result.counts["enterprise_visit"].changed == 1 and result.counts["member"].changed == 1
    assert result.counts["working_group"].unchanged == sub.count("working_group")
    assert city.get("enterprise_visit", visit["id"])["industry"] == "制造业"
    groups = {r["id"]: r["name"] for r in city.rows("working_group")}
    assert groups[city.get("enterprise_visit", visit["id"])["group_id"]] == \
        {r["id"]: r["name"] for r in sub.rows("working_group")}[visit["group_id"]]


@pytest.mark.parametrize("limit", [10, 100_000], ids=["read-again", "kept"])
def test_import_keeps_the_checked_rows_or_reads_them_again(sub, city, tmp_path, monkeypatch, limit):
    """import_bundle validates each row once and keeps it for the write up to Stored.LIMIT rows; a bigger bundle
    is read and validated again: the same records either way."""
    from leifeng_desktop.core.bundle_walk import Stored
    monkeypatch.setattr(Stored, "LIMIT", limit)
    result = bundle_merge.import_bundle(city, export(sub, tmp_path), passphrase=PASSPHRASE)
    assert result.counts["participant"].new == sub.count("participant")
    for key in ("team", "member", "participant", "household", "aid"):
        assert plain_rows(city, key) == plain_rows(sub, key), key


def test_a_group_renamed_there_keeps_its_visits(sub, city, tmp_path):
    """A sub-union's group holding the id of a city group of another name (given by the city's settings, renamed
    since) comes in under an id of its own, and its visits with it."""
    taken = city.rows("working_group")[0]["id"]
    group = sub.insert("working_group", {"name": "青山专项组", "leader": "刘强"}, record_id=taken)
    visit = sub.insert("enterprise_visit", {"date": "2026-04-02", "group_id": group, "enterprise": "青山机械厂"})
    result = bundle_merge.import_bundle(city, export(sub, tmp_path), passphrase=PASSPHRASE)
    assert result.counts["working_group"].new == 1
    landed = city.get("enterprise_visit", visit)["group_id"]
    assert landed != taken and city.get("working_group", landed)["name"] == "青山专项组"
    assert city.get("working_group", taken)["name"] != "青山专项组"


def test_bundles_travel_up_two_levels(city, tmp_path):
    """A 基层工会 sends to its district, the district sends everything on: the city has the base's records under
    the base's name, and a deletion made at the base reaches the city through the district's 回收站."""
    for name in ("base", "district"):
        (tmp_path / name).mkdir()
    base = make_office(tmp_path / "base" / "b.db", "XX市青山区第一基层工会", seed=21, kind="基层工会")
    district = Store.open(tmp_path / "district" / "d.db")
    district.settings.set({"our_unit": SUB_UNIT, "our_unit_kind": "区县总工会"})
    try:
        bundle_merge.import_bundle(district, export(base, tmp_path, "base1.lfx"), passphrase=PASSPHRASE)
        bundle_merge.import_bundle(city, export(district, tmp_path, "district1.lfx"), passphrase=PASSPHRASE)
        assert plain_rows(city, "member") == plain_rows(base, "member")
        assert {r["unit"] for r in city.rows("team")} == {"XX市青山区第一基层工会"}
        sent = {(r["unit"], r["material"]) for r in city.rows("submission", where="material = '数据包'")}
        assert sent == {("XX市青山区第一基层工会", "数据包"), (SUB_UNIT, "数据包")}
        assert set(bundle_merge.arrivals(city)) == {SUB_UNIT}
        team = base.rows("team", limit=1)[0]["id"]
        base.delete("team", team)
        bundle_merge.import_bundle(district, export(base, tmp_path, "base2.lfx"), passphrase=PASSPHRASE)
        result = bundle_merge.import_bundle(city, export(district, tmp_path, "district2.lfx"), passphrase=PASSPHRASE)
        assert result.counts["team"].deleted == 1 and city.get("team", team) is None
        assert plain_rows(city, "member") == plain_rows(base, "member")
    finally:
        base.close()
        district.close()
