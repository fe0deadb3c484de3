"""Upgrades keep a year's records: the file each released schema version made (tests/fixtures/schema_v<N>, made
once by that release's own code and committed) opens with today's code, is backed up first, reaches the current
schema, and every record, setting and attachment reads back as it was (dates in their stored form, sensitive values
encrypted in the file and decrypting to what they were; the plain 升级前 copy removed once that is verified)."""
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from leifeng_desktop.core import attachments, backup, crypto, migrate_rollups, migrate_tallies, sealed, values
from leifeng_desktop.core import migrations as mig
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.migrate_lists import derived_tables
from leifeng_desktop.core.settings import CAMPAIGN
from leifeng_desktop.core.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VERSIONS = sorted(FIXTURES.glob("schema_v*"), key=lambda p: int(p.name.removeprefix("schema_v")))

# A later step that renames a column adds it here ((table, old name): new name); a removed one goes in REMOVED.
RENAMED: dict[tuple[str, str], str] = {}
REMOVED: set[tuple[str, str]] = set()


def read_file(db_file: Path) -> dict[str, dict]:
    """{table: {key: {column: value}}} of every table of the file but the steps' own (settings by key, records
    by id, anything else by rowid)."""
    conn = sqlite3.connect(db_file)
    conn.row_factory = sqlite3.Row
    try:   # m009's, m012's and m013's tables follow the records
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite%' AND name != '_sqlite_migrations'")
                  if r[0] not in derived_tables() | migrate_tallies.NAMES | migrate_rollups.NAMES]
        out = {}
        for t in tables:
            columns = {r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')}
            key = "key" if t == "settings" else "id" if "id" in columns else "rowid"
            out[t] = {r[key]: dict(r) for r in conn.execute(f'SELECT rowid, * FROM "{t}"')}
            for row in out[t].values():
                row.pop("rowid", None)
        return out
    finally:
        conn.close()


def applied(db_file: Path) -> list[str]:
    conn = sqlite3.connect(db_file)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    finally:
        conn.close()


def stored_form(table: str, column: str, value):
    """A value as the current version keeps it: dates, months and times zero-padded, the rest untouched."""
    rt = s.RECORD_TYPES.get(table)
    f = next((f for f in rt.fields if f.key == column), None) if rt else None
    if f is not None and f.type in s.DATE_TYPES and isinstance(value, str):
        return values.iso(f.type, value) or value
    return value


def expected_setting(key: str, raw: str) -> str:
    f = next((f for f in CAMPAIGN.fields if f.key == key), None)
    value = json.loads(raw)
    if f is not None and f.type in s.DATE_TYPES and isinstance(value, str):
        return json.dumps(values.iso(f.type, value) or value)
    return raw


def attachment_files(db_file: Path) -> dict[str, str]:
    """{path inside the attachments folder: sha256 of its bytes}."""
    folder = db_file.with_name(f"{db_file.stem}.附件")
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


@pytest.fixture(params=VERSIONS, ids=lambda p: p.name)
def old_file(request, tmp_path):
    """A copy of a released version's file (and its attachments), with what it held before the upgrade."""
    folder = shutil.copytree(request.param, tmp_path / request.param.name)
    db_file = folder / "leifeng.db"
    about = json.loads((folder / "fixture.json").read_text(encoding="utf-8"))
    return db_file, about, read_file(db_file), attachment_files(db_file)


def test_each_fixture_is_what_its_release_made(old_file):
    db_file, about, before, _ = old_file
    assert applied(db_file) == about["steps"] == mig.known_names()[:about["schema_version"]]
    assert about["schema_version"] < mig.SCHEMA_VERSION
    assert all(before[t] for t in before if t in s.RECORD_TYPES), "every record table of the fixture has rows"


def test_an_old_file_reaches_the_current_schema(old_file):
    db_file, _, _, _ = old_file
    with Store.open(db_file) as st:
        assert st.schema_version == mig.SCHEMA_VERSION
        assert mig.differences(st.db) == []
        assert st.integrity_check() == []
        assert mig.broken_references(st.db) == set()
    assert applied(db_file) == mig.known_names()


def test_every_record_and_setting_is_kept(old_file):
    db_file, _, before, _ = old_file
    with Store.open(db_file) as st:
        keys = st.keys
    after = read_file(db_file)
    padded = 0
    for table, rows in before.items():
        assert set(after[table]) >= set(rows) if table == "settings" else set(after[table]) == set(rows), table
        for key, row in rows.items():
            now = after[table][key]
            if table == "settings":
                assert now["value"] == expected_setting(key, row["value"]), key
                padded += now["value"] != row["value"]
                continue
            for column, value in row.items():
                if (table, column) in REMOVED:
                    continue
                new = now[RENAMED.get((table, column), column)]
                rt = s.RECORD_TYPES.get(table)
                if rt is not None and column in rt.sensitive_keys and value not in (None, ""):
                    assert crypto.is_encrypted(new), (table, key, column)
                    new = sealed.open_value(rt, rt.field(column), new, [keys])
                assert new == stored_form(table, column, value), (table, key, column)
                padded += new != value
    assert padded, "the fixture's unpadded dates were rewritten in the stored form"


def test_new_columns_get_their_defaults(old_file):
    db_file, _, before, _ = old_file
    with Store.open(db_file) as st:
        for table in (t for t in before if t in s.RECORD_TYPES):
            old_columns = {RENAMED.get((table, c), c) for row in before[table].values() for c in row}
            info = {r[1]: r[4] for r in st.db.execute(f'PRAGMA table_info("{table}")')}
            for column in set(info) - old_columns:
                default = info[column]
                got = {r[0] for r in st.db.execute(f'SELECT DISTINCT "{column}" FROM "{table}"')}
                if column == "revision":   # raised once per padded date or encrypted value of it or its child rows
                    assert all(isinstance(v, int) and v >= 1 for v in got), table
                    sealed_too = [rt for rt in (s.RECORD_TYPES[table], *s.children_of(table)) if rt.sensitive_keys]
                    assert 1 in got or sealed_too, table
                elif column.endswith(s.SHADOW_SUFFIXES):   # keyed hashes where the value is, else none
                    field = column.rsplit("__", 1)[0]
                    missing = st.db.execute(f'SELECT COUNT(*) FROM "{table}" WHERE ("{field}" IS NOT NULL AND '
                                            f'"{field}" != \'\') != ("{column}" IS NOT NULL)').fetchone()[0]
                    assert missing == 0 or column.endswith("__tail"), (table, column)
                else:
                    assert got == {None if default is None else json.loads(default.strip("'"))}, (table, column)


def test_attachments_are_intact(old_file):
    db_file, about, _, files = old_file
    if about["schema_version"] < 3:
        assert files == {}
        return
    with Store.open(db_file) as st:
        records = st.rows("attachment")
        assert records and all(attachments.exists(st, r) for r in records)
        assert {attachments.file_path(st, r).name for r in records} == {Path(p).name for p in files}
    assert attachment_files(db_file) == files
    assert all(Path(path).stem == digest for path, digest in files.items())


def test_the_upgrade_is_backed_up_first(old_file, monkeypatch):
    db_file, about, before, files = old_file
    made = []

    def spy(path):   # the copy as it was when the upgrade began (it is removed once the encrypted file verifies)
        copy = backup.backup_before(path, backup.UPGRADE, "为保护数据未作任何修改")
        made.append((copy, read_file(copy.path), applied(copy.path)))
        return copy
    monkeypatch.setattr(backup, "backup_before_upgrade", spy)
    with Store.open(db_file) as st:
        notice = st.notice
    [(copy, kept, steps)] = made
    assert copy.reason == "升级前" and copy.ok
    assert steps == about["steps"]
    assert {t: kept[t] for t in before} == before
    assert copy.counts and all(copy.counts.get(t, 0) == len(before[t]) for t in copy.counts if t in before)
    if files:
        assert copy.attachments == len(files)
    assert not copy.path.exists() and backup.list_backups(db_file) == []   # it held every value in plain
    assert notice and "已加密" in notice and copy.path.name in notice
    with Store.open(db_file) as st:   # nothing pending any more: no second copy, nothing to tell
        assert st.notice is None
    assert backup.list_backups(db_file) == []


def test_an_upgraded_file_is_used_as_any_other(old_file):
    db_file, _, before, _ = old_file
    with Store.open(db_file) as st:
        team = st.rows("team")[0]
        st.update("team", team["id"], {"note": "升级后修改"}, expected_revision=team["revision"])
        st.insert("member", {"team_id": team["id"], "name": "升级后新队员"})
        now = st.get("team", team["id"])
        assert now is not None and now["note"] == "升级后修改" and now["revision"] == team["revision"] + 2
        assert st.count("member") == len(before["member"]) + 1
