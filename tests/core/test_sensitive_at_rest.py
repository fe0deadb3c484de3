"""Sensitive personal data at rest (issue 19): after `demo` and after an import no 身份证号, bank card number or
income figure is readable in the database, its WAL, any backup or the log; the dashboard figures and duplicate-ID
detection are the same with and without encryption; an old plain file upgrades with every value readable after and
its plain 升级前 copy gone; a file without its key shows everything but the sensitive values."""
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from stdnum import luhn
from stdnum.cn import ric

from leifeng_desktop import cli
from leifeng_desktop.core import backup, crypto, device_keys, listing, sealed, teams, vault
from leifeng_desktop.core import migrations as mig
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.stats import campaign_stats
from leifeng_desktop.core.store import Store

_ID = re.compile(rb"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_CARD = re.compile(rb"(?<![0-9])[0-9]{16,19}(?![0-9])")
TODAY = "2026-11-20"


def plain_values(db: Path) -> dict[str, set]:
    """The sensitive values as a clerk reads them (decrypted), by kind."""
    with Store.open(db, read_only=True) as st:
        found: dict[str, set] = {"id": set(), "card": set(), "income": set(), "phone": set()}
        for rt in s.RECORD_TYPES.values():
            for row in st.rows(rt.key):
                for key in rt.sensitive_keys:
                    value = row.get(key)
                    if value in (None, ""):
                        continue
                    assert not crypto.is_locked(value), (rt.key, key)
                    kind = {"id_number": "id", "bank_account": "card", "income": "income"}.get(key)
                    kind = kind or ("phone" if rt.field(key).check == s.PHONE else None)
                    if kind:
                        found[kind].add(value)
    return found


def files_to_scan(db: Path, data: Path) -> list[Path]:
    out = [db, Path(f"{db}-wal"), *backup.backup_dir(db).glob("*.db"), *data.rglob("*.log")]
    return [p for p in out if p.exists()]


def readable_numbers(raw: bytes, values: dict[str, set]) -> list[str]:
    """Valid 身份证号, the demo's bank cards (Luhn-checked numbers of 16–19 digits), its phone numbers."""
    out = [m.decode() for m in _ID.findall(raw) if ric.is_valid(m.decode().upper())]
    out += [m.decode() for m in _CARD.findall(raw) if luhn.is_valid(m.decode()) and m.decode() in values["card"]]
    out += [p for p in values["phone"] if len(p) >= 11 and p.encode() in raw]
    return out


def stored_plain(path: Path) -> list[str]:
    """table.column of every sensitive value stored as anything but ciphertext (income was an INTEGER: the check
    is by type, its figure being binary in a page), in the record tables and in the 回收站's payloads."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = []
        for rt in s.RECORD_TYPES.values():
            for key in sorted(rt.sensitive_keys):
                bad = conn.execute(f'SELECT COUNT(*) FROM "{rt.key}" WHERE "{key}" IS NOT NULL AND "{key}" != \'\' '
                                   f'AND NOT (typeof("{key}") = \'text\' AND "{key}" LIKE \'enc1:%\')').fetchone()[0]
                if bad:
                    out.append(f"{rt.key}.{key}")
        for (payload,) in conn.execute("SELECT payload FROM trash"):
            if re.search(r'"(id_number|income|bank_account|health|phone)": (?!null|"enc1:)', payload):
                out.append("trash")
        return out
    finally:
        conn.close()


def test_demo_and_an_import_leave_no_readable_number_anywhere(tmp_path, private_data_folder, fake_id, capsys):
    db = tmp_path / "台账.db"
    assert cli.main(["--db", str(db), "demo"]) == 0
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号", "家庭月人均收入", "银行卡号", "联系电话"])
    wb.active.append(["新户一", fake_id(seq=901), "650.5", "6222020200009999992", "13912345678"])
    wb.active.append(["新户二", fake_id(seq=902), 300, None, None])
    wb.save(tmp_path / "households.xlsx")
    assert cli.main(["--db", str(db), "import", "households", str(tmp_path / "households.xlsx")]) == 0
    assert cli.main(["--db", str(db), "backup"]) == 0
    values = plain_values(db)
    with Store.open(db) as st:   # a deleted household: its rows go to the 回收站 as they are stored
        st.delete("household", st.rows("household", where="name = ?", params=["新户一"])[0]["id"])
    capsys.readouterr()
    assert len(values["id"]) > 50 and values["card"] == {"6222020200009999992"} and values["income"]
    assert values["phone"]
    scanned = files_to_scan(db, private_data_folder)
    assert len([p for p in scanned if p.suffix == ".db"]) >= 3   # the file, 导入前 and the manual backup
    for path in scanned:
        assert readable_numbers(path.read_bytes(), values) == [], path
        if path.suffix == ".db":
            assert stored_plain(path) == [], path
    log = b"".join(p.read_bytes() for p in scanned if p.suffix == ".log")
    assert not [v for v in values["income"] if f"{v / 100:.2f}".encode() in log]


def without_ids(value):
    """Figures without the record ids they name (each demo file has its own)."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if not (k == "id" or k.endswith("_id"))}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def _demo(path: Path, *, encrypted: bool, monkeypatch) -> Store:
    with monkeypatch.context() as mp:
        if not encrypted:   # the same demo written as older releases did: values in plain
            mp.setattr(Store, "_sealed", lambda self, rt, row: row)
        st = Store.open(path)
        load_demo(st, seed=2026)
    return st


def test_figures_and_duplicate_detection_are_unchanged_by_encryption(tmp_path, monkeypatch):
    with _demo(tmp_path / "密.db", encrypted=True, monkeypatch=monkeypatch) as enc, \
         _demo(tmp_path / "明.db", encrypted=False, monkeypatch=monkeypatch) as plain:
        assert stored_plain(enc.path) == [] and stored_plain(plain.path)
        assert without_ids(campaign_stats(enc, today=TODAY)) == without_ids(campaign_stats(plain, today=TODAY))
        for st in (enc, plain):   # a twin typed into the roster: the same 身份证号 as a stored member
            first = st.rows("member", where="id_number IS NOT NULL", order_by="name", limit=1)[0]
            roster = st.rows("member", where="team_id = ? AND id_number IS NOT NULL", params=[first["team_id"]])
            twin = {**roster[0], "id": None, "name": "另一人"}
            found = teams.roster_duplicates([*roster, twin])
            assert [(d.rows, d.blocking) for d in found] == [((0, len(roster)), True)]
        # in the encrypted file a stored member is found by the keyed hash of the 身份证号 alone
        first = enc.rows("member", where="id_number IS NOT NULL", order_by="name", limit=1)[0]
        assert teams.id_number_holders(enc, "member", first["id_number"]) == [first["id"]]


def test_search_by_last_digits_finds_through_the_keyed_hash(store, fake_id):
    member_team = store.insert("team", {"name": "测试队", "kind": store.settings.choices()["team_kind"][0],
                                        "leader": "王", "leader_phone": "13800001111",
                                        "unit": "某单位工会"})
    mid = store.insert("member", {"team_id": member_team, "name": "甲", "id_number": fake_id(seq=77)})
    where, params = sealed.tail_search(store, s.MEMBER, fake_id(seq=77)[-4:])
    assert [r[0] for r in store.db.execute(f"SELECT id FROM member WHERE {where}", params)] == [mid]
    assert sealed.tail_search(store, s.MEMBER, "甲") is None
    for text in (fake_id(seq=77)[-4:], "甲 " + fake_id(seq=77)[-4:]):   # the lists' search finds it too
        found = listing.fetch_rows(store, s.MEMBER, columns=["name", "id_number"], text=text)
        assert [r["name"] for r in found] == ["甲"], text
    assert listing.fetch_rows(store, s.MEMBER, columns=["name"], text="0000") == []


def old_plain_file(path: Path, monkeypatch, fake_id) -> dict[str, dict]:
    """A file as the release before step m008 left it (its steps only, values in plain), with a 回收站 entry."""
    with monkeypatch.context() as mp:
        mp.setattr(mig.migrations, "_migrations", mig.migrations._migrations[:mig.known_names().index(
            "m008_sensitive_fields")])
        with Store.open(path) as st:
            assert not st.encrypted
            team = st.insert("team", {"name": "老队", "kind": st.settings.choices()["team_kind"][0], "leader": "王",
                                      "leader_phone": "13800001111", "unit": "某单位工会"})
            st.insert("member", {"team_id": team, "name": "甲", "id_number": fake_id(seq=11), "phone": "13912340000"})
            hh = st.insert("household", {"name": "乙", "id_number": fake_id(seq=12), "income": 45600,
                                         "bank_account": "6222020200001234567", "health": "慢性病"})
            st.insert("family_member", {"household_id": hh, "name": "乙妻", "income": 30000, "health": "良好"})
            gone = st.insert("household", {"name": "丙", "id_number": fake_id(seq=13), "income": 100})
            st.delete("household", gone)
            return {rt: {r["id"]: r for r in st.rows(rt)} for rt in ("team", "member", "household", "family_member")}


def test_an_old_plain_file_is_encrypted_in_place(db_path, monkeypatch, fake_id):
    before = old_plain_file(db_path, monkeypatch, fake_id)
    assert fake_id(seq=11).encode() in db_path.read_bytes()
    with Store.open(db_path) as st:
        assert st.encrypted and not st.locked
        assert st.notice and "升级前" in st.notice and "已删除" in st.notice
        for table, rows in before.items():
            for rid, row in rows.items():
                now = st.get(table, rid)
                assert {k: v for k, v in now.items() if k not in ("revision", "updated_at")} == \
                       {k: v for k, v in row.items() if k not in ("revision", "updated_at")}
        assert mig.differences(st.db) == [] and st.integrity_check() == []
    assert backup.list_backups(db_path) == []   # the plain copy removed once the encrypted file verified
    assert stored_plain(db_path) == []
    wal = Path(f"{db_path}-wal")
    raw = db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for seq in (11, 12, 13):
        assert fake_id(seq=seq).encode() not in raw
    assert b"6222020200001234567" not in raw and b"13912340000" not in raw


def test_without_the_key_everything_else_reads_and_lists_still_work(store, fake_id, db_path):
    hh = store.insert("household", {"name": "丁", "id_number": fake_id(), "income": 1234, "address": "某街 1 号"})
    vault.set_password(store, "办公室的密码")
    store.close()
    with Store.open(db_path) as st:
        device_keys.delete(vault.database_id(st) or "")
    with Store.open(db_path) as st:
        assert st.locked
        row = st.get("household", hh)
        assert row["name"] == "丁" and row["address"] == "某街 1 号" and crypto.is_locked(row["id_number"])
        listed = listing.fetch_rows(st, s.HOUSEHOLD, columns=["name", "id_number"], limit=10)
        assert listed and crypto.is_locked(listed[0]["id_number"])
        assert campaign_stats(st, today=TODAY)


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    real = crypto.password_key
    monkeypatch.setattr(crypto, "password_key", lambda pw, salt, n=0, r=8, p=1: real(pw, salt, n=2**10, r=r, p=p))


def test_a_closed_store_takes_its_key_out_of_the_process(db_path, fake_id):
    """Rows decoded without their store (core.store.decode) use only the keys of stores still open."""
    from leifeng_desktop.core.store import decode
    with Store.open(db_path) as st:
        hh = st.insert("household", {"name": "戊", "id_number": fake_id()})
        raw = st.db.execute("SELECT * FROM household WHERE id = ?", [hh]).fetchone()
        cols = [d[0] for d in st.db.execute("SELECT * FROM household LIMIT 0").description]
        row = dict(zip(cols, raw))
        assert decode(s.HOUSEHOLD, row)["id_number"] == fake_id()
    assert crypto.is_locked(decode(s.HOUSEHOLD, row)["id_number"])
